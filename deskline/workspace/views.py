"""The agent workspace: queues and their lists, bulk changes, and the sidebar's live counts.

Thin function views (parse -> access -> action -> render) over the same actions and selectors as
the API. The ticket page lives in `ticket_views`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from deskline.accounts.models import User
from deskline.core.dates import datetime_formatter
from deskline.core.errors import DomainError, NotFound, ValidationFailed
from deskline.core.errors import PermissionDenied as DomainPermissionDenied
from deskline.core.markdown import render_markdown
from deskline.core.text import unstorable_text_at
from deskline.core.time import now
from deskline.sla.queue import QueueSla, queue_sla
from deskline.tickets import actions, queues, selectors
from deskline.tickets.access import access_ticket, is_agent_of
from deskline.tickets.models import Priority, Ticket
from deskline.tickets.notifications import UNREAD_CAP, unread_notification_count
from deskline.workspace.sla_display import due_cell

# A page, or a file download (a streaming response).
View = TypeVar("View", bound=Callable[..., HttpResponseBase])

SORT_LABELS = {
    "newest": gettext_lazy("Newest first"),
    "oldest": gettext_lazy("Oldest first"),
    "updated": gettext_lazy("Recently updated"),
    "priority": gettext_lazy("Priority"),
    "due": gettext_lazy("Time remaining"),
}
PAGE_SIZE = 50
# The largest id a database column holds: a larger number in a form names nothing (and SQLite
# cannot even compare it), so it is refused like any other non-number.
MAX_ID = 2**63 - 1


def agent_required(view: View) -> View:
    """Send visitors to sign in, refuse customers (403), and show domain errors as pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not cast(User, request.user).is_agent:
            raise PermissionDenied
        if _has_null_character(request):
            # PostgreSQL cannot store or even compare text holding NUL: refuse it before any query.
            return HttpResponseBadRequest(
                _("Some values are not valid."), content_type="text/plain; charset=utf-8"
            )
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(str(error.message)) from None
        except DomainPermissionDenied:
            raise PermissionDenied from None

    return cast(View, wrapper)


def _has_null_character(request: HttpRequest) -> bool:
    """Whether text a database cannot store (core.text) is in the query or the form."""
    return any(
        unstorable_text_at(dict(query.lists())) is not None for query in (request.GET, request.POST)
    )


def positive_id(raw: str | None) -> int | None:
    """The posted number as an int when it is a whole number a database id can hold."""
    text = (raw or "").strip()
    # isdigit() alone lets through "²", which int() refuses: ASCII digits only.
    if not (text.isascii() and text.isdigit()):
        return None
    # More digits than the largest id: none (and int() refuses a few thousand digits).
    if len(text.lstrip("0")) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def agent(request: HttpRequest) -> User:
    return cast(User, request.user)


def sidebar_context(
    user: User, current: str | None, *, with_counts: bool = False
) -> dict[str, Any]:
    """The sidebar's queues. Pages show them without counts and let htmx fetch the counts at
    once (and every 30 s) from `sidebar`, so a page never waits for them. The same response
    brings the topbar's count of unread notifications (an out-of-band swap)."""
    items: list[Any] = []
    context: dict[str, Any] = {}
    if with_counts:
        items.extend(queues.queue_counts(user))
        unread = unread_notification_count(user)
        context["unread_notifications"] = (
            f"{UNREAD_CAP}+" if unread > UNREAD_CAP else str(unread) if unread else ""
        )
    else:
        items.extend(SidebarItem(queue) for queue in queues.queues_for(user))
    return {
        **context,
        "queue_items": items,
        "current_queue": current,
        "has_counts": with_counts,
    }


@dataclass(frozen=True)
class SidebarItem:
    """A queue shown before its count has arrived."""

    queue: queues.Queue
    shown: str = ""


@agent_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect("workspace:queue", slug="mine")


@agent_required
@require_GET
def sidebar(request: HttpRequest) -> HttpResponse:
    """The queue list with fresh counts, for htmx to swap in every 30 seconds."""
    current = request.GET.get("current") or None
    context = sidebar_context(agent(request), current, with_counts=True)
    return render(request, "workspace/_sidebar.html", context)


def _queue_filters(query: Any) -> tuple[selectors.TicketFilters, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    raw_type = (query.get("request_type") or "").strip()
    request_type = positive_id(raw_type)
    if raw_type and request_type is None:
        errors["request_type"] = [_("Choose a request type from the list.")]
    filters = selectors.TicketFilters(
        status=(query.get("status") or "").strip() or None,
        priority=(query.get("priority") or "").strip() or None,
        team=(query.get("team") or "").strip() or None,
        assignee=(query.get("assignee") or "").strip() or None,
        request_type=request_type,
        q=(query.get("q") or "").strip() or None,
    )
    return filters, errors


@dataclass(frozen=True)
class QueueLine:
    """One ticket's row of a queue, every cell ready to print.

    A page has 50 of them: in the template, a URL tag, translations and date filters per row
    cost about 15 ms of a 22 ms page; here they are string operations.
    """

    key: str
    url: str
    select_label: str
    summary: str
    requester: str
    status_category: str
    status_name: str
    priority: str
    priority_label: str
    assignee: str  # "" when unassigned
    team: str
    due_text: str
    due_colour: str
    due_iso: str  # "" without a deadline
    due_title: str
    updated_iso: str
    updated_text: str


def _queue_lines(rows: list[Any], slas: dict[int, QueueSla]) -> list[QueueLine]:
    url_before, url_after = reverse("workspace:ticket", kwargs={"key": "KEY"}).split("KEY")
    select = _("Select %(key)s")
    priorities = {value: str(label) for value, label in Priority.choices}
    written = datetime_formatter()
    lines = []
    for row in rows:
        due = due_cell(row.sla_due_at, slas.get(row.id))
        due_at = timezone.localtime(due.due_at) if due.due_at else None
        updated_at = timezone.localtime(row.updated_at)
        reporter, assignee = row.reporter, row.assignee
        lines.append(
            QueueLine(
                key=row.key,
                url=f"{url_before}{quote(row.key)}{url_after}",
                select_label=select % {"key": row.key},
                summary=row.summary,
                requester=reporter.display_name or reporter.email,
                status_category=row.status_category,
                status_name=row.status_name,
                priority=row.priority,
                priority_label=priorities.get(row.priority, row.priority),
                assignee=(assignee.display_name or assignee.email) if assignee else "",
                team=row.team_name or "—",
                due_text=str(due.text),
                due_colour=due.colour,
                due_iso=due_at.isoformat() if due_at else "",
                due_title=written(due_at) if due_at else "",
                updated_iso=updated_at.isoformat(),
                updated_text=written(updated_at),
            )
        )
    return lines


@agent_required
@require_GET
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    """One queue: a filtered, sorted list paged by cursor links, with bulk-change checkboxes."""
    user = agent(request)
    current = queues.find_queue(user, slug)
    filters, errors = _queue_filters(request.GET)
    sort = request.GET.get("sort") or "newest"
    if sort not in selectors.QUEUE_SORTS:
        errors["sort"] = [_("Choose an order from the list.")]
        sort = "newest"
    cursor = request.GET.get("cursor") or None
    page = selectors.Page(items=[], next_cursor=None)
    if not errors:
        try:
            page = selectors.queue_ticket_list(
                user=user, queue=current, filters=filters, sort=sort, cursor=cursor, limit=PAGE_SIZE
            )
        except ValidationFailed as error:
            errors = {name: [str(m) for m in found] for name, found in error.fields.items()}
    slas = queue_sla([row.id for row in page.items], now())
    next_query = request.GET.copy()
    next_query["cursor"] = page.next_cursor or ""
    first_query = request.GET.copy()
    first_query.pop("cursor", None)
    context = {
        **sidebar_context(user, slug),
        "queue": current,
        "page": page,
        "lines": _queue_lines(page.items, slas),
        "filters": filters,
        "sort": sort,
        "sorts": list(SORT_LABELS.items()),
        "priorities": Priority.choices,
        "options": queues.queue_filter_options(user),
        "errors": errors,
        "is_filtered": any(
            request.GET.get(name)
            for name in ("status", "priority", "team", "assignee", "request_type", "q")
        ),
        "is_later_page": bool(cursor),
        "next_url": f"?{next_query.urlencode()}" if page.next_cursor else "",
        "first_url": f"?{first_query.urlencode()}",
        "here": request.get_full_path(),
    }
    return render(request, "workspace/queue.html", context, status=400 if errors else 200)


def _back_to(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return HttpResponseRedirect(target)


def _bulk_changes(request: HttpRequest, user: User) -> dict[str, Any]:
    action = request.POST.get("action", "")
    if action == "assign_me":
        return {"assignee": user}
    if action == "assign":
        # An empty choice is the bar's "Choose an agent…", not a wish to unassign.
        email = (request.POST.get("assignee") or "").strip()
        if not email:
            raise ValidationFailed(_("Choose an agent to assign."), code="invalid_assignee")
        return {"assignee": email}
    if action == "unassign":
        return {"assignee": None}
    if action == "status":
        return {"status": (request.POST.get("status") or "").strip()}
    if action == "priority":
        priority = (request.POST.get("priority") or "").strip()
        if not priority:
            raise ValidationFailed(_("Choose a priority."), code="invalid_priority")
        return {"priority": priority}
    raise ValidationFailed(_("Choose what to change."), code="invalid_bulk_change")


@agent_required
@require_POST
def bulk(request: HttpRequest, slug: str) -> HttpResponse:
    """Change the ticked tickets of a queue at once; report every ticket that refused."""
    user = agent(request)
    queues.find_queue(user, slug)
    fallback = reverse("workspace:queue", kwargs={"slug": slug})
    # Each key once: a key ticked twice would be changed, then refused as already changed.
    keys = list(dict.fromkeys(key for key in request.POST.getlist("tickets") if key.strip()))
    keys = keys[: selectors.MAX_PAGE]
    if not keys:
        messages.error(request, _("Tick at least one ticket first."))
        return _back_to(request, fallback)
    try:
        changes = _bulk_changes(request, user)
        if "status" in changes and not changes["status"]:
            raise ValidationFailed(_("Choose a status."), code="unknown_status")
    except ValidationFailed as error:
        messages.error(request, str(error.message))
        return _back_to(request, fallback)
    tickets: list[Ticket] = []
    refused: list[tuple[str, str]] = []
    for key in keys:
        try:
            ticket = access_ticket(user, key, write=True)
        except DomainError:
            ticket = None
        # Like the ticket page: a ticket of a desk the agent does not serve (their own request on
        # another desk, say) is not one the workspace can change.
        if ticket is None or not is_agent_of(user, ticket):
            refused.append((key, _("There is no ticket with this key.")))
        else:
            tickets.append(ticket)
    try:
        outcomes = actions.ticket_bulk_change(actor=user, tickets=tickets, changes=changes)
    except ValidationFailed as error:
        messages.error(request, str(error.message))
        return _back_to(request, fallback)
    applied = [outcome.key for outcome in outcomes if outcome.is_applied]
    refused.extend(
        (outcome.key, str(outcome.error.message)) for outcome in outcomes if outcome.error
    )
    if applied:
        messages.success(
            request,
            ngettext(
                "Changed %(count)d ticket: %(keys)s.",
                "Changed %(count)d tickets: %(keys)s.",
                len(applied),
            )
            % {"count": len(applied), "keys": ", ".join(applied)},
        )
    if refused:
        messages.error(
            request,
            ngettext(
                "%(count)d ticket was not changed:",
                "%(count)d tickets were not changed:",
                len(refused),
            )
            % {"count": len(refused)},
        )
        for key, reason in refused:
            messages.error(request, _("%(key)s: %(reason)s") % {"key": key, "reason": reason})
    return _back_to(request, fallback)


@agent_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The Markdown of a reply or note as it will be shown, for the composer's preview."""
    body = request.POST.get("body", "")
    return render(request, "workspace/_preview.html", {"html": render_markdown(body)})
