"""A ticket as lists show it (`TicketRow`), and the one function that builds it.

Every list (API, help center, workspace queues, search) and every page that shows one ticket
like a list does builds its rows with `ticket_row`, from the values `LIST_COLUMNS` names: read
as values, not models, because building a page's ~300 related objects (each ticket's desk,
status, request type, people and team) cost more than the query itself. The desk, request type,
status and team come from the process's catalogue (`desks.catalog`), in the active language.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from deskline.accounts.models import User
from deskline.desks.catalog import Catalog, catalog
from deskline.tickets.labels import label_names, label_names_of_row
from deskline.tickets.models import Ticket

# The values of a row: the ticket's columns and its people's and organization's names. With
# them, `label_names`: the row's label names (a list, or JSON text as SQLite gives it).
LIST_COLUMNS = (
    *(field.attname for field in Ticket._meta.concrete_fields),
    "reporter__email",
    "reporter__display_name",
    "assignee__email",
    "assignee__display_name",
    "organization__name",
)


@dataclass(frozen=True, slots=True)
class PersonRef:
    email: str
    display_name: str


@dataclass(frozen=True, slots=True)
class TicketRow:
    """A ticket as lists show it, with names already in the active language."""

    id: int
    key: str
    desk_key: str
    request_type_id: int
    request_type_name: str
    request_type_kind: str
    summary: str
    description: str
    description_html: str
    status_key: str
    status_name: str
    status_category: str
    priority: str
    reporter: PersonRef
    assignee: PersonRef | None
    team_name: str | None
    organization_name: str | None
    labels: list[str]
    fields: dict[str, Any]
    channel: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    resolved_at: datetime.datetime | None
    version: int
    # The earliest breach of the ticket's running SLA cycles; NO_DEADLINE when none runs.
    sla_due_at: datetime.datetime

    @property
    def pk(self) -> int:
        return self.id


def ticket_row(values: Mapping[str, Any], known: Catalog | None = None) -> TicketRow:
    """The row of one ticket from its `LIST_COLUMNS` values and `label_names`."""
    known = known or catalog()
    request_type = known.request_types[values["request_type_id"]]
    status = known.statuses[values["status_id"]]
    team_id = values["team_id"]
    return TicketRow(
        id=values["id"],
        key=values["key"],
        desk_key=known.desks[values["desk_id"]].key,
        request_type_id=values["request_type_id"],
        request_type_name=request_type.translated("name"),
        request_type_kind=request_type.kind,
        summary=values["summary"],
        description=values["description"],
        description_html=values["description_html"],
        status_key=status.key,
        status_name=status.translated("name"),
        status_category=values["status_category"],
        priority=values["priority"],
        reporter=PersonRef(values["reporter__email"], values["reporter__display_name"]),
        assignee=PersonRef(values["assignee__email"], values["assignee__display_name"])
        if values["assignee_id"] is not None
        else None,
        team_name=known.teams[team_id].name if team_id is not None else None,
        organization_name=values["organization__name"],
        labels=label_names_of_row(values["label_names"]),
        fields=values["fields"],
        channel=values["channel"],
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        resolved_at=values["resolved_at"],
        version=values["version"],
        sla_due_at=values["sla_due_at"],
    )


def ticket_row_of(ticket: Ticket) -> TicketRow:
    """The list row of one ticket read with its people and organization (as `access_ticket`
    reads it), for pages and answers that show one ticket like a list does."""

    def person(user: User | None, name: str) -> str | None:
        return getattr(user, name) if user is not None else None

    values: dict[str, Any] = {
        field.attname: getattr(ticket, field.attname) for field in Ticket._meta.concrete_fields
    }
    values.update(
        {
            "reporter__email": ticket.reporter.email,
            "reporter__display_name": ticket.reporter.display_name,
            "assignee__email": person(ticket.assignee, "email"),
            "assignee__display_name": person(ticket.assignee, "display_name"),
            "organization__name": ticket.organization.name if ticket.organization else None,
            "label_names": label_names(ticket),
        }
    )
    return ticket_row(values)
