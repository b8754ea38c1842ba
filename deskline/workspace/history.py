"""The ticket page's history in the reader's words.

Events keep what integrations read (`/api/v1/tickets/{key}/events` shows them raw): status keys,
people by e-mail address, option values, priority codes. The page shows the status names, the
people's display names, the options' labels and the priorities in the reader's language,
looked up when the page is drawn: statuses and forms from the catalogue in memory, people from
those the page has already read, and at most one query for the others however many events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deskline.accounts.actors import actor_name
from deskline.accounts.models import User
from deskline.desks.catalog import catalog
from deskline.desks.models import FieldType, RequestField
from deskline.desks.people import display_names
from deskline.sla.actions import desk_metrics
from deskline.tickets.models import EventKind, Priority, Ticket, TicketEvent

# What the history calls each field an event can name (events store the field's code).
EVENT_FIELD_LABELS = {
    "summary": gettext_lazy("Summary"),
    "priority": gettext_lazy("Priority"),
    "assignee": gettext_lazy("Assignee"),
    "team": gettext_lazy("Team"),
    "fields": gettext_lazy("Request fields"),
    "labels": gettext_lazy("Labels"),
    "is_shared_with_organization": gettext_lazy("Shared with the organization"),
    "participants": gettext_lazy("Participants"),
    "status": gettext_lazy("Status"),
    "desk": gettext_lazy("Desk"),
}
SLA_EVENT_KINDS = (EventKind.SLA_WARNING, EventKind.SLA_BREACHED)


@dataclass(frozen=True)
class HistoryEntry:
    """One event of the history, with the field it changed and its old and new values as the
    reader reads them ("" for no value)."""

    event: TicketEvent
    field_label: str
    old_text: str
    new_text: str

    @property
    def actor_name(self) -> str:
        """Who acted, as the reader reads it: a person's name, or a system actor's ("Service
        levels" in the reader's language, a rule's or a mailbox's own name)."""
        return actor_name(self.event.actor)


def _person_fields(request_fields: Sequence[RequestField]) -> set[str]:
    return {field.key for field in request_fields if field.field_type == FieldType.USER}


def _emails_named(events: Iterable[TicketEvent], person_fields: set[str]) -> set[str]:
    """Every e-mail address the events store as a value: assignees and user fields."""
    found: set[str] = set()
    for event in events:
        if event.kind != EventKind.CHANGED:
            continue
        for value in (event.old_value, event.new_value):
            if event.field == "assignee" and isinstance(value, str):
                found.add(value)
            elif event.field == "fields" and isinstance(value, dict):
                found.update(
                    str(value[key]) for key in person_fields if isinstance(value.get(key), str)
                )
    return found


class _Reader:
    """Turns stored values into the reader's words, for one ticket's events."""

    def __init__(
        self, ticket: Ticket, request_fields: Sequence[RequestField], names: Mapping[str, str]
    ) -> None:
        self.ticket = ticket
        self.fields = {field.key: field for field in request_fields}
        self.names = dict(names)
        self.priorities = {value: str(label) for value, label in Priority.choices}

    def status(self, key: Any) -> str:
        if not isinstance(key, str):
            return ""
        status = catalog().status_of(self.ticket.desk.key, key)
        return status.translated("name") if status is not None else key

    def field_value(self, field: RequestField | None, value: Any) -> str:
        if value in (None, "", []):
            return "—"
        if field is None:
            return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        kind = field.field_type
        if kind == FieldType.CHECKBOX:
            return _("Yes") if value else _("No")
        if kind == FieldType.USER:
            return self.names.get(str(value), str(value))
        if kind in (FieldType.SINGLE_SELECT, FieldType.MULTI_SELECT):
            items = value if isinstance(value, list) else [value]
            return ", ".join(field.option_label(item) for item in items)
        if kind == FieldType.ATTACHMENT:
            return _("Attached")
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)

    def fields_change(self, old: Any, new: Any) -> tuple[str, str]:
        """The request fields an edit changed, each as "Label: value", before and after."""
        old = old if isinstance(old, dict) else {}
        new = new if isinstance(new, dict) else {}
        keys = [key for key in self.fields if old.get(key) != new.get(key)]
        keys += sorted(
            key for key in {*old, *new} - set(self.fields) if old.get(key) != new.get(key)
        )
        before, after = [], []
        for key in keys:
            field = self.fields.get(key)
            label = field.translated("label") if field is not None else key
            before.append(f"{label}: {self.field_value(field, old.get(key))}")
            after.append(f"{label}: {self.field_value(field, new.get(key))}")
        return "; ".join(before), "; ".join(after)

    def value(self, field: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if field == "status":
            return self.status(value)
        if field == "priority":
            return self.priorities.get(str(value), str(value))
        if field == "assignee":
            return self.names.get(str(value), str(value))
        if field == "is_shared_with_organization":
            return _("Yes") if value else _("No")
        if field == "labels" and isinstance(value, list):
            return ", ".join(map(str, value))
        return str(value)

    def entry(self, event: TicketEvent, metric_names: dict[int, str]) -> HistoryEntry:
        field_label = str(EVENT_FIELD_LABELS.get(event.field, event.field))
        if event.kind in SLA_EVENT_KINDS and isinstance(event.new_value, dict):
            metric_id = event.new_value.get("metric_id")
            if isinstance(metric_id, int) and metric_id in metric_names:
                field_label = metric_names[metric_id]
            return HistoryEntry(event, field_label, "", "")
        if event.kind == EventKind.CHANGED and event.field == "fields":
            old_text, new_text = self.fields_change(event.old_value, event.new_value)
            return HistoryEntry(event, field_label, old_text, new_text)
        if event.kind in (EventKind.CHANGED, EventKind.TRANSITIONED):
            return HistoryEntry(
                event,
                field_label,
                self.value(event.field, event.old_value),
                self.value(event.field, event.new_value),
            )
        return HistoryEntry(event, field_label, "", "")


def people_names(
    events: Sequence[TicketEvent],
    request_fields: Sequence[RequestField],
    values: Mapping[str, Any],
    people: Iterable[User],
) -> dict[str, str]:
    """The display name of every person the events and the form's current `values` name by
    address. `people` are users the page has read already (agents, the reporter), whose names
    cost nothing, like the events' actors; the others cost one query for all of them."""
    known = {person.email: person.display_name or person.email for person in people}
    for event in events:
        if event.actor is not None:
            known[event.actor.email] = event.actor.display_name or event.actor.email
    person_fields = _person_fields(request_fields)
    emails = _emails_named(events, person_fields)
    emails.update(str(values[key]) for key in person_fields if isinstance(values.get(key), str))
    return display_names(emails, known) if emails else {}


def history_entries(
    ticket: Ticket,
    events: Sequence[TicketEvent],
    request_fields: Sequence[RequestField],
    names: Mapping[str, str],
) -> list[HistoryEntry]:
    """The ticket's events as the history shows them; `names` are the people's display names
    by address (`people_names`)."""
    metric_names: dict[int, str] = {}
    if any(event.kind in SLA_EVENT_KINDS for event in events):
        metric_names = {
            metric.pk: metric.translated("name") for metric in desk_metrics(ticket.desk_id)
        }
    reader = _Reader(ticket, request_fields, names)
    return [reader.entry(event, metric_names) for event in events]
