"""The ticket actions' side of SLAs: what happened to a ticket, told to `sla.actions`.

Every ticket action that can start, pause, stop or re-target a metric calls `sla_record` inside
its transaction, with the signals of its change; the ticket's next deadline comes back and is
kept on the ticket row (`sla_due_at`) for the "time remaining" sort.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from deskline.core.time import now
from deskline.desks.models import Status
from deskline.sla.actions import SlaPlan, desk_metrics, sla_plan, sla_plan_move, sla_save
from deskline.sla.conditions import Signal, TicketState, signals_for_transition
from deskline.sla.engine import TicketFacts, due_at, next_alert, step
from deskline.sla.models import NO_DEADLINE, Cycle
from deskline.tickets.models import EventKind, Ticket, TicketEvent


def ticket_facts(ticket: Ticket, status: Status) -> TicketFacts:
    """What the ticket's goals match on and its pauses depend on, as it is now."""
    return TicketFacts(
        request_type_id=ticket.request_type_id,
        priority=ticket.priority,
        organization_id=ticket.organization_id,
        fields=ticket.fields or {},
        state=TicketState(status_key=status.key, status_category=status.category),
        labels=lambda: (
            frozenset(ticket.labels.values_list("name", flat=True)) if ticket.pk else frozenset()
        ),
    )


def plan_for_new_ticket(
    ticket: Ticket, status: Status, labels: Sequence[str], at: datetime.datetime
) -> SlaPlan:
    """The cycles a ticket about to be created starts with (before it has an id)."""
    facts = ticket_facts(ticket, status)
    facts.labels = lambda: frozenset(labels)
    signals = creation_signals(status)
    return sla_plan(desk_id=ticket.desk_id, ticket_id=None, facts=facts, signals=signals, at=at)


def creation_signals(status: Status) -> list[Signal]:
    """The signals of a ticket created in `status`."""
    return [
        Signal("created"),
        Signal("status_entered", status.key),
        Signal("category_entered", status.category),
    ]


def sla_record(
    ticket: Ticket, status: Status, signals: Sequence[Signal], at: datetime.datetime
) -> bool:
    """Apply `signals` (which happened at `at`) to the ticket's cycles and keep its deadline on
    `ticket.sla_due_at`; True when the deadline changed (the caller saves that column)."""
    plan = sla_plan(
        desk_id=ticket.desk_id,
        ticket_id=ticket.pk,
        facts=ticket_facts(ticket, status),
        signals=signals,
        at=at,
    )
    sla_save(plan, ticket_id=ticket.pk)
    if plan.due_at == ticket.sla_due_at:
        return False
    ticket.sla_due_at = plan.due_at
    return True


def sla_record_move(ticket: Ticket, status: Status, at: datetime.datetime) -> bool:
    """The ticket (already given its new desk, request type, status and fields) moved to another
    desk at `at`: the old desk's running cycles stop, the new desk's metrics start as for a
    ticket raised there in `status`. True when the deadline changed (the caller saves it)."""
    plan = sla_plan_move(
        desk_id=ticket.desk_id,
        ticket_id=ticket.pk,
        facts=ticket_facts(ticket, status),
        signals=creation_signals(status),
        at=at,
    )
    sla_save(plan, ticket_id=ticket.pk)
    if plan.due_at == ticket.sla_due_at:
        return False
    ticket.sla_due_at = plan.due_at
    return True


def _replayed_signals(
    event: TicketEvent, statuses: dict[str, Status], state: dict[str, Any]
) -> list[Signal]:
    """The signals one audit event stood for, updating `state` (status, priority) as it goes."""
    if event.kind in (EventKind.CREATED, EventKind.MOVED):
        return creation_signals(state["status"])
    if event.kind == EventKind.TRANSITIONED:
        old, new = statuses.get(str(event.old_value)), statuses.get(str(event.new_value))
        if old is None or new is None:
            return []
        state["status"] = new
        return signals_for_transition(old.key, old.category, new.key, new.category)
    if event.kind == EventKind.CHANGED and event.field == "priority":
        state["priority"] = event.new_value
        return [Signal("priority_changed")]
    if event.kind == EventKind.CHANGED and event.field == "assignee" and event.new_value:
        return [Signal("assignee_set")]
    if event.kind == EventKind.COMMENTED and isinstance(event.new_value, dict):
        by_agent = event.new_value.get("by_agent")
        if by_agent is None:  # written before comments recorded it
            by_agent = bool(event.actor and event.actor.is_agent)
        if event.new_value.get("is_public") and by_agent:
            return [Signal("public_agent_reply")]
    return []


def sla_rebuild(ticket: Ticket, *, announce_past: bool = False) -> None:
    """Recompute the ticket's cycles from its audit trail, under the desk's current metrics
    and goals: for a ticket loaded with back-dated history (the demo), or after a policy change.

    Warnings and breaches before now count as announced unless `announce_past`, so rebuilding
    old tickets does not flood the agents with notifications of the past; those the worker
    already announced stay announced.
    """
    with transaction.atomic():
        # Lock the ticket as its actions and the worker do, before reading what was announced:
        # an announcement claimed between that read and the rewrite would be lost and made again.
        list(Ticket.objects.select_for_update().filter(pk=ticket.pk).values_list("pk", flat=True))
        _rebuild(ticket, announce_past=announce_past)


def _rebuild(ticket: Ticket, *, announce_past: bool) -> None:
    at_now = now()
    metrics = desk_metrics(ticket.desk_id)
    statuses = {status.key: status for status in Status.objects.filter(desk_id=ticket.desk_id)}
    events = list(ticket.events.select_related("actor").order_by("created_at", "id"))
    # A ticket that moved here from another desk: its cycles on this desk start at its (last)
    # move, as for a ticket raised then in the status it was given; what came before happened
    # under another desk's metrics, whose cycles stay as they ended.
    moved = next((e for e in reversed(events) if e.kind == EventKind.MOVED), None)
    if moved is not None:
        events = events[events.index(moved) :]
    first_transition = next((e for e in events if e.kind == EventKind.TRANSITIONED), None)
    first_priority = next(
        (e for e in events if e.kind == EventKind.CHANGED and e.field == "priority"), None
    )
    state: dict[str, Any] = {
        "status": statuses.get(str(first_transition.old_value), ticket.status)
        if first_transition
        else ticket.status,
        "priority": first_priority.old_value if first_priority else ticket.priority,
    }
    labels = frozenset(ticket.labels.values_list("name", flat=True))
    cycles: list[Cycle] = []
    latest: dict[int, Cycle] = {}
    for event in events:
        signals = _replayed_signals(event, statuses, state)
        if not signals:
            continue
        status = state["status"]
        facts = TicketFacts(
            request_type_id=ticket.request_type_id,
            priority=str(state["priority"]),
            organization_id=ticket.organization_id,
            fields=ticket.fields or {},
            state=TicketState(status_key=status.key, status_category=status.category),
            labels=lambda: labels,
        )
        for metric in metrics:
            result = step(
                metric, list(metric.goals.all()), latest.get(metric.pk), facts, signals,
                event.created_at,
            )  # fmt: skip
            if result.created is not None:
                result.created.ticket_id = ticket.pk
                cycles.append(result.created)
                latest[metric.pk] = result.created
    # What the worker already announced stays announced: each warning and breach once per cycle.
    announced = {
        (metric_id, number): (warned_at, breach_notified_at)
        for metric_id, number, warned_at, breach_notified_at in Cycle.objects.filter(
            ticket_id=ticket.pk
        ).values_list("metric_id", "number", "warned_at", "breach_notified_at")
    }
    for cycle in cycles:
        warned_at, breach_notified_at = announced.get((cycle.metric_id, cycle.number), (None, None))
        cycle.warned_at = cycle.warned_at or warned_at
        cycle.breach_notified_at = cycle.breach_notified_at or breach_notified_at
        cycle.next_alert_at = next_alert(cycle)
    if not announce_past:
        for cycle in cycles:
            if cycle.warn_at is not None and cycle.warn_at <= at_now:
                cycle.warned_at = cycle.warn_at
            if cycle.breach_at is not None and cycle.breach_at <= at_now:
                cycle.breach_notified_at = cycle.breach_at
                cycle.warned_at = cycle.warned_at or cycle.breach_at
            cycle.next_alert_at = next_alert(cycle)
    # Only this desk's cycles are recomputed; those a moved ticket had under another desk's
    # metrics are its history there. (Back on a desk it left before, it starts there afresh.)
    Cycle.objects.filter(ticket_id=ticket.pk, metric__desk_id=ticket.desk_id).delete()
    Cycle.objects.bulk_create(cycles)
    ticket.sla_due_at = due_at(list(latest.values())) or NO_DEADLINE
    Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=ticket.sla_due_at)
