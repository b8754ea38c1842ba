"""The ticket table's indexes: no single-column index that a composite one already starts with
(tickets 0006; the search tests show the SQLite triggers survived it)."""

from __future__ import annotations

import pytest
from django.db import connection

from deskline.tickets.models import Ticket

pytestmark = pytest.mark.django_db

DROPPED = {"desk_id", "reporter_id", "organization_id", "assignee_id", "team_id"}


def _indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Ticket._meta.db_table)
    return {name: list(c["columns"]) for name, c in constraints.items() if c["index"]}


def test_no_single_column_index_repeats_the_start_of_a_composite_one():
    indexes = _indexes()
    singles = {columns[0] for columns in indexes.values() if len(columns) == 1}
    assert not singles & DROPPED
    starts = {columns[0] for columns in indexes.values() if len(columns) > 1}
    assert starts >= DROPPED  # each foreign key still leads an index
