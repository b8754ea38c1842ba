"""How a ticket's SLA cycles move when something happens to it, on unsaved rows.

`advance` brings a cycle's elapsed business time up to an instant; `schedule` sets the instants it
will warn and breach. `step` applies one change of the ticket (its signals and its state after the
change) to a metric's latest cycle and returns the cycles to create and to save. The actions in
`sla/actions.py` read and write the rows; nothing here touches the database.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from deskline.sla import clock
from deskline.sla.conditions import Signal, TicketState, matches_event, matches_state
from deskline.sla.models import Cycle, Goal, Metric, Outcome


@dataclass
class TicketFacts:
    """What goals match on and pauses depend on, as the ticket is after the change."""

    request_type_id: int
    priority: str
    organization_id: int | None
    fields: Mapping[str, Any]
    state: TicketState
    # Labels cost a query; they are read only when a goal asks for one.
    labels: Callable[[], frozenset[str]] = field(default=lambda: frozenset())
    _labels: frozenset[str] | None = None

    def label_set(self) -> frozenset[str]:
        if self._labels is None:
            self._labels = self.labels()
        return self._labels


def deadline_after(
    calendar: clock.Calendar, start: datetime.datetime, seconds: int
) -> datetime.datetime | None:
    """`seconds` of business time after `start`, or None when the calendar cannot reach them
    before the clock's last year (a calendar of holidays only): no deadline, not an error."""
    try:
        return clock.add_business_seconds(calendar, start, seconds)
    except ValueError:
        return None


def _field_matches(value: Any, wanted: str) -> bool:
    if isinstance(value, list):
        return any(_field_matches(item, wanted) for item in value)
    if isinstance(value, bool):
        return wanted.strip().lower() in (("true", "yes", "1") if value else ("false", "no", "0"))
    if value is None:
        return False
    if isinstance(value, int | float):
        # A number field keeps 3 or 3.0 as it was sent (JSON): compare numbers, not their text.
        try:
            return Decimal(str(value)) == Decimal(wanted.strip())
        except InvalidOperation:
            return False
    return str(value).strip().casefold() == wanted.strip().casefold()


def goal_matches(goal: Goal, facts: TicketFacts) -> bool:
    """Whether every condition the goal sets holds for the ticket (a fallback sets none)."""
    if goal.request_type_id and goal.request_type_id != facts.request_type_id:
        return False
    if goal.priority and goal.priority != facts.priority:
        return False
    if goal.organization_id and goal.organization_id != facts.organization_id:
        return False
    if goal.field_key and not _field_matches(facts.fields.get(goal.field_key), goal.field_value):
        return False
    return not (goal.label and goal.label not in facts.label_set())


def goal_for(goals: Sequence[Goal], facts: TicketFacts) -> Goal | None:
    """The first goal (in order) that matches the ticket; None when none does."""
    for goal in goals:
        if goal_matches(goal, facts):
            return goal
    return None


def _calendar(cycle: Cycle) -> clock.Calendar:
    return cycle.clock_calendar()


def advance(cycle: Cycle, at: datetime.datetime) -> None:
    """Count the business time since `measured_at` into `elapsed_seconds` (if it runs)."""
    if at <= cycle.measured_at:
        return
    if cycle.stopped_at is None and not cycle.is_paused:
        cycle.elapsed_seconds += clock.business_seconds_between(
            _calendar(cycle), cycle.measured_at, at
        )
    cycle.measured_at = at


def schedule(cycle: Cycle, metric: Metric) -> None:
    """Set when the cycle warns and breaches, and when the worker must next look at it.

    Only a running, unpaused cycle with a goal has a future breach; a cycle that has already
    breached keeps the instant it breached. The worker looks at a cycle when a warning or a
    breach is due and not yet announced; a met cycle needs no announcement.
    """
    target = cycle.target_seconds
    running = cycle.stopped_at is None
    left = None if target is None else target - cycle.elapsed_seconds
    if running and not cycle.is_paused and target is not None and left is not None:
        calendar = _calendar(cycle)
        if left > 0:
            cycle.breach_at = deadline_after(calendar, cycle.measured_at, left)
        elif cycle.breach_at is None or cycle.breach_at > cycle.measured_at:
            cycle.breach_at = cycle.measured_at
        threshold = metric.warning_seconds(target)
        if threshold is None or left <= 0:
            cycle.warn_at = None
        elif left > threshold:
            cycle.warn_at = deadline_after(calendar, cycle.measured_at, left - threshold)
        else:
            cycle.warn_at = cycle.measured_at
    else:
        cycle.warn_at = None
        is_breached = left is not None and (left < 0 or cycle.outcome == Outcome.BREACHED)
        if not is_breached:
            cycle.breach_at = None
        elif cycle.breach_at is None:
            cycle.breach_at = cycle.measured_at
    cycle.next_alert_at = next_alert(cycle)


def next_alert(cycle: Cycle) -> datetime.datetime | None:
    """When the worker must next look at the cycle: a warning or a breach due and not yet
    announced (a met cycle needs no announcement); None when nothing is left to announce."""
    due = []
    if cycle.warn_at is not None and cycle.warned_at is None:
        due.append(cycle.warn_at)
    if (
        cycle.breach_at is not None
        and cycle.breach_notified_at is None
        and cycle.outcome != Outcome.MET
    ):
        due.append(cycle.breach_at)
    return min(due) if due else None


def _retarget(cycle: Cycle, goal: Goal | None) -> None:
    cycle.goal = goal
    cycle.target_seconds = goal.target_minutes * 60 if goal else None
    cycle.calendar = goal.calendar if goal else None


def _same_target(cycle: Cycle, goal: Goal | None) -> bool:
    if goal is None:
        return cycle.goal_id is None and cycle.target_seconds is None
    return (
        cycle.goal_id == goal.pk
        and cycle.target_seconds == goal.target_minutes * 60
        and cycle.calendar_id == goal.calendar_id
    )


def stop(cycle: Cycle, at: datetime.datetime) -> None:
    """End the cycle at `at` with its outcome (met when within the goal)."""
    advance(cycle, at)
    cycle.stopped_at = at
    cycle.is_paused = False
    if cycle.target_seconds is None:
        cycle.outcome = ""
    elif cycle.elapsed_seconds > cycle.target_seconds:
        cycle.outcome = Outcome.BREACHED
    else:
        cycle.outcome = Outcome.MET


def withdraw(cycle: Cycle, at: datetime.datetime) -> None:
    """End a running cycle whose ticket left its metric's desk (moved to another desk) at `at`.

    The time up to `at` counts; a cycle already past its goal stays breached, any other ends with
    no outcome, neither met nor missed: the desk stopped measuring it. Nothing more is announced
    for it, so the worker never tells the agents of the new desk about the old desk's goals.
    """
    advance(cycle, at)
    cycle.stopped_at = at
    cycle.is_paused = False
    is_breached = cycle.target_seconds is not None and (
        cycle.elapsed_seconds > cycle.target_seconds or cycle.outcome == Outcome.BREACHED
    )
    cycle.outcome = Outcome.BREACHED if is_breached else ""
    cycle.warn_at = None
    if not is_breached:
        cycle.breach_at = None
    elif cycle.breach_at is None or cycle.breach_at > at:
        cycle.breach_at = at
    cycle.next_alert_at = None


def start(
    metric: Metric, goals: Sequence[Goal], facts: TicketFacts, at: datetime.datetime, number: int
) -> Cycle:
    """A new cycle of `metric`, started at `at` (unsaved, without its ticket)."""
    cycle = Cycle(
        metric=metric,
        number=number,
        started_at=at,
        measured_at=at,
        elapsed_seconds=0,
        is_paused=matches_state(metric.pause_on, facts.state),
    )
    _retarget(cycle, goal_for(goals, facts))
    schedule(cycle, metric)
    return cycle


@dataclass
class StepResult:
    created: Cycle | None = None
    changed: bool = False


def step(
    metric: Metric,
    goals: Sequence[Goal],
    latest: Cycle | None,
    facts: TicketFacts,
    signals: Sequence[Signal],
    at: datetime.datetime,
) -> StepResult:
    """Apply one change of the ticket to the metric: stop, re-target, pause or resume its
    running cycle, then start a new cycle when none runs and a start condition happened."""
    result = StepResult()
    running = latest if latest is not None and latest.stopped_at is None else None
    if running is not None:
        if matches_event(metric.stop_on, signals):
            stop(running, at)
            schedule(running, metric)
            result.changed = True
            running = None
        else:
            goal = goal_for(goals, facts)
            should_pause = matches_state(metric.pause_on, facts.state)
            if not _same_target(running, goal) or should_pause != running.is_paused:
                advance(running, at)
                _retarget(running, goal)
                running.is_paused = should_pause
                schedule(running, metric)
                result.changed = True
    if running is None and matches_event(metric.start_on, signals):
        number = latest.number + 1 if latest is not None else 1
        result.created = start(metric, goals, facts, at, number)
    return result


def due_at(cycles: Sequence[Cycle]) -> datetime.datetime | None:
    """The ticket's next deadline: the earliest breach of a running, unpaused cycle."""
    instants = [
        cycle.breach_at
        for cycle in cycles
        if cycle.stopped_at is None and not cycle.is_paused and cycle.breach_at is not None
    ]
    return min(instants) if instants else None
