"""Reads of SLAs for people: a ticket's metrics and cycles as of now, and what a new ticket's
goals would be ("a ticket of this type and priority raised now would be due at ...")."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from deskline.sla.conditions import TicketState
from deskline.sla.engine import TicketFacts, deadline_after, goal_for
from deskline.sla.models import Calendar, Cycle, Goal, Metric, Outcome


@dataclass(frozen=True)
class CycleView:
    """One cycle as of `at`: elapsed and remaining business seconds, its state and instants."""

    number: int
    started_at: datetime.datetime
    stopped_at: datetime.datetime | None
    is_paused: bool
    elapsed_seconds: int
    remaining_seconds: int | None
    target_seconds: int | None
    breach_at: datetime.datetime | None
    outcome: str | None
    is_warning: bool
    calendar_name: str

    @property
    def is_running(self) -> bool:
        return self.stopped_at is None

    @property
    def is_breached(self) -> bool:
        if self.outcome is not None:
            return self.outcome == Outcome.BREACHED
        return self.remaining_seconds is not None and self.remaining_seconds <= 0

    @property
    def state(self) -> str:
        """One word for the badge: met, breached, paused, warning, running or untargeted."""
        if self.outcome:
            return self.outcome
        if self.stopped_at is not None:
            return "stopped"
        if self.is_breached:
            return "breached"
        if self.is_paused:
            return "paused"
        if self.remaining_seconds is None:
            return "untargeted"
        return "warning" if self.is_warning else "running"


@dataclass(frozen=True)
class MetricView:
    metric_id: int
    name: str
    is_shown_to_customers: bool
    cycles: list[CycleView] = field(default_factory=list)

    @property
    def current(self) -> CycleView | None:
        return self.cycles[-1] if self.cycles else None


def cycle_view(cycle: Cycle, metric: Metric, at: datetime.datetime) -> CycleView:
    elapsed = cycle.elapsed_at(at)
    remaining = None if cycle.target_seconds is None else cycle.target_seconds - elapsed
    threshold = (
        metric.warning_seconds(cycle.target_seconds) if cycle.target_seconds is not None else None
    )
    is_warning = (
        cycle.stopped_at is None
        and remaining is not None
        and threshold is not None
        and 0 < remaining <= threshold
    )
    return CycleView(
        number=cycle.number,
        started_at=cycle.started_at,
        stopped_at=cycle.stopped_at,
        is_paused=cycle.is_paused,
        elapsed_seconds=elapsed,
        remaining_seconds=remaining,
        target_seconds=cycle.target_seconds,
        breach_at=cycle.breach_at,
        outcome=cycle.outcome or None,
        is_warning=is_warning,
        # A cycle without a calendar counts around the clock.
        calendar_name=cycle.calendar.translated("name") if cycle.calendar else _("24x7"),
    )


def ticket_sla(
    *,
    ticket_id: int,
    at: datetime.datetime | None = None,
    customer_view: bool = False,
    desk_id: int | None = None,
) -> list[MetricView]:
    """The ticket's metrics with their cycles (oldest first) as of `at`; two queries.

    `customer_view` keeps only the metrics the desk shows in the help center; `desk_id` (the
    ticket's desk) only that desk's metrics, leaving out those of a desk the ticket moved from.
    """
    at = at or timezone.now()
    cycles = (
        Cycle.objects.filter(ticket_id=ticket_id)
        .select_related("metric", "calendar")
        .order_by("metric__position", "metric_id", "number")
    )
    if desk_id is not None:
        cycles = cycles.filter(metric__desk_id=desk_id)
    if customer_view:
        cycles = cycles.filter(metric__is_shown_to_customers=True)
    views: dict[int, MetricView] = {}
    for cycle in cycles:
        metric = cycle.metric
        view = views.get(metric.pk)
        if view is None:
            view = views[metric.pk] = MetricView(
                metric_id=metric.pk,
                name=metric.translated("name"),
                is_shown_to_customers=metric.is_shown_to_customers,
            )
        view.cycles.append(cycle_view(cycle, metric, at))
    return list(views.values())


@dataclass(frozen=True)
class GoalPreview:
    """What a metric's goal would be for a new ticket raised at `at`."""

    metric_id: int
    metric_name: str
    goal: Goal | None
    calendar: Calendar | None
    target_seconds: int | None
    due_at: datetime.datetime | None


def sla_preview(
    *,
    metrics: Sequence[Metric],
    request_type_id: int,
    priority: str,
    organization_id: int | None = None,
    status_key: str = "",
    status_category: str = "new",
    at: datetime.datetime | None = None,
) -> list[GoalPreview]:
    """For each metric (with `goals` prefetched, see `sla.actions.desk_metrics`): the goal a
    ticket of this type and priority raised at `at` would get, and when it would be due."""
    at = at or timezone.now()
    facts = TicketFacts(
        request_type_id=request_type_id,
        priority=priority,
        organization_id=organization_id,
        fields={},
        state=TicketState(status_key=status_key, status_category=status_category),
    )
    rows = []
    for metric in metrics:
        if "created" not in metric.start_on:
            continue
        goal = goal_for(list(metric.goals.all()), facts)
        target = goal.target_minutes * 60 if goal else None
        due = deadline_after(goal.calendar.clock(), at, target) if goal and target else None
        rows.append(
            GoalPreview(
                metric_id=metric.pk,
                metric_name=metric.translated("name"),
                goal=goal,
                calendar=goal.calendar if goal else None,
                target_seconds=target,
                due_at=due,
            )
        )
    return rows
