"""Input and output shapes of API v1; outputs are built from models by the functions below."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.urls import reverse
from ninja import Schema
from pydantic import ConfigDict, Field, GetJsonSchemaHandler, field_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from deskline.accounts.actions import EMAIL_MAX
from deskline.accounts.models import Team, User
from deskline.core.links import absolute_url
from deskline.core.text import check_storable_text
from deskline.desks.fields import ATTACHMENTS_MAX, ROW_ID_MAX
from deskline.desks.models import Desk, RequestField, RequestType, Status
from deskline.tickets.actions import COMMENT_MAX, DESCRIPTION_MAX, SUMMARY_MAX
from deskline.tickets.labels import LABEL_MAX, LABELS_MAX, clean_labels
from deskline.tickets.models import Attachment, Comment, Priority, Ticket, TicketEvent
from deskline.tickets.rows import PersonRef, TicketRow, ticket_row_of
from deskline.tickets.selectors import MAX_PAGE


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class Documented:
    """JSON Schema keywords shown in the OpenAPI document that pydantic does not enforce.

    For a bound that the action behind the endpoint enforces with a code of its own, which
    clients already rely on (summary_too_long, text_too_long, invalid_email, invalid_priority,
    invalid_filter for `limit`): a pydantic constraint would answer first, with invalid_input.
    Use it as `Annotated[str, Documented(maxLength=255)]`.
    """

    def __init__(self, **keywords: Any) -> None:
        self.keywords = keywords

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return handler(core_schema) | self.keywords


# Text as the actions check it: at most this many characters (after trimming spaces).
Summary = Annotated[str, Documented(maxLength=SUMMARY_MAX)]
Description = Annotated[str, Documented(maxLength=DESCRIPTION_MAX)]
CommentBody = Annotated[str, Documented(maxLength=COMMENT_MAX)]
Email = Annotated[str, Documented(maxLength=EMAIL_MAX)]
TeamName = Annotated[str, Documented(maxLength=Team._meta.get_field("name").max_length)]
PriorityName = Annotated[str, Documented(enum=list(Priority.values))]
# A page of a list: selectors.check_page_limit refuses any other with invalid_filter.
PageLimit = Annotated[int, Documented(minimum=1, maximum=MAX_PAGE)]

# The limits of a ticket's labels, as the OpenAPI document states them. The values themselves
# are checked by `clean_labels` before pydantic looks at them, so that a long list or label is
# refused with the same code, message and fields as through any other path.
Labels = Annotated[list[Annotated[str, Field(max_length=LABEL_MAX)]], Field(max_length=LABELS_MAX)]


def _labels_checked(value: Any) -> Any:
    """Labels as `clean_labels` leaves them (raising its error); anything but a list of text is
    left to pydantic, which names what is wrong with it."""
    if isinstance(value, list) and all(isinstance(label, str) for label in value):
        check_storable_text(value, "labels")
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


class ChoiceOut(Schema):
    value: str
    label: str


class FieldOut(Schema):
    key: str
    label: str
    type: str
    required: bool
    help_text: str
    # The values a ticket stores (`fields` of a ticket holds these); `choices` adds their
    # labels in the caller's language.
    options: list[str]
    choices: list[ChoiceOut]
    # A number field's bounds and step; null where it sets none (and for other types).
    min: float | None
    max: float | None
    step: float | None


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
    summary: Summary
    description: Description = ""
    reporter_email: Email | None = None
    priority: PriorityName | None = None
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
    summary: Summary | None = None
    priority: PriorityName | None = None
    assignee: Email | None = Field(default=None, description="An agent's e-mail, or null.")
    team: TeamName | None = Field(default=None, description="A team's name, or null.")
    fields: dict[str, Any] | None = None
    labels: Labels | None = None
    is_shared_with_organization: bool | None = None
    version: int | None = None

    @field_validator("labels", mode="before")
    @classmethod
    def labels_within_limits(cls, value: Any) -> Any:
        return _labels_checked(value)


class CommentIn(Strict):
    body: CommentBody
    is_public: bool = True
    attachments: list[Annotated[int, Field(ge=1, le=ROW_ID_MAX)]] = Field(
        default=[],
        max_length=ATTACHMENTS_MAX,
        description=f"Ids from POST /attachments, at most {ATTACHMENTS_MAX}.",
    )


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    # Where to download it (GET with the token); null until a ticket or comment claims it.
    url: str | None = None


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


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def field_out(field: RequestField) -> dict[str, Any]:
    choices = field.option_choices()
    return {
        "key": field.key,
        "label": field.translated("label"),
        "type": field.field_type,
        "required": field.is_required,
        "help_text": field.translated("help_text"),
        "options": [value for value, _label in choices],
        "choices": [{"value": value, "label": label} for value, label in choices],
        "min": _number(field.number_min),
        "max": _number(field.number_max),
        "step": _number(field.number_step),
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


def attachment_out(attachment: Attachment, ticket_key: str | None = None) -> dict[str, Any]:
    """The attachment; with the `ticket_key` of the ticket that claimed it, its download URL."""
    url = None
    if ticket_key is not None:
        path = reverse(
            "api-v1:ticket_attachment", kwargs={"key": ticket_key, "attachment_id": attachment.pk}
        )
        url = absolute_url(path)
    return {
        "id": attachment.pk,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": url,
    }


def comment_out(comment: Comment, ticket_key: str | None = None) -> dict[str, Any]:
    """The comment; pass its ticket's key (else it is read) for its files' download URLs."""
    files = list(comment.attachments.all())
    if files and ticket_key is None:
        ticket_key = comment.ticket.key
    return {
        "id": comment.pk,
        "author": person(comment.author),
        "body": comment.body,
        "body_html": comment.body_html,
        "is_public": comment.is_public,
        "created_at": comment.created_at,
        "attachments": [attachment_out(a, ticket_key) for a in files],
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
