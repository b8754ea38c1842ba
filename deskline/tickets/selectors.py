"""Reads of tickets for lists, pages and the API; each owns its joins and its paging.

Rows are built by `tickets.rows` (one builder for every list), the newest-first lists' written SQL
lives in `tickets.list_query`, and labels are read through `tickets.labels`.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection
from django.db.models import JSONField, Model, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.core.errors import Message, NotFound, ValidationFailed
from deskline.desks.catalog import catalog
from deskline.desks.errors import unknown_desk
from deskline.desks.models import Desk, Status, StatusCategory
from deskline.desks.selectors import served_desk_ids
from deskline.search.backends import filter_tickets_by_text
from deskline.tickets.access import is_agent_of, visible_tickets
from deskline.tickets.labels import attach_label_names, label_names_sql
from deskline.tickets.list_query import newest_rows
from deskline.tickets.models import (
    Attachment,
    Comment,
    Priority,
    Ticket,
    TicketEvent,
    TicketKeyAlias,
)
from deskline.tickets.queues import Queue, queue_ranges
from deskline.tickets.rows import LIST_COLUMNS, TicketRow, ticket_row

M = TypeVar("M", bound=Model)

MAX_PAGE = 200
DEFAULT_PAGE = 50


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
    request_type: int | None = None
    # Only the requests shared with the caller's organization (none when they have none).
    shared_with_my_organization: bool = False


@dataclass(frozen=True)
class Page:
    items: list[TicketRow]
    next_cursor: str | None


def _encode_text(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_text(cursor: str, prefix: str) -> str:
    """The text a cursor carries after its one-letter `prefix`; ValueError when it is not one."""
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    if not raw.startswith(prefix):
        raise ValueError(raw)
    return raw[len(prefix) :]


def _positive_id(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError(text)
    return value


def _invalid_cursor() -> ValidationFailed:
    return ValidationFailed(
        _("The cursor is not one this list gave out."),
        code="invalid_cursor",
        fields={"cursor": [_("Use next_cursor from the previous page.")]},
    )


def encode_cursor(last_id: int, prefix: str = "t") -> str:
    """An opaque cursor carrying a number (a row id, an offset) after a one-letter `prefix`
    that names the list it belongs to; every keyset list of v1 and the pages use these."""
    return _encode_text(f"{prefix}{last_id}")


def decode_cursor(cursor: str, prefix: str = "t", *, minimum: int = 1) -> int:
    """The number `encode_cursor` put in a cursor of this list; `invalid_cursor` for anything
    else, including a number below `minimum` or beyond what a database id holds."""
    try:
        value = int(_decode_text(cursor, prefix))
        if not minimum <= value < 2**63:
            raise ValueError(value)
        return value
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _invalid_cursor() from None


def _bad_filter(name: str, message: Message) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_filter", fields={name: [message]})


def _apply_filters(
    user: User, queryset: QuerySet[Ticket], filters: TicketFilters
) -> QuerySet[Ticket]:
    known = catalog()
    desk_id: int | None = None
    if filters.desk:
        desk_id = known.desk_ids_by_key.get(filters.desk.strip().upper())
        if desk_id is None:
            raise unknown_desk(field="desk")
        queryset = queryset.filter(desk_id=desk_id)
    if filters.status:
        status_ids = [
            status_id
            for status_id in known.status_ids_by_key.get(filters.status.strip(), ())
            if desk_id is None or known.statuses[status_id].desk_id == desk_id
        ]
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
            team_id = known.team_ids_by_name.get(value)
            if team_id is None:
                raise _bad_filter("team", _("There is no team with this name."))
            queryset = queryset.filter(team_id=team_id)
    if filters.request_type is not None:
        queryset = queryset.filter(request_type_id=filters.request_type)
    if filters.shared_with_my_organization:
        if user.organization_id is None:
            queryset = queryset.none()
        else:
            queryset = queryset.filter(
                organization_id=user.organization_id, is_shared_with_organization=True
            )
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
    desk_id = catalog().desk_ids_by_key.get(filters.desk.strip().upper()) if filters.desk else None
    # The desk filter itself is applied (and an unknown desk refused) by _apply_filters.
    queryset = _apply_filters(user, visible_tickets(user, desk_id=desk_id), filters)
    if cursor:
        queryset = queryset.filter(id__lt=decode_cursor(cursor))
    return _page_of(newest_rows(queryset, limit + 1), limit, lambda row: encode_cursor(row["id"]))


# The columns of a list row, read by `_newest_rows` under the names `values(*LIST_COLUMNS)`
# gives them, and how each is spelt in its SQL (t: the ticket, r/a: reporter and assignee,
# o: organization).


def _page_of(
    rows: list[dict[str, Any]], limit: int, cursor_of: Callable[[dict[str, Any]], str]
) -> Page:
    """The page of `rows` (read with one row more than `limit`, to know whether another page
    follows), with their labels, and the cursor of the next page from its last row."""
    next_cursor = cursor_of(rows[limit - 1]) if len(rows) > limit else None
    rows = rows[:limit]
    known = catalog()
    return Page(
        items=[ticket_row(row, known) for row in rows],
        next_cursor=next_cursor,
    )


# Each row's label names, read with the row: one small index lookup per ticket of the page
# instead of another query (and its ORM compilation) for the whole page.


def ticket_detail(ticket: Ticket) -> Ticket:
    """Attach the labels of an accessed ticket so that rendering it asks no more queries."""
    if ticket.known_label_names is not None:  # a ticket just created knows them
        return ticket
    return attach_label_names([ticket])[0]


def ticket_comments(*, user: User, ticket: Ticket) -> QuerySet[Comment]:
    """The comments of the ticket that `user` may read (customers never see internal notes),
    oldest first, with their files loaded in one more query for the whole page."""
    comments = (
        Comment.objects.filter(ticket=ticket)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("id")
    )
    if not is_agent_of(user, ticket):
        comments = comments.filter(is_public=True)
    return comments


def _readable_attachments(user: User, ticket: Ticket) -> QuerySet[Attachment]:
    attachments = Attachment.objects.filter(ticket=ticket).order_by("id")
    if not is_agent_of(user, ticket):
        # Files of internal notes are as private as the notes themselves.
        attachments = attachments.exclude(comment__is_public=False)
    return attachments


def ticket_attachments(
    *, user: User, ticket: Ticket, ids: Sequence[int] | None = None
) -> list[Attachment]:
    """The files of an accessed ticket that `user` may download (only those of `ids`, when
    given): customers never get the files of internal notes. One query."""
    attachments = _readable_attachments(user, ticket)
    if ids is not None:
        attachments = attachments.filter(pk__in=list(ids))
    return list(attachments)


def ticket_attachment(*, user: User, ticket: Ticket, attachment_id: int) -> Attachment:
    """One file of an accessed ticket that `user` may download, or NotFound (also for a file
    of another ticket, or of an internal note the user may not read). One query; none for an
    id no row can have (a database integer holds at most 2**63 - 1)."""
    if not 0 < attachment_id < 2**63:
        raise NotFound(_("There is no such file."), code="attachment_not_found")
    attachment = _readable_attachments(user, ticket).filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("There is no such file."), code="attachment_not_found")
    return attachment


def ticket_events(*, user: User, ticket: Ticket) -> QuerySet[TicketEvent]:
    """The audit trail of the ticket; customers do not see events about internal notes."""
    events = TicketEvent.objects.filter(ticket=ticket).select_related("actor").order_by("id")
    if not is_agent_of(user, ticket):
        events = events.filter(is_public=True)
    return events


def former_keys(ticket: Ticket) -> list[str]:
    """The keys the ticket had before it moved to other desks, oldest first (one query)."""
    return list(
        TicketKeyAlias.objects.filter(ticket_id=ticket.pk)
        .order_by("id")
        .values_list("key", flat=True)
    )


@dataclass(frozen=True)
class MoveTarget:
    """A desk a ticket can move to, with its active request types, in the active language."""

    desk: Desk
    desk_name: str
    request_types: list[tuple[int, str]]


def ticket_move_targets(*, user: User, ticket: Ticket) -> list[MoveTarget]:
    """The desks `user` may move the ticket to (active ones they work on, other than its own,
    with an active request type), from the configuration's catalogue: no query."""
    if not is_agent_of(user, ticket):
        return []
    known = catalog()
    served = served_desk_ids(user)
    targets = []
    for desk in known.desks.values():
        if desk.pk == ticket.desk_id or desk.pk not in served or not desk.is_active:
            continue
        types = [
            (type_id, known.request_types[type_id].translated("name"))
            for type_id in known.active_request_type_ids.get(desk.pk, ())
        ]
        if types:
            targets.append(MoveTarget(desk, desk.translated("name"), types))
    return targets


def ticket_transitions_available(*, user: User, ticket: Ticket) -> list[Status]:
    """The statuses `user` may move the ticket to now."""
    statuses = list(ticket.status.next_statuses.order_by("position", "id"))
    if is_agent_of(user, ticket):
        return statuses
    if ticket.status.category == StatusCategory.DONE:
        return statuses
    return [status for status in statuses if status.category == StatusCategory.DONE]


# --- The agent workspace: queue pages, related requests ------------------------------------

QUEUE_SORTS = ("newest", "oldest", "updated", "priority", "due")
# Each sort's key ends in the id, so that the order is total and a cursor names one place in it;
# every queue has an index that walks each of these orders.
QUEUE_ORDERINGS = {
    "newest": ("-id",),
    "oldest": ("id",),
    "updated": ("-updated_at", "-id"),
    "priority": ("priority_rank", "-id"),
    # Time remaining: the nearest deadline first; tickets with none (NO_DEADLINE) come last.
    "due": ("sla_due_at", "id"),
}
# The letter that starts each sort's cursor, so that a cursor of one order is refused by another.
_CURSOR_PREFIXES = {"updated": "u", "priority": "p", "due": "d"}


def _encode_sort_cursor(sort: str, row: dict[str, Any]) -> str:
    if sort == "updated":
        return _encode_text(f"u{row['updated_at'].isoformat()}|{row['id']}")
    if sort == "priority":
        return _encode_text(f"p{row['priority_rank']}|{row['id']}")
    if sort == "due":
        return _encode_text(f"d{row['sla_due_at'].isoformat()}|{row['id']}")
    return encode_cursor(row["id"])


def _decode_sort_cursor(sort: str, cursor: str) -> tuple[Any, int]:
    """The (sort value, id) a cursor of this sort carries; ValidationFailed when it is not one."""
    if sort in ("newest", "oldest"):
        return None, decode_cursor(cursor)
    try:
        value, _sep, last_id = _decode_text(cursor, _CURSOR_PREFIXES[sort]).rpartition("|")
        key: Any = (
            datetime.datetime.fromisoformat(value) if sort in ("updated", "due") else int(value)
        )
        if isinstance(key, datetime.datetime):
            if key.tzinfo is None:
                raise ValueError(value)
            # In UTC now, as the database compares it: an instant at the calendar's very edge
            # ("0001-01-01T00:00+01:00") overflows here rather than in the query.
            key = key.astimezone(datetime.UTC)
        return key, _positive_id(last_id)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise _invalid_cursor() from None


def queue_ticket_list(
    *,
    user: User,
    queue: Queue,
    filters: TicketFilters,
    sort: str = "newest",
    cursor: str | None = None,
    limit: int = DEFAULT_PAGE,
) -> Page:
    """One keyset page of a workspace queue, filtered and sorted; a fixed number of queries.

    Newest and oldest page along the primary key. Recently updated pages by (updated_at, id),
    priority by (priority_rank, id) and time remaining by (sla_due_at, id), each with a cursor
    that carries both values. Every page is
    read in index order from each of the queue's ranges (see `queue_ranges`), never sorted whole.
    """
    check_page_limit(limit)
    if sort not in QUEUE_SORTS:
        raise _bad_filter("sort", _("Sort by newest, oldest, updated, priority or due."))
    # Every queue is already limited to the desks `user` serves: no need to add visible_tickets.
    # The filters are resolved once (their lookups are queries) and added to every range.
    narrowing = _apply_filters(user, Ticket.objects.all(), filters)
    after = _after_cursor(sort, cursor) if cursor else Q()
    ordering = QUEUE_ORDERINGS[sort]
    ranges = [
        (tickets & narrowing).filter(after) for tickets in queue_ranges(user, queue, sort=sort)
    ]
    if not ranges:
        return Page(items=[], next_cursor=None)
    if len(ranges) == 1:
        page = ranges[0]
    else:
        # One range per desk: take each range's first page with its own index walk, and sort
        # only those few rows (at most a page per desk) to find the page of the whole queue.
        arms = []
        params: list[Any] = []
        for number, tickets in enumerate(ranges):
            sql, arm_params = (
                tickets.order_by(*ordering).values("id")[: limit + 1].query.sql_with_params()
            )
            arms.append(f'SELECT "id" FROM ({sql}) AS "range_{number}"')
            params.extend(arm_params)
        # Read the ids first and then the rows by id: as `id IN (subquery)`, PostgreSQL joined
        # every ticket to the semi-join (a sequential scan, 200 ms at 100,000 tickets).
        with connection.cursor() as database:
            database.execute(" UNION ALL ".join(arms), params)
            page = Ticket.objects.filter(id__in=[row[0] for row in database.fetchall()])
    labels = RawSQL(  # noqa: S611 - constant SQL, no parameters
        label_names_sql(f'"{Ticket._meta.db_table}"."id"'), [], output_field=JSONField()
    )
    rows = list(page.order_by(*ordering).values(*LIST_COLUMNS, label_names=labels)[: limit + 1])
    return _page_of(rows, limit, lambda row: _encode_sort_cursor(sort, row))


def _after_cursor(sort: str, cursor: str) -> Q:
    """The tickets that come after the cursor's place in the sort's order."""
    key, last_id = _decode_sort_cursor(sort, cursor)
    if sort == "newest":
        return Q(id__lt=last_id)
    if sort == "oldest":
        return Q(id__gt=last_id)
    if sort == "updated":
        return Q(updated_at__lt=key) | Q(updated_at=key, id__lt=last_id)
    if sort == "due":
        return Q(sla_due_at__gt=key) | Q(sla_due_at=key, id__gt=last_id)
    return Q(priority_rank__gt=key) | Q(priority_rank=key, id__lt=last_id)


def related_tickets(*, user: User, ticket: Ticket, limit: int = 5) -> list[TicketRow]:
    """The same reporter's other recent requests that `user` may see, newest first."""
    rows = list(
        visible_tickets(user)
        .filter(reporter_id=ticket.reporter_id)
        .exclude(pk=ticket.pk)
        .order_by("-id")
        .values(*LIST_COLUMNS)[:limit]
    )
    known = catalog()
    return [ticket_row({**row, "label_names": []}, known) for row in rows]
