"""SLA cycles as tickets move: hand-computed on the Shanghai calendar (Mon-Fri 09:00-18:00,
China's holidays), times in Shanghai (+08:00)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from deskline.sla.actions import calendar_save, metric_delete, metric_save
from deskline.sla.models import NO_DEADLINE, Cycle
from deskline.sla.queue import BREACHED, queue_sla_states
from deskline.sla.selectors import ticket_sla
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk
from deskline.testing.sla import (
    make_calendar,
    make_first_response_metric,
    make_resolution_metric,
    sla_admin,
)
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


def raise_on_monday(helpdesk: Helpdesk) -> Ticket:
    """Monday 2 March 2026 09:00: first response (4 h) due 13:00, resolution (16 h) Tue 16:00."""
    with time_machine.travel(shanghai(2, 9), tick=False):
        return make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )


def test_deleting_a_metric_gives_its_tickets_the_deadline_of_their_other_metrics(helpdesk, sla):
    _calendar, first, _resolution = sla
    ticket = raise_on_monday(helpdesk)
    ticket.refresh_from_db()
    assert ticket.sla_due_at == shanghai(2, 13)
    # When the desk admin deletes "Time to first response" while its clock runs
    with time_machine.travel(shanghai(2, 10), tick=False):
        metric_delete(actor=sla_admin(), metric=first)
    # Then the ticket is due when resolution is: Mon 9-18 (9 h) + Tue 9-16 (7 h)
    ticket.refresh_from_db()
    assert ticket.sla_due_at == shanghai(3, 16)


def test_a_switched_off_metric_sets_no_deadline_until_it_is_switched_on_again(helpdesk, sla):
    _calendar, first, _resolution = sla
    ticket = raise_on_monday(helpdesk)
    # When first response is switched off, the ticket is due when resolution is
    with time_machine.travel(shanghai(2, 10), tick=False):
        metric_save(actor=sla_admin(), desk=helpdesk.it, data={"is_active": False}, metric=first)
    ticket.refresh_from_db()
    assert ticket.sla_due_at == shanghai(3, 16)
    # and a later change of the ticket does not bring the switched-off deadline back
    with time_machine.travel(shanghai(2, 10, 30), tick=False):
        ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li})
    ticket.refresh_from_db()
    assert ticket.sla_due_at == shanghai(3, 16)
    # When it is switched on again, its running clock is due at 13:00 again
    with time_machine.travel(shanghai(2, 11), tick=False):
        metric_save(actor=sla_admin(), desk=helpdesk.it, data={"is_active": True}, metric=first)
    ticket.refresh_from_db()
    assert ticket.sla_due_at == shanghai(2, 13)


def test_a_switched_off_metric_does_not_colour_the_queue(helpdesk, sla):
    _calendar, first, _resolution = sla
    ticket = raise_on_monday(helpdesk)
    assert queue_sla_states([ticket.pk], shanghai(2, 14)) == {ticket.pk: BREACHED}
    # When first response (due 13:00) is switched off, the ticket is not shown breached at 14:00
    with time_machine.travel(shanghai(2, 10), tick=False):
        metric_save(actor=sla_admin(), desk=helpdesk.it, data={"is_active": False}, metric=first)
    assert queue_sla_states([ticket.pk], shanghai(2, 14)) == {}


def test_a_calendar_edit_moves_the_running_deadlines_and_keeps_the_time_counted(helpdesk, sla):
    calendar, _first, _resolution = sla
    ticket = raise_on_monday(helpdesk)
    # When, on Monday at 12:30, the admin makes that Monday a holiday
    with time_machine.travel(shanghai(2, 12, 30), tick=False):
        calendar_save(actor=sla_admin(), data={"holidays": ["2026-03-02"]}, calendar=calendar)
    # Then the 3.5 hours already counted stay counted, and the rest runs from Tuesday 09:00:
    # first response has 30 minutes left (Tue 09:30), resolution 12.5 hours (Tue 9 h, Wed 3.5 h)
    (first,) = cycles_of(ticket, "Time to first response")
    assert (first.elapsed_seconds, first.breach_at, first.warn_at) == (
        3 * 3600 + 1800,
        shanghai(3, 9, 30),
        shanghai(2, 12, 30),  # 30 minutes left already: the warning is due at once
    )
    (resolution,) = cycles_of(ticket, "Time to resolution")
    assert (resolution.elapsed_seconds, resolution.breach_at) == (
        3 * 3600 + 1800,
        shanghai(4, 12, 30),
    )
    ticket.refresh_from_db()
    assert ticket.sla_due_at == shanghai(3, 9, 30)


def test_a_number_field_goal_matches_a_number_sent_with_a_decimal_point(helpdesk):
    calendar = make_calendar()
    make_first_response_metric(
        helpdesk.it,
        calendar,
        goals=[
            {
                "field_key": "quantity",
                "field_value": "3",
                "target_minutes": 60,
                "calendar": calendar.pk,
            },
            {"target_minutes": 4 * 60, "calendar": calendar.pk},
        ],
    )
    # Given a laptop request for 3.0 laptops (a JSON number as a script sends it)
    with time_machine.travel(shanghai(2, 9), tick=False):
        ticket = make_ticket(
            desk=helpdesk.it,
            reporter=helpdesk.alice,
            request_type=helpdesk.laptop,
            fields={"location": "Shanghai", "quantity": 3.0},
        )
    # Then the goal for a quantity of 3 applies: one hour, due 10:00
    (cycle,) = cycles_of(ticket, "Time to first response")
    assert (cycle.target_seconds, cycle.breach_at) == (3600, shanghai(2, 10))
