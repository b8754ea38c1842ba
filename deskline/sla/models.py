"""SLA rows: business calendars, a desk's metrics and their goals, and each ticket's cycles.

The math lives in `clock.py` (pure); these rows hold what desk admins shape and what the actions
recorded. A cycle keeps its elapsed business time up to `measured_at` and, while it runs, the
instants it will warn and breach, so queues sort and the worker searches on indexed columns.
"""

from __future__ import annotations

import datetime
import json
from functools import lru_cache
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Organization
from deskline.desks.models import Desk, RequestType, Translatable
from deskline.sla import clock

# A ticket with no running deadline sorts after every real one in "time remaining"; a far date
# rather than NULL, because SQLite and PostgreSQL put NULLs at opposite ends of an index.
NO_DEADLINE = datetime.datetime(9000, 1, 1, tzinfo=datetime.UTC)


class Calendar(Translatable):
    """Working hours in a time zone, with a country's holidays and the desk's own exceptions.

    Its name shows beside every countdown counted on it, so it has translations like a desk's:
    {"zh-hans": {"name": "上海办公时间"}}.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    hours = models.JSONField(
        _("working hours"),
        default=dict,
        blank=True,
        help_text=_('Weekday (0 = Monday) to intervals, e.g. {"0": [["09:00", "18:00"]]}.'),
    )
    country = models.CharField(_("country"), max_length=8, blank=True)
    subdivision = models.CharField(_("subdivision"), max_length=16, blank=True)
    holidays = models.JSONField(_("extra holidays"), default=list, blank=True)
    workdays = models.JSONField(_("extra working days"), default=list, blank=True)
    is_always = models.BooleanField(_("24x7"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name

    def spec(self) -> dict[str, Any]:
        """The calendar as the JSON spec `clock.Calendar.from_spec` reads (CONTRACT.md)."""
        return {
            "tz": self.time_zone,
            "hours": self.hours,
            "country": self.country or None,
            "subdiv": self.subdivision or None,
            "holidays": self.holidays,
            "workdays": self.workdays,
            "always": self.is_always,
        }

    def clock(self) -> clock.Calendar:
        """The pure calendar, built once per process and version of this row."""
        return _compiled(self.pk, self.updated_at, _freeze(self.spec()))


def _freeze(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


@lru_cache(maxsize=256)
def _compiled(pk: int | None, updated_at: Any, spec_json: str) -> clock.Calendar:
    # Keyed by the spec itself too: an unsaved or just-edited row never reuses a stale build.
    return clock.Calendar.from_spec(json.loads(spec_json))


class Metric(Translatable):
    """Something a desk promises to measure, e.g. "Time to first response"."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="sla_metrics")
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    start_on = models.JSONField(_("starts on"), default=list)
    pause_on = models.JSONField(_("paused while"), default=list, blank=True)
    stop_on = models.JSONField(_("stops on"), default=list)
    warning_minutes = models.PositiveIntegerField(
        _("warn when minutes left"),
        null=True,
        blank=True,
        help_text=_("Warn when this many business minutes are left."),
    )
    warning_percent = models.PositiveSmallIntegerField(
        _("warn when percent left"),
        null=True,
        blank=True,
        help_text=_("Warn when this share of the goal is left."),
    )
    is_shown_to_customers = models.BooleanField(
        _("shown in the help center"),
        default=False,
        help_text=_("Customers see the expected time when they raise and follow a request."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["desk", "position", "id"]
        verbose_name = _("SLA metric")
        verbose_name_plural = _("SLA metrics")
        constraints = [
            models.UniqueConstraint(fields=["desk", "name"], name="sla_metric_name_unique"),
            models.CheckConstraint(
                condition=Q(warning_percent__isnull=True) | Q(warning_percent__lte=100),
                name="sla_metric_warning_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.desk.key}: {self.name}"

    def warning_seconds(self, target_seconds: int) -> int | None:
        """How many business seconds left trigger the warning, for a goal of `target_seconds`."""
        if self.warning_minutes is not None:
            return self.warning_minutes * 60
        if self.warning_percent is not None:
            return target_seconds * self.warning_percent // 100
        return None


class Goal(models.Model):
    """A target for a metric, for the tickets its conditions match; the first match wins."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveIntegerField(_("position"), default=0)
    request_type = models.ForeignKey(
        RequestType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("request type"),
    )
    priority = models.CharField(_("priority"), max_length=10, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    label = models.CharField(_("label"), max_length=50, blank=True)
    field_key = models.CharField(_("form field"), max_length=64, blank=True)
    field_value = models.CharField(_("field value"), max_length=200, blank=True)
    target_minutes = models.PositiveIntegerField(_("target (business minutes)"))
    calendar = models.ForeignKey(
        Calendar, on_delete=models.PROTECT, related_name="goals", verbose_name=_("calendar")
    )

    class Meta:
        ordering = ["metric", "position", "id"]
        verbose_name = _("SLA goal")
        verbose_name_plural = _("SLA goals")
        constraints = [
            models.CheckConstraint(condition=Q(target_minutes__gt=0), name="sla_goal_target"),
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.target_minutes} min"

    @property
    def is_fallback(self) -> bool:
        return not (
            self.request_type_id
            or self.priority
            or self.organization_id
            or self.label
            or self.field_key
        )


class Outcome(models.TextChoices):
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")


class Cycle(models.Model):
    """One run of a metric on one ticket, from a start condition to a stop condition.

    While it runs, `elapsed_seconds` holds the business time up to `measured_at`; the time since
    is counted when read. `breach_at` and `warn_at` are set while it runs unpaused with a goal.
    `next_alert_at` is the next instant the worker must look at it (indexed; NULL when none).
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="sla_cycles"
    )
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveSmallIntegerField(default=1)
    goal = models.ForeignKey(Goal, on_delete=models.SET_NULL, null=True, blank=True)
    calendar = models.ForeignKey(Calendar, on_delete=models.SET_NULL, null=True, blank=True)
    target_seconds = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    is_paused = models.BooleanField(default=False)
    elapsed_seconds = models.PositiveIntegerField(default=0)
    measured_at = models.DateTimeField()
    breach_at = models.DateTimeField(null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breach_notified_at = models.DateTimeField(null=True, blank=True)
    next_alert_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ticket", "metric", "number"]
        verbose_name = _("SLA cycle")
        verbose_name_plural = _("SLA cycles")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "metric", "number"], name="sla_cycle_number_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_alert_at"],
                name="sla_cycle_next_alert",
                condition=Q(next_alert_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric.name} #{self.number} on ticket {self.ticket_id}"

    @property
    def is_running(self) -> bool:
        return self.stopped_at is None

    def clock_calendar(self) -> clock.Calendar:
        return self.calendar.clock() if self.calendar else clock.ALWAYS

    def elapsed_at(self, at: datetime.datetime | None = None) -> int:
        """Business seconds elapsed up to `at` (now by default)."""
        if self.stopped_at is not None or self.is_paused:
            return self.elapsed_seconds
        at = at or timezone.now()
        if at <= self.measured_at:
            return self.elapsed_seconds
        between = clock.business_seconds_between(self.clock_calendar(), self.measured_at, at)
        return self.elapsed_seconds + between

    def remaining_at(self, at: datetime.datetime | None = None) -> int | None:
        """Business seconds left to the goal (negative once breached); None without a goal."""
        if self.target_seconds is None:
            return None
        return self.target_seconds - self.elapsed_at(at)
