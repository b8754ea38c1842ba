"""What the ticket actions check before they write, and how they record an event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from deskline.accounts.actions import normalize_email
from deskline.accounts.models import Team, User
from deskline.core.errors import Conflict, ValidationFailed
from deskline.core.time import now
from deskline.desks.catalog import catalog
from deskline.desks.models import (
    Desk,
    FieldType,
    RequestField,
    Status,
)
from deskline.tickets.models import (
    Attachment,
    Priority,
    Ticket,
    TicketEvent,
)

SUMMARY_MAX = 255
DESCRIPTION_MAX = 100_000
COMMENT_MAX = 100_000


def field_error(field: str, message: Any, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field: [message]})


def clean_summary(summary: Any) -> str:
    if not isinstance(summary, str) or not summary.strip():
        raise field_error("summary", _("Enter a summary."), "summary_required")
    cleaned = " ".join(summary.split())
    if len(cleaned) > SUMMARY_MAX:
        raise field_error(
            "summary",
            _("Keep the summary under %(max)d characters.") % {"max": SUMMARY_MAX},
            "summary_too_long",
        )
    return cleaned


def clean_text(value: Any, field: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise field_error(field, _("Enter text."), "invalid_text")
    if len(value) > limit:
        raise field_error(
            field, _("Keep this under %(max)d characters.") % {"max": limit}, "text_too_long"
        )
    return value


def clean_priority(priority: Any) -> str:
    if priority not in Priority.values:
        raise field_error(
            "priority", _("Choose critical, high, medium or low."), "invalid_priority"
        )
    return str(priority)


def agent_for_desk(user: Any, desk: Desk, *, field: str) -> User:
    """Resolve an assignee given as e-mail or User; they must be an agent serving the desk."""
    if isinstance(user, User):
        candidate: User | None = user
    else:
        email = normalize_email(str(user), field=field)
        candidate = User.objects.filter(email=email, is_active=True).first()
    if (
        candidate is None
        or not candidate.is_active
        or not candidate.is_agent
        or not (candidate.is_site_admin or desk.teams.filter(members=candidate).exists())
    ):
        raise field_error(field, _("Choose an agent who works on this desk."), "invalid_assignee")
    return candidate


def team_for_desk(team: Any, desk: Desk) -> Team:
    if isinstance(team, Team):
        candidate: Team | None = team
    elif isinstance(team, int) and not isinstance(team, bool):
        candidate = Team.objects.filter(pk=team).first()
    else:
        candidate = Team.objects.filter(name=str(team)).first()
    if candidate is None or not desk.teams.filter(pk=candidate.pk).exists():
        raise field_error("team", _("Choose a team that serves this desk."), "invalid_team")
    return candidate


def attachment_ids_in(
    request_fields: Sequence[RequestField], fields: Mapping[str, Any]
) -> list[int]:
    ids: list[int] = []
    for field in request_fields:
        if field.field_type == FieldType.ATTACHMENT and field.key in fields:
            ids.extend(fields[field.key])
    return ids


def unclaimed_attachments(actor: User, ids: Sequence[int], field: str) -> list[Attachment]:
    """The attachments `ids` if `actor` uploaded each and none is claimed yet (checked before
    the action's transaction, to refuse early; `claim_attachments` checks again as it claims)."""
    if not ids:
        return []
    found = list(Attachment.objects.filter(pk__in=ids, uploaded_by=actor, ticket__isnull=True))
    if len(found) != len(set(ids)):
        raise _attachment_taken(field)
    return found


def claim_attachments(
    actor: User, attachments: Sequence[Attachment], field: str, **owner: Any
) -> None:
    """Link the attachments to their `owner` (ticket=..., comment=...) inside the action's
    transaction, only those still unclaimed: one conditional UPDATE, so of two requests
    claiming one file exactly one gets it, and the other refuses (and rolls back) whole."""
    if not attachments:
        return
    ids = sorted({attachment.pk for attachment in attachments})
    claimed = Attachment.objects.filter(pk__in=ids, uploaded_by=actor, ticket__isnull=True).update(
        **owner
    )
    if claimed != len(ids):
        raise _attachment_taken(field)


def _attachment_taken(field: str) -> ValidationFailed:
    return field_error(field, _("An attachment is unknown or already used."), "invalid_attachment")


def new_event(
    ticket: Ticket,
    actor: User | None,
    kind: str,
    field: str = "",
    old: Any = None,
    new: Any = None,
    *,
    is_public: bool = True,
    at: Any = None,
) -> TicketEvent:
    return TicketEvent(
        ticket=ticket,
        actor=actor,
        kind=kind,
        field=field,
        old_value=old,
        new_value=new,
        is_public=is_public,
        created_at=at or now(),
    )


def lock_ticket(ticket_id: int) -> Ticket:
    """The ticket's row, locked until the caller's transaction ends, with its status.

    The row is locked alone, without joins: PostgreSQL checks a locking query's joins again
    against the row another transaction has just changed, so a ticket whose status (or desk)
    changed while this one waited for the lock would not be found at all. The status comes
    from the configuration's catalogue (shared: read it, never change it).
    """
    locked = Ticket.objects.select_for_update().get(pk=ticket_id)
    status = catalog().statuses.get(locked.status_id)
    locked.status = status if status is not None else Status.objects.get(pk=locked.status_id)
    return locked


def check_version(locked: Ticket, expected_version: int | None) -> None:
    """Refuse with Conflict when someone changed the (locked) ticket since the actor read
    version `expected_version`: a form opened before another agent's change."""
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _("Someone else changed this request; reload it and try again."),
            code="version_conflict",
        )


def audit_value(value: Any) -> Any:
    if isinstance(value, User):
        return value.email
    if isinstance(value, Team):
        return value.name
    return value
