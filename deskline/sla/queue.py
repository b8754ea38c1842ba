"""The SLA state of a page of tickets, for a queue's "time remaining" column: the colour, and
the business time left to the nearest deadline on its own calendar, as the ticket's SLA panel
counts it."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from django.utils.translation import gettext as _

from deskline.sla.models import Calendar, Cycle

BREACHED = "breached"
WARNING = "warning"


@dataclass(frozen=True)
class QueueSla:
    """One ticket's SLA as its queue row shows it.

    `state` is BREACHED, WARNING or None. `remaining_seconds` is the business time left (negative
    once breached) of the running, unpaused cycle with the nearest deadline, counted on that
    cycle's calendar, whose name (in the reader's language) is `calendar_name`; None (and "")
    when no such cycle has a goal.
    """

    state: str | None
    remaining_seconds: int | None
    calendar_name: str


def queue_sla(ticket_ids: Collection[int], at: datetime.datetime) -> dict[int, QueueSla]:
    """The SLA of each of these tickets that has a running cycle of an active metric at `at`;
    the others are left out. One query (their running cycles with their calendars), however
    many tickets.

    A running cycle is breached once its breach instant has passed (a cycle paused after it
    breached keeps that instant), and warns from its warning instant on (set only while it runs
    unpaused with a goal that has a warning threshold). Breached wins over warning. The time
    remaining is the ticket's nearest deadline (its `sla_due_at`, the earliest breach instant of
    its cycles that run unpaused) as business time: the same count as the panel's and the API's
    `remaining_seconds`.
    """
    if not ticket_ids:
        return {}
    cycles = (
        Cycle.objects.filter(ticket_id__in=sorted(ticket_ids), stopped_at__isnull=True)
        # A metric an admin switched off no longer colours its tickets (nor sets their deadline).
        .filter(metric__is_active=True)
        .select_related("calendar")
        .order_by("ticket_id", "breach_at", "id")
    )
    states: dict[int, str] = {}
    nearest: dict[int, Cycle] = {}
    for cycle in cycles:
        ticket_id = cycle.ticket_id
        if cycle.breach_at is not None and cycle.breach_at <= at:
            states[ticket_id] = BREACHED
        elif cycle.warn_at is not None and cycle.warn_at <= at:
            states.setdefault(ticket_id, WARNING)
        if (
            not cycle.is_paused
            and cycle.breach_at is not None
            and cycle.target_seconds is not None
            and ticket_id not in nearest  # ordered by breach instant: the first is the nearest
        ):
            nearest[ticket_id] = cycle
    found: dict[int, QueueSla] = {}
    for ticket_id in {*states, *nearest}:
        shown = nearest.get(ticket_id)
        if shown is None:
            found[ticket_id] = QueueSla(states.get(ticket_id), None, "")
            continue
        found[ticket_id] = QueueSla(
            state=states.get(ticket_id),
            remaining_seconds=shown.remaining_at(at),
            calendar_name=_calendar_name(shown.calendar),
        )
    return found


def _calendar_name(calendar: Calendar | None) -> str:
    # A cycle without a calendar counts around the clock.
    return calendar.translated("name") if calendar is not None else _("24x7")


def queue_sla_states(ticket_ids: Collection[int], at: datetime.datetime) -> dict[int, str]:
    """BREACHED or WARNING for each of the tickets that has a running cycle in that state at
    `at`; tickets with neither are left out. One query (see `queue_sla`)."""
    return {
        ticket_id: sla.state
        for ticket_id, sla in queue_sla(ticket_ids, at).items()
        if sla.state is not None
    }
