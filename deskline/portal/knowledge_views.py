"""The help center's knowledge pages: the knowledge base (global and per desk), its search, an
article with "Was this helpful?", and the suggestions a request form shows while one types.

Thin views over `deskline.knowledge`'s selectors and actions. The request form's journey id
ties one visit together: suggestions shown, a suggested article opened, the form sent anyway
(see `deflection`); what that achieved is counted by `deflection_record`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from deskline.core.downloads import file_response
from deskline.core.errors import ValidationFailed
from deskline.desks.models import Desk
from deskline.knowledge import actions, selectors
from deskline.knowledge.access import access_article
from deskline.knowledge.models import Article, ArticleStatus, Category, DeflectionKind
from deskline.portal import deflection
from deskline.portal.http import error_pages, is_htmx
from deskline.search.documents import ARTICLE, QUESTION, Hit
from deskline.tickets import help_center

# A search longer than this is refused (a person's question fits; a pasted log does not).
MAX_QUERY = 200
SEARCH_LIMIT = 20
SUGGESTION_LIMIT = 5
# Suggestions start from this many characters of summary: fewer find everything and nothing.
MIN_SUGGESTION_QUERY = 3
MAX_COMMENT = 2000
# The most articles one knowledge page lists on its shelves (the search finds the others).
MAX_SHELVED = 500


def viewer_language() -> str:
    """The page's language as an article's language ("en" or "zh-hans")."""
    return "zh-hans" if (get_language() or "").lower().startswith("zh") else "en"


def _root_id(article: Article) -> int:
    return article.translation_of_id or article.pk


@dataclass
class Shelf:
    """One category of the knowledge page, its articles in the viewer's language first."""

    category: Category | None
    entries: list[ArticleEntry]


@dataclass
class ArticleEntry:
    article: Article
    # The same article in the other language, when it is published too.
    translation: Article | None


def _entries(articles: list[Article], language: str) -> list[ArticleEntry]:
    """One entry per article and its translations: the viewer's language when written in it,
    the other one linked. Articles only in the other language follow."""
    by_root: dict[int, list[Article]] = {}
    for article in articles:
        by_root.setdefault(_root_id(article), []).append(article)
    entries = []
    for group in by_root.values():
        own = next((a for a in group if a.language == language), None)
        other = next((a for a in group if a.language != language), None)
        shown = own or other
        assert shown is not None  # a group holds at least one article
        entries.append(ArticleEntry(shown, other if own is not None else None))
    entries.sort(key=lambda entry: entry.article.language != language)
    return entries


def _shelves(categories: list[Category], articles: list[Article], language: str) -> list[Shelf]:
    by_category: dict[int | None, list[Article]] = {}
    for article in articles:
        by_category.setdefault(article.category_id, []).append(article)
    shelves = [
        Shelf(category, _entries(by_category.pop(category.pk), language))
        for category in categories
        if category.pk in by_category
    ]
    rest = [article for group in by_category.values() for article in group]
    if rest:
        shelves.append(Shelf(None, _entries(rest, language)))
    return shelves


def clean_query(raw: str | None) -> str:
    """The search as typed, trimmed; ValidationFailed when it is longer than a question."""
    query = " ".join((raw or "").split())
    if len(query) > MAX_QUERY:
        raise ValidationFailed(
            _("Search with at most %(count)d characters.") % {"count": MAX_QUERY},
            code="query_too_long",
        )
    return query


def one_per_translation(
    found: list[tuple[Hit, Any]], language: str | None = None
) -> list[tuple[Hit, Any]]:
    """One entry per article and its translations, at the place of the best-ranked one: the
    searcher's `language` when the article is written in it, else the best-ranked language."""
    chosen: dict[int, int] = {}  # translation group -> index in `kept`
    kept: list[tuple[Hit, Any]] = []
    for hit, found_object in found:
        if isinstance(found_object, Article):
            group = _root_id(found_object)
            if group in chosen:
                place = chosen[group]
                if language and hit.language == language != kept[place][0].language:
                    kept[place] = (hit, found_object)
                continue
            chosen[group] = len(kept)
        kept.append((hit, found_object))
    return kept


@dataclass
class Result:
    """A search hit as the page lists it: where it leads and its safe, highlighted text."""

    hit: Hit
    url: str
    label: str


def question_url(question_id: int) -> str | None:
    """The community question's page, once the community's pages exist."""
    try:
        return reverse("portal:question", args=[question_id])
    except NoReverseMatch:
        return None


def results_of(
    found: list[tuple[Hit, Any]], *, extra: dict[str, str] | None = None
) -> list[Result]:
    """Hits with their links (`extra` is added to an article link's query string)."""
    suffix = f"?{urlencode(extra)}" if extra else ""
    results = []
    for hit, _found in found:
        if hit.kind == ARTICLE:
            url = reverse("portal:article", args=[hit.object_id]) + suffix
            results.append(Result(hit, url, _("Article")))
        elif hit.kind == QUESTION:
            question = question_url(hit.object_id)
            if question is not None:
                results.append(Result(hit, question + suffix, _("Community answer")))
    return results


@require_GET
@error_pages
def knowledge(request: HttpRequest, desk_key: str | None = None) -> HttpResponse:
    """The knowledge base: its categories with their published articles, and a search."""
    user = request.user
    desk: Desk | None = help_center.help_center_desk(user, desk_key) if desk_key else None
    language = viewer_language()
    search_error = ""
    results: list[Result] | None = None
    try:
        query = clean_query(request.GET.get("q"))
    except ValidationFailed as error:
        query, search_error = "", str(error.message)
    if query:
        found = selectors.knowledge_search(
            user, query, language=language, desk=desk, kinds=(ARTICLE, QUESTION), limit=SEARCH_LIMIT
        )
        results = results_of(found)
    categories = list(selectors.categories_for(desk))
    published = selectors.articles_for(user, desk=desk, status=ArticleStatus.PUBLISHED)
    if desk is None:
        # The global page shelves the global articles; each desk's are on its own page.
        published = published.filter(desk__isnull=True)
    articles = list(published[:MAX_SHELVED])
    context = {
        "desk": desk,
        "query": query,
        "raw_query": request.GET.get("q", "")[:MAX_QUERY],
        "results": results,
        "search_error": search_error,
        "shelves": _shelves(categories, articles, language),
        "desks": help_center.help_center_desks(user) if desk is None else [],
        "nav": "knowledge",
    }
    return render(
        request, "portal/knowledge/index.html", context, status=400 if search_error else 200
    )


@require_http_methods(["GET", "HEAD"])
@error_pages
def article(request: HttpRequest, article_id: int) -> HttpResponse:
    """One article, counted as viewed; opened from a request form's suggestions, the journey's
    "opened" step too."""
    found = access_article(request.user, article_id)
    if deflection.is_person(request):
        actions.article_viewed(article=found)
        step = deflection.journey_of(request, request.GET)
        if step is not None:
            deflection.record(request, step, DeflectionKind.OPENED, article=found)
    return _render_article(request, found)


def _render_article(
    request: HttpRequest,
    found: Article,
    *,
    feedback_given: bool = False,
    feedback_error: str = "",
    status: int = 200,
) -> HttpResponse:
    translations = [
        other
        for other in selectors.translations_of(request.user, found)
        if other.status == ArticleStatus.PUBLISHED and other.language != found.language
    ]
    raise_url = (
        reverse("portal:desk", args=[found.desk.key]) if found.desk else reverse("portal:home")
    )
    return render(
        request,
        "portal/knowledge/article.html",
        {
            "article": found,
            "translations": translations,
            "attachments": list(found.attachments.all()),
            "raise_url": raise_url,
            "feedback_given": feedback_given,
            "feedback_error": feedback_error,
            "max_comment": MAX_COMMENT,
            "nav": "knowledge",
        },
        status=status,
    )


@require_GET
@error_pages
def article_file(request: HttpRequest, article_id: int, attachment_id: int) -> FileResponse:
    """A file of an article the person may read (images in its body load from here)."""
    found = access_article(request.user, article_id)
    attachment = next((a for a in found.attachments.all() if a.pk == attachment_id), None)
    if attachment is None:
        raise Http404(_("This article has no such file."))
    return file_response(attachment)


@require_http_methods(["POST"])
@error_pages
def article_feedback(request: HttpRequest, article_id: int) -> HttpResponse:
    """ "Was this helpful?": yes or no, and an optional comment. With htmx, the answer's box."""
    found = access_article(request.user, article_id)
    answer = request.POST.get("helpful")
    comment = (request.POST.get("comment") or "").strip()
    error = ""
    if answer not in ("yes", "no"):
        error = _("Choose Yes or No.")
    elif len(comment) > MAX_COMMENT:
        error = _("Write at most %(count)d characters.") % {"count": MAX_COMMENT}
    else:
        if not request.session.session_key:
            request.session.save()
        try:
            actions.article_feedback(
                article=found,
                user=request.user if request.user.is_authenticated else None,
                session_key=request.session.session_key or "",
                is_helpful=answer == "yes",
                comment=comment,
            )
        except ValidationFailed as failure:
            error = str(failure.message)
    if is_htmx(request):
        return render(
            request,
            "portal/knowledge/_feedback.html",
            {
                "article": found,
                "feedback_given": not error,
                "feedback_error": error,
                "max_comment": MAX_COMMENT,
            },
            status=400 if error else 200,
        )
    if error:
        return _render_article(request, found, feedback_error=error, status=400)
    return redirect(reverse("portal:article", args=[found.pk]) + "?thanks=1#feedback")


@login_required
@require_GET
@error_pages
def suggestions(request: HttpRequest, desk_key: str, request_type_id: int) -> HttpResponse:
    """Articles (and answered questions) that may already answer the summary being typed."""
    user = request.user
    found_desk = help_center.help_center_desk(user, desk_key)
    request_type = help_center.request_type_of_desk(found_desk, request_type_id)
    step = deflection.journey_of(request, request.GET, desk=found_desk, request_type=request_type)
    if request.GET.get("journey") and step is None:
        return HttpResponse(
            _("This form's visit is not valid."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    try:
        # The summary box sends itself as `summary`.
        query = clean_query(request.GET.get("q", request.GET.get("summary")))
    except ValidationFailed as error:
        return HttpResponse(
            str(error.message), status=400, content_type="text/plain; charset=utf-8"
        )
    results: list[Result] = []
    if len(query) >= MIN_SUGGESTION_QUERY:
        language = viewer_language()
        found = selectors.knowledge_search(
            user,
            query,
            language=language,
            desk=found_desk,
            kinds=(ARTICLE, QUESTION),
            limit=SUGGESTION_LIMIT,
        )
        extra = step.link_query() if step is not None else None
        results = results_of(one_per_translation(found, language), extra=extra)
        if step is not None and results and deflection.is_person(request):
            first, first_object = found[0]
            deflection.record(
                request,
                step,
                DeflectionKind.SUGGESTED,
                article=first_object if first.kind == ARTICLE else None,
                question_id=first.object_id if first.kind == QUESTION else None,
            )
    return render(
        request,
        "portal/knowledge/_suggestions.html",
        {"results": results, "query": query},
    )
