"""Replies and internal notes, and what a customer's reply sets going."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.core.errors import PermissionDenied
from deskline.core.markdown import render_markdown
from deskline.core.time import now
from deskline.desks.catalog import catalog
from deskline.desks.fields import clean_attachment_ids
from deskline.desks.models import Status, StatusCategory
from deskline.sla.conditions import Signal
from deskline.tickets.access import is_agent_of
from deskline.tickets.actions.changes import transition_locked
from deskline.tickets.actions.checks import (
    COMMENT_MAX,
    claim_attachments,
    clean_text,
    field_error,
    lock_ticket,
    new_event,
    unclaimed_attachments,
)
from deskline.tickets.actions.notifications import notify_agent_reply, notify_customer_reply
from deskline.tickets.models import (
    Comment,
    EventKind,
    ParticipantReason,
    Ticket,
)
from deskline.tickets.service_levels import sla_record


def ticket_comment(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    is_public: bool = True,
    attachment_ids: Sequence[int] = (),
) -> Comment:
    """Add a public reply or (agents only) an internal note to the ticket.

    A public reply by the customer (the reporter or a participant: anyone but an agent of the
    desk) to a ticket waiting for them moves it back to work, to the desk's customer-reply
    status (`Desk.reopen_on_customer_reply`), as a transition by the customer that the workflow
    would not otherwise let them make; and on any open ticket it notifies the assignee (or the
    team). When the reply moved it, `ticket` is given the status, version and deadline it has now.
    """
    agent = is_agent_of(actor, ticket)
    if not is_public and not agent:
        raise PermissionDenied(
            _("Only agents can write internal notes."), code="internal_note_not_allowed"
        )
    if not isinstance(body, str) or not body.strip():
        raise field_error("body", _("Write a message."), "body_required")
    cleaned = clean_text(body, "body", COMMENT_MAX)
    try:
        ids = clean_attachment_ids(list(attachment_ids))
    except ValueError as error:
        raise field_error("attachments", error.args[0], "invalid_attachment") from None
    attachments = unclaimed_attachments(actor, ids, "attachments")
    with transaction.atomic():
        at = now()
        locked: Ticket | None = None
        if is_public:
            # A public reply may stop a first-response metric (an agent's) or move the ticket
            # back to work (a customer's): lock the row like the other actions, so that neither
            # the worker nor another change interleaves with it.
            locked = lock_ticket(ticket.pk)
        comment = Comment.objects.create(
            ticket=ticket,
            author=actor,
            body=cleaned,
            body_html=render_markdown(cleaned),
            is_public=is_public,
            created_at=at,
        )
        claim_attachments(actor, attachments, "attachments", ticket=ticket, comment=comment)
        touched: dict[str, Any] = {"updated_at": at, "version": F("version") + 1}
        # A public reply by an agent: first-response metrics stop here.
        if (
            agent
            and locked is not None
            and sla_record(locked, locked.status, [Signal("public_agent_reply")], at)
        ):
            touched["sla_due_at"] = ticket.sla_due_at = locked.sla_due_at
        Ticket.objects.filter(pk=ticket.pk).update(**touched)
        if not agent and actor.pk != ticket.reporter_id:
            # Taking part gives no access of its own: unshared, the request is theirs no more
            # (an existing "added" participant keeps that reason: add() leaves the row alone).
            ticket.participants.add(actor, through_defaults={"reason": ParticipantReason.COMMENTED})
        new_event(
            ticket,
            actor,
            EventKind.COMMENTED,
            "comment",
            None,
            {"id": comment.pk, "is_public": is_public, "by_agent": agent},
            is_public=is_public,
            at=at,
        ).save()
        if agent and locked is not None:
            notify_agent_reply(ticket=locked, comment=comment, actor=actor, at=at)
        if not agent and locked is not None and _customer_replied(locked, comment, actor, at):
            # The caller's ticket shows where the reply moved it.
            for name in ("status", "status_category", "resolved_at", "sla_due_at", "version"):
                setattr(ticket, name, getattr(locked, name))
    return comment


def _customer_replied(locked: Ticket, comment: Comment, actor: User, at: datetime.datetime) -> bool:
    """Move a ticket waiting for its customer back to work, and tell the agents of the reply;
    True when it moved."""
    reopened: tuple[Status, Status] | None = None
    if locked.status_category == StatusCategory.WAITING:
        target = catalog().customer_reply_status(locked.desk_id)
        if target is not None and target.pk != locked.status_id:
            reopened = (locked.status, target)
            transition_locked(locked, target, actor=actor, at=at)
    if locked.status_category != StatusCategory.DONE:
        notify_customer_reply(ticket=locked, comment=comment, actor=actor, reopened=reopened, at=at)
    return reopened is not None
