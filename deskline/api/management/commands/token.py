"""`deskline token create --email E`: print a new API token for that user on stdout."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from deskline.accounts.actions import api_token_create
from deskline.accounts.models import User


class Command(BaseCommand):
    help = "Manage API tokens. `token create --email E` prints a new token for that user."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it.")
        create.add_argument("--email", required=True, help="The user's e-mail address.")
        create.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"No user has the e-mail address {email!r}.")
        if not user.is_active:
            raise CommandError(f"The user {email!r} is deactivated.")
        _token, raw = api_token_create(user=user, name=options["name"])
        self.stdout.write(raw)
