"""Moving a ticket to another desk: the IT ticket that is really HR's."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.core.errors import Conflict, PermissionDenied, ValidationFailed
from deskline.core.time import now
from deskline.desks.catalog import catalog
from deskline.desks.errors import unknown_desk
from deskline.desks.fields import clean_field_values
from deskline.desks.models import Desk, RequestField, RequestType, Status, StatusCategory
from deskline.desks.selectors import served_desk_ids
from deskline.tickets.access import is_agent_of
from deskline.tickets.actions.checks import check_version, field_error, lock_ticket, new_event
from deskline.tickets.actions.create import desk_ticket_stub, take_ticket_number
from deskline.tickets.models import EventKind, Ticket, TicketKeyAlias
from deskline.tickets.service_levels import sla_record_move


def ticket_move(
    *,
    actor: User,
    ticket: Ticket,
    desk: Desk,
    request_type: RequestType,
    expected_version: int | None = None,
) -> Ticket:
    """Move the ticket to `desk` as a request of type `request_type` (active, of that desk).

    Only an agent of both desks (a site admin, a system actor) moves a ticket. It takes the new
    desk's next number and key; its old key stays an alias that still finds it. Its status is
    the new desk's first of the same category (else its initial status), its team the request
    type's default team, its assignee stays only when they work on the new desk, and its form
    values stay where the new form has a field that accepts them (the others are dropped from
    `fields`, kept in the audit event). The old desk's SLA cycles stop and the new desk's
    metrics start as for a ticket raised there. One transaction, one `moved` event; when
    `expected_version` is given and someone changed the ticket since, nothing is written.
    """
    if not is_agent_of(actor, ticket):
        raise PermissionDenied(
            _("Only agents of this desk can move a request."), code="move_not_allowed"
        )
    known = catalog()
    if desk.pk not in known.desks:
        raise unknown_desk(field="desk")
    if not is_agent_of(actor, desk_ticket_stub(desk)):
        raise PermissionDenied(
            _("You can move a request only to a desk you work on."), code="desk_not_served"
        )
    if not desk.is_active:
        raise field_error("desk", _("This desk no longer takes requests."), "desk_inactive")
    if desk.pk == ticket.desk_id:
        raise field_error("desk", _("The request is on this desk already."), "same_desk")
    if request_type.desk_id != desk.pk or not request_type.is_active:
        raise field_error(
            "request_type", _("This desk has no such request type."), "unknown_request_type"
        )
    request_fields = list(request_type.fields.all())

    with transaction.atomic():
        locked = lock_ticket(ticket.pk)
        check_version(locked, expected_version)
        if locked.desk_id != ticket.desk_id:  # moved by someone else meanwhile
            raise Conflict(
                _("Someone else changed this request; reload it and try again."),
                code="version_conflict",
            )
        at = now()
        old_status = locked.status
        status = _status_on(desk, old_status.category)
        kept, dropped = _fields_for(request_fields, locked.fields or {})
        assignee = locked.assignee if _works_on(locked.assignee, desk) else None
        before = _audit(locked, locked.assignee)
        TicketKeyAlias.objects.create(key=locked.key, ticket=locked, created_at=at)
        number = take_ticket_number(desk)
        locked.desk = desk
        locked.number = number
        locked.key = f"{desk.key}-{number}"
        locked.request_type = request_type
        locked.status = status
        locked.status_category = status.category
        if status.category != StatusCategory.DONE:
            locked.resolved_at = None
        elif old_status.category != StatusCategory.DONE:
            locked.resolved_at = at
        locked.team_id = request_type.default_team_id
        locked.assignee = assignee
        locked.fields = kept
        locked.updated_at = at
        locked.version = F("version") + 1
        due_changed = sla_record_move(locked, status, at)
        locked.save(
            update_fields=[
                "desk",
                "number",
                "key",
                "request_type",
                "status",
                "status_category",
                "resolved_at",
                "team",
                "assignee",
                "fields",
                "updated_at",
                "version",
                *(["sla_due_at"] if due_changed else []),
            ]
        )
        locked.refresh_from_db()
        after = _audit(locked, assignee)
        after["dropped_fields"] = dropped
        new_event(locked, actor, EventKind.MOVED, "desk", before, after, at=at).save()
    return locked


def _status_on(desk: Desk, category: str) -> Status:
    """The new desk's first status of `category`, else its initial status."""
    known = catalog()
    status = known.first_status_of_category(desk.pk, category) or known.initial_status(desk.pk)
    if status is None:
        raise ValidationFailed(
            _("This desk has no initial status."), code="desk_misconfigured", fields={}
        )
    return status


def _fields_for(
    request_fields: list[RequestField], values: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The form values the new request type's form accepts (each checked against its field, as
    a partial edit: a required field the old form did not have stays empty), and those it does
    not: no such field, or a value its field refuses."""
    by_key = {field.key: field for field in request_fields}
    kept: dict[str, Any] = {}
    dropped: dict[str, Any] = {}
    for key, value in values.items():
        field = by_key.get(key)
        if field is None:
            dropped[key] = value
            continue
        try:
            kept.update(clean_field_values([field], {key: value}, partial=True))
        except ValidationFailed:
            dropped[key] = value
    return kept, dropped


def _works_on(user: User | None, desk: Desk) -> bool:
    """Whether `user` can stay the assignee on `desk`: an active agent serving it."""
    return (
        user is not None and user.is_active and user.is_agent and desk.pk in served_desk_ids(user)
    )


def _audit(ticket: Ticket, assignee: User | None) -> dict[str, Any]:
    """Where the ticket is, as the `moved` event records it before and after (names from the
    configuration's catalogue, as they are now)."""
    known = catalog()
    request_type = known.request_types.get(ticket.request_type_id)
    status = known.statuses.get(ticket.status_id)
    team = known.teams.get(ticket.team_id or 0)
    return {
        "desk": known.desks[ticket.desk_id].key,
        "key": ticket.key,
        "request_type": {
            "id": ticket.request_type_id,
            "name": request_type.name if request_type else "",
        },
        "status": status.key if status else "",
        "team": team.name if team else None,
        "assignee": assignee.email if assignee else None,
        "fields": dict(ticket.fields or {}),
    }
