"""Every write of the desk admins' SLA rows: calendars, metrics and their goals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.core.config import configuration_changed
from deskline.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from deskline.core.time import now
from deskline.desks.models import Desk
from deskline.sla.actions.cycles import (
    lock_tickets,
    reschedule,
    running_cycles,
    tickets_due_refresh,
)
from deskline.sla.actions.validation import calendar_clean, goal_validate, invalid, metric_validate
from deskline.sla.engine import advance
from deskline.sla.models import Calendar, Cycle, Goal, Metric


def require_sla_admin(actor: User) -> None:
    """PermissionDenied (`sla_admin_only`) unless `actor` may change calendars and policies."""
    if not (actor.is_active and actor.is_desk_admin):
        raise PermissionDenied(
            _("Only desk admins can change service levels."), code="sla_admin_only"
        )


def calendar_save(
    *, actor: User, data: Mapping[str, Any], calendar: Calendar | None = None
) -> Calendar:
    """Create a calendar, or change the given one; only the keys in `data` change."""
    require_sla_admin(actor)
    row = calendar_clean(data=data, calendar=calendar)
    try:
        with transaction.atomic():
            running: list[Cycle] = []
            if row.pk is not None:
                # The running clocks counted on the calendar as it was until now: count that
                # time in first, then set their deadlines on the calendar as it is from now on.
                ticket_ids = Cycle.objects.filter(calendar_id=row.pk, stopped_at__isnull=True)
                lock_tickets(ticket_ids.values_list("ticket_id", flat=True))
                running = running_cycles(calendar_id=row.pk)
                at = now()
                for cycle in running:
                    advance(cycle, at)
            row.save()
            if running:
                for cycle in running:
                    cycle.calendar = row
                reschedule(running)
                tickets_due_refresh(cycle.ticket_id for cycle in running)
    except IntegrityError:  # another admin saved the same name a moment ago
        message = _("Another calendar has this name.")
        raise ValidationFailed(message, code="duplicate_name", fields={"name": [message]}) from None
    return row


def calendar_delete(*, actor: User, calendar: Calendar) -> None:
    """Delete a calendar that no goal uses and no running cycle counts on."""
    require_sla_admin(actor)
    if calendar.goals.exists():
        raise Conflict(
            _("Goals still use this calendar; give them another one first."),
            code="calendar_in_use",
        )
    # A running cycle whose calendar disappeared would silently count 24x7 from then on.
    if Cycle.objects.filter(calendar=calendar, stopped_at__isnull=True).exists():
        raise Conflict(
            _("Running SLA clocks of requests still count on this calendar."),
            code="calendar_in_use",
        )
    try:
        with transaction.atomic():
            calendar.delete()
    except ProtectedError:  # a goal started using it since the check above
        raise Conflict(
            _("Goals still use this calendar; give them another one first."),
            code="calendar_in_use",
        ) from None


def metric_save(
    *,
    actor: User,
    desk: Desk,
    data: Mapping[str, Any],
    goals: Sequence[Any] | None = None,
    metric: Metric | None = None,
) -> Metric:
    """Create a metric of `desk` or change `metric`; `goals`, when given, replace its goals.

    Running cycles keep their goal until the next change of their ticket re-matches it, but
    warn by the metric's new threshold at once; a metric switched off no longer sets its
    tickets' deadlines nor warns or breaches, and one switched on again does.
    """
    require_sla_admin(actor)
    if metric is not None and metric.desk_id != desk.pk:
        raise NotFound(_("This desk has no such metric."), code="unknown_metric")
    cleaned = metric_validate(desk=desk, data=data, metric=metric)
    cleaned_goals = None
    if goals is not None:
        if not isinstance(goals, list | tuple):
            raise invalid("goals", _("Give a list of goals."))
        cleaned_goals = [
            goal_validate(desk=desk, index=index, data=goal) for index, goal in enumerate(goals)
        ]
    row = metric or Metric(desk=desk)
    for name, value in cleaned.items():
        setattr(row, name, value)
    try:
        with transaction.atomic():
            if row.pk is None and "position" not in data:
                last = Metric.objects.filter(desk=desk).aggregate(Max("position"))
                row.position = (last["position__max"] or 0) + 1
            row.save()
            if cleaned_goals is not None:
                row.goals.all().delete()
                for goal in cleaned_goals:
                    goal.metric = row
                Goal.objects.bulk_create(cleaned_goals)
                configuration_changed()  # bulk_create sends no post_save
            if metric is not None:
                ticket_ids = Cycle.objects.filter(metric=row, stopped_at__isnull=True)
                lock_tickets(ticket_ids.values_list("ticket_id", flat=True))
                running = running_cycles(metric=row)
                for cycle in running:
                    cycle.metric = row  # its new warning threshold and whether it is active
                reschedule(running)
                tickets_due_refresh(cycle.ticket_id for cycle in running)
    except IntegrityError:  # another admin saved a metric of this name a moment ago
        raise invalid(
            "name", _("This desk already has a metric with this name."), "duplicate_name"
        ) from None
    return row


def metric_delete(*, actor: User, metric: Metric) -> None:
    """Delete a metric with its goals and every ticket's cycles of it; the tickets whose clock
    of it ran get their deadline from their other metrics."""
    require_sla_admin(actor)
    with transaction.atomic():
        running = Cycle.objects.filter(metric=metric, stopped_at__isnull=True)
        ticket_ids = lock_tickets(running.values_list("ticket_id", flat=True))
        metric.delete()
        tickets_due_refresh(ticket_ids)
