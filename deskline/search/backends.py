"""Keyword search over tickets: one interface, two backends.

SQLite uses an FTS5 index kept by triggers; PostgreSQL a GIN index on a stored `simple`
tsvector column. Both are created by this app's migrations, so the index follows every write,
including bulk seeding with raw SQL.

Chinese has no spaces between words, so both indexes hold every CJK character as a token of its
own (search/migrations/0004) and a run of CJK characters in the query is asked for as a phrase
of its characters: `打印机` finds "双面打印时打印机总是卡纸", anywhere in the sentence. Other words
match as the start of a word (`print` finds "printer").
"""

from __future__ import annotations

import re
from typing import TypeVar

from django.db import connection
from django.db.models import BooleanField, Model, QuerySet
from django.db.models.expressions import RawSQL

from deskline.core.sqlite.functions import CJK_CHARACTERS

M = TypeVar("M", bound=Model)

MAX_TERMS = 8
# The characters of a CJK run that count: a longer run is cut there (it can only find more).
MAX_PHRASE_CHARACTERS = 32
# Letters and digits: both indexes treat everything else, the underscore too, as a separator.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# A word splits into its runs of CJK characters and its runs of other letters and digits.
_PIECE = re.compile(f"[{CJK_CHARACTERS}]+|[^{CJK_CHARACTERS}]+")
_CJK = re.compile(f"[{CJK_CHARACTERS}]")

# A stored generated column on PostgreSQL (search/migrations/0002), GIN-indexed.
PG_TICKET_VECTOR = '"tickets_ticket"."search_vector"'


def terms(query: str) -> list[str]:
    """The words of a search query, lower-cased, at most MAX_TERMS. A run of CJK characters is
    a word of its own, also inside a longer word (`VPN连不上` is `vpn`, `连不上`)."""
    found = []
    for word in _WORD.findall(query or ""):
        for piece in _PIECE.findall(word.lower()):
            found.append(piece[:MAX_PHRASE_CHARACTERS] if _is_cjk(piece) else piece)
    return found[:MAX_TERMS]


def _is_cjk(term: str) -> bool:
    return bool(_CJK.match(term))


def filter_tickets_by_text(queryset: QuerySet[M], query: str) -> QuerySet[M]:
    """Tickets whose summary or description contain every word of `query` (a word may be the
    start of a longer word: `print` finds "printer"; a Chinese word may be anywhere in a run of
    Chinese: `卡纸` finds "总是卡纸")."""
    words = terms(query)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        tsquery = " & ".join(_pg_term(word) for word in words)
        return queryset.filter(
            RawSQL(  # noqa: S611 - the SQL is constant; the query is a parameter
                f"{PG_TICKET_VECTOR} @@ to_tsquery('simple'::regconfig, %s)",
                [tsquery],
                output_field=BooleanField(),
            )
        )
    match = " ".join(_fts_term(word) for word in words)
    return queryset.filter(
        RawSQL(
            '"tickets_ticket"."id" IN (SELECT rowid FROM search_ticket_fts '
            "WHERE search_ticket_fts MATCH %s)",
            [match],
            output_field=BooleanField(),
        )
    )


def _fts_term(word: str) -> str:
    # A quoted FTS5 string: its tokens form a phrase; "*" after it makes it a prefix.
    if _is_cjk(word):
        return '"' + " ".join(word) + '"'
    return '"' + word.replace('"', '""') + '"*'


def _pg_term(word: str) -> str:
    if _is_cjk(word):
        return "(" + " <-> ".join(_pg_quote(character) for character in word) + ")"
    return f"{_pg_quote(word)}:*"


def _pg_quote(word: str) -> str:
    return "'" + word.replace("'", "''").replace("\\", "\\\\") + "'"
