"""Knowledge articles: write, list and search, read, edit (a new version), publish, archive."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from deskline.api.article_schemas import (
    QUERY_MAX,
    ArticleCreateIn,
    ArticleOut,
    ArticlePage,
    ArticlePatchIn,
    LanguageName,
    article_out,
    article_row_out,
)
from deskline.api.auth import caller
from deskline.api.responses import prebuilt
from deskline.api.schemas import Documented, ErrorOut, PageLimit
from deskline.core.errors import Message, ValidationFailed
from deskline.desks.catalog import catalog
from deskline.desks.models import Desk
from deskline.knowledge import actions, selectors
from deskline.knowledge.access import access_article
from deskline.knowledge.models import Article, ArticleStatus
from deskline.tickets.selectors import MAX_PAGE, decode_cursor, encode_cursor

router = Router(tags=["articles"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
DEFAULT_PAGE = 50
SEARCH_MAX = 50
Query = Annotated[str, Documented(maxLength=QUERY_MAX)]
StatusName = Annotated[str, Documented(enum=list(ArticleStatus.values))]
DeskKey = Annotated[str, Documented(maxLength=20)]


def _bad_filter(name: str, message: Message) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_filter", fields={name: [message]})


def _desk_filter(key: str | None) -> Desk | None:
    if key is None:
        return None
    desk = catalog().desk_of_key(key.strip().upper())
    if desk is None:
        raise _bad_filter("desk", _("There is no such desk."))
    return desk


def _language_filter(language: str | None) -> str | None:
    if language is None:
        return None
    wanted = language.strip().lower()
    if wanted not in ("en", "zh-hans"):
        raise _bad_filter("language", _("Choose en or zh-Hans."))
    return wanted


def _status_filter(status: str | None) -> str | None:
    if status is not None and status not in ArticleStatus.values:
        raise _bad_filter("status", _("Choose draft, published or archived."))
    return status


def _encode_cursor(last_id: int) -> str:
    return encode_cursor(last_id, prefix="a")


def _decode_cursor(cursor: str) -> int:
    return decode_cursor(cursor, prefix="a")


def _detail(user: Any, article: Article) -> dict[str, Any]:
    return article_out(article, selectors.translations_of(user, article))


@router.post("/articles", response={201: ArticleOut, **ERRORS})
def create_article(request: HttpRequest, payload: ArticleCreateIn) -> Any:
    """Write an article in Markdown (agents of the desk; any agent for a global one), as a
    draft or published. `translation_of` makes it another language of that article."""
    user = caller(request)
    article = actions.article_create(
        actor=user,
        title=payload.title,
        body=payload.body,
        language=payload.language,
        desk=payload.desk,
        category=payload.category,
        status=payload.status,
        translation_of=payload.translation_of,
        review_on=payload.review_on,
        owner=payload.owner,
    )
    return Status(201, _detail(user, access_article(user, article.pk)))


@router.get("/articles", response={200: ArticlePage, **ERRORS})
def list_articles(
    request: HttpRequest,
    q: Query | None = None,
    language: LanguageName | None = None,
    desk: DeskKey | None = None,
    status: StatusName | None = None,
    limit: PageLimit = DEFAULT_PAGE,
    cursor: str | None = None,
) -> Any:
    """Articles the caller may read. Without `q`: newest first, a page at a time (follow
    `next_cursor`). With `q`: published articles matching it, best first (in `language` first
    when given), each with a `snippet`; one page of at most `limit` (50 at most), no cursor."""
    user = caller(request)
    if limit < 1 or limit > MAX_PAGE:
        raise _bad_filter("limit", _("Use a limit from 1 to 200."))
    wanted_desk = _desk_filter(desk)
    wanted_language = _language_filter(language)
    wanted_status = _status_filter(status)
    if q is not None:
        if len(q) > QUERY_MAX:
            raise _bad_filter(
                "q", _("Search with at most %(count)d characters.") % {"count": QUERY_MAX}
            )
        if wanted_status not in (None, ArticleStatus.PUBLISHED):
            return {"items": [], "next_cursor": None}
        found = selectors.knowledge_search(
            user,
            q,
            language=wanted_language or getattr(user, "locale", None),
            desk=wanted_desk,
            limit=min(limit, SEARCH_MAX),
            without_text=True,
        )
        items = [
            article_row_out(article, hit)
            for hit, article in found
            if (wanted_language is None or article.language == wanted_language)
            and (wanted_desk is None or article.desk_id == wanted_desk.pk)
        ]
        return prebuilt({"items": items, "next_cursor": None})
    articles = (
        selectors.articles_for(
            user, desk=wanted_desk, status=wanted_status, language=wanted_language
        )
        .order_by("-id")
        .defer("body", "body_html")
    )
    if cursor:
        articles = articles.filter(id__lt=_decode_cursor(cursor))
    rows = list(articles[: limit + 1])
    next_cursor = _encode_cursor(rows[limit - 1].pk) if len(rows) > limit else None
    items = [article_row_out(row) for row in rows[:limit]]
    # Built in the documented shape (test_articles, schemathesis): not validated a second time.
    return prebuilt({"items": items, "next_cursor": next_cursor})


@router.get("/articles/{article_id}", response={200: ArticleOut, **ERRORS})
def get_article(request: HttpRequest, article_id: int) -> dict[str, Any]:
    """One article with its translations the caller may read."""
    user = caller(request)
    return _detail(user, access_article(user, article_id))


@router.patch("/articles/{article_id}", response={200: ArticleOut, **ERRORS})
def update_article(
    request: HttpRequest, article_id: int, payload: ArticlePatchIn
) -> dict[str, Any]:
    """Change title, body, language, desk, category, review date or owner; a change of title
    or body is a new version. Send the `version` you read to refuse a change made meanwhile."""
    user = caller(request)
    article = access_article(user, article_id, write=True)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    note = changes.pop("note", "")
    for name in ("title", "body", "language"):
        if name in changes and changes[name] is None:
            raise ValidationFailed(
                _("This value cannot be null."),
                code="invalid_input",
                fields={name: [_("This value cannot be null.")]},
            )
    actions.article_update(
        actor=user, article=article, note=note, expected_version=version, **changes
    )
    return _detail(user, access_article(user, article_id))


@router.post("/articles/{article_id}/publish", response={200: ArticleOut, **ERRORS})
def publish_article(request: HttpRequest, article_id: int) -> dict[str, Any]:
    """Publish a draft or an archived article: readers see it and search finds it."""
    user = caller(request)
    article = actions.article_publish(
        actor=user, article=access_article(user, article_id, write=True)
    )
    return _detail(user, access_article(user, article.pk))


@router.post("/articles/{article_id}/archive", response={200: ArticleOut, **ERRORS})
def archive_article(request: HttpRequest, article_id: int) -> dict[str, Any]:
    """Archive an article: out of the help center and the search."""
    user = caller(request)
    article = actions.article_archive(
        actor=user, article=access_article(user, article_id, write=True)
    )
    return _detail(user, access_article(user, article.pk))
