"""`deskline token create|list|revoke`: API tokens from the command line.

`create --email E [--name N] [--expires-in-days D]` prints the new token, and only it, on stdout
(scripts read it). `list [--email E]` prints one line per token, never the token itself: its
id, prefix, owner, name and dates. `revoke ID|PREFIX` revokes one token.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from deskline.accounts.actions import api_token_create, api_token_revoke
from deskline.accounts.models import ApiToken, User
from deskline.accounts.selectors import api_token_list
from deskline.core.time import now

MAX_DAYS = 3650


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else "-"


class Command(BaseCommand):
    help = "Manage API tokens: create (prints the token), list, revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it.")
        create.add_argument("--email", required=True, help="The user's e-mail address.")
        create.add_argument("--name", default="", help="What the token is for.")
        create.add_argument(
            "--expires-in-days",
            type=int,
            default=None,
            help=f"Refuse the token after this many days (1 to {MAX_DAYS}); never by default.",
        )
        listing = sub.add_parser("list", help="List tokens (never the tokens themselves).")
        listing.add_argument("--email", default=None, help="Only this user's tokens.")
        revoke = sub.add_parser("revoke", help="Revoke a token by its id or its prefix.")
        revoke.add_argument("token", help="The id or the prefix (e.g. dl_AbC1234) of the token.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            self._list(options)
        else:
            self._revoke(options["token"])

    def _user(self, email: str) -> User:
        cleaned = email.strip().lower()
        user = User.objects.filter(email=cleaned).first()
        if user is None:
            raise CommandError(f"No user has the e-mail address {cleaned!r}.")
        return user

    def _create(self, options: dict[str, Any]) -> None:
        days = options["expires_in_days"]
        if days is not None and not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--expires-in-days must be from 1 to {MAX_DAYS}; got {days}.")
        user = self._user(options["email"])
        if not user.is_active:
            raise CommandError(f"The user {user.email!r} is deactivated.")
        expires_at = now() + timedelta(days=days) if days is not None else None
        _token, raw = api_token_create(user=user, name=options["name"], expires_at=expires_at)
        self.stdout.write(raw)

    def _list(self, options: dict[str, Any]) -> None:
        user = self._user(options["email"]) if options["email"] else None
        moment = now()
        self.stdout.write("id\tprefix\tuser\tname\tcreated\tlast used\texpires")
        for token in api_token_list(user=user):
            expires = _when(token.expires_at)
            if token.expires_at is not None and token.expires_at <= moment:
                expires += " (expired)"
            self.stdout.write(
                "\t".join(
                    [
                        str(token.pk),
                        token.prefix,
                        token.user.email,
                        token.name or "-",
                        _when(token.created_at),
                        _when(token.last_used_at),
                        expires,
                    ]
                )
            )

    def _revoke(self, given: str) -> None:
        given = given.strip().removesuffix("…")
        found: list[ApiToken]
        if given.isdigit() and int(given) < 2**63:
            found = list(ApiToken.objects.select_related("user").filter(pk=int(given)))
        else:
            found = list(ApiToken.objects.select_related("user").filter(prefix=given))
        if not found:
            raise CommandError(f"No token has the id or prefix {given!r}.")
        if len(found) > 1:
            ids = ", ".join(str(token.pk) for token in found)
            raise CommandError(
                f"Several tokens have the prefix {given!r} (ids {ids}): give the id."
            )
        token = found[0]
        api_token_revoke(token=token)
        self.stdout.write(f"Revoked token {token.prefix}… of {token.user.email}.")
