"""The ticket and event tables' indexes: none that a create writes for nothing (tickets 0006;
the search tests show the SQLite triggers survived it)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Model

from deskline.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _constraints(model: type[Model]) -> dict[str, dict]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, model._meta.db_table)


def _indexes(model: type[Model]) -> dict[str, list[str]]:
    return {name: list(c["columns"]) for name, c in _constraints(model).items() if c["index"]}


@pytest.mark.parametrize(
    ("model", "foreign_keys"),
    [
        (Ticket, {"desk_id", "reporter_id", "organization_id", "assignee_id", "team_id"}),
        (TicketEvent, {"ticket_id"}),
    ],
)
def test_no_single_column_index_repeats_the_start_of_a_composite_one(model, foreign_keys):
    indexes = _indexes(model)
    singles = {columns[0] for columns in indexes.values() if len(columns) == 1}
    assert not singles & foreign_keys
    starts = {columns[0] for columns in indexes.values() if len(columns) > 1}
    assert starts >= foreign_keys  # each foreign key still leads an index


def test_the_ticket_key_has_only_its_unique_index():
    on_key = [c for c in _constraints(Ticket).values() if list(c["columns"]) == ["key"]]
    assert [c["unique"] for c in on_key] == [True]  # no LIKE index beside it on PostgreSQL
