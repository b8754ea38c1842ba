"""Service levels: a ticket's SLA clocks, and the business calendars and policies behind them.

Agents (and admins) read calendars and policies; desk admins and site admins change them. A
calendar is sent either as `spec`, the JSON of CONTRACT.md that `GET` exports, or as flat
fields; a problem in a spec is reported on `spec.<key>`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from deskline.accounts.models import User
from deskline.api.auth import caller
from deskline.api.schemas import PageLimit
from deskline.api.sla_schemas import (
    CalendarIn,
    CalendarOut,
    CalendarPage,
    PolicyChangeIn,
    PolicyCreateIn,
    PolicyOut,
    PolicyPage,
    TicketSlaOut,
    calendar_out,
    policy_out,
    ticket_sla_out,
)
from deskline.api.v1.tickets import ERRORS
from deskline.core.errors import ValidationFailed
from deskline.sla import actions, setup_selectors
from deskline.sla.models import Calendar
from deskline.sla.selectors import ticket_sla
from deskline.tickets.access import access_ticket, is_agent_of

router = Router(tags=["sla"])
T = TypeVar("T")


# --- A ticket's SLA -----------------------------------------------------------------------


@router.get("/tickets/{key}/sla", response={200: TicketSlaOut, **ERRORS}, tags=["tickets"])
def get_ticket_sla(request: HttpRequest, key: str) -> dict[str, Any]:
    """The ticket's SLA metrics and their cycles as of now; a customer sees only the metrics
    the desk shows in the help center."""
    user = caller(request)
    ticket = access_ticket(user, key)
    metrics = ticket_sla(
        ticket_id=ticket.pk, customer_view=not is_agent_of(user, ticket), desk_id=ticket.desk_id
    )
    return ticket_sla_out(metrics)


# --- Business calendars -------------------------------------------------------------------

# A calendar sent whole (POST, PUT) starts from these; only `name` has no default.
CALENDAR_DEFAULTS: dict[str, Any] = {
    "name": "",
    "time_zone": "UTC",
    "hours": {},
    "country": "",
    "subdivision": "",
    "holidays": [],
    "workdays": [],
    "is_always": False,
}
# Where an attribute came from when the caller sent a spec, to name it in an error.
SPEC_FIELD_OF = {attribute: f"spec.{key}" for key, attribute in actions.CALENDAR_FIELDS.items()}
SPEC_FIELD_OF["calendar"] = "spec"


def _calendar_data(payload: CalendarIn, *, whole: bool) -> tuple[dict[str, Any], bool]:
    """The `calendar_save` data of a request, and whether it came as a spec."""
    given = payload.model_dump(exclude_unset=True)
    if given.get("translations", {}) is None:
        given["translations"] = {}
    if "spec" not in given:
        return (CALENDAR_DEFAULTS | given if whole else given), False
    spec = given.pop("spec")
    flat = sorted(set(given) - {"name", "translations"})
    if flat:
        message = _("Send the calendar either as spec or as fields, not both.")
        raise ValidationFailed(
            message, code="spec_and_fields", fields={name: [message] for name in flat}
        )
    if spec is None:
        message = _("Enter an object.")
        raise ValidationFailed(message, code="invalid_input", fields={"spec": [message]})
    # A spec is the whole calendar: what it leaves out is reset, and it must say tz and hours.
    _naming_spec_fields(lambda: actions.calendar_validate(spec), from_spec=True)
    data = {
        attribute: spec.get(key, CALENDAR_DEFAULTS[attribute])
        for key, attribute in actions.CALENDAR_FIELDS.items()
    }
    if "name" in given or whole:
        data["name"] = given.get("name", "")
    if "translations" in given:
        data["translations"] = given["translations"] or {}
    return data, True


def _naming_spec_fields(save: Callable[[], T], from_spec: bool) -> T:
    """Run `save`; when the calendar came as a spec, name its errors' fields as spec keys."""
    try:
        return save()
    except ValidationFailed as error:
        if from_spec:
            error.fields = {SPEC_FIELD_OF.get(k, k): v for k, v in error.fields.items()}
        raise


def _save_calendar(
    user: User, payload: CalendarIn, *, whole: bool, calendar: Calendar | None = None
) -> Calendar:
    actions.require_sla_admin(user)
    data, from_spec = _calendar_data(payload, whole=whole)
    return _naming_spec_fields(
        lambda: actions.calendar_save(actor=user, data=data, calendar=calendar), from_spec
    )


@router.get("/sla/calendars", response={200: CalendarPage, **ERRORS})
def list_calendars(
    request: HttpRequest, limit: PageLimit = setup_selectors.DEFAULT_PAGE, cursor: str | None = None
) -> dict[str, Any]:
    """Business calendars, oldest first; each with its `spec` to export."""
    page = setup_selectors.calendar_page(user=caller(request), cursor=cursor, limit=limit)
    return {"items": [calendar_out(c) for c in page.items], "next_cursor": page.next_cursor}


@router.post("/sla/calendars", response={201: CalendarOut, **ERRORS})
def create_calendar(request: HttpRequest, payload: CalendarIn) -> Any:
    """Add a calendar, or import one: `{"name": ..., "spec": {...}}`."""
    calendar = _save_calendar(caller(request), payload, whole=True)
    return Status(201, calendar_out(calendar))


@router.get("/sla/calendars/{calendar_id}", response={200: CalendarOut, **ERRORS})
def get_calendar(request: HttpRequest, calendar_id: int) -> dict[str, Any]:
    """One calendar."""
    return calendar_out(setup_selectors.calendar_get(user=caller(request), calendar_id=calendar_id))


@router.patch("/sla/calendars/{calendar_id}", response={200: CalendarOut, **ERRORS})
def update_calendar(request: HttpRequest, calendar_id: int, payload: CalendarIn) -> dict[str, Any]:
    """Change the fields sent; a `spec` replaces the whole working time."""
    user = caller(request)
    actions.require_sla_admin(user)
    found = setup_selectors.calendar_get(user=user, calendar_id=calendar_id)
    return calendar_out(_save_calendar(user, payload, whole=False, calendar=found))


@router.put("/sla/calendars/{calendar_id}", response={200: CalendarOut, **ERRORS})
def replace_calendar(request: HttpRequest, calendar_id: int, payload: CalendarIn) -> dict[str, Any]:
    """Replace the calendar with the one sent, as for POST (what it leaves out is reset)."""
    user = caller(request)
    actions.require_sla_admin(user)
    found = setup_selectors.calendar_get(user=user, calendar_id=calendar_id)
    return calendar_out(_save_calendar(user, payload, whole=True, calendar=found))


@router.delete("/sla/calendars/{calendar_id}", response={204: None, **ERRORS})
def delete_calendar(request: HttpRequest, calendar_id: int) -> Any:
    """Delete a calendar; 409 while a goal uses it or a running SLA clock counts on it."""
    user = caller(request)
    actions.require_sla_admin(user)
    found = setup_selectors.calendar_get(user=user, calendar_id=calendar_id)
    actions.calendar_delete(actor=user, calendar=found)
    return Status(204, None)


# --- Policies: a metric with its goals ----------------------------------------------------


@router.get("/sla/policies", response={200: PolicyPage, **ERRORS})
def list_policies(
    request: HttpRequest,
    desk: str | None = None,
    limit: PageLimit = setup_selectors.DEFAULT_PAGE,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Every desk's SLA metrics with their goals in order (`?desk=IT` for one desk)."""
    page = setup_selectors.policy_page(user=caller(request), desk=desk, cursor=cursor, limit=limit)
    return {"items": [policy_out(m) for m in page.items], "next_cursor": page.next_cursor}


@router.post("/sla/policies", response={201: PolicyOut, **ERRORS})
def create_policy(request: HttpRequest, payload: PolicyCreateIn) -> Any:
    """Add a metric to a desk with its goals, e.g. time to first response."""
    user = caller(request)
    actions.require_sla_admin(user)
    data = payload.model_dump(exclude_unset=True)
    desk = setup_selectors.desk_by_key(data.pop("desk"))
    goals = _goals_of(data)
    metric = actions.metric_save(actor=user, desk=desk, data=data, goals=goals)
    return Status(201, policy_out(setup_selectors.policy_get(user=user, policy_id=metric.pk)))


@router.get("/sla/policies/{policy_id}", response={200: PolicyOut, **ERRORS})
def get_policy(request: HttpRequest, policy_id: int) -> dict[str, Any]:
    """One metric with its goals in order."""
    return policy_out(setup_selectors.policy_get(user=caller(request), policy_id=policy_id))


@router.patch("/sla/policies/{policy_id}", response={200: PolicyOut, **ERRORS})
def update_policy(request: HttpRequest, policy_id: int, payload: PolicyChangeIn) -> dict[str, Any]:
    """Change the settings sent; `goals` replaces the whole list of goals."""
    user = caller(request)
    actions.require_sla_admin(user)
    found = setup_selectors.policy_get(user=user, policy_id=policy_id)
    data = payload.model_dump(exclude_unset=True)
    goals = _goals_of(data)
    actions.metric_save(actor=user, desk=found.desk, data=data, goals=goals, metric=found)
    return policy_out(setup_selectors.policy_get(user=user, policy_id=policy_id))


@router.delete("/sla/policies/{policy_id}", response={204: None, **ERRORS})
def delete_policy(request: HttpRequest, policy_id: int) -> Any:
    """Delete a metric with its goals and every ticket's cycles of it."""
    user = caller(request)
    actions.require_sla_admin(user)
    found = setup_selectors.policy_get(user=user, policy_id=policy_id)
    actions.metric_delete(actor=user, metric=found)
    return Status(204, None)


def _goals_of(data: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Take `goals` out of a request's data: None when not sent; a list must not be null."""
    if "goals" not in data:
        return None
    goals = data.pop("goals")
    if goals is None:
        message = _("Give a list of goals.")
        raise ValidationFailed(message, code="invalid_input", fields={"goals": [message]})
    return list(goals)
