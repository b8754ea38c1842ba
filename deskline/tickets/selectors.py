"""Reads of tickets for lists, pages and the API; each owns its joins and its paging."""

from __future__ import annotations

import base64
import binascii
import datetime
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Team, User
from deskline.core.errors import Message, ValidationFailed
from deskline.desks.models import Desk, Status, StatusCategory
from deskline.search.backends import filter_tickets_by_text
from deskline.tickets.access import is_agent_of, visible_tickets
from deskline.tickets.models import Comment, Priority, Ticket, TicketEvent

M = TypeVar("M", bound=Model)

MAX_PAGE = 200
DEFAULT_PAGE = 50
# Everything ticket_out reads, so a page of tickets is one query (plus one for labels).
LIST_RELATED = ("desk", "request_type", "status", "reporter", "assignee", "team", "organization")


@dataclass(frozen=True)
class TicketFilters:
    desk: str | None = None
    status: str | None = None
    status_category: str | None = None
    assignee: str | None = None
    team: str | None = None
    priority: str | None = None
    q: str | None = None
    created_after: datetime.datetime | None = None
    created_before: datetime.datetime | None = None
    reporter: str | None = None


@dataclass(frozen=True)
class Page:
    items: list[Ticket]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"t{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith("t"):
            raise ValueError(raw)
        value = int(raw[1:])
        if value <= 0:
            raise ValueError(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed(
            _("The cursor is not one this list gave out."),
            code="invalid_cursor",
            fields={"cursor": [_("Use next_cursor from the previous page.")]},
        ) from None
    return value


def _bad_filter(name: str, message: Message) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_filter", fields={name: [message]})


def _apply_filters(
    user: User, queryset: QuerySet[Ticket], filters: TicketFilters
) -> QuerySet[Ticket]:
    desk: Desk | None = None
    if filters.desk:
        desk = Desk.objects.filter(key=filters.desk.strip().upper()).first()
        if desk is None:
            raise ValidationFailed(
                _("There is no desk with this key."),
                code="unknown_desk",
                fields={"desk": [_("There is no desk with this key.")]},
            )
        queryset = queryset.filter(desk_id=desk.pk)
    if filters.status:
        statuses = Status.objects.filter(key=filters.status.strip())
        if desk is not None:
            statuses = statuses.filter(desk=desk)
        status_ids = list(statuses.values_list("id", flat=True))
        if not status_ids:
            raise _bad_filter("status", _("No desk has a status with this key."))
        queryset = queryset.filter(status_id__in=status_ids)
    if filters.status_category:
        categories = [c.strip() for c in filters.status_category.split(",") if c.strip()]
        if not categories or any(c not in StatusCategory.values for c in categories):
            raise _bad_filter("status_category", _("Use new, in_progress, waiting or done."))
        queryset = queryset.filter(status_category__in=categories)
    if filters.priority:
        priorities = [p.strip() for p in filters.priority.split(",") if p.strip()]
        if not priorities or any(p not in Priority.values for p in priorities):
            raise _bad_filter("priority", _("Use critical, high, medium or low."))
        queryset = queryset.filter(priority__in=priorities)
    if filters.assignee:
        value = filters.assignee.strip().lower()
        if value == "none":
            queryset = queryset.filter(assignee__isnull=True)
        elif value == "me":
            queryset = queryset.filter(assignee_id=user.pk)
        else:
            assignee_id = User.objects.filter(email=value).values_list("id", flat=True).first()
            queryset = queryset.filter(assignee_id=assignee_id or 0)
    if filters.reporter:
        value = filters.reporter.strip().lower()
        reporter_id = (
            user.pk
            if value == "me"
            else (User.objects.filter(email=value).values_list("id", flat=True).first())
        )
        queryset = queryset.filter(reporter_id=reporter_id or 0)
    if filters.team:
        value = filters.team.strip()
        if value.lower() == "none":
            queryset = queryset.filter(team__isnull=True)
        else:
            team_id = Team.objects.filter(name=value).values_list("id", flat=True).first()
            if team_id is None:
                raise _bad_filter("team", _("There is no team with this name."))
            queryset = queryset.filter(team_id=team_id)
    if filters.created_after:
        queryset = queryset.filter(created_at__gte=filters.created_after)
    if filters.created_before:
        queryset = queryset.filter(created_at__lt=filters.created_before)
    if filters.q and filters.q.strip():
        queryset = filter_tickets_by_text(queryset, filters.q)
    return queryset


def check_page_limit(limit: int) -> None:
    """Refuse a page size outside 1..MAX_PAGE."""
    if limit < 1 or limit > MAX_PAGE:
        raise _bad_filter("limit", _("Use a limit from 1 to 200."))


def oldest_first_page(
    queryset: QuerySet[M], *, limit: int, cursor: str | None
) -> tuple[list[M], str | None]:
    """One keyset page of a conversation or trail ordered by id, and the cursor of the next."""
    check_page_limit(limit)
    if cursor:
        queryset = queryset.filter(id__gt=decode_cursor(cursor))
    rows = list(queryset[: limit + 1])
    next_cursor = encode_cursor(rows[limit - 1].pk) if len(rows) > limit else None
    return rows[:limit], next_cursor


def ticket_list(
    *, user: User, filters: TicketFilters, cursor: str | None = None, limit: int = DEFAULT_PAGE
) -> Page:
    """The tickets `user` may see that match `filters`, newest first, one keyset page at a time."""
    check_page_limit(limit)
    queryset = _apply_filters(user, visible_tickets(user), filters)
    if cursor:
        queryset = queryset.filter(id__lt=decode_cursor(cursor))
    rows = list(queryset.select_related(*LIST_RELATED).order_by("-id")[: limit + 1])
    next_cursor = encode_cursor(rows[limit - 1].pk) if len(rows) > limit else None
    return Page(items=attach_label_names(rows[:limit]), next_cursor=next_cursor)


def attach_label_names(tickets: list[Ticket]) -> list[Ticket]:
    """Load the label names of `tickets` in one query (names only: no Label objects to build,
    which cost a third of a list page), for `label_names` to read."""
    names: dict[int, list[str]] = {ticket.pk: [] for ticket in tickets}
    if names:
        rows = (
            Ticket.labels.through.objects.filter(ticket_id__in=list(names))
            .order_by("label__name")
            .values_list("ticket_id", "label__name")
        )
        for ticket_id, name in rows:
            names[ticket_id].append(name)
    for ticket in tickets:
        ticket.__dict__["_label_names"] = names[ticket.pk]
    return tickets


def label_names(ticket: Ticket) -> list[str]:
    """The ticket's label names, sorted; loaded by `attach_label_names` or asked for now."""
    loaded: list[str] | None = ticket.__dict__.get("_label_names")
    if loaded is None:
        loaded = sorted(ticket.labels.values_list("name", flat=True))
    return loaded


def ticket_detail(ticket: Ticket) -> Ticket:
    """Attach the labels of an accessed ticket so that rendering it asks no more queries."""
    return attach_label_names([ticket])[0]


def ticket_comments(*, user: User, ticket: Ticket) -> QuerySet[Comment]:
    """The comments of the ticket that `user` may read: customers never see internal notes."""
    comments = Comment.objects.filter(ticket=ticket).select_related("author").order_by("id")
    if not is_agent_of(user, ticket):
        comments = comments.filter(is_public=True)
    return comments


def ticket_events(*, user: User, ticket: Ticket) -> QuerySet[TicketEvent]:
    """The audit trail of the ticket; customers do not see events about internal notes."""
    events = TicketEvent.objects.filter(ticket=ticket).select_related("actor").order_by("id")
    if not is_agent_of(user, ticket):
        events = events.filter(is_public=True)
    return events


def ticket_transitions_available(*, user: User, ticket: Ticket) -> list[Status]:
    """The statuses `user` may move the ticket to now."""
    statuses = list(ticket.status.next_statuses.order_by("position", "id"))
    if is_agent_of(user, ticket):
        return statuses
    if ticket.status.category == StatusCategory.DONE:
        return statuses
    return [status for status in statuses if status.category == StatusCategory.DONE]
