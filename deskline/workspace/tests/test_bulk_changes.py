"""Bulk changes from a queue: through the same actions, one request, every refusal reported."""

import pytest

from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk, ticket_state
from deskline.tickets.actions import ticket_transition
from deskline.tickets.models import Ticket, TicketEvent
from deskline.workspace.tests.conftest import it_ticket, signed_in

pytestmark = pytest.mark.django_db


def _bulk(client, keys, **data):
    return client.post(
        "/agent/queues/desk-it/bulk/",
        {"tickets": keys, "next": "/agent/queues/desk-it/?sort=oldest", **data},
        follow=True,
    )


def test_bulk_assign_to_me_assigns_every_ticked_ticket(helpdesk: Helpdesk):
    first, second, untouched = (it_ticket(helpdesk) for _ in range(3))

    response = _bulk(signed_in(helpdesk.li), [first.key, second.key], action="assign_me")

    assert response.redirect_chain == [("/agent/queues/desk-it/?sort=oldest", 302)]
    assert f"Changed 2 tickets: {first.key}, {second.key}." in response.content.decode()
    assignees = dict(Ticket.objects.values_list("key", "assignee_id"))
    assert assignees == {first.key: helpdesk.li.pk, second.key: helpdesk.li.pk, untouched.key: None}
    assert TicketEvent.objects.filter(field="assignee").count() == 2


def test_bulk_assign_to_an_agent_and_set_priority(helpdesk: Helpdesk):
    first, second = it_ticket(helpdesk), it_ticket(helpdesk)
    client = signed_in(helpdesk.li)

    _bulk(client, [first.key, second.key], action="assign", assignee=helpdesk.li.email)
    _bulk(client, [first.key, second.key], action="priority", priority="critical")

    assert set(Ticket.objects.values_list("assignee_id", "priority")) == {
        (helpdesk.li.pk, "critical")
    }


def test_bulk_transition_reports_the_tickets_whose_workflow_refuses(helpdesk: Helpdesk):
    # given an open ticket and a closed one (closed cannot move to in progress)
    open_ticket = it_ticket(helpdesk)
    closed = it_ticket(helpdesk)
    ticket_transition(actor=helpdesk.li, ticket=closed, status="closed")
    before = ticket_state(closed)

    # when Li moves both to In progress
    response = _bulk(signed_in(helpdesk.li), [open_ticket.key, closed.key], action="status",
                     status="in_progress")  # fmt: skip

    # then the open one moves, and the closed one is named with the reason
    page = response.content.decode()
    assert f"Changed 1 ticket: {open_ticket.key}." in page
    assert "1 ticket was not changed:" in page
    assert f"{closed.key}: A request in Closed cannot move to In progress." in page
    assert Ticket.objects.get(pk=open_ticket.pk).status.key == "in_progress"
    assert ticket_state(closed) == before


def test_bulk_changes_report_tickets_of_other_desks_as_not_found(helpdesk: Helpdesk):
    theirs = make_ticket(
        desk=helpdesk.hr, reporter=helpdesk.carol, request_type=helpdesk.onboarding
    )
    before = ticket_state(theirs)

    response = _bulk(signed_in(helpdesk.li), [theirs.key], action="priority", priority="low")

    assert f"{theirs.key}: There is no ticket with this key." in response.content.decode()
    assert ticket_state(theirs) == before


def test_bulk_without_a_ticket_or_with_an_unknown_action_changes_nothing(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)
    before = ticket_state(ticket)
    client = signed_in(helpdesk.li)

    nothing_ticked = _bulk(client, [], action="assign_me")
    bad_action = _bulk(client, [ticket.key], action="delete")
    bad_priority = _bulk(client, [ticket.key], action="priority", priority="urgent")

    assert "Tick at least one ticket first." in nothing_ticked.content.decode()
    assert "Choose what to change." in bad_action.content.decode()
    assert "Choose critical, high, medium or low." in bad_priority.content.decode()
    assert ticket_state(ticket) == before


def test_bulk_refuses_a_redirect_to_another_site(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)

    response = signed_in(helpdesk.li).post(
        "/agent/queues/desk-it/bulk/",
        {"tickets": [ticket.key], "action": "assign_me", "next": "https://evil.example/"},
    )

    assert response["Location"] == "/agent/queues/desk-it/"
