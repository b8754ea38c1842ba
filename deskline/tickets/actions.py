"""Every write to tickets. Portal, workspace, e-mail, API and automation all call these.

Each action validates everything it is given before its first write, then writes the change and
its audit `TicketEvent` rows in one transaction, so bad input writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.core.files.base import ContentFile, File
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from deskline.accounts.actions import customer_get_or_create, normalize_email
from deskline.accounts.models import Team, User
from deskline.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from deskline.core.inserts import PreparedInsert, prepare_insert
from deskline.core.markdown import render_markdown
from deskline.core.time import now
from deskline.desks.catalog import catalog
from deskline.desks.fields import clean_field_values
from deskline.desks.models import (
    Desk,
    FieldType,
    RequestField,
    RequestType,
    Status,
    StatusCategory,
)
from deskline.sla.actions import SlaPlan, sla_save
from deskline.sla.conditions import Signal, signals_for_transition
from deskline.tickets.access import is_agent_of
from deskline.tickets.attachments import check_upload
from deskline.tickets.models import (
    PRIORITY_RANKS,
    Attachment,
    Channel,
    Comment,
    EventKind,
    Label,
    Notification,
    Priority,
    Ticket,
    TicketEvent,
)
from deskline.tickets.service_levels import plan_for_new_ticket, sla_record

SUMMARY_MAX = 255
DESCRIPTION_MAX = 100_000
COMMENT_MAX = 100_000
LABEL_MAX = 50


def _field_error(field: str, message: Any, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field: [message]})


def _clean_summary(summary: Any) -> str:
    if not isinstance(summary, str) or not summary.strip():
        raise _field_error("summary", _("Enter a summary."), "summary_required")
    cleaned = " ".join(summary.split())
    if len(cleaned) > SUMMARY_MAX:
        raise _field_error(
            "summary",
            _("Keep the summary under %(max)d characters.") % {"max": SUMMARY_MAX},
            "summary_too_long",
        )
    return cleaned


def _clean_text(value: Any, field: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _field_error(field, _("Enter text."), "invalid_text")
    if len(value) > limit:
        raise _field_error(
            field, _("Keep this under %(max)d characters.") % {"max": limit}, "text_too_long"
        )
    return value


def _clean_priority(priority: Any) -> str:
    if priority not in Priority.values:
        raise _field_error(
            "priority", _("Choose critical, high, medium or low."), "invalid_priority"
        )
    return str(priority)


def _clean_labels(labels: Any) -> list[str]:
    if not isinstance(labels, list | tuple) or not all(isinstance(x, str) for x in labels):
        raise _field_error("labels", _("Labels are a list of words."), "invalid_labels")
    cleaned = sorted({label.strip().lower() for label in labels if label.strip()})
    if any(len(label) > LABEL_MAX or " " in label for label in cleaned):
        raise _field_error(
            "labels", _("A label is one word of at most 50 characters."), "invalid_labels"
        )
    return cleaned


def _agent_for_desk(user: Any, desk: Desk, *, field: str) -> User:
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
        raise _field_error(field, _("Choose an agent who works on this desk."), "invalid_assignee")
    return candidate


def _team_for_desk(team: Any, desk: Desk) -> Team:
    if isinstance(team, Team):
        candidate: Team | None = team
    elif isinstance(team, int) and not isinstance(team, bool):
        candidate = Team.objects.filter(pk=team).first()
    else:
        candidate = Team.objects.filter(name=str(team)).first()
    if candidate is None or not desk.teams.filter(pk=candidate.pk).exists():
        raise _field_error("team", _("Choose a team that serves this desk."), "invalid_team")
    return candidate


def _attachment_ids_in(
    request_fields: Sequence[RequestField], fields: Mapping[str, Any]
) -> list[int]:
    ids: list[int] = []
    for field in request_fields:
        if field.field_type == FieldType.ATTACHMENT and field.key in fields:
            ids.extend(fields[field.key])
    return ids


def _claim_attachments(actor: User, ids: Sequence[int], field: str) -> list[Attachment]:
    if not ids:
        return []
    found = list(Attachment.objects.filter(pk__in=ids, uploaded_by=actor, ticket__isnull=True))
    if len(found) != len(set(ids)):
        raise _field_error(
            field, _("An attachment is unknown or already used."), "invalid_attachment"
        )
    return found


def _event(
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


_NEXT_NUMBER = (
    f"UPDATE {Desk._meta.db_table} SET last_ticket_number = last_ticket_number + 1 "
    "WHERE id = %s RETURNING last_ticket_number"
)


_EVENT_TICKET = f'"{TicketEvent._meta.db_table}"."ticket_id"'


def _write_new_ticket(desk: Desk, ticket: PreparedInsert, created: PreparedInsert) -> None:
    """Take the desk's next number and write the ticket and its `created` event.

    The number comes from one UPDATE of the desk's row, so concurrent creates never share one;
    the row stays locked until the transaction ends, and a create that fails leaves no gap. On
    PostgreSQL the three writes are one statement (a round trip, not three, while the row is
    locked); on its own it is its own transaction. SQLite has no writes inside WITH.
    """
    prefix = f"{desk.key}-"
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_NEXT_NUMBER, [desk.pk])
            row = cursor.fetchone()
        if row is None:
            raise NotFound(_("There is no desk with this key."), code="unknown_desk")
        number = int(row[0])
        ticket.execute(number=number, key=f"{prefix}{number}")
        created.execute(ticket_id=ticket.obj.pk)
        return
    ticket_sql, ticket_params = ticket.select_from(
        "next_number", number="next_number.n", key=("%s || next_number.n", [prefix])
    )
    event_sql, event_params = created.select_from("new_ticket", ticket_id="new_ticket.id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH next_number AS ({_NEXT_NUMBER} AS n), new_ticket AS ({ticket_sql}) "
            f"{event_sql}, {_EVENT_TICKET}, (SELECT n FROM next_number)",
            [desk.pk, *ticket_params, *event_params],
        )
        row = cursor.fetchone()
    if row is None:
        raise NotFound(_("There is no desk with this key."), code="unknown_desk")
    event_id, ticket_id, number = row
    ticket.saved([ticket_id], number=number, key=f"{prefix}{number}")
    created.saved([event_id], ticket_id=ticket_id)


def ticket_create(
    *,
    actor: User,
    desk: Desk,
    request_type: RequestType,
    summary: str,
    description: str = "",
    reporter: User | None = None,
    reporter_email: str | None = None,
    priority: str | None = None,
    fields: Mapping[str, Any] | None = None,
    labels: Sequence[str] = (),
    channel: str = Channel.PORTAL,
    is_shared_with_organization: bool = False,
) -> Ticket:
    """Raise a request with `desk` of type `request_type`, for the actor or (agents only) for
    someone else given by `reporter`/`reporter_email`."""
    if request_type.desk_id != desk.pk or not request_type.is_active:
        raise _field_error(
            "request_type", _("This desk has no such request type."), "unknown_request_type"
        )
    if not desk.is_active and not is_agent_of(actor, desk_ticket_stub(desk)):
        raise PermissionDenied(_("This desk no longer takes requests."), code="desk_inactive")
    cleaned_summary = _clean_summary(summary)
    cleaned_description = _clean_text(description, "description", DESCRIPTION_MAX)
    cleaned_priority = _clean_priority(priority or Priority.MEDIUM)
    cleaned_labels = _clean_labels(list(labels))
    if channel not in Channel.values:
        raise _field_error("channel", _("Unknown channel."), "invalid_channel")
    request_fields = list(request_type.fields.all())
    cleaned_fields = clean_field_values(request_fields, fields)
    attachments = _claim_attachments(
        actor, _attachment_ids_in(request_fields, cleaned_fields), "fields"
    )
    initial = catalog().initial_status(desk.pk)
    if initial is None:
        raise DomainError(_("This desk has no initial status."), code="desk_misconfigured")

    description_html = render_markdown(cleaned_description)
    # Everything up to the statements is done before the write transaction: on SQLite it holds
    # the one write lock, on PostgreSQL the desk's number row (core.inserts).
    at = now()

    def prepare(reporter: User) -> tuple[Ticket, SlaPlan, PreparedInsert, PreparedInsert]:
        ticket = Ticket(
            desk=desk,
            number=0,  # both allocated inside the transaction
            key="",
            request_type=request_type,
            summary=cleaned_summary,
            description=cleaned_description,
            description_html=description_html,
            reporter=reporter,
            organization=reporter.organization,
            is_shared_with_organization=is_shared_with_organization,
            priority=cleaned_priority,
            priority_rank=PRIORITY_RANKS[cleaned_priority],
            status=initial,
            status_category=initial.category,
            team=request_type.default_team,
            fields=cleaned_fields,
            channel=channel,
            created_at=at,
            updated_at=at,
        )
        sla = plan_for_new_ticket(ticket, initial, cleaned_labels, at)
        ticket.sla_due_at = sla.due_at
        created = _event(ticket, actor, EventKind.CREATED, new={"channel": channel}, at=at)
        return (
            ticket,
            sla,
            prepare_insert(ticket, slots=("number", "key")),
            prepare_insert(created, slots=("ticket_id",)),
        )

    on_behalf = None
    if reporter is None and reporter_email:
        email = normalize_email(reporter_email, field="reporter_email")
        if email != actor.email:
            if not is_agent_of(actor, desk_ticket_stub(desk)):
                raise PermissionDenied(
                    _("Only agents of this desk may raise requests for someone else."),
                    code="on_behalf_not_allowed",
                )
            on_behalf = email
    if on_behalf is None:
        ticket, sla, insert_ticket, insert_event = prepare(reporter or actor)
        alone = not (sla.to_create or sla.to_save or cleaned_labels or attachments)
        if alone and connection.vendor == "postgresql" and not connection.in_atomic_block:
            # One statement, its own transaction (inside a caller's, it takes a savepoint).
            _write_new_ticket(desk, insert_ticket, insert_event)
            ticket.__dict__["_label_names"] = []
            return ticket

    with transaction.atomic():
        if on_behalf is not None:  # the customer is created with the ticket, or not at all
            ticket, sla, insert_ticket, insert_event = prepare(
                customer_get_or_create(email=on_behalf)
            )
        _write_new_ticket(desk, insert_ticket, insert_event)
        sla_save(sla, ticket_id=ticket.pk)
        if cleaned_labels:
            ticket.labels.set(_labels(cleaned_labels))
        if attachments:
            Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(ticket=ticket)
    ticket.__dict__["_label_names"] = cleaned_labels  # sorted, as `label_names` gives them
    return ticket


def desk_ticket_stub(desk: Desk) -> Ticket:
    """An unsaved ticket of `desk`, to ask desk-level access questions before one exists."""
    return Ticket(desk=desk)


def _labels(names: Iterable[str]) -> list[Label]:
    names = list(names)
    existing = {label.name: label for label in Label.objects.filter(name__in=names)}
    missing = [Label(name=name) for name in names if name not in existing]
    if missing:
        Label.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {label.name: label for label in Label.objects.filter(name__in=names)}
    return list(existing.values())


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
        new["summary"] = _clean_summary(changes["summary"])
    if "priority" in changes:
        new["priority"] = _clean_priority(changes["priority"])
    if "assignee" in changes:
        value = changes["assignee"]
        new["assignee"] = (
            None if value in (None, "") else _agent_for_desk(value, desk, field="assignee")
        )
    if "team" in changes:
        value = changes["team"]
        new["team"] = None if value in (None, "") else _team_for_desk(value, desk)
    if "is_shared_with_organization" in changes:
        if not isinstance(changes["is_shared_with_organization"], bool):
            raise _field_error(
                "is_shared_with_organization", _("Enter true or false."), "invalid_boolean"
            )
        new["is_shared_with_organization"] = changes["is_shared_with_organization"]
    attachments: list[Attachment] = []
    if "fields" in changes:
        given = changes["fields"]
        if not isinstance(given, Mapping):
            raise _field_error("fields", _("Fields must be an object."), "invalid_fields")
        request_fields = list(ticket.request_type.fields.all())
        cleaned = clean_field_values(request_fields, given, partial=True)
        merged = {**ticket.fields, **cleaned}
        for key, value in given.items():
            if value in (None, "", []):
                merged.pop(key, None)
        already = set(_attachment_ids_in(request_fields, ticket.fields))
        new_ids = [i for i in _attachment_ids_in(request_fields, cleaned) if i not in already]
        attachments = _claim_attachments(actor, new_ids, "fields")
        new["fields"] = merged
    if "labels" in changes:
        new["labels"] = _clean_labels(changes["labels"])

    with transaction.atomic():
        locked = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("status")
            .get(pk=ticket.pk)
        )
        _check_version(locked, expected_version)
        at = now()
        events: list[TicketEvent] = []
        for name, value in new.items():
            if name == "labels":
                old_labels = sorted(locked.labels.values_list("name", flat=True))
                if old_labels != value:
                    locked.labels.set(_labels(value))
                    events.append(
                        _event(locked, actor, EventKind.CHANGED, "labels", old_labels, value, at=at)
                    )
                continue
            old = getattr(locked, name)
            if old == value:
                continue
            setattr(locked, name, value)
            events.append(
                _event(
                    locked,
                    actor,
                    EventKind.CHANGED,
                    name,
                    _audit_value(old),
                    _audit_value(value),
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
        if attachments:
            Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(ticket=locked)
        TicketEvent.objects.bulk_create(events)
    return locked


# The changes that can start or stop a metric or match another goal.
SLA_RELEVANT = frozenset({"priority", "assignee", "fields", "labels"})


def _check_version(locked: Ticket, expected_version: int | None) -> None:
    """Refuse with Conflict when someone changed the (locked) ticket since the actor read
    version `expected_version`: a form opened before another agent's change."""
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _("Someone else changed this request; reload it and try again."),
            code="version_conflict",
        )


def _audit_value(value: Any) -> Any:
    if isinstance(value, User):
        return value.email
    if isinstance(value, Team):
        return value.name
    return value


def ticket_transition(
    *, actor: User, ticket: Ticket, status: str, expected_version: int | None = None
) -> Ticket:
    """Move the ticket to the status with key (or name) `status`, if the workflow allows it.

    Customers may only resolve their request or reopen a resolved one. When `expected_version`
    is given and someone changed the ticket since, nothing is written (Conflict).
    """
    target = _find_status(ticket.desk, status)
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().select_related("status").get(pk=ticket.pk)
        _check_version(locked, expected_version)
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
        at = now()
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
        _event(
            locked, actor, EventKind.TRANSITIONED, "status", current.key, target.key, at=at
        ).save()
    return locked


def _find_status(desk: Desk, status: Any) -> Status:
    if not isinstance(status, str) or not status.strip():
        raise _field_error("status", _("Choose a status."), "unknown_status")
    wanted = status.strip()
    found = (
        Status.objects.filter(desk=desk, key=wanted).first()
        or Status.objects.filter(desk=desk, name__iexact=wanted).first()
    )
    if found is None:
        raise _field_error("status", _("This desk has no such status."), "unknown_status")
    return found


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
        raise _field_error("body", _("Write a message."), "body_required")
    cleaned = _clean_text(body, "body", COMMENT_MAX)
    attachments = _claim_attachments(actor, list(attachment_ids), "attachments")
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
        if attachments:
            Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(
                ticket=ticket, comment=comment
            )
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
        _event(
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


def attachment_upload(
    *, actor: User, filename: str, content: BinaryIO | bytes, size: int | None = None
) -> Attachment:
    """Store an uploaded file after checking its size and sniffing its real type.

    The attachment belongs to nobody yet; a ticket, comment or form field claims it by id.
    """
    if isinstance(content, bytes):
        data: bytes | None = content
        size = len(content)
        head = content[:8192]
    else:
        data = None
        if size is None:
            content.seek(0, 2)
            size = content.tell()
        content.seek(0)
        head = content.read(8192)
        content.seek(0)
    checked = check_upload(filename, size, head)
    digest = hashlib.sha256()
    if data is not None:
        digest.update(data)
    else:
        for chunk in iter(lambda: content.read(1 << 20), b""):  # type: ignore[union-attr]
            digest.update(chunk)
        content.seek(0)  # type: ignore[union-attr]
    attachment = Attachment(
        uploaded_by=actor,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=digest.hexdigest(),
    )
    stored = (
        ContentFile(data, name=checked.filename)
        if data is not None
        else File(content, name=checked.filename)  # type: ignore[arg-type]  # a binary stream
    )
    with transaction.atomic():
        attachment.file.save(checked.filename, stored, save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment


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
        _clean_priority(changes["priority"])
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


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of `user` read now; how many were marked."""
    with transaction.atomic():
        return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
            read_at=now()
        )
