"""Input and output shapes of API v1's service levels: a ticket's SLA, business calendars and
policies (a metric with its ordered goals); outputs are built by the functions below."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.utils.translation import gettext
from ninja import Schema
from pydantic import Field, StrictBool, StrictInt, field_validator
from pydantic_core import PydanticCustomError

from deskline.api.schemas import Documented, Strict
from deskline.sla.actions import MAX_JSON_DEPTH, NAME_MAX, is_nested_deeper_than
from deskline.sla.models import Calendar, Goal, Metric
from deskline.sla.selectors import CycleView, MetricView

# --- A ticket's SLA -----------------------------------------------------------------------


class CycleOut(Schema):
    number: int
    started_at: datetime
    stopped_at: datetime | None
    is_paused: bool
    elapsed_seconds: int
    remaining_seconds: int | None
    target_seconds: int | None
    breach_at: datetime | None
    outcome: Literal["met", "breached"] | None
    state: str = Field(
        description="One word for a badge: met, breached, stopped, paused, warning, running "
        "or untargeted."
    )


class MetricSlaOut(Schema):
    metric_id: int
    name: str
    cycles: list[CycleOut]


class TicketSlaOut(Schema):
    metrics: list[MetricSlaOut]


def cycle_out(cycle: CycleView) -> dict[str, Any]:
    return {
        "number": cycle.number,
        "started_at": cycle.started_at,
        "stopped_at": cycle.stopped_at,
        "is_paused": cycle.is_paused,
        "elapsed_seconds": cycle.elapsed_seconds,
        "remaining_seconds": cycle.remaining_seconds,
        "target_seconds": cycle.target_seconds,
        "breach_at": cycle.breach_at,
        "outcome": cycle.outcome,
        "state": cycle.state,
    }


def ticket_sla_out(metrics: list[MetricView]) -> dict[str, Any]:
    return {
        "metrics": [
            {
                "metric_id": metric.metric_id,
                "name": metric.name,
                "cycles": [cycle_out(cycle) for cycle in metric.cycles],
            }
            for metric in metrics
        ]
    }


# --- Business calendars -------------------------------------------------------------------

# Names as sla.actions checks them (name_too_long): at most NAME_MAX characters, trimmed.
Name = Annotated[str, Documented(maxLength=NAME_MAX)]


class CalendarIn(Strict):
    """A calendar: its name and either `spec` (the JSON of CONTRACT.md) or the flat fields."""

    name: Name | None = None
    spec: dict[str, Any] | None = Field(
        default=None,
        description='The whole calendar as exported, e.g. {"tz": "Asia/Shanghai", "hours": '
        '{"0": [["09:00", "18:00"]]}, "country": "CN", "subdiv": null, "holidays": [], '
        '"workdays": [], "always": false}. Not together with the fields below.',
    )
    time_zone: str | None = None
    hours: dict[str, Any] | None = None
    country: str | None = None
    subdivision: str | None = None
    holidays: list[Any] | None = None
    workdays: list[Any] | None = None
    is_always: StrictBool | None = None
    translations: dict[str, dict[str, str]] | None = Field(
        default=None, description='The name in other languages, e.g. {"zh-hans": {"name": "…"}}.'
    )

    @field_validator("spec", "hours", "holidays", "workdays")
    @classmethod
    def _not_too_deep(cls, value: Any) -> Any:
        # Refused here, before anything walks the value recursively (a 500 at a few hundred
        # levels); a calendar needs four.
        if is_nested_deeper_than(value, MAX_JSON_DEPTH):
            raise PydanticCustomError("json_too_deep", gettext("This value is nested too deeply."))
        return value


class CalendarOut(Schema):
    id: int
    name: str
    time_zone: str
    hours: dict[str, Any]
    country: str | None
    subdivision: str | None
    holidays: list[Any]
    workdays: list[Any]
    is_always: bool
    spec: dict[str, Any]
    # The name in other languages, e.g. {"zh-hans": {"name": "上海办公时间"}}.
    translations: dict[str, Any]
    updated_at: datetime


class CalendarPage(Schema):
    items: list[CalendarOut]
    next_cursor: str | None


def calendar_out(calendar: Calendar) -> dict[str, Any]:
    return {
        "id": calendar.pk,
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "hours": calendar.hours,
        "country": calendar.country or None,
        "subdivision": calendar.subdivision or None,
        "holidays": calendar.holidays,
        "workdays": calendar.workdays,
        "is_always": calendar.is_always,
        "spec": calendar.spec(),
        "translations": calendar.translations or {},
        "updated_at": calendar.updated_at,
    }


# --- Policies: a metric with its goals ----------------------------------------------------


class GoalIn(Strict):
    """One goal; the first goal (in order) whose conditions all hold for a ticket is its goal."""

    request_type: StrictInt | str | None = Field(default=None, description="An id or a name.")
    priority: str | None = None
    organization: StrictInt | str | None = Field(default=None, description="An id or a name.")
    label: Annotated[str, Documented(maxLength=50)] | None = None
    field_key: Annotated[str, Documented(maxLength=64)] | None = None
    field_value: Annotated[str, Documented(maxLength=200)] | None = None
    target_minutes: StrictInt | None = Field(default=None, description="Business minutes, above 0.")
    calendar: StrictInt | str | None = Field(default=None, description="An id or a name.")


class PolicyChangeIn(Strict):
    """A metric's settings; `goals`, when given, replace its goals (in this order)."""

    name: Name | None = None
    position: StrictInt | None = None
    start_on: list[str] | None = Field(
        default=None, description='Events, e.g. ["created", "reopened", "status_entered:open"].'
    )
    pause_on: list[str] | None = Field(
        default=None, description='States, e.g. ["category:waiting", "status:on_hold"].'
    )
    stop_on: list[str] | None = Field(
        default=None, description='Events, e.g. ["public_agent_reply", "resolved"].'
    )
    warning_minutes: StrictInt | None = None
    warning_percent: StrictInt | None = None
    is_shown_to_customers: StrictBool | None = None
    is_active: StrictBool | None = None
    translations: dict[str, dict[str, str]] | None = None
    goals: list[GoalIn] | None = None


class PolicyCreateIn(PolicyChangeIn):
    desk: str = Field(min_length=1, max_length=20)


class RowRef(Schema):
    id: int
    name: str


class GoalOut(Schema):
    id: int
    position: int
    request_type: RowRef | None
    priority: str | None
    organization: RowRef | None
    label: str | None
    field_key: str | None
    field_value: str | None
    target_minutes: int
    calendar: RowRef


class PolicyOut(Schema):
    id: int
    desk: str
    name: str
    position: int
    start_on: list[str]
    pause_on: list[str]
    stop_on: list[str]
    warning_minutes: int | None
    warning_percent: int | None
    is_shown_to_customers: bool
    is_active: bool
    translations: dict[str, Any]
    goals: list[GoalOut]


class PolicyPage(Schema):
    items: list[PolicyOut]
    next_cursor: str | None


def _ref(row: Any) -> dict[str, Any] | None:
    return None if row is None else {"id": row.pk, "name": row.name}


def goal_out(goal: Goal) -> dict[str, Any]:
    return {
        "id": goal.pk,
        "position": goal.position,
        "request_type": _ref(goal.request_type),
        "priority": goal.priority or None,
        "organization": _ref(goal.organization),
        "label": goal.label or None,
        "field_key": goal.field_key or None,
        "field_value": goal.field_value or None,
        "target_minutes": goal.target_minutes,
        "calendar": _ref(goal.calendar),
    }


def policy_out(metric: Metric) -> dict[str, Any]:
    """A metric with its goals (prefetched in order, see `sla.setup_selectors`)."""
    return {
        "id": metric.pk,
        "desk": metric.desk.key,
        "name": metric.name,
        "position": metric.position,
        "start_on": list(metric.start_on),
        "pause_on": list(metric.pause_on),
        "stop_on": list(metric.stop_on),
        "warning_minutes": metric.warning_minutes,
        "warning_percent": metric.warning_percent,
        "is_shown_to_customers": metric.is_shown_to_customers,
        "is_active": metric.is_active,
        "translations": metric.translations,
        "goals": [goal_out(goal) for goal in metric.goals.all()],
    }
