"""The SMTP receiver, `deskline mail smtpd`: mail routed straight to Deskline becomes tickets.

An aiosmtpd server that accepts a recipient only when it is the address of an active mailbox
(a `+tag` in the local part is ignored), answers 550 to any other, refuses a message larger than
`DESKLINE_SMTPD_MAX_BYTES` (552, announced in EHLO SIZE), and answers 250 to DATA only after
`inbound.receive()` has stored the message: when storing fails the sender hears 451 and tries
again later, so a message is never acknowledged and lost.

The database is used from a worker thread (Django's ORM is synchronous), one call at a time.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection

if TYPE_CHECKING:
    from deskline.mail.models import InboundMessage, Mailbox

    Store = Callable[..., InboundMessage]

logger = logging.getLogger(__name__)


def max_message_bytes() -> int:
    """The largest message the receiver accepts (`DESKLINE_SMTPD_MAX_BYTES`)."""
    return int(getattr(settings, "DESKLINE_SMTPD_MAX_BYTES", 40 * 1024 * 1024))


def _mailbox_for(address: str) -> Mailbox | None:
    from deskline.mail.inbound import mailbox_for_recipients

    try:
        mailbox = mailbox_for_recipients([address])
    finally:
        connection.close()  # the receiver's thread keeps no connection between commands
    return mailbox if mailbox is not None and mailbox.is_active else None


def _store(store: Store | None, raw: bytes, recipients: Sequence[str]) -> InboundMessage:
    from deskline.mail.inbound import mailbox_for_recipients, receive

    try:
        mailbox = mailbox_for_recipients(list(recipients))
        return (store or receive)(raw, mailbox=mailbox, source="smtp", recipients=list(recipients))
    finally:
        connection.close()


class DesklineHandler:
    """aiosmtpd handler: RCPT TO checked against the mailboxes, DATA stored by `receive()`."""

    def __init__(self, store: Store | None = None) -> None:
        self.store = store

    async def handle_RCPT(  # aiosmtpd's hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        try:
            mailbox = await sync_to_async(_mailbox_for, thread_sensitive=True)(address)
        except Exception:
            logger.exception("smtpd: looking up the mailbox of %s failed", address)
            return "451 4.3.0 Temporary failure; try again later"
        if mailbox is None:
            return "550 5.1.1 No mailbox here by that address"
        envelope.rcpt_tos.append(address.lower())
        return "250 2.1.5 OK"

    async def handle_DATA(  # aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            message = await sync_to_async(_store, thread_sensitive=True)(
                self.store, bytes(raw), list(envelope.rcpt_tos)
            )
        except Exception:
            logger.exception("smtpd: storing a message for %s failed", envelope.rcpt_tos)
            return "451 4.3.0 The message could not be stored; try again later"
        logger.info("smtpd: stored message %s for %s", message.pk, envelope.rcpt_tos)
        return "250 2.0.0 Message stored"


class _Controller(Controller):
    def __init__(self, handler: DesklineHandler, *, host: str, port: int, server_name: str | None):
        super().__init__(handler, hostname=host, port=port)
        self.server_name = server_name

    def factory(self) -> SMTP:
        return SMTP(
            self.handler,
            data_size_limit=max_message_bytes(),
            enable_SMTPUTF8=True,
            hostname=self.server_name,
            ident="Deskline",
        )


def smtpd_controller(
    host: str, port: int, *, store: Store | None = None, hostname: str | None = None
) -> Controller:
    """An SMTP receiver listening on host:port (not started: call `.start()` and `.stop()`)."""
    name = hostname or getattr(settings, "DESKLINE_SMTPD_HOSTNAME", "") or None
    return _Controller(DesklineHandler(store), host=host, port=port, server_name=name)


def smtpd_serve(host: str, port: int, *, ready: Callable[[], Any] | None = None) -> None:
    """Run the SMTP receiver until SIGINT or SIGTERM (`deskline mail smtpd`)."""
    controller = smtpd_controller(host, port)
    stopped = threading.Event()
    previous = {
        signum: signal.signal(signum, lambda *_args: stopped.set())
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    controller.start()
    try:
        if ready:
            ready()
        while not stopped.wait(1):
            pass
    finally:
        controller.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
