"""ticket_transition: the desk's workflow decides where a request may go, and who may move it."""

import datetime

import pytest
import time_machine

from deskline.core.errors import PermissionDenied, ValidationFailed
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk, row_counts, ticket_state
from deskline.tickets.actions import ticket_transition
from deskline.tickets.models import Ticket, TicketEvent
from deskline.tickets.selectors import ticket_transitions_available

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2026, 4, 6, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def ticket(helpdesk: Helpdesk) -> Ticket:
    with time_machine.travel(MONDAY, tick=False):
        return make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )


def _move(actor, ticket: Ticket, status: str, at: datetime.datetime) -> Ticket:
    with time_machine.travel(at, tick=False):
        return ticket_transition(actor=actor, ticket=ticket, status=status)


def test_a_transition_writes_an_event_with_the_old_and_new_status(helpdesk: Helpdesk, ticket):
    moved = _move(helpdesk.li, ticket, "in_progress", MONDAY + datetime.timedelta(hours=1))

    assert (moved.status.key, moved.status_category, moved.version) == (
        "in_progress",
        "in_progress",
        2,
    )
    assert moved.updated_at == MONDAY + datetime.timedelta(hours=1)
    event = TicketEvent.objects.get(ticket=ticket, kind="transitioned")
    assert (event.actor, event.field, event.old_value, event.new_value, event.is_public) == (
        helpdesk.li,
        "status",
        "open",
        "in_progress",
        True,
    )
    assert event.created_at == moved.updated_at


def test_a_status_may_be_named_by_its_key_or_its_name(helpdesk: Helpdesk, ticket):
    moved = ticket_transition(actor=helpdesk.li, ticket=ticket, status="  waiting FOR customer ")

    assert moved.status.key == "waiting_for_customer"


def test_resolving_stamps_resolved_at_and_reopening_clears_it(helpdesk: Helpdesk, ticket):
    resolved_at = MONDAY + datetime.timedelta(hours=2)

    resolved = _move(helpdesk.li, ticket, "resolved", resolved_at)
    closed = _move(helpdesk.li, ticket, "closed", resolved_at + datetime.timedelta(days=1))

    assert resolved.resolved_at == resolved_at
    assert (closed.status_category, closed.resolved_at) == ("done", resolved_at)

    other = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    _move(helpdesk.li, other, "resolved", resolved_at)
    reopened = _move(
        helpdesk.alice, other, "in_progress", resolved_at + datetime.timedelta(hours=1)
    )
    assert (reopened.status_category, reopened.resolved_at) == ("in_progress", None)


def test_a_move_the_workflow_does_not_allow_is_refused_without_a_trace(helpdesk: Helpdesk, ticket):
    ticket_transition(actor=helpdesk.li, ticket=ticket, status="closed")
    before, state = row_counts(), ticket_state(ticket)

    for target in ("open", "in_progress", "resolved", "closed"):
        with pytest.raises(ValidationFailed) as refused:
            ticket_transition(actor=helpdesk.li, ticket=ticket, status=target)
        assert (refused.value.code, refused.value.status) == ("transition_not_allowed", 409)

    assert row_counts() == before
    assert ticket_state(ticket) == state


@pytest.mark.parametrize("status", ["", "   ", "deleted", None, 3])
def test_an_unknown_status_is_refused(helpdesk: Helpdesk, ticket, status):
    before, state = row_counts(), ticket_state(ticket)

    with pytest.raises(ValidationFailed) as refused:
        ticket_transition(actor=helpdesk.li, ticket=ticket, status=status)

    assert refused.value.code == "unknown_status"
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_a_status_of_another_desk_is_unknown_here(helpdesk: Helpdesk, ticket):
    hr_status = helpdesk.hr.statuses.get(key="in_progress")
    hr_status.key = "hr_only"
    hr_status.save()

    with pytest.raises(ValidationFailed) as refused:
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="hr_only")

    assert refused.value.code == "unknown_status"


@pytest.mark.parametrize("target", ["in_progress", "waiting_for_customer"])
def test_a_customer_cannot_move_their_request_into_work(helpdesk: Helpdesk, ticket, target):
    before, state = row_counts(), ticket_state(ticket)

    with pytest.raises(PermissionDenied) as refused:
        ticket_transition(actor=helpdesk.alice, ticket=ticket, status=target)

    assert refused.value.code == "transition_not_allowed_for_customer"
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_a_customer_resolves_closes_and_reopens(helpdesk: Helpdesk, ticket):
    resolved = ticket_transition(actor=helpdesk.alice, ticket=ticket, status="resolved")
    reopened = ticket_transition(actor=helpdesk.alice, ticket=ticket, status="in_progress")
    again = ticket_transition(actor=helpdesk.alice, ticket=ticket, status="resolved")
    closed = ticket_transition(actor=helpdesk.alice, ticket=ticket, status="closed")

    assert [t.status.key for t in (resolved, reopened, again, closed)] == [
        "resolved",
        "in_progress",
        "resolved",
        "closed",
    ]


def test_the_offered_transitions_are_exactly_the_ones_that_succeed(helpdesk: Helpdesk):
    for actor in (helpdesk.alice, helpdesk.li):
        for start in ("open", "in_progress", "waiting_for_customer", "resolved", "closed"):
            ticket = make_ticket(
                desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
            )
            path = {
                "open": [],
                "in_progress": ["in_progress"],
                "waiting_for_customer": ["waiting_for_customer"],
                "resolved": ["resolved"],
                "closed": ["closed"],
            }[start]
            for step in path:
                ticket_transition(actor=helpdesk.li, ticket=ticket, status=step)
            ticket = Ticket.objects.get(pk=ticket.pk)
            offered = {s.key for s in ticket_transitions_available(user=actor, ticket=ticket)}
            for target in ("open", "in_progress", "waiting_for_customer", "resolved", "closed"):
                snapshot = ticket_state(ticket)
                try:
                    ticket_transition(actor=actor, ticket=ticket, status=target)
                except (PermissionDenied, ValidationFailed):
                    assert target not in offered, (actor.email, start, target)
                    assert ticket_state(ticket) == snapshot
                else:
                    assert target in offered, (actor.email, start, target)
                    # put it back where it was for the next target
                    Ticket.objects.filter(pk=ticket.pk).update(
                        status=ticket.status, status_category=ticket.status_category
                    )
