"""A ticket's labels: the one place that checks, writes and reads their names.

A ticket read with its label names (a list row, a ticket the create action just wrote, a page's
ticket) carries them in `Ticket.known_label_names`; `label_names` reads them from there, or asks
the database when nobody read them yet.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy as _

from deskline.core.errors import Message, ValidationFailed
from deskline.tickets.models import Label, Ticket

LABEL_MAX = 50  # characters of one label
LABELS_MAX = 20  # labels of one ticket


def clean_labels(labels: Any) -> list[str]:
    """The label names as stored: lower case, one word each, sorted, without repeats.

    Every path that sets labels (API, workspace, bulk, automation) comes through here: at most
    LABELS_MAX labels of at most LABEL_MAX characters each. The count is of the labels given,
    before repeats are dropped, so that the API's schema (which counts what was sent) and this
    agree, and so that a list of 20,000 labels is refused before anything is done with them.
    """
    if not isinstance(labels, list | tuple) or not all(isinstance(x, str) for x in labels):
        raise _refused(_("Labels are a list of words."), "invalid_labels")
    if len(labels) > LABELS_MAX:
        raise _refused(_("Give at most %(max)d labels.") % {"max": LABELS_MAX}, "too_many_labels")
    cleaned = sorted({label.strip().lower() for label in labels if label.strip()})
    if any(len(label) > LABEL_MAX or len(label.split()) > 1 for label in cleaned):
        message = _("A label is one word of at most %(max)d characters.") % {"max": LABEL_MAX}
        raise _refused(message, "invalid_labels")
    return cleaned


def _refused(message: Message, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={"labels": [message]})


def labels_named(names: Iterable[str]) -> list[Label]:
    """The labels with these names, creating the missing ones (another request may create the
    same label at the same moment: its row is used)."""
    names = list(names)
    existing = {label.name: label for label in Label.objects.filter(name__in=names)}
    missing = [Label(name=name) for name in names if name not in existing]
    if missing:
        Label.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {label.name: label for label in Label.objects.filter(name__in=names)}
    return list(existing.values())


# Each row's label names, read with the row in list queries: one small index lookup per ticket
# of the page instead of another query (and its ORM compilation) for the whole page. `{ticket}`
# is the SQL of the ticket's id. SQLite's group is unordered: `label_names_of_row` sorts.
LABEL_NAMES_SQL = {
    "postgresql": (
        "(SELECT COALESCE(jsonb_agg(l.name ORDER BY l.name), '[]'::jsonb) "
        f"FROM {Ticket.labels.through._meta.db_table} tl "
        f"JOIN {Label._meta.db_table} l ON l.id = tl.label_id WHERE tl.ticket_id = {{ticket}})"
    ),
    "sqlite": (
        "(SELECT json_group_array(l.name) "
        f"FROM {Ticket.labels.through._meta.db_table} tl "
        f"JOIN {Label._meta.db_table} l ON l.id = tl.label_id WHERE tl.ticket_id = {{ticket}})"
    ),
}


def label_names_sql(ticket_id_sql: str) -> str:
    """The SQL of a row's label names (a JSON list), on this connection's database."""
    return LABEL_NAMES_SQL[connection.vendor].format(ticket=ticket_id_sql)


def label_names_of_row(value: Any) -> list[str]:
    """The sorted names from what `label_names_sql` gave (JSON text on SQLite, a list on
    PostgreSQL)."""
    names = json.loads(value) if isinstance(value, str) else list(value or [])
    return sorted(names)


def remember_label_names(ticket: Ticket, names: list[str]) -> Ticket:
    """Note the label names (sorted) read or written with `ticket`, for `label_names`."""
    ticket.known_label_names = list(names)
    return ticket


def attach_label_names(tickets: list[Ticket]) -> list[Ticket]:
    """Read the label names of `tickets` in one query (names only, no Label objects)."""
    names: dict[int, list[str]] = {ticket.pk: [] for ticket in tickets}
    if names:
        rows = (
            Ticket.labels.through.objects.filter(ticket_id__in=list(names))
            .order_by("label__name")
            .values_list("ticket_id", "label__name")
        )
        for ticket_id, name in rows:
            names[ticket_id].append(name)
    for ticket in tickets:
        remember_label_names(ticket, names[ticket.pk])
    return tickets


def label_names(ticket: Ticket) -> list[str]:
    """The ticket's label names, sorted: those read with it, or else asked for now."""
    if ticket.known_label_names is None:
        attach_label_names([ticket])
    return list(ticket.known_label_names or [])
