"""Replies and internal notes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.core.errors import PermissionDenied
from deskline.core.markdown import render_markdown
from deskline.core.time import now
from deskline.sla.conditions import Signal
from deskline.tickets.access import is_agent_of
from deskline.tickets.actions.checks import (
    COMMENT_MAX,
    claim_attachments,
    clean_text,
    field_error,
    new_event,
    unclaimed_attachments,
)
from deskline.tickets.models import (
    Comment,
    EventKind,
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
    """Add a public reply or (agents only) an internal note to the ticket."""
    agent = is_agent_of(actor, ticket)
    if not is_public and not agent:
        raise PermissionDenied(
            _("Only agents can write internal notes."), code="internal_note_not_allowed"
        )
    if not isinstance(body, str) or not body.strip():
        raise field_error("body", _("Write a message."), "body_required")
    cleaned = clean_text(body, "body", COMMENT_MAX)
    attachments = unclaimed_attachments(actor, list(attachment_ids), "attachments")
    with transaction.atomic():
        at = now()
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
        if agent and is_public:
            # A public reply by an agent: first-response metrics stop here. The row is locked
            # like in the other actions, so the worker cannot announce the cycle being stopped.
            locked = (
                Ticket.objects.select_for_update(of=("self",))
                .select_related("status")
                .get(pk=ticket.pk)
            )
            if sla_record(locked, locked.status, [Signal("public_agent_reply")], at):
                touched["sla_due_at"] = locked.sla_due_at
                ticket.sla_due_at = locked.sla_due_at
        Ticket.objects.filter(pk=ticket.pk).update(**touched)
        if not agent and actor.pk != ticket.reporter_id:
            ticket.participants.add(actor)
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
    return comment
