"""Search by meaning: document vectors (search/embeddings.py), an in-process index of them, and
the hybrid of that with the lexical ranking (reciprocal rank fusion). ADR 0017.

The index path calls `embed_document` with the SearchDocument it just wrote, inside the same
transaction (`index_document` does; `remove_document` needs nothing: the vector goes with its
document). Vectors live in the database (DocumentVector); each process keeps an int8 copy in
memory, read on first use and then only what changed (`VectorIndexState.version` is bumped by
every write), so a published article is findable by meaning at the next search.

Neither SQLite (this Python's sqlite3 cannot load extensions, so no sqlite-vec) nor this
PostgreSQL (no pgvector) can search vectors themselves. numpy scans the documents in scope by
the Hamming distance of their sign bits (64 bytes each), then scores the nearest few hundred
exactly from their int8 vectors: 100,000 documents in a few ms instead of 24-60 ms for the
exact scan of all (ADR 0017 has the numbers).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from deskline.search import embeddings, highlight
from deskline.search.documents import KINDS, Hit, lexical_matches, row_hit
from deskline.search.models import DocumentVector, SearchDocument, VectorIndexState

STATE_ID = 1
# Below this cosine similarity a document is not an answer, however few others there are: an
# unrelated query finds nothing rather than the least unrelated articles.
MIN_SIMILARITY = 0.30
# Documents in the searcher's language rank first among near-equals.
SAME_LANGUAGE_BONUS = 0.1
# Reciprocal rank fusion: each list adds weight / (RRF_K + rank).
RRF_K = 5
LEXICAL_WEIGHT = 0.5
SEMANTIC_WEIGHT = 1.0
# How deep each list is read before fusing.
CANDIDATES = 50
# The scan: every document in scope by the Hamming distance of its sign bits to the query's
# (64 bytes a document), then the nearest RESCORE of them (and the nearest RESCORE of the
# searcher's language) by exact int8 cosine. Below EXACT_BELOW documents in scope everything is
# scored exactly. ADR 0017 has the measurements.
RESCORE = 400
EXACT_BELOW = 2 * RESCORE
WORDS = embeddings.DIMENSIONS // 64
_NO_DESK = -1


# ---- the index path ---------------------------------------------------------------------


def _next_version() -> int:
    """Bump the counter (its row lock orders concurrent writers until they commit)."""
    bumped = VectorIndexState.objects.filter(pk=STATE_ID).update(version=F("version") + 1)
    if not bumped:
        VectorIndexState.objects.get_or_create(
            pk=STATE_ID, defaults={"token": uuid.uuid4().hex, "version": 0}
        )
        VectorIndexState.objects.filter(pk=STATE_ID).update(version=F("version") + 1)
    return int(VectorIndexState.objects.values_list("version", flat=True).get(pk=STATE_ID))


def embed_documents(documents: Sequence[SearchDocument]) -> int:
    """Store the vectors of `documents` (already saved), replacing older ones; how many.
    A no-op when the model is not installed."""
    if not documents or not embeddings.available():
        return 0
    vectors = embeddings.document_vectors([(d.title, d.body) for d in documents])
    return store_vectors(
        {document.pk: vector for document, vector in zip(documents, vectors, strict=True)}
    )


def store_vectors(vectors: dict[int, np.ndarray]) -> int:
    """Store float vectors given by SearchDocument id (the documents exist), replacing older
    ones, in one transaction and one version step; how many. For bulk loads that compute
    their vectors themselves (the seed composes them from its phrases' vectors)."""
    if not vectors:
        return 0
    with transaction.atomic():
        version = _next_version()
        ids = list(vectors)
        DocumentVector.objects.filter(document_id__in=ids).delete()
        DocumentVector.objects.bulk_create(
            DocumentVector(
                document_id=document_id,
                model=embeddings.MODEL,
                vector=embeddings.quantize(vector),
                sequence=version,
            )
            for document_id, vector in vectors.items()
        )
    return len(vectors)


def forget_vectors(document_ids: Sequence[int]) -> int:
    """Drop the vectors of these SearchDocument ids (their text changed), in one version step
    so that every process's index drops them too; how many."""
    if not document_ids:
        return 0
    with transaction.atomic():
        deleted, _by_model = DocumentVector.objects.filter(document_id__in=document_ids).delete()
        if deleted:
            _next_version()
    return deleted


def embed_document(document: SearchDocument) -> None:
    """What index_document calls, in its transaction, after writing `document`."""
    embed_documents([document])


def embed_missing(*, batch_size: int = 512, progress: object = None) -> int:
    """Give a vector to every document without one, or with another model's (after a bulk load
    or a model change), `batch_size` documents per model call and transaction (identical
    titles and bodies embedded once); `progress`, when callable, is told the running count.
    How many were embedded. About 7 ms a document on one core (ADR 0017)."""
    batch_size = max(1, batch_size)
    done = 0
    last = 0
    while True:
        batch = list(
            SearchDocument.objects.filter(pk__gt=last)
            .exclude(vector__model=embeddings.MODEL)
            .order_by("id")[:batch_size]
        )
        if not batch:
            return done
        last = batch[-1].pk
        done += embed_documents(batch)
        if callable(progress):
            progress(done)


# ---- the in-memory index ----------------------------------------------------------------


@dataclass
class _Index:
    token: str = ""
    version: int = 0
    size: int = 0
    positions: dict[int, int] = field(default_factory=dict)  # SearchDocument id -> row
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    kinds: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    object_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    desks: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    languages: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int16))
    language_codes: dict[str, int] = field(default_factory=dict)
    matrix: np.ndarray = field(
        default_factory=lambda: np.zeros((0, embeddings.DIMENSIONS), dtype=np.int8)
    )
    # The sign bits of each row as WORDS uint64 (64 bytes a document), word-major: bits[w] is
    # word w of every row, so the Hamming scan reads contiguous columns.
    bits: np.ndarray = field(default_factory=lambda: np.zeros((WORDS, 0), dtype=np.uint64))
    # Scope masks by (kinds, desks), dropped whenever a row changes.
    scopes: dict[tuple[tuple[int, ...], tuple[int, ...] | None], _Scope] = field(
        default_factory=dict
    )

    def _grow(self, needed: int) -> None:
        capacity = len(self.ids)
        if needed <= capacity:
            return
        capacity = max(needed, capacity * 2, 1024)
        self.ids = np.resize(self.ids, capacity)
        self.kinds = np.resize(self.kinds, capacity)
        self.object_ids = np.resize(self.object_ids, capacity)
        self.desks = np.resize(self.desks, capacity)
        self.scopes.clear()
        self.languages = np.resize(self.languages, capacity)
        matrix = np.zeros((capacity, embeddings.DIMENSIONS), dtype=np.int8)
        matrix[: self.size] = self.matrix[: self.size]
        self.matrix = matrix
        bits = np.zeros((WORDS, capacity), dtype=np.uint64)
        bits[:, : self.size] = self.bits[:, : self.size]
        self.bits = bits

    def put(
        self,
        document_id: int,
        kind: str,
        object_id: int,
        language: str,
        desk_id: int | None,
        data: bytes,
    ) -> None:
        row = self.positions.get(document_id)
        if row is None:
            self._grow(self.size + 1)
            row = self.size
            self.size += 1
            self.positions[document_id] = row
        self.languages[row] = self.language_codes.setdefault(language, len(self.language_codes))
        self.ids[row] = document_id
        self.kinds[row] = KINDS.index(kind) if kind in KINDS else -1
        self.object_ids[row] = object_id
        self.desks[row] = _NO_DESK if desk_id is None else desk_id
        self.matrix[row] = np.frombuffer(data, dtype=np.int8)
        self.bits[:, row] = sign_bits(self.matrix[row])
        self.scopes.clear()

    def strike(self, document_id: int) -> None:
        """Take a document's row out of every scope (its document was removed)."""
        row = self.positions.pop(document_id, None)
        if row is not None:
            self.kinds[row] = -1
            self.scopes.clear()


_indexes: dict[tuple[str, str], _Index] = {}
_indexes_lock = threading.Lock()


def _database_key() -> tuple[str, str]:
    return connection.alias, str(connection.settings_dict.get("NAME"))


def _current_index() -> _Index:
    """This process's copy of the vectors of the database in use, brought up to date."""
    state = VectorIndexState.objects.filter(pk=STATE_ID).values_list("token", "version").first()
    key = _database_key()
    with _indexes_lock:
        index = _indexes.get(key)
        if state is None:
            index = _indexes[key] = _Index()
            return index
        token, version = state
        if index is None or index.token != token or version < index.version:
            index = _Index(token=token)
        if version != index.version:
            rows = (
                DocumentVector.objects.filter(sequence__gt=index.version, model=embeddings.MODEL)
                .order_by("sequence")
                .values_list(
                    "document_id",
                    "document__kind",
                    "document__object_id",
                    "document__language",
                    "document__desk_id",
                    "vector",
                )
            )
            for document_id, kind, object_id, language, desk_id, data in rows.iterator(
                chunk_size=2000
            ):
                index.put(document_id, kind, object_id, language, desk_id, bytes(data))
            index.version = version
        _indexes[key] = index
        return index


def reset_indexes() -> None:
    """Forget every in-memory copy (tests; a process that changed model)."""
    with _indexes_lock:
        _indexes.clear()


# ---- searching ----------------------------------------------------------------------------


def _any_of(values: np.ndarray, wanted: Sequence[int]) -> np.ndarray:
    # A comparison per wanted value: for a few values far quicker than np.isin.
    mask = np.zeros(len(values), dtype=bool)
    for value in wanted:
        mask |= values == value
    return mask


@dataclass
class _Scope:
    """The rows of one (kinds, desks) scope: ascending, and as a distance floor over every row
    (0 in scope, FAR outside) that the pre-scan adds in one pass; the same floor per language
    (FAR also for rows in another language), made when first asked for."""

    rows: np.ndarray
    floor: np.ndarray
    languages: np.ndarray
    by_language: dict[int, np.ndarray] = field(default_factory=dict)

    def language_floor(self, code: int) -> np.ndarray:
        floor = self.by_language.get(code)
        if floor is None:
            other = self.languages[: len(self.floor)] != code
            floor = self.by_language[code] = np.maximum(self.floor, other * FAR).astype(np.uint16)
        return floor


# A distance beyond any Hamming distance of two rows: what the pre-scan gives a row out of scope.
FAR = embeddings.DIMENSIONS + 1


def _scope(index: _Index, kinds: Sequence[str], desk_ids: Sequence[int | None] | None) -> _Scope:
    """The rows in scope (kept per scope until a row changes)."""
    codes = tuple(sorted({KINDS.index(kind) for kind in kinds if kind in KINDS}))
    desks = None
    if desk_ids is not None:
        desks = tuple(sorted({_NO_DESK if desk is None else int(desk) for desk in desk_ids}))
    key = (codes, desks)
    scope = index.scopes.get(key)
    if scope is None:
        size = index.size
        mask = _any_of(index.kinds[:size], codes)
        if desks is not None and len(desks) <= 64:
            mask &= _any_of(index.desks[:size], desks)
        elif desks is not None:
            mask &= np.isin(index.desks[:size], np.array(desks, dtype=np.int64))
        floor = np.where(mask, 0, FAR).astype(np.uint16)
        scope = _Scope(np.flatnonzero(mask), floor, index.languages)
        if len(index.scopes) >= 64:
            index.scopes.clear()
        index.scopes[key] = scope
    return scope


def sign_bits(rows: np.ndarray) -> np.ndarray:
    """The sign bits of each row (1 where the coordinate is positive), packed as WORDS uint64
    per row; the Hamming distance of two rows' bits tracks the angle between them."""
    packed = np.packbits(np.asarray(rows) > 0, axis=-1)
    return np.ascontiguousarray(packed).view(np.uint64)


def _similarities(index: _Index, vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Cosine similarity of the given rows with `vector`: the query is rounded to int8 too and
    the products summed in int32, which reads the int8 rows as they are."""
    scale = float(np.abs(vector).max()) or 1.0
    query = np.clip(np.rint(vector / scale * 127.0), -127, 127).astype(np.int8)
    products = np.einsum("ij,j->i", index.matrix[rows], query, dtype=np.int32)
    return products.astype(np.float32) * (scale / (127.0 * 127.0))


def _hamming(index: _Index, vector: np.ndarray) -> np.ndarray:
    """The Hamming distance of every row's sign bits to the query's, a word at a time."""
    query = sign_bits(vector)
    size = index.size
    distances = np.zeros(size, dtype=np.uint16)
    words = np.empty(size, dtype=np.uint64)
    counts = np.empty(size, dtype=np.uint8)
    for word in range(WORDS):
        np.bitwise_xor(index.bits[word, :size], query[word], out=words)
        np.bitwise_count(words, out=counts)
        distances += counts
    return distances


def _nearest(distances: np.ndarray, rows: np.ndarray | None, count: int) -> np.ndarray:
    """The `count` rows of `rows` (None: every row) with the smallest `distances` (one per row
    of `rows`), and those tied with the last of them; never a row at distance FAR (out of
    scope). The cut-off distance comes from a histogram of the distances (at most FAR + 1
    values), quicker than a partition of 100,000."""
    if rows is not None and len(rows) <= count:
        return rows
    histogram = np.bincount(distances, minlength=FAR + 1)
    cutoff = min(int(np.searchsorted(np.cumsum(histogram), count)), FAR - 1)
    chosen = np.flatnonzero(distances <= cutoff)
    if len(chosen) > 4 * count:  # many ties (copies of one text): a partition of those
        chosen = chosen[np.argpartition(distances[chosen], count - 1)[:count]]
    return chosen if rows is None else rows[chosen]


def _candidates(index: _Index, vector: np.ndarray, scope: _Scope, language_code: int | None):
    """The rows to score exactly: all in scope when they are few, else the nearest by sign
    bits, overall and in the searcher's language (whose bonus may lift a farther one)."""
    if len(scope.rows) < EXACT_BELOW:
        return scope.rows
    hamming = _hamming(index, vector)
    chosen = _nearest(np.maximum(hamming, scope.floor), None, RESCORE)
    if language_code is not None:
        floor = scope.language_floor(language_code)
        chosen = np.union1d(chosen, _nearest(np.maximum(hamming, floor), None, RESCORE))
    return chosen


def _ranking(
    index: _Index,
    vector: np.ndarray,
    *,
    kinds: Sequence[str],
    language: str | None,
    desk_ids: Sequence[int | None] | None,
    limit: int,
) -> list[tuple[int, float]]:
    language_code = index.language_codes.get(language) if language else None
    rows = _candidates(index, vector, _scope(index, kinds, desk_ids), language_code)
    if not len(rows):
        return []
    scores = _similarities(index, vector, rows)
    scores[scores < MIN_SIMILARITY] = -np.inf
    if language_code is not None:
        scores[index.languages[rows] == language_code] += SAME_LANGUAGE_BONUS
    count = min(limit, len(rows))
    top = np.argpartition(-scores, count - 1)[:count]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(index.ids[rows[i]]), float(scores[i])) for i in top if np.isfinite(scores[i])]


@dataclass(frozen=True)
class _Near:
    """A document found by meaning, as the in-memory index knows it."""

    document_id: int
    kind: str
    object_id: int
    language: str
    score: float

    @property
    def key(self) -> tuple[str, int]:
        return self.kind, self.object_id


def _near(
    query: str,
    *,
    kinds: Sequence[str],
    language: str | None,
    desk_ids: Sequence[int | None] | None,
    limit: int,
) -> tuple[_Index | None, list[_Near]]:
    """The index searched and the documents nearest `query`, best first, from memory alone
    (their text is read only for those shown: `_texts`)."""
    if not embeddings.available():
        return None, []
    vector = embeddings.query_vector(query)
    if vector is None:
        return None, []
    index = _current_index()
    if not index.size:
        return index, []
    ranked = _ranking(index, vector, kinds=kinds, language=language, desk_ids=desk_ids, limit=limit)
    languages = {code: name for name, code in index.language_codes.items()}
    found = []
    for document_id, score in ranked:
        row = index.positions.get(document_id)
        if row is None or index.kinds[row] < 0:
            continue
        found.append(
            _Near(
                document_id,
                KINDS[int(index.kinds[row])],
                int(index.object_ids[row]),
                languages.get(int(index.languages[row]), ""),
                score,
            )
        )
    return index, found


def _texts(index: _Index | None, documents: Sequence[_Near]) -> dict[int, tuple[str, str]]:
    """Title and body by SearchDocument id of those `documents` still indexed with a vector.
    Removed documents take their vectors with them without a version bump, and a re-indexed
    one loses its vector (documents.index_documents): one that is gone is struck off the
    in-memory index, so that no later search finds it."""
    if not documents:
        return {}
    wanted = [document.document_id for document in documents]
    found = {
        pk: (title, body)
        for pk, title, body in SearchDocument.objects.filter(
            pk__in=wanted, vector__isnull=False
        ).values_list("id", "title", "body")
    }
    gone = [pk for pk in wanted if pk not in found]
    if gone and index is not None:
        with _indexes_lock:
            for pk in gone:
                index.strike(pk)
    return found


def _near_hit(document: _Near, text: tuple[str, str], found: object, score: float) -> Hit:
    title, body = text
    return row_hit(
        (document.kind, document.object_id, document.language, title, body, score), found
    )


def semantic_search(
    query: str,
    *,
    kinds: Sequence[str] = KINDS,
    language: str | None = None,
    desk_ids: Iterable[int | None] | None = None,
    limit: int = 20,
) -> list[Hit]:
    """Documents near `query` in meaning, in any language, best first (search_documents'
    signature). Nothing when the query has no letters or digits, or nothing is near enough."""
    limit = max(1, min(limit, 100))
    desk_list = None if desk_ids is None else list(desk_ids)
    for _attempt in range(3):
        index, near = _near(query, kinds=kinds, language=language, desk_ids=desk_list, limit=limit)
        texts = _texts(index, near)
        if len(texts) == len(near):
            break  # else what was gone is struck off, and the ranking runs again
    return [
        _near_hit(document, texts[document.document_id], None, document.score)
        for document in near
        if document.document_id in texts
    ]


def hybrid_search(
    query: str,
    *,
    kinds: Sequence[str] = KINDS,
    language: str | None = None,
    desk_ids: Iterable[int | None] | None = None,
    limit: int = 20,
) -> list[Hit]:
    """The lexical and the semantic rankings fused by reciprocal rank: a document both find
    comes first, one only either finds still comes. The few documents a one-word query
    names (documents.LexicalMatches.named: a code, a name, a rare word) come first of all.
    Titles and snippets mark the searched words. Same signature as search_documents."""
    limit = max(1, min(limit, 100))
    desk_list = None if desk_ids is None else list(desk_ids)
    depth = max(limit, CANDIDATES)
    lexical = lexical_matches(
        query, kinds=kinds, language=language, desk_ids=desk_list, limit=depth, named=True
    )
    if not hybrid_enabled():
        return lexical.hits(limit)
    rows = {(row[0], int(row[1])): row for row in lexical.rows}
    leading = set(lexical.named)
    found = highlight.pattern(lexical.terms)
    for _attempt in range(3):
        index, near = _near(query, kinds=kinds, language=language, desk_ids=desk_list, limit=depth)
        scores: dict[tuple[str, int], float] = {}
        for rank, key in enumerate(rows, start=1):
            scores[key] = scores.get(key, 0.0) + LEXICAL_WEIGHT / (RRF_K + rank)
        by_key: dict[tuple[str, int], _Near] = {}
        for rank, document in enumerate(near, start=1):
            by_key.setdefault(document.key, document)
            scores[document.key] = scores.get(document.key, 0.0) + SEMANTIC_WEIGHT / (RRF_K + rank)
        order = sorted(scores, key=lambda key: (key not in leading, -scores[key]))[:limit]
        only_near = [by_key[key] for key in order if key not in rows]
        texts = _texts(index, only_near)
        if len(texts) == len(only_near):
            break  # else what was gone is struck off, and the fusion runs again
    hits = []
    for key in order:
        if key in rows:
            hits.append(_with_score(row_hit(rows[key], found), scores[key]))
        elif by_key[key].document_id in texts:
            hits.append(_near_hit(by_key[key], texts[by_key[key].document_id], found, scores[key]))
    return hits


def _with_score(hit: Hit, score: float) -> Hit:
    return Hit(hit.kind, hit.object_id, hit.language, score, hit.title_html, hit.snippet_html)


def hybrid_enabled() -> bool:
    """Whether search uses the vectors at all (settings.SEARCH_SEMANTIC, on by default)."""
    return bool(getattr(settings, "SEARCH_SEMANTIC", True)) and embeddings.available()
