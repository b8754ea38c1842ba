"""The ticket lists' written SQL: a page of the newest tickets matching the ORM's conditions.

The ORM builds and compiles the conditions (access, filters, search, cursor); the rest is written
here. Through `values()` with its five joins, building and compiling the query and converting its
rows cost more than twice what PostgreSQL or SQLite took to run it (docs/adr/0006). The page's
ids are taken from the tickets alone, then joined to their people: neither database joins every
ticket that matches a search before it takes the page.

This reaches into Django's query internals (`Query.alias_refcount`, `get_compiler().compile`
of `Query.where`, `EmptyResultSet`/`FullResultSet`): tickets/tests/test_list_query.py fails
loudly when an upgrade of Django changes them.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import QuerySet

from deskline.accounts.models import Organization, User
from deskline.core.time import as_utc
from deskline.tickets.labels import label_names_sql
from deskline.tickets.models import Ticket

# The columns of a list row, under the names `values(*LIST_COLUMNS)` gives them, and how each is
# spelt in the SQL (t: the ticket, r/a: reporter and assignee, o: organization).
_ROW_SQL = {
    **{name: f't."{name}"' for name in (
        "id", "key", "desk_id", "request_type_id", "summary", "description", "description_html",
        "status_id", "status_category", "priority", "assignee_id", "team_id", "fields",
        "channel", "created_at", "updated_at", "resolved_at", "version", "sla_due_at",
    )},
    "reporter__email": 'r."email"',
    "reporter__display_name": 'r."display_name"',
    "assignee__email": 'a."email"',
    "assignee__display_name": 'a."display_name"',
    "organization__name": 'o."name"',
}  # fmt: skip
_ROW_NAMES = (*_ROW_SQL, "label_names")
_ROW_TIMES = ("created_at", "updated_at", "resolved_at", "sla_due_at")
_TICKETS = Ticket._meta.db_table
_USERS = User._meta.db_table
_ORGANIZATIONS = Organization._meta.db_table


def conditions_sql(queryset: QuerySet[Ticket]) -> tuple[str, list[Any]] | None:
    """The WHERE clause of `queryset` (without the word) and its parameters; "" when it matches
    every ticket, None when it matches none. Its conditions must be on the ticket table alone."""
    query = queryset.query
    joined = {alias for alias, uses in query.alias_refcount.items() if uses}
    if joined - {_TICKETS}:
        raise ValueError("A list's conditions must be on the ticket table alone.")
    try:
        where, params = query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:
        return None
    except FullResultSet:
        return "", []
    return where, list(params)


def newest_rows(queryset: QuerySet[Ticket], count: int) -> list[dict[str, Any]]:
    """The newest `count` tickets of `queryset` as list row values (`rows.ticket_row`)."""
    compiled = conditions_sql(queryset)
    if compiled is None:
        return []
    where, params = compiled
    columns = ", ".join(_ROW_SQL.values())
    labels = label_names_sql('t."id"')
    condition = f"WHERE {where}" if where else ""
    sql = (
        f"SELECT {columns}, {labels} "
        f'FROM (SELECT "{_TICKETS}"."id" FROM "{_TICKETS}" {condition} '
        f'ORDER BY "{_TICKETS}"."id" DESC LIMIT {int(count)}) page '
        f'JOIN "{_TICKETS}" t ON t."id" = page."id" '
        f'JOIN "{_USERS}" r ON r."id" = t."reporter_id" '
        f'LEFT JOIN "{_USERS}" a ON a."id" = t."assignee_id" '
        f'LEFT JOIN "{_ORGANIZATIONS}" o ON o."id" = t."organization_id" '
        'ORDER BY t."id" DESC'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    rows = [dict(zip(_ROW_NAMES, values, strict=True)) for values in fetched]
    for row in rows:
        for name in _ROW_TIMES:
            moment = row[name]
            if isinstance(moment, str):
                moment = datetime.datetime.fromisoformat(moment)
            row[name] = as_utc(moment)  # SQLite keeps naive UTC
        if isinstance(row["fields"], str):
            row["fields"] = json.loads(row["fields"])
    return rows
