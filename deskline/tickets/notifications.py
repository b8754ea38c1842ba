"""An agent's notifications: who gets them, how many are unread, and a page of them.

The worker (`sla_alerts`) and the actions (a customer's reply, an assignment, and for the
customers a request received, replied to, waiting for them or resolved) create them and
`actions.notifications_mark_all_read` marks them read; these are the reads the workspace shows.
Every function that reads them takes the recipient: nobody reads another person's notifications
(`deskline.mail` e-mails each to its own recipient).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from deskline.accounts.models import User
from deskline.desks.catalog import catalog
from deskline.desks.selectors import served_desk_ids
from deskline.sla.models import Metric
from deskline.tickets.models import WORKSPACE_NOTIFICATION_KINDS, Notification, Ticket
from deskline.tickets.selectors import check_page_limit, decode_cursor, encode_cursor

UNREAD_CAP = 99


def recipients_of(ticket: Ticket) -> list[User]:
    """Who hears about the ticket (its SLA, its customer's replies): its assignee, else the
    members of its team, else those of its desk's teams."""
    if ticket.assignee is not None and ticket.assignee.is_active:
        return [ticket.assignee]
    members = User.objects.filter(is_active=True)
    if ticket.team_id is not None:
        members = members.filter(teams=ticket.team_id)
    else:
        members = members.filter(teams__desks=ticket.desk_id)
    return list(members.distinct().order_by("id"))


def customers_of(ticket: Ticket) -> list[User]:
    """Who hears of a request's progress as its customer: the reporter, then the participants
    by id), active people only."""
    people = [ticket.reporter, *ticket.participants.filter(is_active=True).order_by("id")]
    return [person for person in people if person.is_active and not person.is_system]


def unread_notification_count(user: User) -> int:
    """How many of `user`'s notifications are unread, up to UNREAD_CAP + 1 (one query, a
    bounded walk of the partial index of unread notifications)."""
    desk_ids = sorted(served_desk_ids(user))
    unread = Notification.objects.filter(
        recipient_id=user.pk,
        read_at__isnull=True,
        ticket__desk_id__in=desk_ids,
        kind__in=WORKSPACE_NOTIFICATION_KINDS,
    ).order_by()
    return unread.values("id")[: UNREAD_CAP + 1].count()


@dataclass(frozen=True)
class NotificationRow:
    """One notification with what its text needs, in the active language: the metric's name
    (SLA warnings and breaches), or who replied, what they wrote and the status the reply moved
    the ticket to (a customer's reply)."""

    id: int
    kind: str
    ticket_key: str
    ticket_summary: str
    metric_name: str
    breach_at: datetime.datetime | None
    created_at: datetime.datetime
    is_read: bool
    author: str = ""
    excerpt: str = ""
    # The status a customer's reply moved the ticket back to; "" when it did not move it.
    reopened_to: str = ""
    comment_id: int | None = None


@dataclass(frozen=True)
class NotificationPage:
    items: list[NotificationRow]
    next_cursor: str | None


def notification_page(
    *, user: User, cursor: str | None = None, limit: int = 50
) -> NotificationPage:
    """One keyset page of `user`'s notifications, newest first; two queries (the page with its
    tickets' keys, and the names of its metrics). ValidationFailed for a foreign cursor."""
    check_page_limit(limit)
    notifications = (
        # Only of the tickets the agent may still open: one who left a desk's team no longer
        # reads its tickets' summaries here.
        Notification.objects.filter(
            recipient_id=user.pk,
            ticket__desk_id__in=sorted(served_desk_ids(user)),
            kind__in=WORKSPACE_NOTIFICATION_KINDS,
        )
        .select_related("ticket")
        .only(
            "id",
            "kind",
            "data",
            "created_at",
            "read_at",
            "ticket__id",
            "ticket__key",
            "ticket__summary",
        )
        .order_by("-id")
    )
    if cursor:
        notifications = notifications.filter(id__lt=decode_cursor(cursor))
    found = list(notifications[: limit + 1])
    next_cursor = encode_cursor(found[limit - 1].pk) if len(found) > limit else None
    found = found[:limit]
    metric_ids = {
        metric_id
        for notification in found
        if (metric_id := notification_metric_id(notification)) is not None
    }
    names = {
        metric.pk: metric.translated("name")
        for metric in Metric.objects.filter(id__in=sorted(metric_ids)).only(
            "id", "name", "translations"
        )
    }
    items = [
        NotificationRow(
            id=notification.pk,
            kind=notification.kind,
            ticket_key=notification.ticket.key,
            ticket_summary=notification.ticket.summary,
            # A metric deleted since keeps the name it had when the notification was made.
            metric_name=names.get(notification_metric_id(notification) or 0)
            or str(notification.data.get("metric") or ""),
            breach_at=notification_breach_at(notification),
            created_at=notification.created_at,
            is_read=notification.read_at is not None,
            author=str(notification.data.get("author") or ""),
            excerpt=str(notification.data.get("excerpt") or ""),
            reopened_to=notification_status_name(notification),
            comment_id=_positive(notification.data.get("comment_id")),
        )
        for notification in found
    ]
    return NotificationPage(items=items, next_cursor=next_cursor)


def notification_metric_id(notification: Notification) -> int | None:
    """The id of the SLA metric the notification is about, if any."""
    return _positive(notification.data.get("metric_id"))


def _positive(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def notification_status_name(notification: Notification) -> str:
    """The name, in the active language, of the status a reply moved the ticket to ("" when it
    moved nothing); the key it had when the status has been deleted since."""
    data = notification.data
    if not data.get("status_to"):
        return ""
    status = catalog().statuses.get(_positive(data.get("status_id")) or 0)
    return status.translated("name") if status is not None else str(data["status_to"])


def notification_breach_at(notification: Notification) -> datetime.datetime | None:
    """When the SLA cycle the notification is about breaches or breached, if known."""
    return _instant(notification.data.get("breach_at"))


def _instant(value: object) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        instant = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return instant if instant.tzinfo is not None else None
