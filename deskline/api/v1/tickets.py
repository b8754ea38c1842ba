"""Tickets: create, list, read, change, comment, transition, audit trail."""

from __future__ import annotations

import datetime
from datetime import UTC
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from deskline.accounts.models import User
from deskline.api.auth import caller
from deskline.api.responses import prebuilt
from deskline.api.schemas import (
    CommentIn,
    CommentOut,
    ErrorOut,
    EventOut,
    PageLimit,
    StatusOut,
    TicketCreateIn,
    TicketOut,
    TicketPatchIn,
    TransitionIn,
    comment_out,
    event_out,
    status_out,
    ticket_out,
    ticket_row_out,
)
from deskline.core.errors import NotFound, ValidationFailed
from deskline.core.time import as_utc
from deskline.desks.catalog import catalog
from deskline.desks.errors import unknown_desk
from deskline.desks.selectors import desk_for_user
from deskline.tickets import actions, selectors
from deskline.tickets.access import access_ticket
from deskline.tickets.models import Channel, Ticket

router = Router(tags=["tickets"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None


class CommentPage(Schema):
    items: list[CommentOut]
    next_cursor: str | None


class StatusPage(Schema):
    items: list[StatusOut]
    next_cursor: str | None


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None


def _utc_instant(name: str, moment: datetime.datetime | None) -> datetime.datetime | None:
    """A filter's instant in UTC; refused when UTC cannot hold it (9999-12-31T23:59-01:00 is in
    the year 10000), which a database would only find out as an error while converting it."""
    try:
        return None if moment is None else cast(datetime.datetime, as_utc(moment)).astimezone(UTC)
    except OverflowError:
        message = _("Enter a moment from 0001-01-01 to 9999-12-31 in UTC.")
        raise ValidationFailed(message, code="invalid_filter", fields={name: [message]}) from None


@router.post("/tickets", response={201: TicketOut, **ERRORS})
def create_ticket(request: HttpRequest, payload: TicketCreateIn) -> Any:
    """Raise a request. Agents of the desk may raise it for someone else with `reporter_email`."""
    user = caller(request)
    try:
        desk = desk_for_user(user, payload.desk)
    except NotFound:
        raise unknown_desk(field="desk") from None
    request_type = catalog().active_request_type(desk.pk, payload.request_type)
    if request_type is None:
        raise ValidationFailed(
            _("This desk has no such request type."),
            code="unknown_request_type",
            fields={"request_type": [_("This desk has no such request type.")]},
        )
    ticket = actions.ticket_create(
        actor=user,
        desk=desk,
        request_type=request_type,
        summary=payload.summary,
        description=payload.description,
        reporter_email=payload.reporter_email,
        priority=payload.priority,
        fields=payload.fields,
        labels=payload.labels,
        channel=Channel.API,
    )
    # The creator may always read what they raised, and the action returns the ticket with its
    # desk, type, status, people and team attached: no need to read it back.
    return prebuilt(ticket_out(selectors.ticket_detail(ticket)), 201)


@router.get("/tickets", response={200: TicketPage, **ERRORS})
def list_tickets(
    request: HttpRequest,
    desk: str | None = None,
    status: str | None = None,
    status_category: str | None = None,
    assignee: str | None = None,
    team: str | None = None,
    priority: str | None = None,
    reporter: str | None = None,
    q: str | None = None,
    created_after: datetime.datetime | None = None,
    created_before: datetime.datetime | None = None,
    limit: PageLimit = selectors.DEFAULT_PAGE,
    cursor: str | None = None,
) -> HttpResponse:
    """Tickets the caller may see, newest first; follow `next_cursor` for the next page."""
    filters = selectors.TicketFilters(
        desk=desk,
        status=status,
        status_category=status_category,
        assignee=assignee,
        team=team,
        priority=priority,
        reporter=reporter,
        q=q,
        created_after=_utc_instant("created_after", created_after),
        created_before=_utc_instant("created_before", created_before),
    )
    page = selectors.ticket_list(user=caller(request), filters=filters, cursor=cursor, limit=limit)
    return prebuilt(
        {"items": [ticket_row_out(row) for row in page.items], "next_cursor": page.next_cursor}
    )


@router.get("/tickets/{key}", response={200: TicketOut, **ERRORS})
def get_ticket(request: HttpRequest, key: str) -> HttpResponse:
    """One ticket by key, e.g. IT-42."""
    return prebuilt(ticket_out(selectors.ticket_detail(access_ticket(caller(request), key))))


@router.patch("/tickets/{key}", response={200: TicketOut, **ERRORS})
def update_ticket(request: HttpRequest, key: str, payload: TicketPatchIn) -> dict[str, Any]:
    """Change priority, assignee (e-mail or null), team (name or null), summary, fields, labels.

    Or move the ticket to another desk: `desk` (its key) with `request_type` (an active type of
    that desk, by id or name), and nothing else; the answer carries the ticket's new key, and
    the old key keeps finding it. Only agents of both desks move tickets.

    Send the `version` you read to refuse the change when someone else changed the ticket since.
    """
    user = caller(request)
    ticket = access_ticket(user, key, write=True)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    if "desk" in changes or "request_type" in changes:
        moved = _move(user, ticket, changes, version)
        return ticket_out(selectors.ticket_detail(access_ticket(user, moved.key)))
    for name in ("summary", "priority", "fields", "labels", "is_shared_with_organization"):
        if name in changes and changes[name] is None:
            raise ValidationFailed(
                _("This value cannot be null."),
                code="invalid_input",
                fields={name: [_("This value cannot be null.")]},
            )
    actions.ticket_update(actor=user, ticket=ticket, changes=changes, expected_version=version)
    return ticket_out(selectors.ticket_detail(access_ticket(user, key)))


def _move(user: User, ticket: Ticket, changes: dict[str, Any], version: int | None) -> Ticket:
    """Move the ticket to the desk and request type of `changes`, which hold nothing else."""
    others = sorted(set(changes) - {"desk", "request_type"})
    if others:
        message = _("Move the request on its own, then change the rest.")
        raise ValidationFailed(
            message, code="move_with_other_changes", fields={name: [message] for name in others}
        )
    if not changes.get("desk"):
        message = _("Give the desk to move the request to.")
        raise ValidationFailed(message, code="desk_required", fields={"desk": [message]})
    if changes.get("request_type") in (None, ""):
        message = _("Give the request type it becomes on the new desk.")
        raise ValidationFailed(
            message, code="request_type_required", fields={"request_type": [message]}
        )
    try:
        desk = desk_for_user(user, changes["desk"])
    except NotFound:
        raise unknown_desk(field="desk") from None
    request_type = catalog().active_request_type(desk.pk, changes["request_type"])
    if request_type is None:
        message = _("This desk has no such request type.")
        raise ValidationFailed(
            message, code="unknown_request_type", fields={"request_type": [message]}
        )
    return actions.ticket_move(
        actor=user, ticket=ticket, desk=desk, request_type=request_type, expected_version=version
    )


@router.get("/tickets/{key}/comments", response={200: CommentPage, **ERRORS})
def list_comments(
    request: HttpRequest, key: str, limit: PageLimit = 100, cursor: str | None = None
) -> dict[str, Any]:
    """The conversation, oldest first; customers see public replies only."""
    user = caller(request)
    ticket = access_ticket(user, key)
    comments = selectors.ticket_comments(user=user, ticket=ticket)
    rows, next_cursor = selectors.oldest_first_page(comments, limit=limit, cursor=cursor)
    return {"items": [comment_out(c, ticket.key) for c in rows], "next_cursor": next_cursor}


@router.post("/tickets/{key}/comments", response={201: CommentOut, **ERRORS})
def add_comment(request: HttpRequest, key: str, payload: CommentIn) -> Any:
    """Reply to the customer (`is_public: true`) or add an internal note (agents only)."""
    user = caller(request)
    ticket = access_ticket(user, key, write=True)
    comment = actions.ticket_comment(
        actor=user,
        ticket=ticket,
        body=payload.body,
        is_public=payload.is_public,
        attachment_ids=payload.attachments,
    )
    return Status(201, comment_out(comment, ticket.key))


@router.get("/tickets/{key}/transitions", response={200: StatusPage, **ERRORS})
def list_transitions(request: HttpRequest, key: str) -> dict[str, Any]:
    """The statuses the caller may move the ticket to now."""
    user = caller(request)
    ticket = access_ticket(user, key)
    statuses = selectors.ticket_transitions_available(user=user, ticket=ticket)
    return {"items": [status_out(s) for s in statuses], "next_cursor": None}


@router.post("/tickets/{key}/transitions", response={200: TicketOut, **ERRORS})
def transition_ticket(request: HttpRequest, key: str, payload: TransitionIn) -> dict[str, Any]:
    """Move the ticket to another status, if the desk's workflow allows it."""
    user = caller(request)
    ticket = access_ticket(user, key, write=True)
    actions.ticket_transition(actor=user, ticket=ticket, status=payload.status)
    return ticket_out(selectors.ticket_detail(access_ticket(user, key)))


@router.get("/tickets/{key}/events", response={200: EventPage, **ERRORS})
def list_events(
    request: HttpRequest, key: str, limit: PageLimit = 100, cursor: str | None = None
) -> dict[str, Any]:
    """The audit trail, oldest first."""
    user = caller(request)
    ticket = access_ticket(user, key)
    events = selectors.ticket_events(user=user, ticket=ticket)
    rows, next_cursor = selectors.oldest_first_page(events, limit=limit, cursor=cursor)
    return {"items": [event_out(e) for e in rows], "next_cursor": next_cursor}
