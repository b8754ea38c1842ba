"""Input and output shapes of API v1; outputs are built from models by the functions below."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

from deskline.accounts.models import User
from deskline.desks.models import Desk, RequestField, RequestType, Status
from deskline.tickets.labels import LABEL_MAX, LABELS_MAX, clean_labels
from deskline.tickets.models import Attachment, Comment, Ticket, TicketEvent
from deskline.tickets.rows import PersonRef, TicketRow, ticket_row_of


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


# The limits of a ticket's labels, as the OpenAPI document states them. The values themselves
# are checked by `clean_labels` before pydantic looks at them, so that a long list or label is
# refused with the same code, message and fields as through any other path.
Labels = Annotated[list[Annotated[str, Field(max_length=LABEL_MAX)]], Field(max_length=LABELS_MAX)]


def _labels_checked(value: Any) -> Any:
    """Labels as `clean_labels` leaves them (raising its error); anything but a list of text is
    left to pydantic, which names what is wrong with it."""
    if isinstance(value, list) and all(isinstance(label, str) for label in value):
        return clean_labels(value)
    return value


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class PersonOut(Schema):
    email: str
    display_name: str


class DeskOut(Schema):
    key: str
    name: str
    description: str


class FieldOut(Schema):
    key: str
    label: str
    type: str
    required: bool
    help_text: str
    options: list[str]


class RequestTypeOut(Schema):
    id: int
    name: str
    description: str
    kind: str
    fields: list[FieldOut]


class RequestTypeRef(Schema):
    id: int
    name: str
    kind: str


class TicketOut(Schema):
    key: str
    desk: str
    request_type: RequestTypeRef
    summary: str
    description: str
    description_html: str
    status: str
    status_name: str
    status_category: str
    priority: str
    reporter: PersonOut
    assignee: PersonOut | None
    team: str | None
    organization: str | None
    labels: list[str]
    channel: str
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    fields: dict[str, Any]
    version: int


class TicketCreateIn(Strict):
    desk: str = Field(min_length=1, max_length=20)
    request_type: int | str
    summary: str
    description: str = ""
    reporter_email: str | None = None
    priority: str | None = None
    fields: dict[str, Any] | None = None
    labels: Labels = []

    @field_validator("labels", mode="before")
    @classmethod
    def labels_within_limits(cls, value: Any) -> Any:
        return _labels_checked(value)


class TicketPatchIn(Strict):
    # Moving the ticket to another desk: both together, and nothing else in the same request.
    desk: str | None = Field(default=None, min_length=1, max_length=20)
    request_type: int | str | None = None
    summary: str | None = None
    priority: str | None = None
    assignee: str | None = None
    team: str | None = None
    fields: dict[str, Any] | None = None
    labels: Labels | None = None
    is_shared_with_organization: bool | None = None
    version: int | None = None

    @field_validator("labels", mode="before")
    @classmethod
    def labels_within_limits(cls, value: Any) -> Any:
        return _labels_checked(value)


class CommentIn(Strict):
    body: str
    is_public: bool = True
    attachments: list[int] = []


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int


class CommentOut(Schema):
    id: int
    author: PersonOut
    body: str
    body_html: str
    is_public: bool
    created_at: datetime
    attachments: list[AttachmentOut]


class TransitionIn(Strict):
    status: str


class StatusOut(Schema):
    key: str
    name: str
    category: str


class EventOut(Schema):
    id: int
    kind: str
    actor: PersonOut | None
    # Set when Deskline acted by itself: "sla" (the SLA clock), "rule:12", "mailbox:3"...
    actor_system: str | None = None
    field: str
    old_value: Any
    new_value: Any
    created_at: datetime


def person(user: User | None) -> dict[str, str] | None:
    if user is None:
        return None
    return {"email": user.email, "display_name": user.display_name}


def person_ref(ref: PersonRef | None) -> dict[str, str] | None:
    if ref is None:
        return None
    return {"email": ref.email, "display_name": ref.display_name}


def desk_out(desk: Desk) -> dict[str, Any]:
    return {
        "key": desk.key,
        "name": desk.translated("name"),
        "description": desk.translated("description"),
    }


def field_out(field: RequestField) -> dict[str, Any]:
    return {
        "key": field.key,
        "label": field.translated("label"),
        "type": field.field_type,
        "required": field.is_required,
        "help_text": field.translated("help_text"),
        "options": list(field.options or []),
    }


def request_type_out(request_type: RequestType) -> dict[str, Any]:
    return {
        "id": request_type.pk,
        "name": request_type.translated("name"),
        "description": request_type.translated("description"),
        "kind": request_type.kind,
        "fields": [field_out(f) for f in request_type.fields.all()],
    }


def ticket_out(ticket: Ticket) -> dict[str, Any]:
    """One ticket, in the same shape as the items of a list."""
    return ticket_row_out(ticket_row_of(ticket))


def ticket_row_out(row: TicketRow) -> dict[str, Any]:
    """A ticket in API v1's shape (`TicketOut`), from its list row."""
    return {
        "key": row.key,
        "desk": row.desk_key,
        "request_type": {
            "id": row.request_type_id,
            "name": row.request_type_name,
            "kind": row.request_type_kind,
        },
        "summary": row.summary,
        "description": row.description,
        "description_html": row.description_html,
        "status": row.status_key,
        "status_name": row.status_name,
        "status_category": row.status_category,
        "priority": row.priority,
        "reporter": person_ref(row.reporter),
        "assignee": person_ref(row.assignee),
        "team": row.team_name,
        "organization": row.organization_name,
        "labels": row.labels,
        "channel": row.channel,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "resolved_at": row.resolved_at,
        "fields": row.fields,
        "version": row.version,
    }


def attachment_out(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
    }


def comment_out(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "author": person(comment.author),
        "body": comment.body,
        "body_html": comment.body_html,
        "is_public": comment.is_public,
        "created_at": comment.created_at,
        "attachments": [attachment_out(a) for a in comment.attachments.all()],
    }


def status_out(status: Status) -> dict[str, Any]:
    return {"key": status.key, "name": status.translated("name"), "category": status.category}


def event_out(event: TicketEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "actor": person(event.actor),
        "actor_system": event.actor.system_key if event.actor is not None else None,
        "field": event.field,
        "old_value": event.old_value,
        "new_value": event.new_value,
        "created_at": event.created_at,
    }
