"""The demo's open work, dated so that every desk looks like one that is coping.

The planner decides each ticket's story first; this module then dates the tickets still open
(open, in progress or waiting for the customer) by their service levels, counted back from the
moment the demo is loaded in business time on the calendar each goal counts on: most have used
a fair part of their goal, a few are close to it (the SLA warning), and one or two of a busy
desk's have just gone past it. Each one's steps are fitted into its new age and its form's dates
move with it. The business time a ticket has used is at most the time since it was raised,
whatever the day of the week or the holidays, and exactly that while it never waited for the
customer, which is why only those are picked to warn or to be late.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from deskline.demo.catalog import DESKS
from deskline.demo.catalog.service_levels import CALENDARS, goal_of
from deskline.demo.people import AGENTS, CUSTOMERS, Person
from deskline.desks.models import FieldType
from deskline.sla import clock

if TYPE_CHECKING:  # the planner imports this module
    from deskline.demo.plan import Step, TicketPlan

FIRST_RESPONSE = "Time to first response"
RESOLUTION = "Time to resolution"
OPEN_STATUSES = ("open", "in_progress", "waiting_for_customer")
# How much of its tightest goal a ticket has used when the demo is loaded, by its part.
USED_WITHIN_GOAL = (0.1, 0.65)
USED_NEAR_GOAL = (0.78, 0.86)  # the warning comes with a quarter of the goal left
USED_PAST_GOAL = (1.15, 1.6)
# Goals shorter than this are left out of the warning and late parts: their warning would
# turn into a breach while someone is still looking at the freshly loaded demo.
SHORTEST_PICKED_GOAL_MINUTES = 120
AGENT_LOGINS = frozenset(agent.login for agent in AGENTS)
PEOPLE: dict[str, Person] = {person.login: person for person in CUSTOMERS}

Fit = Callable[[list["Step"], datetime.datetime], tuple["Step", ...]]


@cache
def calendar_named(name: str) -> clock.Calendar:
    """The pure calendar of the demo's calendar of that name."""
    spec = next(calendar for calendar in CALENDARS if calendar.name == name)
    return clock.Calendar.from_spec(
        {
            "tz": spec.time_zone,
            "hours": spec.hours,
            "country": spec.country or None,
            "subdiv": spec.subdivision or None,
            "holidays": [],
            "workdays": [],
            "always": spec.is_always,
        }
    )


def business_start(
    calendar: clock.Calendar, end: datetime.datetime, seconds: int
) -> datetime.datetime:
    """The latest instant from which `calendar` counts `seconds` of business time to `end`."""
    if calendar.always:
        return end - datetime.timedelta(seconds=seconds)
    low, high = 0, 400 * 86400  # seconds back from `end`
    while low < high:
        middle = (low + high) // 2
        counted = clock.business_seconds_between(
            calendar, end - datetime.timedelta(seconds=middle), end
        )
        if counted >= seconds:
            high = middle
        else:
            low = middle + 1
    return end - datetime.timedelta(seconds=low)


def status_at_end(plan: TicketPlan) -> str:
    """The status a plan leaves its ticket in."""
    moves = [step.status for step in plan.steps if step.action == "transition"]
    return moves[-1] if moves else "open"


def _has_waited(plan: TicketPlan) -> bool:
    return any(step.status == "waiting_for_customer" for step in plan.steps)


def _running_metrics(plan: TicketPlan) -> list[str]:
    """The metrics whose clocks still run (or, waiting, are paused) at the end of the plan: the
    resolution always, the first response until an agent's first public reply."""
    replied = any(
        step.action == "comment" and step.is_public and step.actor in AGENT_LOGINS
        for step in plan.steps
    )
    return [RESOLUTION] if replied else [FIRST_RESPONSE, RESOLUTION]


def _priorities(plan: TicketPlan) -> set[str]:
    """The priorities the plan gives its ticket: each one's goal counts the time spent."""
    changed = {str(step.changes["priority"]) for step in plan.steps if "priority" in step.changes}
    return {plan.priority, *changed}


def running_goals(plan: TicketPlan) -> list[tuple[int, str]]:
    """The target (business minutes) and calendar of each goal still counting on the plan's
    ticket at its end, for each priority it had."""
    office = PEOPLE[plan.reporter].site.organization
    return [
        goal_of(plan.desk, metric, priority, office)
        for metric in _running_metrics(plan)
        for priority in sorted(_priorities(plan))
    ]


def _raised_at(plan: TicketPlan, used: float, end: datetime.datetime) -> datetime.datetime:
    """When to raise the ticket so that its tightest goal is `used` spent at `end`."""
    starts = [
        business_start(calendar_named(calendar), end, int(used * minutes * 60))
        for minutes, calendar in running_goals(plan)
    ]
    return min(max(starts), end - datetime.timedelta(minutes=1))


def _dated_fields(plan: TicketPlan, raised_at: datetime.datetime) -> dict[str, object]:
    """The form's values with its dates moved by as many days as the ticket was."""
    zone = ZoneInfo(PEOPLE[plan.reporter].site.time_zone)
    moved = raised_at.astimezone(zone).date() - plan.created_at.astimezone(zone).date()
    desk = next(desk for desk in DESKS if desk.key == plan.desk)
    request_type = next(rt for rt in desk.request_types if rt.name == plan.request_type)
    dates = {field.key for field in request_type.fields if field.field_type == FieldType.DATE}
    fields = dict(plan.fields)
    for key in dates & set(fields):
        fields[key] = (datetime.date.fromisoformat(str(fields[key])) + moved).isoformat()
    return fields


def _may_be_picked(plan: TicketPlan) -> bool:
    """Whether the plan can be one of the few close to or past its goal: it runs, never
    waited (so its used time is exact), and has no goal too short to watch."""
    return (
        status_at_end(plan) != "waiting_for_customer"
        and not _has_waited(plan)
        and min(minutes for minutes, _name in running_goals(plan)) >= SHORTEST_PICKED_GOAL_MINUTES
    )


def _parts(plans: Sequence[TicketPlan], rng: random.Random) -> dict[int, tuple[float, float]]:
    """How much of its goal each open plan (by index) uses: per desk, one late ticket in eight
    running ones (two at most), one close to its goal in six (at least one), the rest within."""
    parts: dict[int, tuple[float, float]] = {}
    for desk in DESKS:
        indexes = [
            index
            for index, plan in enumerate(plans)
            if plan.desk == desk.key and status_at_end(plan) in OPEN_STATUSES
        ]
        running = [i for i in indexes if status_at_end(plans[i]) != "waiting_for_customer"]
        candidates = [i for i in running if _may_be_picked(plans[i])]
        late = min(2, len(running) // 8, len(candidates))
        near = min(max(1, len(running) // 6) if running else 0, len(candidates) - late)
        picked = rng.sample(candidates, late + near)
        for index in indexes:
            parts[index] = USED_WITHIN_GOAL
        for index in picked[:late]:
            parts[index] = USED_PAST_GOAL
        for index in picked[late:]:
            parts[index] = USED_NEAR_GOAL
    return parts


def keep_up(
    plans: Sequence[TicketPlan], rng: random.Random, end: datetime.datetime, fit: Fit
) -> list[TicketPlan]:
    """The plans with their open tickets dated by their goals (see the module's docstring);
    the finished ones as they were. The generator is drawn the same number of times on any
    day, so the tickets stay the same from one day to the next."""
    parts = _parts(plans, rng)
    dated = list(plans)
    for index in sorted(parts):
        plan = plans[index]
        used = rng.uniform(*parts[index])
        raised_at = _raised_at(plan, used, end)
        dated[index] = replace(
            plan,
            created_at=raised_at,
            fields=_dated_fields(plan, raised_at),
            steps=fit(list(plan.steps), raised_at),
        )
    return dated
