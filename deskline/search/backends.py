"""Keyword search over tickets: one interface, two backends.

SQLite uses an FTS5 index kept by triggers; PostgreSQL a GIN index on a `simple` tsvector
expression. Both are created by this app's migrations, so the index follows every write,
including bulk seeding with raw SQL.
"""

from __future__ import annotations

import re
from typing import TypeVar

from django.db import connection
from django.db.models import BooleanField, Model, QuerySet
from django.db.models.expressions import RawSQL

M = TypeVar("M", bound=Model)

MAX_TERMS = 8
# Letters and digits: both indexes treat everything else, the underscore too, as a separator.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# A stored generated column on PostgreSQL (search/migrations/0002), GIN-indexed.
PG_TICKET_VECTOR = '"tickets_ticket"."search_vector"'


def terms(query: str) -> list[str]:
    """The words of a search query, lower-cased, at most MAX_TERMS."""
    return [word.lower() for word in _WORD.findall(query or "")][:MAX_TERMS]


def filter_tickets_by_text(queryset: QuerySet[M], query: str) -> QuerySet[M]:
    """Tickets whose summary or description contain every word of `query` (a word may be the
    start of a longer word: `print` finds "printer")."""
    words = terms(query)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{_pg_quote(word)}:*" for word in words)
        return queryset.filter(
            RawSQL(  # noqa: S611 - the SQL is constant; the query is a parameter
                f"{PG_TICKET_VECTOR} @@ to_tsquery('simple'::regconfig, %s)",
                [tsquery],
                output_field=BooleanField(),
            )
        )
    match = " ".join('"' + word.replace('"', '""') + '"*' for word in words)
    return queryset.filter(
        RawSQL(
            '"tickets_ticket"."id" IN (SELECT rowid FROM search_ticket_fts '
            "WHERE search_ticket_fts MATCH %s)",
            [match],
            output_field=BooleanField(),
        )
    )


def _pg_quote(word: str) -> str:
    return "'" + word.replace("'", "''").replace("\\", "\\\\") + "'"
