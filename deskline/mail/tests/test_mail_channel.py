"""The two halves of the e-mail channel together: the desk's mailbox writes the notifications,
replies to them thread back by the Message-ID Deskline sent, and a bounced address is not
written to again."""

from __future__ import annotations

import email
import email.policy

import pytest
from django.core import mail as outbox

from deskline.mail.inbound import receive
from deskline.mail.models import BouncingAddress, EmailStatus, OutboundEmail
from deskline.mail.tests.mailbuilder import bounce, make_mailbox
from deskline.mail.tests.mailbuilder import mail as message
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk, build_helpdesk
from deskline.tickets.actions import ticket_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def helpdesk(settings) -> Helpdesk:
    settings.DEFAULT_FROM_EMAIL = "Deskline <desk@acme.example>"
    return build_helpdesk()


def test_notifications_come_from_the_desks_mailbox_and_replies_thread_back(
    helpdesk, django_capture_on_commit_callbacks
):
    make_mailbox(helpdesk, name="IT help", address="it@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )
        ticket_comment(actor=helpdesk.li, ticket=ticket, body="Please restart it.")

    sent = email.message_from_bytes(
        outbox.outbox[-1].message().as_bytes(), policy=email.policy.SMTP
    )
    assert sent["From"] == "IT help <it@example.com>" == sent["Reply-To"]
    answered = sent["Message-ID"].strip("<>")
    assert OutboundEmail.objects.filter(message_id=answered, ticket=ticket).exists()

    # The customer answers that e-mail with a subject that no longer names the ticket.
    reply = message(
        sender="Alice <alice@acme.example>",
        subject="Re: thanks",
        body="It works again.\n\nOn Monday Li wrote:\n> Please restart it.\n",
        message_id="<reply-1@acme.example>",
        in_reply_to=f"<{answered}>",
    )
    received = receive(reply, mailbox=None, source="file", recipients=["it@example.com"])

    assert received.ticket_id == ticket.pk and received.comment is not None
    assert received.comment.body.strip() == "It works again."


def test_mail_to_an_address_that_bounced_is_failed_on_the_ticket_not_sent(
    helpdesk, django_capture_on_commit_callbacks
):
    mailbox = make_mailbox(helpdesk)
    receive(
        bounce(helpdesk.alice.email), mailbox=mailbox, source="file", recipients=[mailbox.address]
    )
    assert BouncingAddress.objects.filter(address=helpdesk.alice.email.lower()).exists()

    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )

    (refused,) = OutboundEmail.objects.filter(ticket=ticket, to_address=helpdesk.alice.email)
    assert refused.status == EmailStatus.FAILED and "comes back" in refused.last_error
    assert not [m for m in outbox.outbox if helpdesk.alice.email in m.to]
