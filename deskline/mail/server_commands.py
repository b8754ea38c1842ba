"""The `smtpd` and `fetch` subcommands of `deskline mail` (the receiver and the IMAP poller).

`deskline mail smtpd [--host H] [--port P]` runs the SMTP receiver until stopped.
`deskline mail fetch [--mailbox ADDRESS] [--idle] [--rounds N]` fetches the active IMAP mailboxes
once, or with `--idle` keeps one mailbox's connection and waits with IMAP IDLE (polling every
minute where the server has no IDLE). It prints one line per fetch.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandError, OutputWrapper

from deskline.mail.imap import FetchResult, imap_mailboxes, mailbox_fetch, mailbox_watch
from deskline.mail.smtpd import smtpd_serve


def add_server_subcommands(subcommands: Any) -> None:
    """Add `smtpd` and `fetch` to the subparsers of `deskline mail`."""
    smtpd = subcommands.add_parser("smtpd", help="Receive mail for the mailboxes over SMTP.")
    smtpd.add_argument("--host", default="127.0.0.1")
    smtpd.add_argument("--port", type=int, default=8025)
    fetch = subcommands.add_parser("fetch", help="Fetch new mail of the IMAP mailboxes.")
    fetch.add_argument("--mailbox", help="The address of one mailbox (default: every IMAP one).")
    fetch.add_argument(
        "--idle", action="store_true", help="Keep fetching; wait with IMAP IDLE in between."
    )
    fetch.add_argument("--idle-timeout", type=float, default=300, help=argparse.SUPPRESS)
    fetch.add_argument(
        "--rounds", type=int, default=None, help="With --idle: stop after N fetches."
    )


def _line(address: str, result: FetchResult) -> str:
    if result.ok:
        more = " (more waiting)" if result.remaining else ""
        return f"{address}: {result.stored} stored{more}"
    return f"{address}: failed {result.error}"


def handle_smtpd(options: dict[str, Any], stdout: OutputWrapper) -> None:
    host, port = options["host"], options["port"]
    if not 0 < port < 65536:
        raise CommandError("--port must be between 1 and 65535.")
    smtpd_serve(host, port, ready=lambda: stdout.write(f"SMTP receiver on {host}:{port}"))


def handle_fetch(options: dict[str, Any], stdout: OutputWrapper) -> int:
    """Returns the number of failed fetches (the command's exit status is 1 when any failed)."""
    mailboxes = imap_mailboxes()
    if options.get("mailbox"):
        wanted = options["mailbox"].strip().lower()
        mailboxes = [m for m in mailboxes if m.address.lower() == wanted]
        if not mailboxes:
            raise CommandError(f"No active IMAP mailbox has the address {options['mailbox']}.")
    if options.get("idle"):
        if len(mailboxes) != 1:
            raise CommandError("--idle watches one mailbox: name it with --mailbox.")
        failures = 0

        def report(result: FetchResult) -> None:
            nonlocal failures
            failures += not result.ok
            stdout.write(_line(mailboxes[0].address, result))

        mailbox_watch(
            mailboxes[0],
            idle=True,
            idle_timeout=options["idle_timeout"],
            rounds=options.get("rounds"),
            on_result=report,
        )
        return failures
    failures = 0
    for mailbox in mailboxes:
        result = mailbox_fetch(mailbox)
        failures += not result.ok
        stdout.write(_line(mailbox.address, result))
    return failures
