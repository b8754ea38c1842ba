"""`deskline mail ingest|retry|smtpd|fetch`: mail in from the command line.

`ingest --desk KEY [--mailbox ADDRESS] FILE...` feeds .eml files and mbox files (a file whose
first line starts with "From ") through the same pipeline as a mailbox (`mail.inbound.receive`,
source "file"; "-" reads one message from stdin). Stdout gets one line per message, its
Message-ID (or "sha256:<hex>" without one) and then `ticket KEY`, `comment KEY`,
`ignored REASON` or `failed REASON`. Stderr gets the progress through a big mbox and, at the
end, the summary (tickets, comments, ignored, failed). A file that cannot be read is named on
stderr and the others are still ingested; the exit status is then 1. With
`--no-notifications` nobody is e-mailed about the tickets and comments made (an archive being
imported; the workspace still lists the notifications).

`retry [--failed] [ID...]` processes again the messages a crash left "received" (with
`--failed`, the failed ones too; with ids, exactly those), printing the same lines.

`smtpd` (the SMTP receiver) and `fetch` (the IMAP poller): see `mail/server_commands.py`.
"""

from __future__ import annotations

import mailbox as mbox_format
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from deskline.mail.inbound import describe, inbound_retry, inbound_unfinished_process, receive
from deskline.mail.models import InboundMessage, Mailbox
from deskline.mail.models.inbound import MessageSource, MessageStatus
from deskline.mail.server_commands import add_server_subcommands, handle_fetch, handle_smtpd
from deskline.tickets.deliveries import deliveries_held_back

PROGRESS_EVERY_SECONDS = 2.0


class Command(BaseCommand):
    help = "Mail in: ingest .eml and mbox files, retry unfinished messages."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        ingest = sub.add_parser(
            "ingest", help="Feed .eml or mbox files through the mail pipeline of a desk."
        )
        ingest.add_argument("--desk", required=True, help="The desk's key, e.g. IT.")
        ingest.add_argument(
            "--mailbox",
            default=None,
            help="The address of the desk's mailbox to receive as (when it has several).",
        )
        ingest.add_argument(
            "--no-notifications",
            action="store_true",
            help="E-mail nobody about what the messages make (importing an archive).",
        )
        ingest.add_argument(
            "files", nargs="+", metavar="FILE", help=".eml or mbox files; - is stdin"
        )
        retry = sub.add_parser("retry", help="Process unfinished (or failed) messages again.")
        retry.add_argument("--failed", action="store_true", help="Retry failed messages too.")
        retry.add_argument("ids", nargs="*", type=int, metavar="ID", help="Only these messages.")
        add_server_subcommands(sub)  # smtpd, fetch (mail/server_commands.py)

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand == "ingest":
            quiet = deliveries_held_back() if options["no_notifications"] else nullcontext()
            with quiet:
                self._ingest(options["desk"], options["mailbox"], options["files"])
        elif subcommand == "retry":
            self._retry(options["failed"], options["ids"])
        elif subcommand == "smtpd":
            handle_smtpd(options, self.stdout)
        elif subcommand == "fetch" and handle_fetch(options, self.stdout):
            sys.exit(1)

    # ingest ------------------------------------------------------------------------------

    def _ingest(self, desk_key: str, address: str | None, files: list[str]) -> None:
        mailbox = _mailbox(desk_key, address)
        totals: Counter[str] = Counter()
        unreadable: list[str] = []
        for name in files:
            try:
                messages = _messages(name)
                self._ingest_file(name, messages, mailbox, totals)
            except OSError as error:
                unreadable.append(name)
                self.stderr.write(
                    _("Cannot read %(file)s: %(error)s")
                    % {"file": name, "error": error.strerror or error}
                )
        self.stderr.write(_summary(totals))
        if unreadable:
            raise CommandError(
                _("%(count)d file(s) could not be read: %(files)s")
                % {"count": len(unreadable), "files": ", ".join(unreadable)}
            )

    def _ingest_file(
        self,
        name: str,
        messages: tuple[int | None, Iterator[bytes]],
        mailbox: Mailbox,
        totals: Counter[str],
    ) -> None:
        count, raws = messages
        shown_at = time.monotonic()
        for done, raw in enumerate(raws, start=1):
            message = receive(raw, mailbox=mailbox, source=MessageSource.FILE)
            self._line(message)
            totals[_kind(message)] += 1
            if count and time.monotonic() - shown_at >= PROGRESS_EVERY_SECONDS:
                shown_at = time.monotonic()
                self.stderr.write(
                    _("%(file)s: %(done)d of %(count)d messages")
                    % {"file": name, "done": done, "count": count}
                )

    def _line(self, message: InboundMessage) -> None:
        self.stdout.write(f"{message.message_id or message.dedupe_key} {describe(message)}")

    # retry -------------------------------------------------------------------------------

    def _retry(self, include_failed: bool, ids: list[int]) -> None:
        totals: Counter[str] = Counter()
        if ids:
            found = {message.pk: message for message in InboundMessage.objects.filter(pk__in=ids)}
            missing = [str(pk) for pk in ids if pk not in found]
            if missing:
                raise CommandError(_("No such message: %(ids)s") % {"ids": ", ".join(missing)})
            done = [inbound_retry(found[pk]) for pk in ids]
        else:
            done = inbound_unfinished_process(include_failed=include_failed)
        for message in done:
            self._line(message)
            totals[_kind(message)] += 1
        self.stderr.write(_summary(totals))


def _mailbox(desk_key: str, address: str | None) -> Mailbox:
    mailboxes = Mailbox.objects.filter(desk__key=desk_key.strip().upper(), is_active=True)
    if address:
        mailboxes = mailboxes.filter(address=address.strip().lower())
    found = mailboxes.select_related("desk").order_by("id").first()
    if found is None:
        raise CommandError(
            _("The desk %(desk)s has no active mailbox%(address)s: add one in the admin.")
            % {"desk": desk_key, "address": f" {address}" if address else ""}
        )
    return found


def _messages(name: str) -> tuple[int | None, Iterator[bytes]]:
    """How many messages the file holds (when it is an mbox) and the messages' bytes."""
    if name == "-":
        data = sys.stdin.buffer.read()
        return 1, iter([data])
    path = Path(name)
    with path.open("rb") as file:
        first = file.readline()
    if not first.startswith(b"From "):
        return 1, iter([path.read_bytes()])
    box = mbox_format.mbox(path, create=False)
    keys = list(box.iterkeys())
    return len(keys), (box.get_bytes(key) for key in keys)


def _kind(message: InboundMessage) -> str:
    if message.status == MessageStatus.PROCESSED:
        return "comments" if message.outcome == "comment" else "tickets"
    if message.status in (MessageStatus.IGNORED, MessageStatus.REFUSED):
        return "ignored"
    if message.status == MessageStatus.FAILED:
        return "failed"
    return "received"


def _summary(totals: Counter[str]) -> str:
    text = _(
        "%(messages)d messages: %(tickets)d tickets, %(comments)d comments, "
        "%(ignored)d ignored, %(failed)d failed"
    ) % {
        "messages": sum(totals.values()),
        "tickets": totals["tickets"],
        "comments": totals["comments"],
        "ignored": totals["ignored"],
        "failed": totals["failed"],
    }
    if totals["received"]:
        text += _(", %(count)d not processed yet") % {"count": totals["received"]}
    return text
