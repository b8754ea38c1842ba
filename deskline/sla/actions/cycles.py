"""A ticket's SLA cycles as things happen to it, kept by the ticket actions.

The ticket actions call `sla_plan` with what happened (signals) and the ticket's state after the
change, then `sla_save` in the same transaction; the plan says the ticket's next deadline so the
ticket row can carry it for the "time remaining" sort. The setup actions (`setup`) use the
locking and rescheduling here when a calendar or a metric changes under running cycles.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import DateTimeField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce

from deskline.core.config import cached
from deskline.sla.conditions import Signal
from deskline.sla.engine import TicketFacts, due_at, schedule, step, withdraw
from deskline.sla.models import NO_DEADLINE, Cycle, Goal, Metric

# The columns the actions own; the worker owns warned_at and breach_notified_at, so a ticket
# change never overwrites an announcement the worker has just claimed.
_CYCLE_COLUMNS = [
    "goal",
    "calendar",
    "target_seconds",
    "is_paused",
    "elapsed_seconds",
    "measured_at",
    "breach_at",
    "warn_at",
    "stopped_at",
    "outcome",
    "next_alert_at",
]


@dataclass
class SlaPlan:
    """What one change of a ticket does to its cycles; saved by `sla_save`."""

    to_create: list[Cycle] = field(default_factory=list)
    to_save: list[Cycle] = field(default_factory=list)
    due_at: datetime.datetime = NO_DEADLINE


def _active_metrics_by_desk() -> dict[int, list[Metric]]:
    goals = Goal.objects.select_related("calendar").order_by("position", "id")
    metrics: dict[int, list[Metric]] = {}
    for metric in (
        Metric.objects.filter(is_active=True)
        .order_by("desk_id", "position", "id")
        .prefetch_related(Prefetch("goals", queryset=goals))
    ):
        metrics.setdefault(metric.desk_id, []).append(metric)
    return metrics


def desk_metrics(desk_id: int) -> list[Metric]:
    """The desk's active metrics with their goals (and the goals' calendars), in order.

    Kept in memory until the configuration changes (`core.config`): shared, read only.
    """
    return list(cached("sla.metrics", _active_metrics_by_desk).get(desk_id, ()))


def sla_plan(
    *,
    desk_id: int,
    ticket_id: int | None,
    facts: TicketFacts,
    signals: Sequence[Signal],
    at: datetime.datetime,
) -> SlaPlan:
    """How the ticket's cycles change when `signals` happen at `at` (nothing is written).

    `ticket_id` is None for a ticket being created: it has no cycles yet.
    """
    plan = SlaPlan()
    metrics = desk_metrics(desk_id)
    if not metrics:
        return plan
    cycles: list[Cycle] = []
    if ticket_id is not None:
        cycles = list(
            Cycle.objects.filter(ticket_id=ticket_id)
            .select_related("calendar")
            .order_by("metric_id", "number")
        )
    return _planned(plan, metrics, cycles, facts, signals, at)


def sla_plan_move(
    *,
    desk_id: int,
    ticket_id: int,
    facts: TicketFacts,
    signals: Sequence[Signal],
    at: datetime.datetime,
) -> SlaPlan:
    """How the ticket's cycles change when it moves to desk `desk_id` at `at` (nothing is
    written): every running cycle of another desk's metric is withdrawn (`engine.withdraw`), and
    the new desk's metrics start as for a ticket raised there (`signals`, its creation's)."""
    plan = SlaPlan()
    cycles = list(
        Cycle.objects.filter(ticket_id=ticket_id)
        .select_related("calendar", "metric")
        .order_by("metric_id", "number")
    )
    for cycle in cycles:
        if cycle.stopped_at is None and cycle.metric.desk_id != desk_id:
            withdraw(cycle, at)
            plan.to_save.append(cycle)
    return _planned(plan, desk_metrics(desk_id), cycles, facts, signals, at)


def _planned(
    plan: SlaPlan,
    metrics: Sequence[Metric],
    cycles: Sequence[Cycle],
    facts: TicketFacts,
    signals: Sequence[Signal],
    at: datetime.datetime,
) -> SlaPlan:
    """`plan` with what `signals` do to each of `metrics` (given the ticket's `cycles`)."""
    latest: dict[int, Cycle] = {}
    for cycle in cycles:
        latest[cycle.metric_id] = cycle
    for metric in metrics:
        goals = list(metric.goals.all())
        before = latest.get(metric.pk)
        result = step(metric, goals, before, facts, signals, at)
        if result.changed and before is not None:
            plan.to_save.append(before)
        if result.created is not None:
            plan.to_create.append(result.created)
            latest[metric.pk] = result.created
    # Only the desk's active metrics set a deadline: not one an admin switched off, nor one of
    # another desk (a ticket moved away from it).
    active = {metric.pk for metric in metrics}
    plan.due_at = (
        due_at([cycle for metric_id, cycle in latest.items() if metric_id in active]) or NO_DEADLINE
    )
    return plan


def sla_save(plan: SlaPlan, *, ticket_id: int) -> None:
    """Write the plan's cycles (inside the ticket action's transaction)."""
    for cycle in plan.to_save:
        cycle.save(update_fields=_CYCLE_COLUMNS)
    if plan.to_create:
        for cycle in plan.to_create:
            cycle.ticket_id = ticket_id
        Cycle.objects.bulk_create(plan.to_create)


def _ticket_model() -> type[models.Model]:
    # `sla` sits below `tickets` in the layers, so it never imports the Ticket model; it reaches
    # the rows through the cycles' foreign key (as `Cycle` itself names "tickets.Ticket").
    return Cycle._meta.get_field("ticket").related_model  # type: ignore[return-value]  # a model, not "self"


_CHUNK = 500  # ids per query: SQLite limits the parameters of one statement


def lock_tickets(ticket_ids: Iterable[int]) -> list[int]:
    """Lock the tickets (in id order, as one ticket action at a time does) and return their ids,
    so that no ticket action plans on cycles that are being changed under it."""
    ids = sorted(set(ticket_ids))
    ticket_model = _ticket_model()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        list(
            ticket_model._default_manager.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return ids


def tickets_due_refresh(ticket_ids: Iterable[int]) -> None:
    """Recompute the tickets' `sla_due_at` from their cycles, as `sla_plan` would: the earliest
    breach of a running, unpaused cycle of an active metric of the ticket's desk."""
    ids = sorted(set(ticket_ids))
    ticket_model = _ticket_model()
    earliest = (
        Cycle.objects.filter(
            ticket_id=OuterRef("pk"),
            stopped_at__isnull=True,
            is_paused=False,
            breach_at__isnull=False,
            metric__is_active=True,
            metric__desk_id=OuterRef("desk_id"),
        )
        .order_by("breach_at")
        .values("breach_at")[:1]
    )
    deadline = Coalesce(
        Subquery(earliest, output_field=DateTimeField()),
        Value(NO_DEADLINE, output_field=DateTimeField()),
    )
    for start in range(0, len(ids), _CHUNK):
        ticket_model._default_manager.filter(pk__in=ids[start : start + _CHUNK]).update(
            sla_due_at=deadline
        )


def running_cycles(**filters: Any) -> list[Cycle]:
    return list(
        Cycle.objects.filter(stopped_at__isnull=True, **filters)
        .select_related("metric", "calendar")
        .order_by("pk")
    )


def reschedule(cycles: Sequence[Cycle]) -> None:
    """Set again when the running cycles warn and breach (their metric's warning or their
    calendar changed); a switched-off metric's cycles are left for the worker to skip."""
    for cycle in cycles:
        schedule(cycle, cycle.metric)
        if not cycle.metric.is_active:
            cycle.warn_at = None
            cycle.next_alert_at = None
    Cycle.objects.bulk_update(cycles, _CYCLE_COLUMNS, batch_size=_CHUNK)


def ticket_cycles(ticket_id: int) -> list[Cycle]:
    """Every cycle of the ticket, by metric and number, with what displaying them needs."""
    return list(
        Cycle.objects.filter(ticket_id=ticket_id)
        .select_related("metric", "calendar", "goal")
        .order_by("metric__position", "metric_id", "number")
    )
