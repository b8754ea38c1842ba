"""Who is e-mailed about what: the customers of a request hear that it was received, replied to,
waits for them and is resolved; an agent hears that a ticket was given to them. Nobody hears of
their own doing, and system actors, deactivated people, rolled-back changes and the demo's
replays e-mail nobody."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from deskline.accounts.actors import system_actor
from deskline.accounts.models import Role
from deskline.mail.models import EmailStatus, OutboundEmail
from deskline.testing.factories import make_ticket, make_user
from deskline.testing.scenario import Helpdesk, build_helpdesk
from deskline.tickets import deliveries
from deskline.tickets.actions import ticket_comment, ticket_transition, ticket_update
from deskline.tickets.models import Notification, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def helpdesk(settings) -> Helpdesk:
    settings.DESKLINE_BASE_URL = "https://help.example.com"
    return build_helpdesk()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit work (the deliveries, then the sending job) as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def raise_request(helpdesk: Helpdesk, **extra) -> Ticket:
    return make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset, **extra
    )


def sent_to() -> list[list[str]]:
    return [message.to for message in mail.outbox]


def test_the_reporter_gets_a_receipt_for_a_new_request(helpdesk, committed):
    with committed():
        ticket = raise_request(helpdesk)

    assert sent_to() == [["alice@acme.example"]]
    message = mail.outbox[0]
    assert message.subject == f"[{ticket.key}] Request received: {ticket.summary}"
    assert f"We have received your request {ticket.key}" in message.body
    assert f"https://help.example.com/requests/{ticket.key}/" in message.body
    email = OutboundEmail.objects.get()
    assert (email.kind, email.status, email.attempts, email.ticket) == (
        "request_received",
        EmailStatus.SENT,
        1,
        ticket,
    )
    assert email.sent_at is not None


def test_a_request_an_agent_raises_for_a_customer_is_receipted_to_the_customer(helpdesk, committed):
    with committed():
        raise_request(helpdesk, actor=helpdesk.li)

    assert sent_to() == [["alice@acme.example"]]


def test_an_agents_public_reply_goes_to_the_reporter_and_participants_not_to_the_agent(
    helpdesk, committed
):
    ticket = raise_request(helpdesk)
    ticket_comment(actor=helpdesk.bob, ticket=ticket, body="Same for me")  # Bob takes part
    mail.outbox.clear()

    with committed():
        comment = ticket_comment(
            actor=helpdesk.li, ticket=ticket, body="Try again now.\nIt should work."
        )

    assert sorted(sent_to()) == [["alice@acme.example"], ["bob@acme.example"]]
    message = mail.outbox[0]
    assert message.subject == f"[{ticket.key}] Li replied: {ticket.summary}"
    assert "> Try again now.\n> It should work." in message.body  # the whole reply, quoted
    assert f"https://help.example.com/requests/{ticket.key}/#c{comment.pk}" in message.body


def test_an_internal_note_and_a_customers_own_reply_email_no_customer(helpdesk, committed):
    ticket = raise_request(helpdesk)
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li})
    mail.outbox.clear()

    with committed():
        ticket_comment(actor=helpdesk.li, ticket=ticket, body="Checking AD", is_public=False)
        ticket_comment(actor=helpdesk.alice, ticket=ticket, body="Any news?")

    # Only Li hears, of Alice's reply (customer_replied, as before).
    assert sent_to() == [["li@deskline.example"]]
    assert OutboundEmail.objects.get().kind == "customer_replied"


def test_waiting_for_the_customer_and_resolved_are_emailed_to_the_customer(helpdesk, committed):
    ticket = raise_request(helpdesk)
    mail.outbox.clear()

    with committed():
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="waiting_for_customer")
    with committed():
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="resolved")

    assert sent_to() == [["alice@acme.example"], ["alice@acme.example"]]
    waiting, resolved = mail.outbox
    assert waiting.subject == f"[{ticket.key}] Waiting for your reply: {ticket.summary}"
    assert "Status: Waiting for you" in waiting.body  # the customer's name of the status
    assert resolved.subject == f"[{ticket.key}] Resolved: {ticket.summary}"
    assert list(OutboundEmail.objects.order_by("id").values_list("kind", flat=True)) == [
        "waiting_for_customer",
        "resolved",
    ]


def test_a_move_within_work_and_the_customer_resolving_it_themselves_email_nobody(
    helpdesk, committed
):
    ticket = raise_request(helpdesk)
    mail.outbox.clear()

    with committed():
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="in_progress")
        ticket_transition(actor=helpdesk.alice, ticket=ticket, status="resolved")

    assert mail.outbox == []
    assert OutboundEmail.objects.count() == 0


def test_the_assignee_hears_of_a_ticket_given_to_them_but_not_of_one_they_took(helpdesk, committed):
    ticket = raise_request(helpdesk)
    other = raise_request(helpdesk)
    hana = make_user(role=Role.AGENT, email="hana2@deskline.example", teams=[helpdesk.frontline])
    mail.outbox.clear()

    with committed():
        ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": hana})
        ticket_update(actor=helpdesk.li, ticket=other, changes={"assignee": helpdesk.li})

    assert sent_to() == [[hana.email]]
    assert mail.outbox[0].subject == f"[{ticket.key}] Assigned to you: {ticket.summary}"
    assert "Li assigned" in mail.outbox[0].body
    assert f"https://help.example.com/agent/tickets/{ticket.key}/" in mail.outbox[0].body
    # The workspace lists it for Hana too.
    assert Notification.objects.get(kind="assigned").recipient == hana


def test_deactivated_people_and_system_actors_get_nothing(helpdesk, committed):
    ticket = raise_request(helpdesk)
    ticket_comment(actor=helpdesk.bob, ticket=ticket, body="Me too")
    helpdesk.bob.is_active = False
    helpdesk.bob.save(update_fields=["is_active"])
    robot = system_actor("deskline")
    mail.outbox.clear()

    with committed():
        ticket_comment(actor=robot, ticket=ticket, body="Automatic reply")
        # A request the system raises for itself (a monitoring alert) receipts nobody.
        make_ticket(desk=helpdesk.it, reporter=robot, request_type=helpdesk.password_reset)

    assert sent_to() == [["alice@acme.example"]]  # not Bob, who left; not the robot
    assert not Notification.objects.filter(recipient__in=[robot, helpdesk.bob]).exists()


def test_nothing_is_written_or_sent_for_a_change_rolled_back(helpdesk, committed):
    ticket = raise_request(helpdesk)
    mail.outbox.clear()

    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        ticket_comment(actor=helpdesk.li, ticket=ticket, body="Done")
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="resolved")
        raise RuntimeError("the request failed after the changes")

    assert mail.outbox == []
    assert OutboundEmail.objects.count() == 0


def test_the_demos_replays_under_held_back_deliveries_email_nobody(helpdesk, committed):
    with committed(), deliveries.deliveries_held_back():
        ticket = raise_request(helpdesk)
        ticket_update(actor=helpdesk.admin, ticket=ticket, changes={"assignee": helpdesk.li})
        ticket_comment(actor=helpdesk.li, ticket=ticket, body="On it")
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="resolved")

    assert Notification.objects.filter(ticket=ticket).count() == 4  # recorded all the same
    assert mail.outbox == []
    assert OutboundEmail.objects.count() == 0
