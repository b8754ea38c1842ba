"""The workspace's SLA pages: what a new ticket's goals would be, and the agent's notifications.

Thin function views over the SLA and notification selectors; the one write (marking
notifications read) goes through `notifications_mark_all_read`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from deskline.core.errors import ValidationFailed
from deskline.core.time import now
from deskline.desks.models import Desk, RequestType
from deskline.sla.actions import desk_metrics
from deskline.sla.durations import target
from deskline.sla.models import Goal
from deskline.sla.selectors import GoalPreview
from deskline.sla.selectors import sla_preview as preview_goals
from deskline.tickets import queues
from deskline.tickets.actions import notifications_mark_all_read
from deskline.tickets.models import Priority
from deskline.tickets.notifications import notification_page
from deskline.workspace.views import agent, agent_required, positive_id, sidebar_context

# A longer name than any organization may have names none: refused before the query.
MAX_ORGANIZATION_NAME = 200


@dataclass(frozen=True)
class PreviewRow:
    """One metric of the preview: the goal that would match, and when a ticket would be due."""

    metric_name: str
    goal_conditions: list[str]
    calendar_name: str
    calendar_time_zone: str
    target: str
    due_at: datetime.datetime | None


def _goal_conditions(
    goal: Goal, request_type: RequestType, organization_name: str | None
) -> list[str]:
    """What the goal asks of a ticket, in words; it matched, so its conditions are the asked-for
    request type and organization (whose names are known without another query)."""
    conditions = []
    if goal.request_type_id:
        conditions.append(_("Request type: %(name)s") % {"name": request_type.translated("name")})
    if goal.priority:
        conditions.append(_("Priority: %(name)s") % {"name": Priority(goal.priority).label})
    if goal.organization_id:
        conditions.append(_("Organization: %(name)s") % {"name": organization_name or ""})
    if goal.label:
        conditions.append(_("Label: %(name)s") % {"name": goal.label})
    if goal.field_key:
        conditions.append(
            _("Field %(key)s is %(value)s") % {"key": goal.field_key, "value": goal.field_value}
        )
    return conditions


def _preview_row(
    preview: GoalPreview, request_type: RequestType, organization_name: str | None
) -> PreviewRow:
    goal = preview.goal
    calendar = preview.calendar
    return PreviewRow(
        metric_name=preview.metric_name,
        goal_conditions=_goal_conditions(goal, request_type, organization_name) if goal else [],
        calendar_name=calendar.translated("name") if calendar else "",
        calendar_time_zone=calendar.time_zone if calendar else "",
        target=target(preview.target_seconds) if preview.target_seconds else "",
        due_at=preview.due_at,
    )


@dataclass
class PreviewChoice:
    desk: Desk
    request_type: RequestType
    priority: str
    organization_id: int | None
    organization_name: str | None


def _preview_choice(
    query: Any, desks: list[Desk], request_types: list[RequestType]
) -> tuple[PreviewChoice | None, dict[str, list[str]]]:
    """The desk, request type, priority and organization asked for, or the errors of the form."""
    errors: dict[str, list[str]] = {}
    desk_key = (query.get("desk") or "").strip().upper()
    desk = next((desk for desk in desks if desk.key == desk_key), None)
    if desk is None:
        errors["desk"] = [_("Choose one of the desks you serve.")]
    type_id = positive_id(query.get("request_type"))
    request_type = next((found for found in request_types if found.pk == type_id), None)
    if request_type is None or (desk is not None and request_type.desk_id != desk.pk):
        errors["request_type"] = [_("Choose a request type of this desk.")]
    priority = (query.get("priority") or "").strip()
    if priority not in Priority.values:
        errors["priority"] = [_("Choose a priority from the list.")]
    organization_name = (query.get("organization") or "").strip()
    organization = None
    if organization_name:
        if len(organization_name) <= MAX_ORGANIZATION_NAME:
            organization = queues.organization_named(organization_name)
        if organization is None:
            errors["organization"] = [_("There is no organization with this name.")]
    if errors or desk is None or request_type is None:
        return None, errors
    return PreviewChoice(
        desk=desk,
        request_type=request_type,
        priority=priority,
        organization_id=organization.pk if organization else None,
        organization_name=organization.name if organization else None,
    ), errors


@agent_required
@require_GET
def sla_preview(request: HttpRequest) -> HttpResponse:
    """What the goals of a new ticket would be: pick a desk you serve, a request type, a
    priority (and an organization); see each metric's goal, calendar, target and due time."""
    user = agent(request)
    desks = queues.served_desks(user)
    request_types = [
        request_type for request_type in queues.served_request_types(user) if request_type.is_active
    ]
    is_asked = any(name in request.GET for name in ("desk", "request_type", "priority"))
    choice: PreviewChoice | None = None
    errors: dict[str, list[str]] = {}
    rows: list[PreviewRow] = []
    at = now()
    if is_asked:
        choice, errors = _preview_choice(request.GET, desks, request_types)
    if choice is not None:
        try:
            previews = preview_goals(
                metrics=desk_metrics(choice.desk.pk),
                request_type_id=choice.request_type.pk,
                priority=choice.priority,
                organization_id=choice.organization_id,
                at=at,
            )
        except ValidationFailed as error:
            errors = {"form": [str(error.message)]}
        else:
            rows = [
                _preview_row(preview, choice.request_type, choice.organization_name)
                for preview in previews
            ]
    desk_keys = {desk.pk: desk.key for desk in desks}
    context = {
        **sidebar_context(user, None),
        "nav_current": "sla_preview",
        "desks": [(desk.key, desk.translated("name")) for desk in desks],
        "request_types": [
            (
                request_type.pk,
                _("%(desk)s: %(name)s")
                % {
                    "desk": desk_keys.get(request_type.desk_id, ""),
                    "name": request_type.translated("name"),
                },
            )
            for request_type in request_types
        ],
        "priorities": Priority.choices,
        "asked": {
            "desk": (request.GET.get("desk") or "").strip().upper(),
            "request_type": positive_id(request.GET.get("request_type")),
            "priority": (request.GET.get("priority") or Priority.MEDIUM).strip(),
            "organization": (request.GET.get("organization") or "").strip(),
        },
        "errors": errors,
        "choice": choice,
        "rows": rows,
        "at": at,
    }
    return render(request, "workspace/sla_preview.html", context, status=400 if errors else 200)


@agent_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """The agent's own notifications, newest first, a page at a time."""
    user = agent(request)
    cursor = request.GET.get("cursor") or None
    errors: list[str] = []
    try:
        page = notification_page(user=user, cursor=cursor)
    except ValidationFailed as error:
        errors = [str(error.message)]
        page = notification_page(user=user)
    next_url = ""
    if page.next_cursor:
        next_query = request.GET.copy()
        next_query["cursor"] = page.next_cursor
        next_url = f"?{next_query.urlencode()}"
    context = {
        **sidebar_context(user, None),
        "nav_current": "notifications",
        "page": page,
        "errors": errors,
        "next_url": next_url,
        "is_later_page": bool(cursor) and not errors,
    }
    return render(request, "workspace/notifications.html", context, status=400 if errors else 200)


@agent_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark all of the agent's notifications read."""
    count = notifications_mark_all_read(user=agent(request))
    if count:
        messages.success(
            request,
            ngettext(
                "Marked %(count)d notification read.",
                "Marked %(count)d notifications read.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("There were no unread notifications."))
    return redirect("workspace:notifications")
