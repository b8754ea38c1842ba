"""Who else reads a request: sharing it with the reporter's organization, adding a person.

Access follows `tickets.access`: while a request is shared, the reporter's colleagues read and
comment on it; unshared, only the reporter, the desk's agents and the people the reporter or an
agent added read it. Colleagues who commented while it was shared are participants "because
they commented" and lose it with the sharing (docs/adr/0010).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.core.errors import PermissionDenied, ValidationFailed
from deskline.core.time import now
from deskline.tickets.access import is_agent_of
from deskline.tickets.models import (
    EventKind,
    Participant,
    ParticipantReason,
    Ticket,
    TicketEvent,
)


def _may_decide_who_reads(actor: User, ticket: Ticket) -> bool:
    return ticket.reporter_id == actor.pk or is_agent_of(actor, ticket)


def ticket_share_set(*, actor: User, ticket: Ticket, is_shared: bool) -> Ticket:
    """Share the request with its organization, or stop sharing it; the reporter or an agent of
    the desk may. Audited; nothing is written when the sharing is already as asked."""
    if not _may_decide_who_reads(actor, ticket):
        raise PermissionDenied(
            _("Only the person who raised this request, or an agent, can change its sharing."),
            code="sharing_not_allowed",
        )
    if not isinstance(is_shared, bool):
        message = _("Enter true or false.")
        raise ValidationFailed(
            message, code="invalid_boolean", fields={"is_shared_with_organization": [message]}
        )
    if is_shared and ticket.organization_id is None:
        message = _("This request belongs to no organization, so it cannot be shared.")
        raise ValidationFailed(
            message, code="no_organization", fields={"is_shared_with_organization": [message]}
        )
    with transaction.atomic():
        locked = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
        if locked.is_shared_with_organization == is_shared:
            return locked
        at = now()
        Ticket.objects.filter(pk=locked.pk).update(
            is_shared_with_organization=is_shared, updated_at=at, version=F("version") + 1
        )
        TicketEvent.objects.create(
            ticket=locked,
            actor=actor,
            kind=EventKind.CHANGED,
            field="is_shared_with_organization",
            old_value=not is_shared,
            new_value=is_shared,
            created_at=at,
        )
        locked.refresh_from_db()
    return locked


def ticket_participant_add(*, actor: User, ticket: Ticket, person: User) -> Participant:
    """Add `person` to the request: they read it from now on, shared or not. The reporter or an
    agent of the desk may; one who commented already keeps their row, now as added."""
    if not _may_decide_who_reads(actor, ticket):
        raise PermissionDenied(
            _("Only the person who raised this request, or an agent, can add people to it."),
            code="participant_not_allowed",
        )
    if not person.is_active or person.pk == ticket.reporter_id:
        message = _("Add an active person other than the one who raised the request.")
        raise ValidationFailed(message, code="invalid_participant", fields={"person": [message]})
    with transaction.atomic():
        Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
        participant, created = Participant.objects.get_or_create(
            ticket=ticket, user=person, defaults={"reason": ParticipantReason.ADDED}
        )
        if not created and participant.reason == ParticipantReason.ADDED:
            return participant
        if not created:
            participant.reason = ParticipantReason.ADDED
            participant.save(update_fields=["reason"])
        at = now()
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=at, version=F("version") + 1)
        TicketEvent.objects.create(
            ticket=ticket,
            actor=actor,
            kind=EventKind.CHANGED,
            field="participants",
            old_value=None,
            new_value=person.email,  # people appear in the audit by address, as elsewhere
            created_at=at,
        )
    return participant
