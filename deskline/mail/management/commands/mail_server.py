"""Until `deskline mail` (part "in") exists: `deskline mail_server smtpd|fetch ...`.

Folded into `deskline mail` when that command lands; see `mail/server_commands.py`."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from deskline.mail.server_commands import add_server_subcommands, handle_fetch, handle_smtpd


class Command(BaseCommand):
    help = "Receive mail over SMTP or fetch it from the IMAP mailboxes."

    def add_arguments(self, parser: CommandParser) -> None:
        add_server_subcommands(parser.add_subparsers(dest="subcommand", required=True))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "smtpd":
            handle_smtpd(options, self.stdout)
        elif handle_fetch(options, self.stdout):
            sys.exit(1)
