"""Raising a request: the ticket, its number, its first event and SLA cycles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from deskline.accounts.actions import customer_get_or_create, normalize_email
from deskline.accounts.models import User
from deskline.core.errors import DomainError, PermissionDenied
from deskline.core.inserts import PreparedInsert, prepare_insert
from deskline.core.markdown import render_markdown
from deskline.core.time import now
from deskline.desks.catalog import catalog
from deskline.desks.errors import unknown_desk
from deskline.desks.fields import clean_field_values
from deskline.desks.models import (
    Desk,
    RequestType,
)
from deskline.desks.people import people_scope
from deskline.sla.actions import SlaPlan, sla_save
from deskline.tickets.access import is_agent_of
from deskline.tickets.actions.checks import (
    DESCRIPTION_MAX,
    attachment_ids_in,
    claim_attachments,
    clean_priority,
    clean_summary,
    clean_text,
    field_error,
    new_event,
    unclaimed_attachments,
)
from deskline.tickets.actions.notifications import notify_request_received
from deskline.tickets.labels import clean_labels, labels_named, remember_label_names
from deskline.tickets.models import (
    PRIORITY_RANKS,
    Channel,
    EventKind,
    Priority,
    Ticket,
    TicketEvent,
)
from deskline.tickets.service_levels import plan_for_new_ticket

_NEXT_NUMBER = (
    f"UPDATE {Desk._meta.db_table} SET last_ticket_number = last_ticket_number + 1 "
    "WHERE id = %s RETURNING last_ticket_number"
)


_EVENT_TICKET = f'"{TicketEvent._meta.db_table}"."ticket_id"'


def take_ticket_number(desk: Desk) -> int:
    """The desk's next ticket number, taken inside the caller's transaction by one UPDATE of the
    desk's row: concurrent takers never share a number, the row stays locked until the
    transaction ends, and a transaction that fails gives its number back (no gap)."""
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_NUMBER, [desk.pk])
        row = cursor.fetchone()
    if row is None:
        raise unknown_desk()
    return int(row[0])


def _write_new_ticket(desk: Desk, ticket: PreparedInsert, created: PreparedInsert) -> None:
    """Take the desk's next number and write the ticket and its `created` event.

    The number comes from one UPDATE of the desk's row, so concurrent creates never share one;
    the row stays locked until the transaction ends, and a create that fails leaves no gap. On
    PostgreSQL the three writes are one statement (a round trip, not three, while the row is
    locked); on its own it is its own transaction. SQLite has no writes inside WITH.
    """
    prefix = f"{desk.key}-"
    if connection.vendor != "postgresql":
        number = take_ticket_number(desk)
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
        raise unknown_desk()
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
        raise field_error(
            "request_type", _("This desk has no such request type."), "unknown_request_type"
        )
    if not desk.is_active and not is_agent_of(actor, desk_ticket_stub(desk)):
        raise PermissionDenied(_("This desk no longer takes requests."), code="desk_inactive")
    cleaned_summary = clean_summary(summary)
    cleaned_description = clean_text(description, "description", DESCRIPTION_MAX)
    cleaned_priority = clean_priority(priority or Priority.MEDIUM)
    if labels and not is_agent_of(actor, desk_ticket_stub(desk)):
        # Labels are the agents' way to sort their work: a customer's would be refused on an
        # update, so they are refused here too rather than dropped without a word.
        raise PermissionDenied(
            _("Only agents of this desk can set labels."), code="labels_not_allowed"
        )
    cleaned_labels = clean_labels(list(labels) if isinstance(labels, list | tuple) else labels)
    if channel not in Channel.values:
        raise field_error("channel", _("Unknown channel."), "invalid_channel")
    request_fields = list(request_type.fields.all())
    # A user field names only people the actor may name (their colleagues, for a customer).
    cleaned_fields = clean_field_values(request_fields, fields, people=people_scope(actor, desk))
    attachments = unclaimed_attachments(
        actor, attachment_ids_in(request_fields, cleaned_fields), "fields"
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
        created = new_event(ticket, actor, EventKind.CREATED, new={"channel": channel}, at=at)
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
            # Outside any transaction: recorded, and handed to the deliveries, at once.
            notify_request_received(ticket=ticket, at=at)
            remember_label_names(ticket, [])
            return ticket

    with transaction.atomic():
        if on_behalf is not None:  # the customer is created with the ticket, or not at all
            ticket, sla, insert_ticket, insert_event = prepare(
                customer_get_or_create(email=on_behalf)
            )
        _write_new_ticket(desk, insert_ticket, insert_event)
        sla_save(sla, ticket_id=ticket.pk)
        if cleaned_labels:
            ticket.labels.set(labels_named(cleaned_labels))
        claim_attachments(actor, attachments, "fields", ticket=ticket)
        notify_request_received(ticket=ticket, at=at)
    remember_label_names(ticket, cleaned_labels)  # sorted, as `label_names` gives them
    return ticket


def desk_ticket_stub(desk: Desk) -> Ticket:
    """An unsaved ticket of `desk`, to ask desk-level access questions before one exists."""
    return Ticket(desk=desk)
