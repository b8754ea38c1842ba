"""Search over documents other than tickets: knowledge articles, community questions.

The interface the domain apps call (knowledge, community); the backends behind it are this
app's business. An action that publishes, edits or hides a document calls `index_document` or
`remove_document` inside its transaction, so the index never disagrees with what was committed.

`search_documents` answers best first. The caller decides who may see what by the `desk_ids` it
passes (None in the list stands for documents of no desk, i.e. global ones) and by only indexing
what is public: the index holds searchable copies, never access rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.html import escape

from deskline.search.models import SearchDocument

# Kinds of document. A new kind is a new constant here.
ARTICLE = "article"
QUESTION = "question"
KINDS = (ARTICLE, QUESTION)


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
    with transaction.atomic():
        SearchDocument.objects.update_or_create(
            kind=kind,
            object_id=object_id,
            defaults={"language": language, "title": title, "body": body, "desk_id": desk_id},
        )


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
    # A first, plain implementation (every word in title or body); the ranked backends
    # replace it behind this same signature.
    words = [word for word in (query or "").split() if word][:8]
    if not words:
        return []
    documents = SearchDocument.objects.filter(kind__in=list(kinds))
    if desk_ids is not None:
        ids = list(desk_ids)
        scope = Q(desk_id__in=[d for d in ids if d is not None])
        if None in ids:
            scope |= Q(desk_id__isnull=True)
        documents = documents.filter(scope)
    for word in words:
        documents = documents.filter(Q(title__icontains=word) | Q(body__icontains=word))
    hits = []
    for document in documents.order_by("-id")[: max(1, min(limit, 100))]:
        score = 1.0 + (0.5 if language and document.language == language else 0.0)
        hits.append(
            Hit(
                kind=document.kind,
                object_id=document.object_id,
                language=document.language,
                score=score,
                title_html=escape(document.title),
                snippet_html=escape(document.body[:200]),
            )
        )
    hits.sort(key=lambda hit: -hit.score)
    return hits
