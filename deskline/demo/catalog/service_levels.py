"""The demo's SLA policies: each office's business calendar, and every desk's metrics and goals.

Plain data: `deskline.demo.loader` saves it through `calendar_save` and `metric_save`. A goal
without a calendar stands for one goal per office, on that office's calendar, followed by a
fallback on the Shanghai calendar for tickets of no office.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deskline.demo.catalog.specs import OFFICES

LUNCH_BREAK = [["09:00", "12:00"], ["13:00", "18:00"]]


def _weekdays(*intervals: list[str]) -> dict[str, list[list[str]]]:
    """The same working intervals Monday to Friday."""
    return {str(day): [list(interval) for interval in intervals] for day in range(5)}


@dataclass(frozen=True)
class CalendarSpec:
    """A business calendar, as `calendar_save` takes it."""

    name: str
    name_zh: str
    time_zone: str
    hours: dict[str, list[list[str]]]
    country: str = ""
    subdivision: str = ""
    is_always: bool = False

    def translations(self) -> dict[str, dict[str, str]]:
        """The calendar's name in Simplified Chinese, shown beside every countdown on it."""
        return {"zh-hans": {"name": self.name_zh}}

    def as_action_data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "time_zone": self.time_zone,
            "hours": self.hours,
            "country": self.country,
            "subdivision": self.subdivision,
            "is_always": self.is_always,
        }


SHANGHAI_CALENDAR = "Shanghai office"
ALWAYS_CALENDAR = "24x7"
CALENDARS: tuple[CalendarSpec, ...] = (
    CalendarSpec(SHANGHAI_CALENDAR, "上海办公室", "Asia/Shanghai", _weekdays(*LUNCH_BREAK), "CN"),
    CalendarSpec(
        "Sydney office",
        "悉尼办公室",
        "Australia/Sydney",
        _weekdays(["08:30", "17:30"]),
        "AU",
        "NSW",
    ),
    CalendarSpec(
        "San Francisco office",
        "旧金山办公室",
        "America/Los_Angeles",
        _weekdays(["09:00", "17:00"]),
        "US",
        "CA",
    ),
    CalendarSpec(ALWAYS_CALENDAR, "全天候（24x7）", "UTC", {}, is_always=True),
)
# Each office (an organization of the demo) and the calendar its requests are measured on.
OFFICE_CALENDARS: dict[str, str] = dict(
    zip(OFFICES, ("Shanghai office", "Sydney office", "San Francisco office"), strict=True)
)


@dataclass(frozen=True)
class GoalSpec:
    """A target in business minutes; without a calendar, one per office (see the docstring)."""

    target_minutes: int
    priority: str = ""
    calendar: str | None = None

    def as_action_goals(self) -> list[dict[str, Any]]:
        """The goals `metric_save` takes for this spec, in the order they are matched."""
        if self.calendar is not None:
            return [self._goal(self.calendar)]
        return [
            *(
                self._goal(calendar, organization=office)
                for office, calendar in OFFICE_CALENDARS.items()
            ),
            self._goal(SHANGHAI_CALENDAR),
        ]

    def _goal(self, calendar: str, **conditions: str) -> dict[str, Any]:
        goal: dict[str, Any] = {"target_minutes": self.target_minutes, "calendar": calendar}
        if self.priority:
            goal["priority"] = self.priority
        return goal | conditions


@dataclass(frozen=True)
class MetricSpec:
    """A desk's metric, as `metric_save` takes it."""

    name: str
    name_zh: str
    start_on: tuple[str, ...]
    pause_on: tuple[str, ...]
    stop_on: tuple[str, ...]
    goals: tuple[GoalSpec, ...]
    warning_minutes: int | None = None
    warning_percent: int | None = None
    is_shown_to_customers: bool = False

    def as_action_data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "start_on": list(self.start_on),
            "pause_on": list(self.pause_on),
            "stop_on": list(self.stop_on),
            "warning_minutes": self.warning_minutes,
            "warning_percent": self.warning_percent,
            "is_shown_to_customers": self.is_shown_to_customers,
            "translations": {"zh-hans": {"name": self.name_zh}},
        }

    def as_action_goals(self) -> list[dict[str, Any]]:
        return [goal for spec in self.goals for goal in spec.as_action_goals()]


HOUR = 60
BUSINESS_DAY = 8 * HOUR


def _first_response(
    *goals: GoalSpec, warning_minutes: int | None = None, warning_percent: int | None = None
) -> MetricSpec:
    """From creation to the first public reply of an agent (or resolution), paused while the
    request waits for the customer; customers see it in the help center."""
    return MetricSpec(
        "Time to first response",
        "首次响应时间",
        start_on=("created",),
        pause_on=("category:waiting",),
        stop_on=("public_agent_reply", "resolved"),
        goals=goals,
        warning_minutes=warning_minutes,
        warning_percent=warning_percent,
        is_shown_to_customers=True,
    )


def _resolution(*goals: GoalSpec) -> MetricSpec:
    """From creation or reopening to resolution, paused while the request waits for the
    customer; for agents only."""
    return MetricSpec(
        "Time to resolution",
        "解决时间",
        start_on=("created", "reopened"),
        pause_on=("category:waiting",),
        stop_on=("resolved",),
        goals=goals,
        warning_percent=25,
    )


IT_METRICS: tuple[MetricSpec, ...] = (
    _first_response(
        GoalSpec(30, "critical", ALWAYS_CALENDAR),
        GoalSpec(2 * HOUR, "high"),
        GoalSpec(4 * HOUR),
        warning_percent=25,  # 7.5 minutes before a critical goal, an hour before the others
    ),
    _resolution(
        GoalSpec(4 * HOUR, "critical", ALWAYS_CALENDAR),
        GoalSpec(BUSINESS_DAY, "high"),
        GoalSpec(3 * BUSINESS_DAY, "medium"),
        GoalSpec(5 * BUSINESS_DAY, "low"),
    ),
)
# HR, Legal and Facilities: one business day to a first answer, five to a resolution.
BUSINESS_METRICS: tuple[MetricSpec, ...] = (
    _first_response(GoalSpec(BUSINESS_DAY), warning_minutes=2 * HOUR),
    _resolution(GoalSpec(5 * BUSINESS_DAY)),
)
METRICS: dict[str, tuple[MetricSpec, ...]] = {
    "IT": IT_METRICS,
    "HR": BUSINESS_METRICS,
    "LEGAL": BUSINESS_METRICS,
    "FAC": BUSINESS_METRICS,
}


def goal_of(desk_key: str, metric_name: str, priority: str, office: str) -> tuple[int, str]:
    """The target (business minutes) and the calendar's name that the demo's goals give a
    ticket of this priority from this office, matched in order as the SLA engine matches them
    (the demo's goals name only a priority and an organization)."""
    for metric in METRICS[desk_key]:
        if metric.name != metric_name:
            continue
        for goal in metric.as_action_goals():
            if goal.get("priority", priority) != priority:
                continue
            if goal.get("organization", office) != office:
                continue
            return int(goal["target_minutes"]), str(goal["calendar"])
    raise LookupError(f"no goal of {metric_name} on {desk_key} for {priority} from {office}")
