"""SLA cycles as tickets move: hand-computed on the Shanghai calendar (Mon-Fri 09:00-18:00,
China's holidays), times in Shanghai (+08:00)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from deskline.sla.models import NO_DEADLINE, Cycle
from deskline.sla.selectors import ticket_sla
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk
from deskline.testing.sla import make_calendar, make_first_response_metric, make_resolution_metric
from deskline.tickets.actions import ticket_comment, ticket_transition, ticket_update
from deskline.tickets.models import Ticket

pytestmark = pytest.mark.django_db
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def shanghai(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def cycles_of(ticket: Ticket, name: str) -> list[Cycle]:
    return list(Cycle.objects.filter(ticket=ticket, metric__name=name).order_by("number"))


@pytest.fixture
def sla(helpdesk: Helpdesk):
    calendar = make_calendar()
    first = make_first_response_metric(helpdesk.it, calendar)
    resolution = make_resolution_metric(helpdesk.it, calendar)
    return calendar, first, resolution


def test_a_new_ticket_starts_its_metrics_with_deadlines_in_business_hours(helpdesk, sla):
    # Given a ticket raised on Friday 6 March 2026 at 16:00 in Shanghai
    with time_machine.travel(shanghai(6, 16), tick=False):
        ticket = make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )
    # Then first response (4 h) is due Monday 11:00: 2 h on Friday, 2 h on Monday
    (first,) = cycles_of(ticket, "Time to first response")
    assert first.breach_at == shanghai(9, 11)
    # and it warns 30 minutes earlier
    assert first.warn_at == shanghai(9, 10, 30)
    # Resolution (16 h) is due Wednesday 11:00: 2 h Fri + 9 h Mon + 5 h Tue = 16 h -> Tue 14:00
    (resolution,) = cycles_of(ticket, "Time to resolution")
    assert resolution.breach_at == shanghai(10, 14)
    # warning at 25% left = 4 h before: Tue 10:00
    assert resolution.warn_at == shanghai(10, 10)
    ticket.refresh_from_db()
    assert ticket.sla_due_at == shanghai(9, 11)


def test_a_public_agent_reply_stops_first_response_as_met(helpdesk, sla):
    with time_machine.travel(shanghai(6, 16), tick=False):
        ticket = make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )
    with time_machine.travel(shanghai(9, 10), tick=False):
        ticket_comment(actor=helpdesk.li, ticket=ticket, body="On it", is_public=True)
    (first,) = cycles_of(ticket, "Time to first response")
    assert (first.stopped_at, first.outcome, first.elapsed_seconds) == (
        shanghai(9, 10),
        "met",
        3 * 3600,
    )
    ticket.refresh_from_db()
    assert ticket.sla_due_at == shanghai(10, 14)  # now resolution's deadline


def test_an_internal_note_or_a_customer_reply_does_not_stop_first_response(helpdesk, sla):
    with time_machine.travel(shanghai(6, 16), tick=False):
        ticket = make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )
        ticket_comment(actor=helpdesk.li, ticket=ticket, body="note", is_public=False)
        ticket_comment(actor=helpdesk.alice, ticket=ticket, body="any news?")
    (first,) = cycles_of(ticket, "Time to first response")
    assert first.stopped_at is None


def test_a_pause_in_waiting_for_customer_spanning_a_weekend(helpdesk, sla):
    # Raised Thursday 5 March 10:00; waiting for the customer from Thursday 12:00 to Monday
    # 9 March 15:00; resolution's clock counts Thu 10-12 (2 h) then resumes Monday 15:00.
    with time_machine.travel(shanghai(5, 10), tick=False):
        ticket = make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )
    with time_machine.travel(shanghai(5, 12), tick=False):
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="waiting_for_customer")
    (resolution,) = cycles_of(ticket, "Time to resolution")
    assert (resolution.is_paused, resolution.elapsed_seconds, resolution.breach_at) == (
        True,
        2 * 3600,
        None,
    )
    ticket.refresh_from_db()
    assert ticket.sla_due_at == NO_DEADLINE  # both metrics paused: no running deadline
    views = ticket_sla(ticket_id=ticket.pk, at=shanghai(8, 20))
    current = [(v.name, v.current) for v in views]
    assert [(name, c.state, c.elapsed_seconds) for name, c in current if c] == [
        ("Time to first response", "paused", 2 * 3600),
        ("Time to resolution", "paused", 2 * 3600),
    ]
    with time_machine.travel(shanghai(9, 15), tick=False):
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="in_progress")
    (resolution,) = cycles_of(ticket, "Time to resolution")
    # 14 h left from Monday 15:00: Mon 3 h, Tue 9 h, Wed 2 h -> Wednesday 11 March 11:00
    assert (resolution.is_paused, resolution.breach_at) == (False, shanghai(11, 11))
    at = shanghai(9, 17)
    (view,) = [v for v in ticket_sla(ticket_id=ticket.pk, at=at) if v.name == "Time to resolution"]
    assert view.current is not None
    assert (view.current.elapsed_seconds, view.current.remaining_seconds) == (4 * 3600, 12 * 3600)


def test_a_reopened_ticket_has_two_resolution_cycles(helpdesk, sla):
    with time_machine.travel(shanghai(2, 9), tick=False):
        ticket = make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )
    with time_machine.travel(shanghai(2, 13), tick=False):
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="resolved")
    with time_machine.travel(shanghai(4, 9), tick=False):
        ticket_transition(actor=helpdesk.alice, ticket=ticket, status="in_progress")
    with time_machine.travel(shanghai(6, 9), tick=False):
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="resolved")
    first, second = cycles_of(ticket, "Time to resolution")
    assert (first.number, first.outcome, first.elapsed_seconds) == (1, "met", 4 * 3600)
    # Wed 9:00 to Fri 9:00 is 18 business hours: over the 16 h goal
    assert (second.number, second.outcome, second.elapsed_seconds) == (2, "breached", 18 * 3600)
    assert second.breach_at == shanghai(5, 16)
    # First response stopped when the ticket was resolved and does not start again
    assert [c.outcome for c in cycles_of(ticket, "Time to first response")] == ["met"]


def test_a_priority_change_retargets_the_goal(helpdesk):
    calendar = make_calendar()
    make_first_response_metric(
        helpdesk.it,
        calendar,
        goals=[
            {"priority": "critical", "target_minutes": 60, "calendar": calendar.pk},
            {"target_minutes": 8 * 60, "calendar": calendar.pk},
        ],
    )
    with time_machine.travel(shanghai(2, 9), tick=False):
        ticket = make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )
    (cycle,) = cycles_of(ticket, "Time to first response")
    assert (cycle.target_seconds, cycle.breach_at) == (8 * 3600, shanghai(2, 17))
    with time_machine.travel(shanghai(2, 9, 30), tick=False):
        ticket_update(actor=helpdesk.li, ticket=ticket, changes={"priority": "critical"})
    cycle.refresh_from_db()
    # 30 minutes already spent count against the new 60-minute goal
    assert (cycle.target_seconds, cycle.elapsed_seconds, cycle.breach_at) == (
        3600,
        1800,
        shanghai(2, 10),
    )
    ticket.refresh_from_db()
    assert ticket.sla_due_at == shanghai(2, 10)
