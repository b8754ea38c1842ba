"""The worker's SLA job: announce cycles about to breach and cycles that breached, once each.

The worker reads the cycles whose `next_alert_at` has come (an index range, never a scan of
every cycle) and claims each announcement with a conditional UPDATE: of two workers looking at
the same cycle, exactly one sees its UPDATE change a row, and only that one announces. An
announcement is a `TicketEvent` (sla_warning / sla_breached) and a workspace notification for the
assignee (or, when unassigned, the ticket's team, or else the desk's teams); once it commits the
notifications are delivered (`deliveries.py`: `deskline.mail` e-mails each in its recipient's
language and time zone).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce

from deskline.accounts.actors import SLA, system_actor
from deskline.core.time import now
from deskline.sla.engine import next_alert
from deskline.sla.models import Cycle, Outcome
from deskline.tickets.deliveries import notifications_deliver_on_commit
from deskline.tickets.models import (
    EventKind,
    Notification,
    NotificationKind,
    Ticket,
    TicketEvent,
)
from deskline.tickets.notifications import recipients_of

logger = logging.getLogger(__name__)
BATCH = 500
EVENT_KINDS: dict[str, str] = {
    NotificationKind.SLA_WARNING: EventKind.SLA_WARNING,
    NotificationKind.SLA_BREACHED: EventKind.SLA_BREACHED,
}


@dataclass
class AlertRun:
    """What one run announced."""

    warnings: int = 0
    breaches: int = 0


def sla_alerts_send(*, at: datetime.datetime | None = None, limit: int = BATCH) -> AlertRun:
    """Announce every warning and breach due by `at` (now by default), at most `limit` cycles."""
    at = at or now()
    run = AlertRun()
    due = list(
        Cycle.objects.filter(next_alert_at__lte=at)
        .order_by("next_alert_at")
        .values_list("pk", flat=True)[:limit]
    )
    for cycle_id in due:
        warned, breached = _announce(cycle_id, at)
        run.warnings += warned
        run.breaches += breached
    return run


def _claim_warning(cycle_id: int, at: datetime.datetime) -> bool:
    """Claim the cycle's warning: it runs, unpaused, is due to warn and has not breached yet."""
    claimed = Cycle.objects.filter(
        pk=cycle_id,
        warned_at__isnull=True,
        warn_at__lte=at,
        stopped_at__isnull=True,
        is_paused=False,
        breach_at__gt=at,
    ).update(warned_at=at)
    return claimed == 1


def _claim_breach(cycle_id: int, at: datetime.datetime) -> bool:
    """Claim the cycle's breach; a breach makes a warning not yet sent moot."""
    claimed = (
        Cycle.objects.filter(pk=cycle_id, breach_notified_at__isnull=True, breach_at__lte=at)
        .filter(~Q(outcome=Outcome.MET))
        .update(breach_notified_at=at, warned_at=Coalesce("warned_at", at))
    )
    return claimed == 1


def _announce(cycle_id: int, at: datetime.datetime) -> tuple[bool, bool]:
    with transaction.atomic():
        ticket_id = Cycle.objects.filter(pk=cycle_id).values_list("ticket_id", flat=True).first()
        if ticket_id is None:
            return False, False
        # Lock the ticket as its actions do, so no change of it interleaves with this one: the
        # row alone (a join would be checked again against a row that a move to another desk
        # changed meanwhile, and find nothing; `actions.checks.lock_ticket`), then read it.
        list(Ticket.objects.select_for_update().filter(pk=ticket_id).values_list("pk", flat=True))
        ticket = Ticket.objects.select_related("desk", "assignee", "team").get(pk=ticket_id)
        warned = _claim_warning(cycle_id, at)
        breached = _claim_breach(cycle_id, at)
        cycle = Cycle.objects.select_related("metric").get(pk=cycle_id)
        following = next_alert(cycle)
        if following is not None and following <= at and not (warned or breached):
            # Nothing was left to claim (a stale instant): do not look at it again.
            logger.warning("SLA cycle %s had nothing to announce at %s", cycle_id, at)
            following = None
        Cycle.objects.filter(pk=cycle_id).update(next_alert_at=following)
        announcements = [
            kind
            for kind, happened in (
                (NotificationKind.SLA_WARNING, warned),
                (NotificationKind.SLA_BREACHED, breached),
            )
            if happened
        ]
        for kind in announcements:
            _record(ticket, cycle, kind, at)
    return warned, breached


def _record(ticket: Ticket, cycle: Cycle, kind: str, at: datetime.datetime) -> None:
    data = {
        "metric": cycle.metric.name,
        "metric_id": cycle.metric_id,
        "cycle": cycle.number,
        "breach_at": cycle.breach_at.isoformat() if cycle.breach_at else None,
    }
    TicketEvent.objects.create(
        ticket=ticket,
        actor=system_actor(SLA),
        kind=EVENT_KINDS[kind],
        field=cycle.metric.name[:64],
        new_value=data,
        is_public=False,
        created_at=at,
    )
    notifications = Notification.objects.bulk_create(
        Notification(recipient=user, ticket=ticket, kind=kind, data=data, created_at=at)
        for user in recipients_of(ticket)
    )
    notifications_deliver_on_commit([notification.pk for notification in notifications])
