"""Reads of the knowledge base for the help center, the workspace, the API and the community.

Every read is narrowed to what the user may see (`knowledge.access`). `article_for` answers None
for an article that does not exist or that the user may not read (the views turn that into a
404); `access.access_article` is the raising form.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet

from deskline.core.time import as_utc, now
from deskline.desks.models import Desk, RequestType
from deskline.knowledge.access import (
    can_read,
    readable_articles_q,
    readable_desk_ids,
    writable_desk_ids,
)
from deskline.knowledge.models import (
    Article,
    ArticleStatus,
    Category,
    DeflectionEvent,
    DeflectionKind,
)
from deskline.search.documents import ARTICLE, Hit, search_documents

# A journey that opened a suggestion and did nothing more for this long counts as deflected.
DEFLECTION_QUIET = datetime.timedelta(minutes=30)
SEARCH_LIMIT_MAX = 100
# Words of a ticket that make its suggestion query: the summary and the description's start.
TICKET_QUERY_CHARS = 200

# Loaders of the other kinds of document found by `knowledge_search` (community questions):
# kind -> function(user, ids) -> {id: object the user may see}. The apps above this one
# register theirs (deskline.community in its AppConfig.ready), since this one cannot import them.
DocumentLoader = Callable[[Any, Sequence[int]], dict[int, Any]]
DOCUMENT_LOADERS: dict[str, DocumentLoader] = {}


def register_document_loader(kind: str, loader: DocumentLoader) -> None:
    DOCUMENT_LOADERS[kind] = loader


def articles_for(
    user: Any,
    *,
    desk: Desk | None = None,
    category: Category | None = None,
    status: str | None = None,
    language: str | None = None,
) -> QuerySet[Article]:
    """The articles `user` may read, newest change first, filtered by desk, category, status
    and language (None: any). Readers see published ones; writers also their drafts and
    archived ones. With its desk, category and owner joined in."""
    articles = Article.objects.filter(readable_articles_q(user)).select_related(
        "desk", "category", "owner"
    )
    if desk is not None:
        articles = articles.filter(desk=desk)
    if category is not None:
        articles = articles.filter(category=category)
    if status is not None:
        articles = articles.filter(status=status)
    if language is not None:
        articles = articles.filter(language=language)
    return articles.order_by("-updated_at", "-id")


def article_for(user: Any, article_id: Any) -> Article | None:
    """One article with its desk, category, owner and translation root, or None when it does
    not exist or `user` may not read it."""
    try:
        pk = int(article_id)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    article = (
        Article.objects.select_related("desk", "category", "owner", "translation_of")
        .filter(pk=pk)
        .first()
    )
    if article is None or not can_read(user, article):
        return None
    return article


def translations_of(user: Any, article: Article) -> list[Article]:
    """The other languages of the article that `user` may read."""
    root_id = article.translation_of_id or article.pk
    return list(
        Article.objects.filter(Q(pk=root_id) | Q(translation_of_id=root_id))
        .filter(readable_articles_q(user))
        .exclude(pk=article.pk)
        .order_by("language")
    )


def categories_for(desk: Desk | None) -> QuerySet[Category]:
    """The categories of `desk` in their order (desk None: the global ones)."""
    if desk is None:
        return Category.objects.filter(desk__isnull=True)
    return Category.objects.filter(desk=desk)


def _search_desk_ids(user: Any, desk: Desk | None) -> list[int | None]:
    if desk is not None:
        readable = desk.pk in readable_desk_ids(user) or desk.pk in writable_desk_ids(user)
        return [desk.pk, None] if readable else [None]
    return [*sorted(readable_desk_ids(user)), None]


def knowledge_search(
    user: Any,
    query: str,
    *,
    language: str | None,
    desk: Desk | None = None,
    kinds: Sequence[str] = (ARTICLE,),
    limit: int = 10,
    without_text: bool = False,
) -> list[tuple[Hit, Any]]:
    """Published documents matching `query`, best first, each with its object: the article (or
    what the loader of its kind gives). `desk` narrows to that desk's and global documents;
    documents the user may not see are dropped. An empty or meaningless query finds nothing.
    `without_text` leaves the articles' body and HTML unread, for lists that show the hits'
    snippets instead."""
    # Nothing to find in a query without a letter or digit (empty, spaces, punctuation only).
    if not isinstance(query, str) or not any(character.isalnum() for character in query):
        return []
    wanted = max(1, min(int(limit), SEARCH_LIMIT_MAX))
    hits = search_documents(
        query,
        kinds=list(kinds),
        language=language,
        desk_ids=_search_desk_ids(user, desk),
        limit=wanted,
    )
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for hit in hits:
        ids_by_kind[hit.kind].append(hit.object_id)
    objects: dict[str, dict[int, Any]] = {}
    for kind, ids in ids_by_kind.items():
        if kind == ARTICLE:
            objects[kind] = _published_articles(user, ids, without_text=without_text)
        elif kind in DOCUMENT_LOADERS:
            objects[kind] = DOCUMENT_LOADERS[kind](user, ids)
    found: list[tuple[Hit, Any]] = []
    for hit in hits:
        obj = objects.get(hit.kind, {}).get(hit.object_id)
        if obj is not None:
            found.append((hit, obj))
    return found[:wanted]


def _published_articles(
    user: Any, ids: Sequence[int], *, without_text: bool = False
) -> dict[int, Article]:
    """The published articles among `ids` that `user` may read, by id, with desk and category.
    Read by primary key alone and checked by `access.can_read`: given the access condition in
    SQL as well, SQLite walks the status index (every published article, 20 ms at 100,000)
    instead of the ids."""
    articles = Article.objects.select_related("desk", "category").order_by()
    if without_text:
        articles = articles.defer("body", "body_html")
    return {
        pk: article
        for pk, article in articles.in_bulk(list(ids)).items()
        if article.status == ArticleStatus.PUBLISHED and can_read(user, article)
    }


def suggested_articles_for_ticket(user: Any, ticket: Any, limit: int = 5) -> list[tuple[Hit, Any]]:
    """Articles that may answer the ticket: a search on its summary and the start of its
    description, in its desk and the global ones, in the reader's language first."""
    text = f"{ticket.summary} {(ticket.description or '')[:TICKET_QUERY_CHARS]}"
    desk = ticket.desk if ticket.desk_id is not None else None
    return knowledge_search(
        user, text, language=getattr(user, "locale", None), desk=desk, limit=limit
    )


def linked_articles_for_ticket(user: Any, ticket: Any) -> list[Article]:
    """Articles linked to the ticket that `user` may read, in the order they were linked."""
    return list(
        Article.objects.filter(readable_articles_q(user))
        .filter(ticket_links__ticket=ticket)
        .order_by("ticket_links__id")
    )


def articles_due_for_review(user: Any) -> QuerySet[Article]:
    """Articles `user` may write that are flagged as outdated or whose review date has come,
    not archived ones; the flagged first, then by review date."""
    if not writable_desk_ids(user) and not getattr(user, "is_agent", False):
        return Article.objects.none()
    today = now().date()
    return (
        Article.objects.filter(
            Q(desk_id__isnull=True) | Q(desk_id__in=sorted(writable_desk_ids(user)))
        )
        .exclude(status=ArticleStatus.ARCHIVED)
        .filter(Q(is_outdated=True) | Q(review_on__lte=today))
        .select_related("desk", "owner")
        .order_by("-is_outdated", "review_on", "id")
    )


@dataclass(frozen=True)
class DeflectionRow:
    day: datetime.date
    desk_id: int
    request_type_id: int | None
    suggested: int
    opened: int
    deflected: int
    submitted: int


def deflection_report(
    *,
    desks: Iterable[Desk],
    start: datetime.datetime,
    end: datetime.datetime,
    request_type: RequestType | None = None,
    at: datetime.datetime | None = None,
) -> list[DeflectionRow]:
    """Self-service on the request forms of `desks`, per day (UTC, of a journey's first step),
    desk and request type, for journeys that began in [start, end).

    A journey (one visit to one form) counts as
    - suggested when suggestions were shown in it,
    - opened when it opened one of them,
    - deflected when it was not submitted and has an explicit "deflected" step, or opened a
      suggestion and its last step is older than DEFLECTION_QUIET (as of `at`, now by default),
    - submitted (anyway) when it opened a suggestion and then submitted the request.
    """
    desk_ids = sorted({desk.pk for desk in desks})
    if not desk_ids:
        return []
    events = DeflectionEvent.objects.filter(desk_id__in=desk_ids)
    if request_type is not None:
        events = events.filter(request_type=request_type)
    journeys = (
        events.values("journey", "desk_id", "request_type_id")
        .annotate(
            first=Min("created_at"),
            last=Max("created_at"),
            suggested=Count("id", filter=Q(kind=DeflectionKind.SUGGESTED)),
            opened=Count("id", filter=Q(kind=DeflectionKind.OPENED)),
            deflected=Count("id", filter=Q(kind=DeflectionKind.DEFLECTED)),
            submitted=Count("id", filter=Q(kind=DeflectionKind.SUBMITTED)),
            first_opened=Min("created_at", filter=Q(kind=DeflectionKind.OPENED)),
            last_submitted=Max("created_at", filter=Q(kind=DeflectionKind.SUBMITTED)),
        )
        .filter(first__gte=start, first__lt=end)
        .order_by()
    )
    quiet_before = (at or now()) - DEFLECTION_QUIET
    totals: dict[tuple[datetime.date, int, int | None], list[int]] = defaultdict(
        lambda: [0, 0, 0, 0]
    )
    for journey in journeys:
        first = as_utc(journey["first"])
        last = as_utc(journey["last"])
        assert first is not None and last is not None
        key = (
            first.astimezone(datetime.UTC).date(),
            journey["desk_id"],
            journey["request_type_id"],
        )
        counts = totals[key]
        opened = journey["opened"] > 0
        submitted = journey["submitted"] > 0
        counts[0] += journey["suggested"] > 0
        counts[1] += opened
        explicit = journey["deflected"] > 0
        if not submitted and (explicit or (opened and last < quiet_before)):
            counts[2] += 1
        if opened and submitted:
            last_submitted = as_utc(journey["last_submitted"])
            first_opened = as_utc(journey["first_opened"])
            counts[3] += bool(last_submitted and first_opened and last_submitted >= first_opened)
    return [
        DeflectionRow(
            day=day,
            desk_id=desk_id,
            request_type_id=request_type_id,
            suggested=counts[0],
            opened=counts[1],
            deflected=counts[2],
            submitted=counts[3],
        )
        for (day, desk_id, request_type_id), counts in sorted(
            totals.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or 0)
        )
    ]
