"""Changing a ticket: its fields, its status, and the same change to many tickets."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.core.errors import DomainError, PermissionDenied, ValidationFailed
from deskline.core.time import now
from deskline.desks.fields import clean_field_values
from deskline.desks.models import (
    Desk,
    Status,
    StatusCategory,
)
from deskline.desks.people import people_scope
from deskline.sla.conditions import Signal, signals_for_transition
from deskline.tickets.access import is_agent_of
from deskline.tickets.actions.checks import (
    agent_for_desk,
    attachment_ids_in,
    audit_value,
    check_version,
    claim_attachments,
    clean_priority,
    clean_summary,
    field_error,
    lock_ticket,
    new_event,
    team_for_desk,
    unclaimed_attachments,
)
from deskline.tickets.actions.notifications import notify_assigned, notify_status_reached
from deskline.tickets.labels import clean_labels, labels_named
from deskline.tickets.models import (
    PRIORITY_RANKS,
    Attachment,
    EventKind,
    Ticket,
    TicketEvent,
)
from deskline.tickets.service_levels import sla_record

UPDATABLE = ("summary", "priority", "assignee", "team", "fields", "labels",
             "is_shared_with_organization")  # fmt: skip


def ticket_update(
    *,
    actor: User,
    ticket: Ticket,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
) -> Ticket:
    """Change the ticket's summary, priority, assignee, team, form fields, labels or sharing.

    Only the keys present in `changes` change; `None` clears the assignee or the team. When
    `expected_version` is given and someone changed the ticket since, nothing is written.
    """
    if not is_agent_of(actor, ticket):
        raise PermissionDenied(_("Only agents of this desk can change a request."))
    unknown = sorted(set(changes) - set(UPDATABLE))
    if unknown:
        raise ValidationFailed(
            _("These cannot be changed here: %(names)s") % {"names": ", ".join(unknown)},
            code="unknown_fields",
            fields={name: [_("This cannot be changed.")] for name in unknown},
        )
    desk = ticket.desk
    new: dict[str, Any] = {}
    if "summary" in changes:
        new["summary"] = clean_summary(changes["summary"])
    if "priority" in changes:
        new["priority"] = clean_priority(changes["priority"])
    if "assignee" in changes:
        value = changes["assignee"]
        new["assignee"] = (
            None if value in (None, "") else agent_for_desk(value, desk, field="assignee")
        )
    if "team" in changes:
        value = changes["team"]
        new["team"] = None if value in (None, "") else team_for_desk(value, desk)
    if "is_shared_with_organization" in changes:
        if not isinstance(changes["is_shared_with_organization"], bool):
            raise field_error(
                "is_shared_with_organization", _("Enter true or false."), "invalid_boolean"
            )
        new["is_shared_with_organization"] = changes["is_shared_with_organization"]
    attachments: list[Attachment] = []
    if "fields" in changes:
        given = changes["fields"]
        if not isinstance(given, Mapping):
            raise field_error("fields", _("Fields must be an object."), "invalid_fields")
        request_fields = list(ticket.request_type.fields.all())
        cleaned = clean_field_values(
            request_fields, given, partial=True, people=people_scope(actor, desk)
        )
        merged = {**ticket.fields, **cleaned}
        for key, value in given.items():
            if value in (None, "", []):
                merged.pop(key, None)
        already = set(attachment_ids_in(request_fields, ticket.fields))
        new_ids = [i for i in attachment_ids_in(request_fields, cleaned) if i not in already]
        attachments = unclaimed_attachments(actor, new_ids, "fields")
        new["fields"] = merged
    if "labels" in changes:
        new["labels"] = clean_labels(changes["labels"])

    with transaction.atomic():
        locked = lock_ticket(ticket.pk)
        check_version(locked, expected_version)
        at = now()
        events: list[TicketEvent] = []
        for name, value in new.items():
            if name == "labels":
                old_labels = sorted(locked.labels.values_list("name", flat=True))
                if old_labels != value:
                    locked.labels.set(labels_named(value))
                    events.append(
                        new_event(
                            locked, actor, EventKind.CHANGED, "labels", old_labels, value, at=at
                        )
                    )
                continue
            old = getattr(locked, name)
            if old == value:
                continue
            setattr(locked, name, value)
            events.append(
                new_event(
                    locked,
                    actor,
                    EventKind.CHANGED,
                    name,
                    audit_value(old),
                    audit_value(value),
                    at=at,
                )
            )
        if not events:
            return locked
        locked.updated_at = at
        locked.version = F("version") + 1
        # Only the changed columns: rewriting summary/description would re-index the text.
        changed = [event.field for event in events if event.field != "labels"]
        if "priority" in changed:
            locked.priority_rank = PRIORITY_RANKS[locked.priority]  # queues sort on the rank
            changed.append("priority_rank")
        changed_names = {event.field for event in events}
        if changed_names & SLA_RELEVANT:
            signals = [Signal("priority_changed")] if "priority" in changed_names else []
            if "assignee" in changed_names and locked.assignee_id is not None:
                signals.append(Signal("assignee_set"))
            if sla_record(locked, locked.status, signals, at):
                changed.append("sla_due_at")
        locked.save(update_fields=[*changed, "updated_at", "version"])
        locked.refresh_from_db()
        claim_attachments(actor, attachments, "fields", ticket=locked)
        TicketEvent.objects.bulk_create(events)
        if "assignee" in changed_names and locked.assignee is not None:
            notify_assigned(ticket=locked, assignee=locked.assignee, actor=actor, at=at)
    return locked


# The changes that can start or stop a metric or match another goal.
SLA_RELEVANT = frozenset({"priority", "assignee", "fields", "labels"})


def ticket_transition(
    *, actor: User, ticket: Ticket, status: str, expected_version: int | None = None
) -> Ticket:
    """Move the ticket to the status with key (or name) `status`, if the workflow allows it.

    Customers may only resolve their request or reopen a resolved one. When `expected_version`
    is given and someone changed the ticket since, nothing is written (Conflict).
    """
    target = _find_status(ticket.desk, status)
    with transaction.atomic():
        locked = lock_ticket(ticket.pk)
        check_version(locked, expected_version)
        current = locked.status
        allowed = set(current.next_statuses.values_list("pk", flat=True))
        if target.pk not in allowed:
            raise ValidationFailed(
                _("A request in %(current)s cannot move to %(target)s.")
                % {"current": current.translated("name"), "target": target.translated("name")},
                code="transition_not_allowed",
                fields={"status": [_("This transition is not allowed.")]},
                status=409,
            )
        if not is_agent_of(actor, locked):
            resolving = target.category == StatusCategory.DONE
            reopening = current.category == StatusCategory.DONE
            if not (resolving or reopening):
                raise PermissionDenied(
                    _("You can resolve your request or reopen it; agents change the rest."),
                    code="transition_not_allowed_for_customer",
                )
        transition_locked(locked, target, actor=actor, at=now())
    return locked


def transition_locked(
    locked: Ticket, target: Status, *, actor: User, at: datetime.datetime
) -> None:
    """Move the ticket (locked by the caller, in its transaction, with its status) to `target`
    and record it: the status and its category, the resolution time, the SLA signals of leaving
    one status for the other, the version and the audit event. Whether the move is allowed is
    the caller's to decide: the workflow and the actor's role (`ticket_transition`), or a desk's
    own rule (a customer's reply to a request waiting for them, `ticket_comment`).
    """
    current = locked.status
    locked.status = target
    locked.status_category = target.category
    if target.category == StatusCategory.DONE and current.category != StatusCategory.DONE:
        locked.resolved_at = at
    elif target.category != StatusCategory.DONE:
        locked.resolved_at = None
    locked.updated_at = at
    locked.version = F("version") + 1
    signals = signals_for_transition(current.key, current.category, target.key, target.category)
    due_changed = sla_record(locked, target, signals, at)
    locked.save(
        update_fields=[
            "status",
            "status_category",
            "resolved_at",
            "updated_at",
            "version",
            *(["sla_due_at"] if due_changed else []),
        ]
    )
    locked.refresh_from_db()
    new_event(
        locked, actor, EventKind.TRANSITIONED, "status", current.key, target.key, at=at
    ).save()
    notify_status_reached(ticket=locked, old=current, new=target, actor=actor, at=at)


def _find_status(desk: Desk, status: Any) -> Status:
    if not isinstance(status, str) or not status.strip():
        raise field_error("status", _("Choose a status."), "unknown_status")
    wanted = status.strip()
    found = (
        Status.objects.filter(desk=desk, key=wanted).first()
        or Status.objects.filter(desk=desk, name__iexact=wanted).first()
    )
    if found is None:
        raise field_error("status", _("This desk has no such status."), "unknown_status")
    return found


BULK_CHANGES = ("assignee", "priority", "status")


@dataclass(frozen=True)
class BulkOutcome:
    """What a bulk change did to one ticket: `error` is None when it was applied."""

    key: str
    error: DomainError | None

    @property
    def is_applied(self) -> bool:
        return self.error is None


def ticket_bulk_change(
    *, actor: User, tickets: Sequence[Ticket], changes: Mapping[str, Any]
) -> list[BulkOutcome]:
    """Apply the same change (assignee, priority and/or status) to each ticket in turn.

    Each ticket goes through `ticket_update` and `ticket_transition` in its own transaction, so
    one that refuses (a transition its workflow does not allow, say) is reported and the others
    still change. A ticket of a desk the actor does not serve is refused (even one they reported,
    which `ticket_transition` would let its reporter resolve), and a ticket given twice is changed
    once. Bad `changes` themselves raise before anything is written.
    """
    unknown = sorted(set(changes) - set(BULK_CHANGES))
    if unknown or not changes:
        raise ValidationFailed(
            _("Choose what to change: assignee, priority or status."),
            code="invalid_bulk_change",
            fields={"action": [_("Choose what to change.")]},
        )
    if "priority" in changes:
        clean_priority(changes["priority"])
    updates = {name: value for name, value in changes.items() if name != "status"}
    outcomes: list[BulkOutcome] = []
    unique = {ticket.pk: ticket for ticket in tickets}
    for ticket in unique.values():
        try:
            if not is_agent_of(actor, ticket):
                raise PermissionDenied(_("Only agents of this desk can change a request."))
            with transaction.atomic():
                if updates:
                    ticket = ticket_update(actor=actor, ticket=ticket, changes=updates)
                if "status" in changes:
                    ticket_transition(actor=actor, ticket=ticket, status=changes["status"])
        except DomainError as error:
            outcomes.append(BulkOutcome(ticket.key, error))
        else:
            outcomes.append(BulkOutcome(ticket.key, None))
    return outcomes
