"""Sending: the worker hands each queued e-mail to a real SMTP conversation (a small server on
loopback stands in for the mail server), tries again after 1, 5 and 30 minutes when the
server is away or says "later", fails at once when it says "never", and a failure shows on the
ticket's page in the workspace in the agent's language."""

from __future__ import annotations

import datetime
import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest
import time_machine
from django.core import mail
from huey.contrib.djhuey import HUEY

from deskline.core.time import now
from deskline.mail import sending, tasks
from deskline.mail.models import EmailStatus, OutboundEmail
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk, build_helpdesk

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


class SmtpServer(socketserver.ThreadingTCPServer):
    """Speaks just enough SMTP; `rcpt_reply` and `data_reply` say how it answers."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SmtpHandler)
        self.rcpt_reply = "250 OK"
        self.data_reply = "250 OK queued"
        self.received: list[bytes] = []


class SmtpHandler(socketserver.StreamRequestHandler):
    server: SmtpServer

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 test ESMTP")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 test")
            elif verb == b"MAIL":
                self.reply("250 OK")
            elif verb == b"RCPT":
                self.reply(self.server.rcpt_reply)
            elif verb == b"DATA":
                self.reply("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                self.server.received.append(data)
                self.reply(self.server.data_reply)
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    server = SmtpServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.server_address[:2]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def helpdesk() -> Helpdesk:
    return build_helpdesk()


def queued_receipt(helpdesk: Helpdesk, django_capture_on_commit_callbacks) -> OutboundEmail:
    """A request raised at START, whose receipt to Alice is written; its first attempt is
    made by the job queued after the commit."""
    with time_machine.travel(START, tick=False), django_capture_on_commit_callbacks(execute=True):
        make_ticket(desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset)
    return OutboundEmail.objects.get(kind="request_received")


def attempt(email_id: int, at: datetime.datetime | None = None) -> OutboundEmail:
    email = sending.outbound_send(email_id, at=at)
    assert email is not None
    return email


def ticket_key(email: OutboundEmail) -> str:
    assert email.ticket is not None
    return email.ticket.key


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_email_goes_out_over_smtp_once(helpdesk, smtp, django_capture_on_commit_callbacks):
    email = queued_receipt(helpdesk, django_capture_on_commit_callbacks)

    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 1, "")
    assert len(smtp.received) == 1
    assert f"Message-ID: <{email.message_id}>".encode() in smtp.received[0]
    # Running the job again (a retry of the queue, the sweep) sends nothing twice.
    tasks.outbound_email_send(email.pk)
    sending.outbound_send(email.pk)
    assert len(smtp.received) == 1


def test_a_server_that_says_later_is_tried_after_1_5_and_30_minutes_then_failed(
    helpdesk, smtp, django_capture_on_commit_callbacks
):
    smtp.data_reply = "451 4.3.0 Try again later"
    email = queued_receipt(helpdesk, django_capture_on_commit_callbacks)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)
    assert email.next_attempt_at == START + datetime.timedelta(minutes=1)
    assert email.last_error == "451 4.3.0 Try again later"
    # The job put itself back on the queue for then.
    assert [task.eta for task in HUEY.scheduled()] == [
        (START + datetime.timedelta(minutes=1)).replace(tzinfo=None)
    ]

    # Not before it is due
    assert attempt(email.pk, START + datetime.timedelta(seconds=59)).attempts == 1

    waits = []
    at = START
    for expected_wait in (1, 5, 30):
        at = at + datetime.timedelta(minutes=expected_wait)
        email = attempt(email.pk, at)
        waits.append(expected_wait)
        if email.status != EmailStatus.QUEUED:
            break
        assert email.next_attempt_at == at + sending.RETRY_DELAYS[email.attempts - 1]

    assert waits == [1, 5, 30]
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 4)
    assert email.next_attempt_at is None
    assert email.last_error == "451 4.3.0 Try again later"
    assert len(smtp.received) == 4


def test_a_permanent_refusal_fails_at_once(helpdesk, smtp, django_capture_on_commit_callbacks):
    smtp.rcpt_reply = "550 5.1.1 <alice@acme.example>: user unknown"
    email = queued_receipt(helpdesk, django_capture_on_commit_callbacks)

    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 1)
    assert email.last_error == "550 5.1.1 <alice@acme.example>: user unknown"
    assert HUEY.scheduled() == []


def test_a_server_that_is_away_is_tried_again_and_the_sweep_finds_it(
    helpdesk, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    email = queued_receipt(helpdesk, django_capture_on_commit_callbacks)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)
    assert email.last_error.startswith("ConnectionRefusedError")

    # The server is back; the scheduled job was lost (say the queue was flushed)
    HUEY.flush()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(START + datetime.timedelta(minutes=2), tick=False):
        assert sending.outbound_due() == [email.pk]
        tasks.outbound_emails_due.call_local()

    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 2)
    assert [message.to for message in mail.outbox] == [["alice@acme.example"]]


def test_an_email_another_worker_claimed_is_left_to_it(helpdesk, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    email = OutboundEmail.objects.create(
        ticket=ticket,
        to_address="alice@acme.example",
        kind="request_received",
        subject="s",
        text_body="t",
        message_id="deskline.x.1@acme.example",
        attempts=1,
        next_attempt_at=now() + sending.CLAIM_LEASE,  # claimed, being sent elsewhere
    )

    assert attempt(email.pk).attempts == 1
    assert mail.outbox == []


def test_one_failing_mailbox_does_not_stop_the_others(
    helpdesk, smtp, django_capture_on_commit_callbacks
):
    smtp.rcpt_reply = "550 5.1.1 user unknown"
    queued_receipt(helpdesk, django_capture_on_commit_callbacks)
    smtp.rcpt_reply = "250 OK"
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(desk=helpdesk.it, reporter=helpdesk.bob, request_type=helpdesk.password_reset)

    assert dict(OutboundEmail.objects.values_list("to_address", "status")) == {
        "alice@acme.example": "failed",
        "bob@acme.example": "sent",
    }


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "E-mail to alice@acme.example failed: 550 5.1.1 user unknown"),
     ("zh-hans", "发送到 alice@acme.example 的邮件失败：550 5.1.1 user unknown")],
)  # fmt: skip
def test_a_failed_email_shows_on_the_ticket_in_the_workspace(
    helpdesk, smtp, client, django_capture_on_commit_callbacks, language, expected
):
    smtp.rcpt_reply = "550 5.1.1 user unknown"
    email = queued_receipt(helpdesk, django_capture_on_commit_callbacks)
    helpdesk.li.locale = language
    helpdesk.li.save(update_fields=["locale"])
    client.force_login(helpdesk.li)

    page = client.get(f"/agent/tickets/{ticket_key(email)}/", HTTP_ACCEPT_LANGUAGE=language)

    assert page.status_code == 200
    assert expected in page.content.decode()


def test_a_ticket_whose_emails_went_out_shows_no_failure(
    helpdesk, smtp, client, django_capture_on_commit_callbacks
):
    email = queued_receipt(helpdesk, django_capture_on_commit_callbacks)
    client.force_login(helpdesk.li)
    page = client.get(f"/agent/tickets/{ticket_key(email)}/")
    assert "failed:" not in page.content.decode()
    assert 'class="email-failures"' not in page.content.decode()


def test_site_admins_read_the_outbox_in_the_admin_and_cannot_edit_it(
    helpdesk, smtp, client, django_capture_on_commit_callbacks
):
    smtp.rcpt_reply = "550 5.1.1 user unknown"
    email = queued_receipt(helpdesk, django_capture_on_commit_callbacks)
    client.force_login(helpdesk.admin)

    listing = client.get("/admin/mail/outboundemail/?status=failed")
    detail = client.get(f"/admin/mail/outboundemail/{email.pk}/change/")
    edit = client.post(f"/admin/mail/outboundemail/{email.pk}/change/", {"status": "queued"})

    assert listing.status_code == 200
    assert "alice@acme.example" in listing.content.decode()
    assert detail.status_code == 200
    assert "550 5.1.1 user unknown" in detail.content.decode()
    assert edit.status_code == 403
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
