"""SLA rows for tests: calendars and the two usual metrics, built through the real actions."""

from __future__ import annotations

from typing import Any

from deskline.accounts.models import Role, User
from deskline.desks.models import Desk
from deskline.sla.actions import calendar_save, metric_save
from deskline.sla.models import Calendar, Metric

WEEKDAYS_9_TO_6 = {str(day): [["09:00", "18:00"]] for day in range(5)}


def sla_admin() -> User:
    """A site admin to write SLA rows with (created once per test database)."""
    user, _created = User.objects.get_or_create(
        email="sla-admin@deskline.example",
        defaults={"display_name": "SLA admin", "role": Role.SITE_ADMIN},
    )
    return user


def make_calendar(name: str = "Shanghai office", **data: Any) -> Calendar:
    """Mon-Fri 09:00-18:00 in Shanghai with China's holidays, unless `data` says otherwise."""
    spec = {"time_zone": "Asia/Shanghai", "hours": WEEKDAYS_9_TO_6, "country": "CN"} | data
    return calendar_save(actor=sla_admin(), data={"name": name, **spec})


def make_always_calendar(name: str = "24x7") -> Calendar:
    return calendar_save(actor=sla_admin(), data={"name": name, "is_always": True})


def make_first_response_metric(
    desk: Desk, calendar: Calendar, *, goals: list[dict[str, Any]] | None = None, **data: Any
) -> Metric:
    """ "Time to first response": from creation to the first public agent reply, paused while
    waiting for the customer; 4 business hours unless `goals` say otherwise."""
    return metric_save(
        actor=sla_admin(),
        desk=desk,
        data={
            "name": "Time to first response",
            "start_on": ["created"],
            "pause_on": ["category:waiting"],
            "stop_on": ["public_agent_reply", "resolved"],
            "warning_minutes": 30,
        }
        | data,
        goals=goals if goals is not None else [{"target_minutes": 240, "calendar": calendar.pk}],
    )


def make_resolution_metric(
    desk: Desk, calendar: Calendar, *, goals: list[dict[str, Any]] | None = None, **data: Any
) -> Metric:
    """ "Time to resolution": from creation or reopening to resolution, paused while waiting for
    the customer; 2 business days (16 h) unless `goals` say otherwise."""
    return metric_save(
        actor=sla_admin(),
        desk=desk,
        data={
            "name": "Time to resolution",
            "start_on": ["created", "reopened"],
            "pause_on": ["category:waiting"],
            "stop_on": ["resolved"],
            "warning_percent": 25,
        }
        | data,
        goals=goals
        if goals is not None
        else [{"target_minutes": 16 * 60, "calendar": calendar.pk}],
    )
