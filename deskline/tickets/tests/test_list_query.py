"""What the lists' written SQL (`tickets.list_query`) takes from Django's query internals.

`conditions_sql` compiles only the WHERE clause of a queryset through private parts of Django
(`Query.alias_refcount`, `Query.where`, `SQLCompiler.compile`, `EmptyResultSet` and
`FullResultSet`). Checked on Django 5.2; if an upgrade changes any of them, these fail and say
which.
"""

from __future__ import annotations

import django
import pytest
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection

from deskline.testing.factories import make_ticket
from deskline.tickets.labels import label_names_of_row
from deskline.tickets.list_query import conditions_sql, newest_rows
from deskline.tickets.models import Ticket
from deskline.tickets.rows import LIST_COLUMNS

pytestmark = pytest.mark.django_db


def test_the_django_internals_the_list_sql_reads_are_still_there():
    query = Ticket.objects.filter(desk_id=1).query
    assert isinstance(getattr(query, "alias_refcount", None), dict), (
        "Query.alias_refcount is gone: tickets/list_query.py checks joins with it"
    )
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.compile(query.where)
    assert "desk_id" in sql and list(params) == [1], "SQLCompiler.compile(where) changed shape"
    with pytest.raises(EmptyResultSet):
        compiler.compile(Ticket.objects.none().query.where)
    with pytest.raises(FullResultSet):
        compiler.compile(Ticket.objects.all().query.where)
    assert django.VERSION[:2] == (5, 2), "list_query was checked on Django 5.2: check it again"


def test_conditions_are_compiled_alone_and_refused_across_joins():
    assert conditions_sql(Ticket.objects.none()) is None
    assert conditions_sql(Ticket.objects.all()) == ("", [])
    compiled = conditions_sql(Ticket.objects.filter(priority="high", id__lt=9))
    assert compiled is not None
    where, params = compiled
    assert sorted(map(str, params)) == ["9", "high"] and "priority" in where
    with pytest.raises(ValueError, match="ticket table alone"):
        conditions_sql(Ticket.objects.filter(reporter__email="x@example.com"))


def test_written_rows_hold_what_the_orm_reads(helpdesk):
    first = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.li,
        request_type=helpdesk.password_reset,
        labels=["vpn", "urgent"],
    )
    make_ticket(desk=helpdesk.it, reporter=helpdesk.bob, request_type=helpdesk.password_reset)
    queryset = Ticket.objects.filter(desk=helpdesk.it)

    written = newest_rows(queryset, 10)
    by_orm = list(queryset.order_by("-id").values(*LIST_COLUMNS))

    assert [row["id"] for row in written] == [row["id"] for row in by_orm]
    # Every column a list row is built from (rows.ticket_row), read the same both ways.
    for row, expected in zip(written, by_orm, strict=True):
        assert {name: expected[name] for name in row if name != "label_names"} == {
            name: row[name] for name in row if name != "label_names"
        }
    labels = {row["id"]: label_names_of_row(row["label_names"]) for row in written}
    assert labels[first.pk] == ["urgent", "vpn"]
