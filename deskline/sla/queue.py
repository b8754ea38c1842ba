"""The SLA state of a page of tickets, for the colours of a queue's "time remaining" column."""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.db.models import Q

from deskline.sla.models import Cycle

BREACHED = "breached"
WARNING = "warning"


def queue_sla_states(ticket_ids: Collection[int], at: datetime.datetime) -> dict[int, str]:
    """BREACHED or WARNING for each of the tickets that has a running cycle in that state at
    `at`; tickets with neither are left out. One query, over the cycles of these tickets only.

    A running cycle is breached once its breach instant has passed (a cycle paused after it
    breached keeps that instant), and warns from its warning instant on (set only while it runs
    unpaused with a goal that has a warning threshold). Breached wins over warning. Only the
    cycles of active metrics count.
    """
    if not ticket_ids:
        return {}
    rows = (
        Cycle.objects.filter(ticket_id__in=sorted(ticket_ids), stopped_at__isnull=True)
        # A metric an admin switched off no longer colours its tickets (nor sets their deadline).
        .filter(metric__is_active=True)
        .filter(Q(breach_at__lte=at) | Q(warn_at__lte=at))
        .order_by()
        .values_list("ticket_id", "breach_at")
    )
    states: dict[int, str] = {}
    for ticket_id, breach_at in rows:
        if breach_at is not None and breach_at <= at:
            states[ticket_id] = BREACHED
        else:
            states.setdefault(ticket_id, WARNING)
    return states
