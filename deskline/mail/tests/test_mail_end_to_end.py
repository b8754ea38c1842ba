"""Mail through a real mail server: a customer's mail client sends with smtplib to Postfix,
which delivers by LMTP to Dovecot; Deskline's IMAP poller (as the worker runs it) fetches it and
it becomes a ticket, and the customer's reply threads onto the same ticket. Postfix can also
route a domain straight to `deskline mail smtpd`.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage

import pytest
import time_machine
from django.utils import timezone

from deskline.mail import smtpd
from deskline.mail.models import InboundMessage, Mailbox
from deskline.mail.models.inbound import MessageStatus
from deskline.mail.tasks import mail_fetch
from deskline.testing.mailserver import MailServer
from deskline.testing.processes import free_port, wait_until
from deskline.testing.scenario import Helpdesk, build_helpdesk
from deskline.tickets.models import Comment, Ticket

pytestmark = pytest.mark.django_db
PASSWORD = "desk-Imap-pass"


@pytest.fixture
def helpdesk() -> Helpdesk:
    return build_helpdesk()


@pytest.fixture
def mailbox(mail_server: MailServer, helpdesk: Helpdesk) -> Mailbox:
    user = f"it-{time.monotonic_ns()}"
    address = mail_server.add_user(user, PASSWORD)
    return Mailbox.objects.create(
        desk=helpdesk.it,
        name="IT",
        address=address,
        request_type=helpdesk.password_reset,
        kind="imap",
        imap_host="127.0.0.1",
        imap_port=mail_server.imap_port,
        imap_security="none",
        imap_username=address,
        imap_secret=PASSWORD,
    )


def customer_mail(to: str, subject: str, body: str, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Alice <alice@acme.example>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate(localtime=False)
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def next_minute(job: Callable[[], None], minutes: int = 1) -> None:
    """Run the worker's job as it runs a minute (or more) later."""
    with time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=True):
        job()


def send_and_wait(server: MailServer, mailbox: Mailbox, message: EmailMessage) -> None:
    user = mailbox.address.split("@")[0]
    before = server.maildir_count(user)
    server.send(message, sender="alice@acme.example", recipients=[mailbox.address])
    server.wait_for_delivery(user, before + 1)


def test_a_new_request_and_the_customers_reply_through_postfix_and_dovecot(
    mail_server: MailServer, mailbox: Mailbox, helpdesk: Helpdesk
) -> None:
    # A customer writes to the desk's address from her mail client.
    first = customer_mail(
        mailbox.address,
        "Cannot sign in to the VPN",
        "Since this morning the VPN says my password is wrong.\n",
        Message_ID="<vpn-1@acme.example>",
    )
    send_and_wait(mail_server, mailbox, first)

    # The worker's minute job polls the mailbox.
    mail_fetch.call_local()

    ticket = Ticket.objects.get()
    assert (ticket.desk, ticket.request_type, ticket.reporter) == (
        helpdesk.it,
        helpdesk.password_reset,
        helpdesk.alice,
    )
    assert ticket.summary == "Cannot sign in to the VPN"
    assert "the VPN says my password is wrong" in ticket.description
    received = InboundMessage.objects.get()
    assert (received.source, received.status, received.ticket) == (
        "imap",
        MessageStatus.PROCESSED,
        ticket,
    )
    mailbox.refresh_from_db()
    assert (mailbox.last_fetch_ok, mailbox.last_fetch_count, mailbox.imap_last_uid) == (True, 1, 1)

    # She answers her own message (as a reply to the desk's mail would), quoting it.
    reply = customer_mail(
        mailbox.address,
        "Re: Cannot sign in to the VPN",
        "I reset it and it works now, thanks.\n\n"
        "On Fri, 4 Dec 2026 at 09:00, Alice <alice@acme.example> wrote:\n"
        "> Since this morning the VPN says my password is wrong.\n",
        Message_ID="<vpn-2@acme.example>",
        In_Reply_To="<vpn-1@acme.example>",
        References="<vpn-1@acme.example>",
    )
    send_and_wait(mail_server, mailbox, reply)
    next_minute(mail_fetch.call_local)

    assert Ticket.objects.count() == 1
    comment = Comment.objects.get(ticket=ticket)
    assert (comment.author, comment.is_public) == (helpdesk.alice, True)
    assert comment.body == "I reset it and it works now, thanks."
    assert InboundMessage.objects.get(message_id="vpn-2@acme.example").comment == comment

    # Polling again fetches nothing twice.
    next_minute(mail_fetch.call_local, minutes=2)
    assert (Ticket.objects.count(), Comment.objects.count(), InboundMessage.objects.count()) == (
        1,
        1,
        2,
    )


@pytest.mark.django_db(transaction=True)  # the receiver's thread sees committed rows only
def test_mail_that_postfix_routes_to_the_smtp_receiver_becomes_a_ticket(
    mail_server: MailServer, helpdesk: Helpdesk
) -> None:
    port = free_port()
    controller = smtpd.smtpd_controller("127.0.0.1", port)
    controller.start()
    try:
        domain = mail_server.relay_domain_to("127.0.0.1", port)
        Mailbox.objects.create(
            desk=helpdesk.it,
            name="IT direct",
            address=f"it@{domain}",
            request_type=helpdesk.password_reset,
        )
        mail_server.send(
            customer_mail(f"it@{domain}", "Monitor flickers", "The left one.\n"),
            sender="alice@acme.example",
            recipients=[f"it@{domain}"],
        )
        assert wait_until(lambda: Ticket.objects.exists(), within=30), mail_server.log()
    finally:
        controller.stop()
    ticket = Ticket.objects.get()
    assert (ticket.summary, ticket.reporter) == ("Monitor flickers", helpdesk.alice)
    assert InboundMessage.objects.get().source == "smtp"


def test_without_postfix_the_mail_server_fails_naming_the_packages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from deskline.testing import mailserver

    monkeypatch.setattr(mailserver, "POSTFIX", "/nonexistent/sbin/postfix")

    with pytest.raises(mailserver.MailServerMissing) as missing:
        mailserver.start_mail_server()

    assert "missing: /nonexistent/sbin/postfix" in str(missing.value)
    assert "apt-get install -y postfix dovecot-imapd dovecot-lmtpd openssl" in str(missing.value)
    assert "postfix postfix/main_mailer_type select No configuration" in str(missing.value)


def _inbox(server: MailServer, user: str, password: str) -> list[EmailMessage]:
    """Every message in the user's INBOX, read over IMAP as their mail program would."""
    import email
    import email.policy
    import imaplib

    with imaplib.IMAP4(server.host, server.imap_port, timeout=10) as client:
        client.login(server.address(user), password)
        client.select("INBOX", readonly=True)
        _status, found = client.uid("SEARCH", "ALL")
        messages = []
        for uid in found[0].split():
            _status, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next(part[1] for part in data if isinstance(part, tuple))
            parsed = email.message_from_bytes(raw, policy=email.policy.default)
            messages.append(parsed)
        return messages


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def test_the_agents_reply_reaches_the_customers_inbox_and_her_answer_threads_back(
    mail_server: MailServer,
    mailbox: Mailbox,
    helpdesk: Helpdesk,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    # Deskline sends through the same Postfix, which delivers to the customer's Dovecot inbox.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = mail_server.host, mail_server.smtp_port
    customer = f"bob-{time.monotonic_ns()}"
    address = mail_server.add_user(customer, "bob-Imap-pass")
    first = customer_mail(mailbox.address, "Laptop will not charge", "The light stays off.\n")
    first.replace_header("From", f"Bob <{address}>")
    send_and_wait(mail_server, mailbox, first)
    with django_capture_on_commit_callbacks(execute=True):
        mail_fetch.call_local()
    ticket = Ticket.objects.get()
    assert ticket.reporter.email == address  # an unknown sender became a customer

    with django_capture_on_commit_callbacks(execute=True):
        from deskline.tickets.actions import ticket_comment

        ticket_comment(actor=helpdesk.li, ticket=ticket, body="Try the other power supply.")
    mail_server.wait_for_delivery(customer, 2)  # "request received", then the reply

    inbox = _inbox(mail_server, customer, "bob-Imap-pass")
    (answer,) = [m for m in inbox if "Try the other power supply." in _text(m)]
    assert f"[{ticket.key}]" in answer["Subject"]
    assert mailbox.address in answer["Reply-To"]

    # Bob answers from his mail program: "Re:" and the In-Reply-To of the mail he got.
    reply = customer_mail(
        mailbox.address,
        f"Re: {answer['Subject']}",
        f"That worked.\n\nOn Friday, IT <{mailbox.address}> wrote:\n"
        "> Try the other power supply.\n",
        In_Reply_To=answer["Message-ID"],
        References=answer["Message-ID"],
    )
    reply.replace_header("From", f"Bob <{address}>")
    send_and_wait(mail_server, mailbox, reply)
    with django_capture_on_commit_callbacks(execute=True):
        next_minute(mail_fetch.call_local)

    assert Ticket.objects.count() == 1
    (answered,) = Comment.objects.filter(ticket=ticket, author=ticket.reporter)
    assert (answered.body, answered.is_public) == ("That worked.", True)
