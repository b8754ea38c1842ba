"""Notifications: telling the agents of a customer's reply, and marking them read."""

from __future__ import annotations

import datetime

from django.db import transaction

from deskline.accounts.actors import actor_name
from deskline.accounts.models import User
from deskline.core.time import now
from deskline.desks.models import Status
from deskline.tickets.deliveries import notifications_deliver_on_commit
from deskline.tickets.models import (
    Comment,
    Notification,
    NotificationKind,
    Ticket,
)
from deskline.tickets.notifications import recipients_of

EXCERPT_MAX = 200


def excerpt(text: str, limit: int = EXCERPT_MAX) -> str:
    """The start of `text` on one line, at most `limit` characters (an ellipsis when cut)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def notify_customer_reply(
    *,
    ticket: Ticket,
    comment: Comment,
    actor: User,
    reopened: tuple[Status, Status] | None,
    at: datetime.datetime,
) -> list[Notification]:
    """Tell the ticket's assignee (else its team, else its desk's teams) that its customer
    replied, inside the comment's transaction; `reopened` is the (from, to) statuses when the
    reply moved the ticket back to work.

    No e-mail is written here: `data` holds what a message needs besides the ticket and the
    recipient (who wrote, an excerpt, the comment to link to, the status change), and the
    notifications go to the registered deliveries once the transaction commits
    (`tickets.deliveries`; `deskline.mail` e-mails them in the recipient's language).
    """
    data = {
        "comment_id": comment.pk,
        "author": actor_name(actor),
        "author_email": actor.email,
        "excerpt": excerpt(comment.body),
        "status_from": reopened[0].key if reopened else None,
        "status_to": reopened[1].key if reopened else None,
        "status_id": reopened[1].pk if reopened else None,
    }
    notifications = [
        Notification(
            recipient=user,
            ticket=ticket,
            kind=NotificationKind.CUSTOMER_REPLIED,
            data=data,
            created_at=at,
        )
        for user in recipients_of(ticket)
        if user.pk != actor.pk
    ]
    created = Notification.objects.bulk_create(notifications)
    notifications_deliver_on_commit([notification.pk for notification in created])
    return created


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of `user` read now; how many were marked."""
    with transaction.atomic():
        return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
            read_at=now()
        )
