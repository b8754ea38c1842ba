"""The help center's request pages: my requests, one request, its conversation and actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from deskline.accounts.models import User
from deskline.core.downloads import file_response
from deskline.core.errors import Conflict, PermissionDenied, ValidationFailed
from deskline.core.text import is_storable_text
from deskline.core.time import now
from deskline.desks.models import FieldType, RequestField, StatusCategory
from deskline.desks.people import display_names
from deskline.portal.expectations import request_expectations
from deskline.portal.forms import CommentForm
from deskline.portal.http import error_pages, is_htmx
from deskline.tickets import help_center, selectors
from deskline.tickets.access import access_ticket
from deskline.tickets.actions import attachment_upload, ticket_comment, ticket_transition
from deskline.tickets.models import Attachment, Ticket
from deskline.tickets.sharing import ticket_share_set
from deskline.tickets.uploads import kept_only_on_success

LIST_PAGE = 25
CONVERSATION_PAGE = 100

# The status filter of the lists: what a customer means, as status categories.
STATUS_FILTERS: dict[str, tuple[Any, str]] = {
    "open": (
        gettext_lazy("Open"),
        ",".join(category for category in StatusCategory.values if category != StatusCategory.DONE),
    ),
    "waiting": (gettext_lazy("Waiting for me"), StatusCategory.WAITING.value),
    "resolved": (gettext_lazy("Resolved"), StatusCategory.DONE.value),
}
SCOPES = ("mine", "organization")


@login_required
@error_pages
def request_list(request: HttpRequest) -> HttpResponse:
    """My requests, or those shared with my organization, newest first, a page at a time."""
    user: User = request.user  # type: ignore[assignment]  # login_required
    scope = request.GET.get("scope", "mine")
    if scope not in SCOPES or (scope == "organization" and user.organization_id is None):
        scope = "mine"
    status = request.GET.get("status", "")
    if status not in STATUS_FILTERS:
        status = ""
    query = request.GET.get("q", "").strip()
    cursor = request.GET.get("cursor") or None
    categories = STATUS_FILTERS[status][1] if status else None
    error = ""
    page = selectors.Page(items=[], next_cursor=None)
    try:
        if scope == "organization":
            page = help_center.shared_with_organization(
                user=user, status_category=categories, q=query, cursor=cursor, limit=LIST_PAGE
            )
        else:
            filters = selectors.TicketFilters(reporter="me", status_category=categories, q=query)
            page = selectors.ticket_list(user=user, filters=filters, cursor=cursor, limit=LIST_PAGE)
    except ValidationFailed as failure:
        error = str(failure.message)
    return render(
        request,
        "portal/requests.html",
        {
            "page": page,
            "scope": scope,
            "status": status,
            "status_filters": [(key, label) for key, (label, _c) in STATUS_FILTERS.items()],
            "query": query,
            "cursor": cursor,
            "error": error,
            "has_organization": user.organization_id is not None,
            "nav": "requests",
        },
        status=400 if error else 200,
    )


@dataclass(frozen=True)
class FieldValue:
    """One answer of the request form, ready to show."""

    label: str
    text: str
    files: list[Attachment]


def _field_values(
    request_fields: list[RequestField],
    values: dict[str, Any],
    files: dict[int, Attachment],
    ticket: Ticket,
) -> list[FieldValue]:
    """The answers as people read them: option labels in their language, people by name (one
    query, only for people other than the reporter and the assignee)."""
    people = {
        str(values[field.key])
        for field in request_fields
        if field.field_type == FieldType.USER and field.key in values
    }
    known = {ticket.reporter.email: ticket.reporter.display_name}
    if ticket.assignee is not None:
        known[ticket.assignee.email] = ticket.assignee.display_name
    names = display_names(people, known) if people else {}
    shown: list[FieldValue] = []
    for field in request_fields:
        if field.key not in values:
            continue
        value = values[field.key]
        label = field.translated("label")
        if field.field_type == FieldType.ATTACHMENT:
            ids = value if isinstance(value, list) else [value]
            shown.append(FieldValue(label, "", [files[i] for i in ids if i in files]))
        elif field.field_type == FieldType.CHECKBOX:
            shown.append(FieldValue(label, _("Yes") if value else _("No"), []))
        elif field.field_type == FieldType.USER:
            shown.append(FieldValue(label, names.get(str(value), str(value)), []))
        elif field.field_type in (FieldType.SINGLE_SELECT, FieldType.MULTI_SELECT):
            items = value if isinstance(value, list) else [value]
            shown.append(FieldValue(label, ", ".join(field.option_label(i) for i in items), []))
        elif isinstance(value, list):
            shown.append(FieldValue(label, ", ".join(str(item) for item in value), []))
        else:
            shown.append(FieldValue(label, str(value), []))
    return shown


def _conversation_context(
    request: HttpRequest, user: User, ticket: Ticket, comment_form: CommentForm
) -> dict[str, Any]:
    comments = selectors.ticket_comments(user=user, ticket=ticket)
    cursor_error = ""
    try:
        rows, later = selectors.oldest_first_page(
            comments, limit=CONVERSATION_PAGE, cursor=request.GET.get("after") or None
        )
    except ValidationFailed as error:
        # A cursor the page never gave out: show the conversation from its start, and say so.
        cursor_error = str(error.message)
        rows, later = selectors.oldest_first_page(comments, limit=CONVERSATION_PAGE, cursor=None)
    return {
        "ticket": ticket,
        "comments": rows,
        "later": later,
        "cursor_error": cursor_error,
        "comment_form": comment_form,
        "nav": "requests",
    }


def _detail(
    request: HttpRequest, user: User, ticket: Ticket, comment_form: CommentForm, status: int = 200
) -> HttpResponse:
    ticket = selectors.ticket_detail(ticket)
    files = {a.pk: a for a in selectors.ticket_attachments(user=user, ticket=ticket)}
    resolve_to, reopen_to = help_center.done_and_open_targets(user=user, ticket=ticket)
    context = _conversation_context(request, user, ticket, comment_form)
    if context["cursor_error"] and status == 200:
        status = 400
    context.update(
        {
            "field_values": _field_values(
                list(ticket.request_type.fields.order_by("position", "id")),
                ticket.fields,
                files,
                ticket,
            ),
            "status_name": ticket.status.customer_facing_name(),
            "resolve_to": resolve_to,
            "reopen_to": reopen_to,
            # The reporter decides whether their colleagues follow the request.
            "can_share": ticket.reporter_id == user.pk and ticket.organization_id is not None,
            # A request moved to another desk: its old keys (from e-mails, bookmarks) lead here.
            "former_keys": selectors.former_keys(ticket),
            "expectations": request_expectations(ticket, now()),
        }
    )
    return render(request, "portal/request.html", context, status=status)


@login_required
@error_pages
def request_detail(request: HttpRequest, key: str) -> HttpResponse:
    """One request: its details, answers and public conversation. Others' requests are 404."""
    user: User = request.user  # type: ignore[assignment]  # login_required
    ticket = access_ticket(user, key)
    if ticket.key != key:
        return redirect("portal:request", key=ticket.key)
    return _detail(request, user, ticket, CommentForm())


@login_required
@require_POST
@error_pages
def add_comment(request: HttpRequest, key: str) -> HttpResponse:
    """Reply on a request, with files; htmx gets the conversation back, others a redirect."""
    user: User = request.user  # type: ignore[assignment]  # login_required
    ticket = access_ticket(user, key, write=True)
    form = CommentForm(request.POST, request.FILES)
    added = False
    status_before = ticket.status_id
    if form.is_valid():
        try:
            # No file is kept when the comment is refused.
            with kept_only_on_success() as uploaded:
                for upload in form.cleaned_data["attachments"]:
                    uploaded.append(
                        attachment_upload(
                            actor=user,
                            filename=upload.name or "",
                            content=upload.file,
                            size=upload.size,
                        )
                    )
                ticket_comment(
                    actor=user,
                    ticket=ticket,
                    body=form.cleaned_data["body"],
                    attachment_ids=[attachment.pk for attachment in uploaded],
                )
            added = True
        except ValidationFailed as error:
            form.add_domain_errors(error, form.ERROR_NAMES)
    if is_htmx(request):
        context = _conversation_context(request, user, ticket, CommentForm() if added else form)
        context["notice"] = _("Your comment was added.") if added else ""
        # A reply to a request waiting for the customer moves it back to work: say so too.
        context["status_changed"] = ticket.status_id != status_before
        return render(request, "portal/_conversation.html", context)
    if added:
        messages.success(request, _("Your comment was added."))
        return redirect(reverse("portal:request", kwargs={"key": ticket.key}) + "#conversation")
    return _detail(request, user, ticket, form, status=400)


@login_required
@require_POST
@error_pages
def transition(request: HttpRequest, key: str) -> HttpResponse:
    """Mark a request as resolved, or reopen it."""
    user: User = request.user  # type: ignore[assignment]  # login_required
    ticket = access_ticket(user, key, write=True)
    status = request.POST.get("status", "")
    try:
        if not is_storable_text(status):
            # No status key holds one, and PostgreSQL refuses it in a query: a 500 otherwise.
            raise ValidationFailed(_("This desk has no such status."), code="unknown_status")
        moved = ticket_transition(actor=user, ticket=ticket, status=status)
    except (ValidationFailed, PermissionDenied, Conflict) as error:
        messages.error(request, str(error.message))
    else:
        if moved.status_category == StatusCategory.DONE:
            messages.success(request, _("Marked as resolved."))
        else:
            messages.success(request, _("Reopened. We will look at it again."))
    return redirect("portal:request", key=ticket.key)


@login_required
@require_POST
@error_pages
def sharing(request: HttpRequest, key: str) -> HttpResponse:
    """Share my request with my organization, or stop sharing it (the reporter only: 403 for
    anyone else, and nothing changes)."""
    user: User = request.user  # type: ignore[assignment]  # login_required
    ticket = access_ticket(user, key, write=True)
    wanted = request.POST.get("is_shared", "")
    if wanted not in ("true", "false"):
        messages.error(request, _("Choose whether to share the request."))
        return redirect("portal:request", key=ticket.key)
    try:
        changed = ticket_share_set(actor=user, ticket=ticket, is_shared=wanted == "true")
    except ValidationFailed as error:
        messages.error(request, str(error.message))
    else:
        organization = ticket.organization.name if ticket.organization else ""
        if changed.is_shared_with_organization:
            messages.success(
                request,
                _("Shared with %(organization)s: your colleagues there can follow it now.")
                % {"organization": organization},
            )
        else:
            messages.success(
                request,
                _(
                    "No longer shared: only you, the people you added and the desk's agents "
                    "can open it."
                ),
            )
    return redirect("portal:request", key=ticket.key)


@login_required
@error_pages
def attachment(request: HttpRequest, key: str, attachment_id: int) -> FileResponse:
    """Download a file of a request the person may read (never one of an internal note)."""
    user: User = request.user  # type: ignore[assignment]  # login_required
    ticket = access_ticket(user, key)
    found = selectors.ticket_attachment(user=user, ticket=ticket, attachment_id=attachment_id)
    return file_response(found)
