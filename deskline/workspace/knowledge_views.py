"""The workspace's knowledge base: the article list and editor, the ticket page's "Knowledge"
panel's buttons, and the deflection report.

Thin views over `deskline.knowledge`'s actions and selectors, behind `agent_required`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deskline.accounts.models import Locale, User
from deskline.core.errors import Conflict, DomainError, Message, ValidationFailed
from deskline.core.time import now
from deskline.desks.catalog import catalog
from deskline.desks.models import Desk
from deskline.desks.selectors import served_desk_ids
from deskline.knowledge import actions, selectors
from deskline.knowledge.access import access_article
from deskline.knowledge.models import Article, ArticleStatus, Category
from deskline.tickets.access import access_ticket
from deskline.workspace.views import agent, agent_required, positive_id, sidebar_context

# Longest period the deflection report covers at once (a year of days fits a table).
MAX_REPORT_DAYS = 366
ARTICLE_PAGE = 100


def _messages_of(error: DomainError) -> dict[str, list[str]]:
    found = {name: [str(m) for m in messages] for name, messages in error.fields.items()}
    if not found:
        found["form"] = [str(error.message)]
    return found


def _served_desks(user: User) -> list[Desk]:
    known = catalog()
    ids = served_desk_ids(user)
    return sorted(
        (desk for desk_id, desk in known.desks.items() if desk_id in ids),
        key=lambda desk: (desk.position, desk.key),
    )


def _desk_of(user: User, raw: str | None) -> Desk | None:
    """The served desk a form names by key; None for none or for one the agent does not serve."""
    wanted = (raw or "").strip().upper()
    return next((desk for desk in _served_desks(user) if desk.key == wanted), None)


@dataclass
class ListFilters:
    desk: Desk | None = None
    is_global: bool = False
    status: str = ""
    language: str = ""
    review: str = ""  # "", "outdated" or "due"
    errors: dict[str, list[str]] = field(default_factory=dict)


def _list_filters(user: User, query: Any) -> ListFilters:
    filters = ListFilters()
    raw_desk = (query.get("desk") or "").strip()
    if raw_desk == "global":
        filters.is_global = True
    elif raw_desk:
        filters.desk = _desk_of(user, raw_desk)
        if filters.desk is None:
            filters.errors["desk"] = [_("Choose one of your desks.")]
    status = query.get("status") or ""
    if status and status not in ArticleStatus.values:
        filters.errors["status"] = [_("Choose a status from the list.")]
    else:
        filters.status = status
    language = query.get("language") or ""
    if language and language not in Locale.values:
        filters.errors["language"] = [_("Choose a language from the list.")]
    else:
        filters.language = language
    review = query.get("review") or ""
    if review and review not in ("outdated", "due"):
        filters.errors["review"] = [_("Choose from the list.")]
    else:
        filters.review = review
    return filters


def _listed_articles(user: User, filters: ListFilters) -> QuerySet[Article]:
    if filters.review == "due":
        # Flagged ones, and those whose review date has come (not archived).
        articles = selectors.articles_due_for_review(user)
        if filters.desk is not None:
            articles = articles.filter(desk=filters.desk)
        if filters.status:
            articles = articles.filter(status=filters.status)
        if filters.language:
            articles = articles.filter(language=filters.language)
    else:
        articles = selectors.articles_for(
            user,
            desk=filters.desk,
            status=filters.status or None,
            language=filters.language or None,
        )
        if filters.review == "outdated":
            articles = articles.filter(is_outdated=True)
    if filters.is_global:
        articles = articles.filter(desk__isnull=True)
    return articles


@agent_required
@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    """Articles of the agent's desks and the global ones, filtered."""
    user = agent(request)
    filters = _list_filters(user, request.GET)
    articles: list[Article] = []
    if not filters.errors:
        articles = list(_listed_articles(user, filters)[:ARTICLE_PAGE])
    return render(
        request,
        "workspace/knowledge/list.html",
        {
            **sidebar_context(user, None),
            "nav_current": "knowledge",
            "articles": articles,
            "filters": filters,
            "desks": _served_desks(user),
            "statuses": ArticleStatus.choices,
            "languages": Locale.choices,
        },
        status=400 if filters.errors else 200,
    )


@dataclass
class Draft:
    """What the editor shows: the article's values, or what was posted, and its errors."""

    title: str = ""
    body: str = ""
    language: str = ""
    desk: str = ""
    category: str = ""
    translation_of: str = ""
    review_on: str = ""
    note: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


def _draft_of(found: Article) -> Draft:
    return Draft(
        title=found.title,
        body=found.body,
        language=found.language,
        desk=found.desk.key if found.desk else "",
        category=str(found.category_id or ""),
        translation_of=str(found.translation_of_id or ""),
        review_on=found.review_on.isoformat() if found.review_on else "",
    )


def _posted_draft(request: HttpRequest) -> Draft:
    post = request.POST
    return Draft(
        title=post.get("title", ""),
        body=post.get("body", ""),
        language=post.get("language", ""),
        desk=post.get("desk", ""),
        category=post.get("category", ""),
        translation_of=post.get("translation_of", ""),
        review_on=post.get("review_on", ""),
        note=post.get("note", ""),
    )


def _draft_values(draft: Draft, *, with_translation: bool) -> dict[str, Any]:
    """The editor's posted values as the actions take them (they check every one); an id
    that is no number is refused here, since no action could take it."""
    errors: dict[str, list[Message]] = {}
    values: dict[str, Any] = {
        "title": draft.title,
        "body": draft.body,
        "language": draft.language,
        "desk": draft.desk.strip() or None,
        "review_on": draft.review_on.strip() or None,
    }
    names = [("category", _("Choose a category from the list."))]
    if with_translation:
        names.append(("translation_of", _("Enter the number of an article.")))
    for name, message in names:
        raw = getattr(draft, name).strip()
        values[name] = positive_id(raw) if raw else None
        if raw and values[name] is None:
            errors[name] = [message]
    if errors:
        raise ValidationFailed(_("Some values are not valid."), fields=errors)
    return values


def _category_choices(desk: Desk | None) -> list[Category]:
    """The desk's categories and the global ones."""
    found = list(selectors.categories_for(None))
    if desk is not None:
        found = list(selectors.categories_for(desk)) + found
    return found


def _render_editor(
    request: HttpRequest, user: User, found: Article | None, draft: Draft, *, status: int = 200
) -> HttpResponse:
    desk = _desk_of(user, draft.desk) if draft.desk else None
    return render(
        request,
        "workspace/knowledge/editor.html",
        {
            **sidebar_context(user, None),
            "nav_current": "knowledge",
            "article": found,
            "draft": draft,
            "desks": _served_desks(user),
            "categories": _category_choices(desk),
            "languages": Locale.choices,
            "versions": list(found.versions.select_related("author")) if found else [],
            "attachments": list(found.attachments.all()) if found else [],
            "today": now().date(),
        },
        status=status,
    )


@agent_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    """Write a new article (a draft until it is published)."""
    user = agent(request)
    if request.method == "GET":
        draft = Draft(language="zh-hans" if request.LANGUAGE_CODE.startswith("zh") else "en")
        draft.desk = request.GET.get("desk", "")
        draft.translation_of = request.GET.get("translation_of", "")
        return _render_editor(request, user, None, draft)
    draft = _posted_draft(request)
    try:
        created = actions.article_create(
            actor=user, note=draft.note, **_draft_values(draft, with_translation=True)
        )
    except ValidationFailed as error:
        draft.errors = _messages_of(error)
        return _render_editor(request, user, None, draft, status=400)
    messages.success(request, _("Draft saved."))
    return redirect("workspace:article_edit", article_id=created.pk)


@agent_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    """Edit an article: each save is a new version."""
    user = agent(request)
    found = access_article(user, article_id, write=True)
    if request.method == "GET":
        return _render_editor(request, user, found, _draft_of(found))
    draft = _posted_draft(request)
    draft.translation_of = _draft_of(found).translation_of  # fixed once written
    try:
        values = _draft_values(draft, with_translation=False)
        found = actions.article_update(
            actor=user,
            article=found,
            note=draft.note,
            expected_version=positive_id(request.POST.get("version")),
            **values,
        )
    except ValidationFailed as error:
        draft.errors = _messages_of(error)
        return _render_editor(request, user, found, draft, status=400)
    except Conflict as error:
        draft.errors = {"form": [str(error.message)]}
        fresh = access_article(user, article_id, write=True)
        return _render_editor(request, user, fresh, draft, status=409)
    messages.success(request, _("Article saved as version %(number)d.") % {"number": found.version})
    return redirect("workspace:article_edit", article_id=found.pk)


def _article_change(request: HttpRequest, article_id: int, change: str) -> HttpResponse:
    user = agent(request)
    found = access_article(user, article_id, write=True)
    try:
        if change == "publish":
            actions.article_publish(actor=user, article=found)
            messages.success(request, _("Article published."))
        elif change == "archive":
            actions.article_archive(actor=user, article=found)
            messages.success(request, _("Article archived."))
        elif change == "outdated":
            actions.article_flag_outdated(
                actor=user, article=found, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Article flagged as outdated."))
        elif change == "reviewed":
            actions.article_mark_reviewed(actor=user, article=found)
            messages.success(request, _("Article marked as reviewed."))
    except ValidationFailed as error:
        for message in _messages_of(error).values():
            for text in message:
                messages.error(request, text)
        return _render_editor(request, user, found, _draft_of(found), status=400)
    return redirect("workspace:article_edit", article_id=found.pk)


@agent_required
@require_POST
def article_publish(request: HttpRequest, article_id: int) -> HttpResponse:
    return _article_change(request, article_id, "publish")


@agent_required
@require_POST
def article_archive(request: HttpRequest, article_id: int) -> HttpResponse:
    return _article_change(request, article_id, "archive")


@agent_required
@require_POST
def article_flag_outdated(request: HttpRequest, article_id: int) -> HttpResponse:
    return _article_change(request, article_id, "outdated")


@agent_required
@require_POST
def article_mark_reviewed(request: HttpRequest, article_id: int) -> HttpResponse:
    return _article_change(request, article_id, "reviewed")


@agent_required
@require_POST
def article_attachment(request: HttpRequest, article_id: int) -> HttpResponse:
    """Attach a file or image to the article."""
    user = agent(request)
    found = access_article(user, article_id, write=True)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
        return redirect("workspace:article_edit", article_id=found.pk)
    try:
        attachment = actions.attachment_add(actor=user, article=found, upload=upload)
    except ValidationFailed as error:
        for message in _messages_of(error).values():
            for text in message:
                messages.error(request, text)
        return _render_editor(request, user, found, _draft_of(found), status=400)
    messages.success(request, _("File %(name)s attached.") % {"name": attachment.filename})
    return redirect("workspace:article_edit", article_id=found.pk)


# The ticket page's "Knowledge" panel.


SUGGESTED_FOR_TICKET = 5


@agent_required
@require_GET
def ticket_knowledge_panel(request: HttpRequest, key: str) -> HttpResponse:
    """The ticket page's "Knowledge" panel (htmx loads it once the page shows)."""
    user = agent(request)
    ticket = access_ticket(user, key)
    linked = selectors.linked_articles_for_ticket(user, ticket)
    # One article per translation group: the best-ranked language (the reader's comes first).
    seen = {article.translation_of_id or article.pk for article in linked}
    suggested: list[Article] = []
    for _hit, article in selectors.suggested_articles_for_ticket(
        user, ticket, limit=2 * SUGGESTED_FOR_TICKET + len(seen)
    ):
        group = article.translation_of_id or article.pk
        if group not in seen and len(suggested) < SUGGESTED_FOR_TICKET:
            seen.add(group)
            suggested.append(article)
    context = {"ticket": ticket, "linked": linked, "suggested": suggested}
    if request.headers.get("HX-Request") == "true":
        return render(request, "workspace/knowledge/_ticket_panel.html", context)
    return render(
        request,
        "workspace/knowledge/ticket_panel.html",
        {**sidebar_context(user, None), **context},
    )


def _ticket_back(key: str) -> HttpResponse:
    return redirect(reverse("workspace:ticket", kwargs={"key": key}) + "#knowledge")


@agent_required
@require_POST
def ticket_article_link(request: HttpRequest, key: str) -> HttpResponse:
    """Link an article to the ticket (it answers it)."""
    user = agent(request)
    ticket = access_ticket(user, key, write=True)
    article_id = positive_id(request.POST.get("article"))
    if article_id is None:
        messages.error(request, _("Choose an article."))
        return _ticket_back(ticket.key)
    found = access_article(user, article_id)
    try:
        actions.article_link_ticket(actor=user, article=found, ticket=ticket)
    except ValidationFailed as error:
        messages.error(request, str(error.message))
        return _ticket_back(ticket.key)
    messages.success(request, _("Article linked."))
    return _ticket_back(ticket.key)


@agent_required
@require_POST
def ticket_article_unlink(request: HttpRequest, key: str) -> HttpResponse:
    """Take an article's link off the ticket."""
    user = agent(request)
    ticket = access_ticket(user, key, write=True)
    article_id = positive_id(request.POST.get("article"))
    if article_id is None:
        messages.error(request, _("Choose an article."))
        return _ticket_back(ticket.key)
    found = access_article(user, article_id)
    actions.article_unlink_ticket(actor=user, article=found, ticket=ticket)
    messages.success(request, _("Link removed."))
    return _ticket_back(ticket.key)


@agent_required
@require_POST
def ticket_article_create(request: HttpRequest, key: str) -> HttpResponse:
    """Write a draft article from the ticket, and open it in the editor for review."""
    user = agent(request)
    ticket = access_ticket(user, key, write=True)
    try:
        created = actions.article_from_ticket(actor=user, ticket=ticket)
    except ValidationFailed as error:
        messages.error(request, str(error.message))
        return _ticket_back(ticket.key)
    messages.success(
        request, _("Draft written from %(key)s: review it before publishing.") % {"key": ticket.key}
    )
    return redirect("workspace:article_edit", article_id=created.pk)


# The deflection report.


@dataclass
class ReportFilters:
    desk: Desk | None = None
    request_type_id: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    by: str = "day"
    errors: dict[str, list[str]] = field(default_factory=dict)


def _report_filters(user: User, query: Any) -> ReportFilters:
    today = now().date()
    filters = ReportFilters()
    raw_desk = (query.get("desk") or "").strip()
    if raw_desk:
        filters.desk = _desk_of(user, raw_desk)
        if filters.desk is None:
            filters.errors["desk"] = [_("Choose one of your desks.")]
    raw_type = (query.get("request_type") or "").strip()
    if raw_type:
        filters.request_type_id = positive_id(raw_type)
        if filters.request_type_id is None:
            filters.errors["request_type"] = [_("Choose a request type from the list.")]
    for name, default in (("start", today - datetime.timedelta(days=29)), ("end", today)):
        raw = (query.get(name) or "").strip()
        try:
            setattr(filters, name, datetime.date.fromisoformat(raw) if raw else default)
        except ValueError:
            filters.errors[name] = [_("Enter a date.")]
            setattr(filters, name, default)
    if not filters.errors and filters.start and filters.end:
        if filters.end < filters.start:
            filters.errors["end"] = [_("The end comes before the start.")]
        elif (filters.end - filters.start).days >= MAX_REPORT_DAYS:
            filters.errors["end"] = [
                _("Choose at most %(count)d days.") % {"count": MAX_REPORT_DAYS}
            ]
    by = query.get("by") or "day"
    if by not in ("day", "week"):
        filters.errors["by"] = [_("Choose day or week.")]
    else:
        filters.by = by
    return filters


def _midnight(day: datetime.date) -> datetime.datetime:
    """The start of `day` in UTC (the report's days are UTC days)."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


@dataclass
class ReportLine:
    """One row of the table: a day (or a week's Monday), a desk and a request type."""

    period: datetime.date
    desk_key: str
    request_type_name: str
    suggested: int = 0
    opened: int = 0
    deflected: int = 0
    submitted: int = 0

    @property
    def rate(self) -> float | None:
        """Deflected journeys per hundred in which suggestions were shown."""
        return 100 * self.deflected / self.suggested if self.suggested else None


@dataclass
class Report:
    rows: list[ReportLine]

    @property
    def total(self) -> ReportLine | None:
        if not self.rows:
            return None
        total = ReportLine(self.rows[0].period, "", "")
        for row in self.rows:
            total.suggested += row.suggested
            total.opened += row.opened
            total.deflected += row.deflected
            total.submitted += row.submitted
        return total


def _report_lines(rows: list[Any], *, by: str) -> list[ReportLine]:
    """The report's rows per day, or summed per week (from Monday)."""
    known = catalog()
    lines: dict[tuple[datetime.date, int, int | None], ReportLine] = {}
    for row in rows:
        period = row.day - datetime.timedelta(days=row.day.weekday()) if by == "week" else row.day
        key = (period, row.desk_id, row.request_type_id)
        line = lines.get(key)
        if line is None:
            desk = known.desks.get(row.desk_id)
            request_type = known.request_types.get(row.request_type_id or 0)
            line = lines[key] = ReportLine(
                period,
                desk.key if desk else "",
                str(request_type.translated("name")) if request_type else "",
            )
        line.suggested += row.suggested
        line.opened += row.opened
        line.deflected += row.deflected
        line.submitted += row.submitted
    return [lines[key] for key in sorted(lines, key=lambda k: (k[0], k[1], k[2] or 0))]


@agent_required
@require_GET
def deflection_report(request: HttpRequest) -> HttpResponse:
    """Suggested, opened, deflected and submitted-anyway journeys per day or week."""
    user = agent(request)
    filters = _report_filters(user, request.GET)
    desks = _served_desks(user)
    known = catalog()
    types = [
        (desk, known.request_types[type_id])
        for desk in desks
        for type_id in known.active_request_type_ids.get(desk.pk, ())
    ]
    request_types = [
        (request_type.pk, f"{desk.key}: {request_type.translated('name')}")
        for desk, request_type in types
    ]
    request_type = None
    if filters.request_type_id is not None and not filters.errors:
        request_type = next(
            (
                rt
                for desk, rt in types
                if rt.pk == filters.request_type_id
                and (filters.desk is None or desk.pk == filters.desk.pk)
            ),
            None,
        )
        if request_type is None:
            filters.errors["request_type"] = [_("Choose a request type from the list.")]
    report = None
    if not filters.errors and filters.start and filters.end:
        rows = selectors.deflection_report(
            desks=[filters.desk] if filters.desk else desks,
            start=_midnight(filters.start),
            end=_midnight(filters.end + datetime.timedelta(days=1)),
            request_type=request_type,
        )
        report = Report(rows=_report_lines(rows, by=filters.by))
    return render(
        request,
        "workspace/knowledge/deflection.html",
        {
            **sidebar_context(user, None),
            "nav_current": "deflection",
            "filters": filters,
            "desks": desks,
            "request_types": request_types,
            "report": report,
        },
        status=400 if filters.errors else 200,
    )
