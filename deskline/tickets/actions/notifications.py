"""Notifications: telling the agents of a customer's reply or of a ticket given to them, the
customers of their request's progress, and marking them read.

Every function here runs inside the caller's transaction and records `Notification` rows only;
the registered deliveries (`tickets.deliveries`, `deskline.mail`) get them once it commits.
Nobody is told of their own doing, and system actors and deactivated people are told nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from deskline.accounts.actors import actor_name
from deskline.accounts.models import User
from deskline.core.time import now
from deskline.desks.models import Status, StatusCategory
from deskline.tickets.deliveries import notifications_deliver_on_commit
from deskline.tickets.models import (
    Comment,
    Notification,
    NotificationKind,
    Ticket,
)
from deskline.tickets.notifications import customers_of, recipients_of

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


def _record(
    kind: str,
    ticket: Ticket,
    users: list[User],
    data: dict[str, object],
    *,
    actor: User | None,
    at: datetime.datetime,
) -> list[Notification]:
    """One notification of `kind` for each of `users` but the actor (each person once), handed
    to the deliveries once the transaction commits."""
    seen: set[int] = set()
    notifications = []
    for user in users:
        if user.pk in seen or not user.is_active or user.is_system:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        seen.add(user.pk)
        notifications.append(
            Notification(recipient=user, ticket=ticket, kind=kind, data=data, created_at=at)
        )
    if not notifications:
        return []
    created = Notification.objects.bulk_create(notifications)
    notifications_deliver_on_commit([notification.pk for notification in created])
    return created


def notify_request_received(*, ticket: Ticket, at: datetime.datetime) -> list[Notification]:
    """Tell the reporter that their request was received (also when an agent raised it for them,
    and when they raised it themselves: it is their receipt and the thread their replies join)."""
    return _record(
        NotificationKind.REQUEST_RECEIVED, ticket, [ticket.reporter], {}, actor=None, at=at
    )


def notify_agent_reply(
    *, ticket: Ticket, comment: Comment, actor: User, at: datetime.datetime
) -> list[Notification]:
    """Tell the ticket's customers (reporter and participants) of an agent's public reply."""
    data = {
        "comment_id": comment.pk,
        "author": actor_name(actor),
        "excerpt": excerpt(comment.body),
    }
    return _record(
        NotificationKind.AGENT_REPLIED, ticket, customers_of(ticket), data, actor=actor, at=at
    )


def notify_status_reached(
    *, ticket: Ticket, old: Status, new: Status, actor: User, at: datetime.datetime
) -> list[Notification]:
    """Tell the ticket's customers that it now waits for them or is resolved (when it enters
    the waiting or the done category; a move within one tells nobody)."""
    if new.category == old.category:
        return []
    if new.category == StatusCategory.WAITING:
        kind = NotificationKind.WAITING_FOR_CUSTOMER
    elif new.category == StatusCategory.DONE:
        kind = NotificationKind.RESOLVED
    else:
        return []
    data = {"status_from": old.key, "status_to": new.key, "status_id": new.pk}
    return _record(kind, ticket, customers_of(ticket), data, actor=actor, at=at)


def notify_assigned(
    *, ticket: Ticket, assignee: User, actor: User, at: datetime.datetime
) -> list[Notification]:
    """Tell an agent that the ticket was given to them (not when they took it themselves)."""
    data: dict[str, object] = {"by": actor_name(actor), "by_email": actor.email}
    return _record(NotificationKind.ASSIGNED, ticket, [assignee], data, actor=actor, at=at)


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of `user` read now; how many were marked."""
    with transaction.atomic():
        return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
            read_at=now()
        )
