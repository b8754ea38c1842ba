"""What the help center tells a customer to expect: the goals a desk admin chose to show
(`Metric.is_shown_to_customers`), on the request form before sending and on the request's page
after. Reads only, through the SLA selectors; the words come from `sla.durations`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from deskline.desks.models import Desk, RequestType
from deskline.sla.actions import desk_metrics
from deskline.sla.durations import target
from deskline.sla.selectors import sla_preview, ticket_sla
from deskline.tickets.models import Priority, Ticket


@dataclass(frozen=True)
class Promise:
    """One priority's goal: "within 4h (business hours, Shanghai office)"."""

    priority_label: str
    text: str


@dataclass(frozen=True)
class FormExpectation:
    """One shown metric on the request form: its goal per priority (one line when they are all
    the same), and when a request of the form's priority sent now would be due."""

    name: str
    promises: list[Promise]
    is_same_for_all: bool
    due_at: datetime.datetime | None


def _promise_text(target_seconds: int, calendar_name: str, is_always: bool) -> str:
    if is_always:
        return _("within %(target)s, around the clock") % {"target": target(target_seconds)}
    return _("within %(target)s of working time (%(calendar)s)") % {
        "target": target(target_seconds),
        "calendar": calendar_name,
    }


def form_expectations(
    *,
    desk: Desk,
    request_type: RequestType,
    priority: str,
    organization_id: int | None,
    at: datetime.datetime,
) -> list[FormExpectation]:
    """The shown metrics that a new request of this type would start, with their goals; one
    query (the desk's metrics with goals and calendars), the rest is arithmetic."""
    metrics = [metric for metric in desk_metrics(desk.pk) if metric.is_shown_to_customers]
    if not metrics:
        return []
    by_priority = {
        value: sla_preview(
            metrics=metrics,
            request_type_id=request_type.pk,
            priority=value,
            organization_id=organization_id,
            at=at,
        )
        for value in Priority.values
    }
    expectations = []
    for index, chosen in enumerate(by_priority.get(priority) or by_priority[Priority.MEDIUM]):
        promises = []
        for value, label in Priority.choices:
            preview = by_priority[value][index]
            if preview.target_seconds and preview.calendar is not None:
                text = _promise_text(
                    preview.target_seconds,
                    preview.calendar.translated("name"),
                    preview.calendar.is_always,
                )
                promises.append(Promise(priority_label=str(label), text=text))
        if not promises:
            continue
        expectations.append(
            FormExpectation(
                name=chosen.metric_name,
                promises=promises,
                is_same_for_all=len(promises) == len(Priority.values)
                and len({promise.text for promise in promises}) == 1,
                due_at=chosen.due_at,
            )
        )
    return expectations


@dataclass(frozen=True)
class RequestExpectation:
    """One shown metric of a request, as its customer reads it."""

    name: str
    state: str  # due, paused, met, late, done
    due_at: datetime.datetime | None
    text: str


def request_expectations(ticket: Ticket, at: datetime.datetime) -> list[RequestExpectation]:
    """The shown metrics of the request's current cycles, in the customer's words; one query.

    A running cycle says when it is due; a paused one that the clock waits for the customer; a
    stopped one whether it was met. An overdue one says so plainly, without blame or numbers.
    """
    rows = []
    for metric in ticket_sla(
        ticket_id=ticket.pk, at=at, customer_view=True, desk_id=ticket.desk_id
    ):
        cycle = metric.current
        if cycle is None:
            continue
        if cycle.stopped_at is not None:
            if cycle.outcome == "met":
                state, text = "met", _("Met")
            else:
                state, text = "done", _("Done")
            rows.append(RequestExpectation(metric.name, state, None, text))
        elif cycle.is_breached:
            rows.append(
                RequestExpectation(
                    metric.name, "late", None, _("Later than we aimed for; we are on it.")
                )
            )
        elif cycle.is_paused:
            rows.append(
                RequestExpectation(
                    metric.name,
                    "paused",
                    None,
                    _("On hold: the clock is stopped while your request waits."),
                )
            )
        elif cycle.breach_at is not None and cycle.target_seconds:
            rows.append(RequestExpectation(metric.name, "due", cycle.breach_at, _("Expected by")))
    return rows
