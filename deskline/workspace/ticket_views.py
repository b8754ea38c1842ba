"""The agent's ticket page: the conversation, the composer, and the side panel of changes.

Every change sends the version the agent read; when someone changed the ticket since, the action
refuses with Conflict and the page says so instead of overwriting their change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from deskline.accounts.models import User
from deskline.core.downloads import file_response
from deskline.core.errors import Conflict, DomainError, Message, ValidationFailed
from deskline.core.errors import PermissionDenied as DomainPermissionDenied
from deskline.core.time import now
from deskline.desks.catalog import catalog
from deskline.desks.fields import number_input_attributes
from deskline.desks.models import Desk, FieldType, RequestField
from deskline.sla.selectors import ticket_sla
from deskline.tickets import actions, queues, selectors
from deskline.tickets.access import access_ticket, is_agent_of
from deskline.tickets.labels import label_names
from deskline.tickets.models import Attachment, Priority, Ticket
from deskline.tickets.uploads import kept_only_on_success
from deskline.workspace.history import history_entries, people_names
from deskline.workspace.sla_display import panel_rows
from deskline.workspace.views import agent, agent_required, positive_id, sidebar_context

CONFLICT_MESSAGE = gettext_lazy(
    "Someone changed this ticket after you opened it, so your change was not saved. "
    "The page now shows the current values: check them and make your change again."
)
EDITABLE_FIELD_TYPES = {
    FieldType.SHORT_TEXT: "text",
    FieldType.LONG_TEXT: "textarea",
    FieldType.NUMBER: "number",
    FieldType.DATE: "date",
    FieldType.SINGLE_SELECT: "select",
    FieldType.MULTI_SELECT: "multiselect",
    FieldType.CHECKBOX: "checkbox",
    FieldType.USER: "person",
}
_LABEL_SPLIT = re.compile(r"[\s,]+")


@dataclass
class Composer:
    """The state of the reply or the note form: what was typed and what was wrong with it."""

    body: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class FormField:
    """One request-type field as the side panel shows it: a select's options as (value,
    label) in the reader's language, a number's bounds as input attributes, a person by name
    beside their address."""

    key: str
    label: str
    help_text: str
    widget: str
    is_required: bool
    options: list[tuple[str, str]]
    value: Any
    errors: list[str]
    # The files of an attachment field, each with its download link in the template.
    files: list[Attachment] = field(default_factory=list)
    number_attributes: dict[str, str] = field(default_factory=dict)
    person_name: str = ""

    @property
    def input_name(self) -> str:
        return f"field_{self.key}"


def people_suggestions_url(desk: Desk) -> str:
    """Where the picker of a user field asks for people (the help center's endpoint, which
    gives an agent of the desk anyone active)."""
    return f"{reverse('portal:people_suggestions')}?{urlencode({'desk': desk.key})}"


def _messages_of(error: DomainError) -> dict[str, list[str]]:
    found = {name: [str(m) for m in texts] for name, texts in error.fields.items()}
    return found or {"form": [str(error.message)]}


def _agent_ticket(request: HttpRequest, key: str) -> tuple[User, Ticket]:
    """The ticket if the agent works on its desk; 404 otherwise (also for their own requests)."""
    user = agent(request)
    ticket = access_ticket(user, key, write=request.method == "POST")
    if not is_agent_of(user, ticket):
        raise Http404(_("There is no ticket with this key."))
    return user, ticket


def _request_fields(ticket: Ticket) -> list[RequestField]:
    return list(ticket.request_type.fields.order_by("position", "id"))


def _field_attachment_ids(request_fields: list[RequestField], values: dict[str, Any]) -> list[int]:
    ids: list[int] = []
    for request_field in request_fields:
        if request_field.field_type != FieldType.ATTACHMENT:
            continue
        value = values.get(request_field.key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, int) and not isinstance(item, bool):
                ids.append(item)
    return ids


def _form_fields(
    request_fields: list[RequestField],
    values: dict[str, Any],
    errors: dict[str, list[str]],
    names: dict[str, str],
    files: dict[int, Attachment],
) -> list[FormField]:
    shown = []
    for request_field in request_fields:
        kind = FieldType(request_field.field_type)
        widget = EDITABLE_FIELD_TYPES.get(kind, "readonly")
        value = values.get(request_field.key)
        field_files: list[Attachment] = []
        if kind == FieldType.ATTACHMENT:
            field_files = [
                files[i] for i in _field_attachment_ids([request_field], values) if i in files
            ]
        shown.append(
            FormField(
                key=request_field.key,
                label=request_field.translated("label"),
                help_text=request_field.translated("help_text"),
                widget=widget,
                is_required=request_field.is_required,
                options=request_field.option_choices(),
                value=value,
                errors=errors.get(f"fields.{request_field.key}", []),
                files=field_files,
                number_attributes=number_input_attributes(request_field)
                if kind == FieldType.NUMBER
                else {},
                person_name=names.get(str(value), "") if kind == FieldType.USER else "",
            )
        )
    return shown


def _current_details(ticket: Ticket) -> dict[str, Any]:
    return {
        "priority": ticket.priority,
        "assignee": ticket.assignee.email if ticket.assignee else "",
        "team": ticket.team.name if ticket.team else "",
        "labels": " ".join(label_names(ticket)),
        "fields": dict(ticket.fields),
    }


def _render_ticket(
    request: HttpRequest,
    user: User,
    ticket: Ticket,
    *,
    reply: Composer | None = None,
    note: Composer | None = None,
    details: dict[str, Any] | None = None,
    details_errors: dict[str, list[str]] | None = None,
    status_errors: list[str] | None = None,
    move_errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    ticket = selectors.ticket_detail(ticket)
    details = details or _current_details(ticket)
    details_errors = details_errors or {}
    comments = list(selectors.ticket_comments(user=user, ticket=ticket))
    events, _more = selectors.oldest_first_page(
        selectors.ticket_events(user=user, ticket=ticket), limit=selectors.MAX_PAGE, cursor=None
    )
    request_fields = _request_fields(ticket)
    # The files of the attachment fields, in one query, and none when no such field is filled.
    field_file_ids = _field_attachment_ids(request_fields, ticket.fields)
    field_files: dict[int, Attachment] = {}
    if field_file_ids:
        found = selectors.ticket_attachments(user=user, ticket=ticket, ids=field_file_ids)
        field_files = {attachment.pk: attachment for attachment in found}
    agents = queues.desk_agents(ticket.desk)
    if ticket.assignee and ticket.assignee not in agents:
        agents.append(ticket.assignee)
    field_values = details.get("fields", {})
    # Everyone the history and the form name, by address: at most one query.
    names = people_names(events, request_fields, field_values, [*agents, ticket.reporter])
    context = {
        **sidebar_context(user, None),
        "ticket": ticket,
        "labels": label_names(ticket),
        "comments": comments,
        "events": history_entries(ticket, events, request_fields, names),
        "desk_name": ticket.desk.translated("name"),
        "request_type_name": ticket.request_type.translated("name"),
        "status_name": ticket.status.translated("name"),
        "transitions": [
            (status.key, status.translated("name"))
            for status in selectors.ticket_transitions_available(user=user, ticket=ticket)
        ],
        "priorities": Priority.choices,
        "agents": agents,
        "teams": queues.desk_teams(ticket.desk),
        "details": details,
        "details_errors": details_errors,
        "form_fields": _form_fields(
            request_fields,
            field_values,
            details_errors,
            names,
            field_files,
        ),
        "people_suggestions_url": people_suggestions_url(ticket.desk),
        "status_errors": status_errors or [],
        "move_targets": selectors.ticket_move_targets(user=user, ticket=ticket),
        "move_errors": move_errors or {},
        "reply": reply or Composer(),
        "note": note or Composer(),
        "related": selectors.related_tickets(user=user, ticket=ticket),
        "is_assigned_to_me": ticket.assignee_id == user.pk,
        "sla_rows": panel_rows(ticket_sla(ticket_id=ticket.pk, at=now(), desk_id=ticket.desk_id)),
    }
    return render(request, "workspace/ticket.html", context, status=status)


def _posted_version(request: HttpRequest) -> int | None:
    return positive_id(request.POST.get("version"))


def _conflict(request: HttpRequest, user: User, key: str) -> HttpResponse:
    messages.error(request, str(CONFLICT_MESSAGE))
    _user, fresh = _agent_ticket(request, key)
    return _render_ticket(request, user, fresh, status=409)


@agent_required
@require_GET
def ticket_page(request: HttpRequest, key: str) -> HttpResponse:
    user, ticket = _agent_ticket(request, key)
    if ticket.key != key:
        return redirect("workspace:ticket", key=ticket.key)
    return _render_ticket(request, user, ticket)


@agent_required
@require_GET
def ticket_attachment(request: HttpRequest, key: str, attachment_id: int) -> FileResponse:
    """Download a file of the ticket (a comment's, a note's or a form field's); 404 for agents
    of other desks, as for the ticket itself."""
    user, ticket = _agent_ticket(request, key)
    found = selectors.ticket_attachment(user=user, ticket=ticket, attachment_id=attachment_id)
    return file_response(found)


@agent_required
@require_GET
def ticket_sla_panel(request: HttpRequest, key: str) -> HttpResponse:
    """The SLA panel alone, as of now: htmx swaps it in every minute, because business time
    runs only in working hours and a countdown in the browser cannot know them."""
    _user, ticket = _agent_ticket(request, key)
    rows = panel_rows(ticket_sla(ticket_id=ticket.pk, at=now(), desk_id=ticket.desk_id))
    context = {"ticket": ticket, "sla_rows": rows}
    return render(request, "workspace/_sla_panel.html", context)


@agent_required
@require_POST
def ticket_comment(request: HttpRequest, key: str) -> HttpResponse:
    """Send a public reply or add an internal note, with any attached files."""
    user, ticket = _agent_ticket(request, key)
    is_public = request.POST.get("visibility") != "internal"
    body = request.POST.get("body", "")
    composer = Composer(body=body)
    try:
        # The files and the message are stored together or not at all: a refused message (too
        # long, say) or a refused second file leaves no file behind unclaimed.
        with kept_only_on_success() as uploaded:
            if body.strip():  # no file is worth storing without a message to go with it
                for upload in request.FILES.getlist("attachments"):
                    uploaded.append(
                        actions.attachment_upload(
                            actor=user,
                            filename=upload.name or "",
                            content=upload.file,  # type: ignore[arg-type]  # a binary stream
                            size=upload.size,
                        )
                    )
            comment = actions.ticket_comment(
                actor=user,
                ticket=ticket,
                body=body,
                is_public=is_public,
                attachment_ids=[attachment.pk for attachment in uploaded],
            )
    except ValidationFailed as error:
        composer.errors = _messages_of(error)
        if "file" in composer.errors:
            composer.errors["attachments"] = composer.errors.pop("file")
        return _render_ticket(
            request,
            user,
            ticket,
            reply=composer if is_public else None,
            note=None if is_public else composer,
            status=400,
        )
    messages.success(request, _("Reply sent.") if is_public else _("Internal note added."))
    return redirect(reverse("workspace:ticket", kwargs={"key": ticket.key}) + f"#c{comment.pk}")


def _posted_fields(
    request: HttpRequest, ticket: Ticket, request_fields: list[RequestField]
) -> dict[str, Any]:
    """The request-type fields as posted, leaving out those the form cannot edit and the empty
    ones that were empty before (so saving an untouched form changes nothing)."""
    posted: dict[str, Any] = {}
    for request_field in request_fields:
        widget = EDITABLE_FIELD_TYPES.get(FieldType(request_field.field_type))
        if widget is None:
            continue
        name = f"field_{request_field.key}"
        value: Any
        if widget == "multiselect":
            value = request.POST.getlist(name)
        elif widget == "checkbox":
            value = name in request.POST
            if not value and request_field.key not in ticket.fields:
                continue
        else:
            value = request.POST.get(name, "")
        if value in ("", []) and request_field.key not in ticket.fields:
            continue
        posted[request_field.key] = value
    return posted


@agent_required
@require_POST
def ticket_details(request: HttpRequest, key: str) -> HttpResponse:
    """Change priority, assignee, team, labels and the request type's fields in one go."""
    user, ticket = _agent_ticket(request, key)
    request_fields = _request_fields(ticket)
    posted_fields = _posted_fields(request, ticket, request_fields)
    labels = [word for word in _LABEL_SPLIT.split(request.POST.get("labels", "")) if word]
    changes: dict[str, Any] = {
        "priority": request.POST.get("priority", ""),
        "assignee": (request.POST.get("assignee") or "").strip() or None,
        "team": (request.POST.get("team") or "").strip() or None,
        "labels": labels,
        "fields": posted_fields,
    }
    try:
        actions.ticket_update(
            actor=user, ticket=ticket, changes=changes, expected_version=_posted_version(request)
        )
    except Conflict:
        return _conflict(request, user, key)
    except ValidationFailed as error:
        kept = {
            "priority": changes["priority"],
            "assignee": changes["assignee"] or "",
            "team": changes["team"] or "",
            "labels": request.POST.get("labels", ""),
            "fields": {**ticket.fields, **posted_fields},
        }
        return _render_ticket(
            request, user, ticket, details=kept, details_errors=_messages_of(error), status=400
        )
    messages.success(request, _("Changes saved."))
    return redirect("workspace:ticket", key=ticket.key)


@agent_required
@require_POST
def ticket_transition(request: HttpRequest, key: str) -> HttpResponse:
    """Move the ticket to one of the statuses its workflow allows now."""
    user, ticket = _agent_ticket(request, key)
    version = _posted_version(request)
    status_key = (request.POST.get("status") or "").strip()
    try:
        if version is None:
            raise ValidationFailed(_("Reload the page and try again."), code="version_required")
        actions.ticket_transition(
            actor=user, ticket=ticket, status=status_key, expected_version=version
        )
    except Conflict:
        return _conflict(request, user, key)
    except ValidationFailed as error:
        reasons: list[Message] = [error.message, *error.fields.get("status", [])]
        unique = list(dict.fromkeys(str(reason) for reason in reasons))
        return _render_ticket(request, user, ticket, status_errors=unique, status=400)
    messages.success(request, _("Status changed."))
    return redirect("workspace:ticket", key=ticket.key)


@agent_required
@require_POST
def ticket_move(request: HttpRequest, key: str) -> HttpResponse:
    """Move the ticket to another desk the agent works on, as one of its request types; the
    ticket page then lives at the new key (the old one redirects there)."""
    user, ticket = _agent_ticket(request, key)
    version = _posted_version(request)
    known = catalog()
    request_type = known.request_types.get(positive_id(request.POST.get("request_type")) or 0)
    try:
        if version is None:
            raise ValidationFailed(_("Reload the page and try again."), code="version_required")
        if request_type is None:
            message = _("Choose a desk and request type from the list.")
            raise ValidationFailed(
                message, code="unknown_request_type", fields={"request_type": [message]}
            )
        moved = actions.ticket_move(
            actor=user,
            ticket=ticket,
            desk=known.desks[request_type.desk_id],
            request_type=request_type,
            expected_version=version,
        )
    except Conflict:
        return _conflict(request, user, key)
    except DomainPermissionDenied as error:  # a desk not offered to them (no longer, or never)
        messages.error(request, str(error.message))
        return _render_ticket(request, user, ticket, status=403)
    except ValidationFailed as error:
        errors = _messages_of(error)
        if "desk" in errors:  # one control chooses both: say it next to it
            errors.setdefault("request_type", []).extend(errors.pop("desk"))
        return _render_ticket(request, user, ticket, move_errors=errors, status=400)
    messages.success(
        request,
        _("Moved to %(desk)s as %(key)s; %(old)s leads here too.")
        % {
            "desk": known.desks[moved.desk_id].translated("name"),
            "key": moved.key,
            "old": ticket.key,
        },
    )
    return redirect("workspace:ticket", key=moved.key)


@agent_required
@require_POST
def ticket_assign_to_me(request: HttpRequest, key: str) -> HttpResponse:
    """Take the ticket: make the signed-in agent its assignee."""
    user, ticket = _agent_ticket(request, key)
    try:
        actions.ticket_update(
            actor=user,
            ticket=ticket,
            changes={"assignee": user},
            expected_version=_posted_version(request),
        )
    except Conflict:
        return _conflict(request, user, key)
    except ValidationFailed as error:
        return _render_ticket(request, user, ticket, details_errors=_messages_of(error), status=400)
    messages.success(request, _("The ticket is assigned to you."))
    return redirect("workspace:ticket", key=ticket.key)
