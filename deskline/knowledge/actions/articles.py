"""Writing articles: create, edit (a new version), publish, archive, back to draft, flag as
outdated and mark reviewed. Each validates everything before its first write and writes the
article, its version and its index row in one transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.core.errors import Conflict, PermissionDenied
from deskline.core.markdown import render_markdown
from deskline.core.time import now
from deskline.desks.models import Desk
from deskline.knowledge.access import can_read, can_write
from deskline.knowledge.actions.checks import (
    NOTE_MAX,
    REASON_MAX,
    REVIEW_INTERVAL,
    check_language_free,
    check_may_write,
    clean_body,
    clean_category,
    clean_desk,
    clean_language,
    clean_line,
    clean_owner,
    clean_review_on,
    clean_status,
    clean_title,
    clean_translation_of,
    sync_index,
)
from deskline.knowledge.errors import KnowledgeError, field_error
from deskline.knowledge.models import Article, ArticleStatus, ArticleVersion, Category

UPDATABLE = frozenset({"title", "body", "category", "desk", "review_on", "owner", "language"})
CREATE_STATUSES = (ArticleStatus.DRAFT.value, ArticleStatus.PUBLISHED.value)


def article_create(
    *,
    actor: User,
    title: str,
    body: str,
    language: str,
    desk: Desk | str | int | None = None,
    category: Category | int | None = None,
    status: str = ArticleStatus.DRAFT,
    translation_of: Article | int | None = None,
    review_on: datetime.date | str | None = None,
    owner: User | str | None = None,
    note: str = "",
) -> Article:
    """Write a new article (version 1), as a draft or published (then findable at once).

    The actor must be allowed to write the desk's articles (any agent for a global one); the
    category must be the desk's or a global one; `translation_of` joins the translation group of
    an article the actor may read, in a language the group does not have yet.
    """
    cleaned_desk = clean_desk(desk)
    check_may_write(actor, cleaned_desk)
    cleaned = {
        "title": clean_title(title),
        "body": clean_body(body),
        "language": clean_language(language),
    }
    cleaned_status = clean_status(status, allowed=CREATE_STATUSES)
    cleaned_category = clean_category(category, cleaned_desk)
    root = clean_translation_of(actor, translation_of, cleaned["language"])
    cleaned_review_on = clean_review_on(review_on)
    cleaned_owner = clean_owner(owner, cleaned_desk, default=actor)
    cleaned_note = clean_line(note, "note", NOTE_MAX, required=False, code="note")
    at = now()
    article = Article(
        title=cleaned["title"],
        body=cleaned["body"],
        body_html=render_markdown(cleaned["body"]),
        language=cleaned["language"],
        desk=cleaned_desk,
        category=cleaned_category,
        status=cleaned_status,
        translation_of=root,
        owner=cleaned_owner,
        review_on=cleaned_review_on,
        version=1,
        created_at=at,
        updated_at=at,
        published_at=at if cleaned_status == ArticleStatus.PUBLISHED else None,
    )
    with transaction.atomic():
        article.save()
        ArticleVersion.objects.create(
            article=article,
            number=1,
            title=article.title,
            body=article.body,
            author=actor,
            note=cleaned_note,
            created_at=at,
        )
        sync_index(article)
    return article


def _lock(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def _refresh(target: Article, source: Article) -> Article:
    """Copy the saved state into the caller's object, so that it sees what was written."""
    for field in Article._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    # Cached relations may be stale now.
    for name in ("desk", "category", "owner", "translation_of"):
        target._state.fields_cache.pop(name, None)
    return target


def article_update(
    *,
    actor: User,
    article: Article,
    note: str = "",
    expected_version: int | None = None,
    **changes: Any,
) -> Article:
    """Change an article's title, body, category, desk, review date, owner or language.

    A change of title or body is a new version (`ArticleVersion`, with `note`); a published
    article is re-indexed at once. Moving it to another desk needs the right to write both.
    With `expected_version`, refuses (Conflict) when someone saved a version meanwhile.
    """
    unknown = sorted(set(changes) - UPDATABLE)
    if unknown:
        raise field_error(unknown[0], _("This cannot be changed."), "not_updatable")
    if not can_write(actor, article):
        raise PermissionDenied(
            _("Only the agents of this desk may write its articles."),
            code="article_write_denied",
        )
    values: dict[str, Any] = {}
    desk = article.desk
    if "desk" in changes:
        desk = clean_desk(changes["desk"])
        check_may_write(actor, desk)
        values["desk"] = desk
    if "title" in changes:
        values["title"] = clean_title(changes["title"])
    if "body" in changes:
        values["body"] = clean_body(changes["body"])
    if "language" in changes:
        values["language"] = clean_language(changes["language"])
    if "category" in changes:
        values["category"] = clean_category(changes["category"], desk)
    elif "desk" in changes and article.category_id is not None:
        # The category must still fit the desk the article moves to.
        values["category"] = clean_category(article.category_id, desk)
    if "review_on" in changes:
        values["review_on"] = clean_review_on(changes["review_on"])
    if "owner" in changes:
        values["owner"] = clean_owner(changes["owner"], desk, default=actor)
    elif "desk" in changes:
        values["owner"] = clean_owner(article.owner, desk, default=actor)
    cleaned_note = clean_line(note, "note", NOTE_MAX, required=False, code="note")
    with transaction.atomic():
        locked = _lock(article)
        if expected_version is not None and locked.version != expected_version:
            raise Conflict(
                _("Someone else changed this article; reload it and try again."),
                code="version_conflict",
            )
        if "language" in values and values["language"] != locked.language:
            check_language_free(locked, values["language"])
        new_version = any(
            name in values and values[name] != getattr(locked, name) for name in ("title", "body")
        )
        for name, value in values.items():
            setattr(locked, name, value)
        if "body" in values:
            locked.body_html = render_markdown(locked.body)
        at = now()
        locked.updated_at = at
        if new_version:
            locked.version += 1
            ArticleVersion.objects.create(
                article=locked,
                number=locked.version,
                title=locked.title,
                body=locked.body,
                author=actor,
                note=cleaned_note,
                created_at=at,
            )
        locked.save()
        sync_index(locked)
    return _refresh(article, locked)


def _set_status(actor: User, article: Article, status: str, *, allowed_from: set[str]) -> Article:
    if not can_write(actor, article):
        raise PermissionDenied(
            _("Only the agents of this desk may write its articles."),
            code="article_write_denied",
        )
    with transaction.atomic():
        locked = _lock(article)
        if locked.status == status:
            return _refresh(article, locked)
        if locked.status not in allowed_from:
            raise KnowledgeError(
                _("This article cannot go from %(old)s to %(new)s.")
                % {
                    "old": ArticleStatus(locked.status).label,
                    "new": ArticleStatus(status).label,
                },
                code="invalid_status_change",
                fields={"status": [_("This change of status is not possible.")]},
            )
        at = now()
        locked.status = status
        locked.updated_at = at
        if status == ArticleStatus.PUBLISHED:
            locked.published_at = at
        locked.save(update_fields=["status", "updated_at", "published_at"])
        sync_index(locked)
    return _refresh(article, locked)


def article_publish(*, actor: User, article: Article) -> Article:
    """Publish a draft (or an archived article again): readers see it, search finds it."""
    return _set_status(
        actor,
        article,
        ArticleStatus.PUBLISHED,
        allowed_from={ArticleStatus.DRAFT, ArticleStatus.ARCHIVED},
    )


def article_archive(*, actor: User, article: Article) -> Article:
    """Take an article out of the help center and the index; its writers still see it."""
    return _set_status(
        actor,
        article,
        ArticleStatus.ARCHIVED,
        allowed_from={ArticleStatus.DRAFT, ArticleStatus.PUBLISHED},
    )


def article_restore_draft(*, actor: User, article: Article) -> Article:
    """Back to a draft (from published or archived): only its writers see it."""
    return _set_status(
        actor,
        article,
        ArticleStatus.DRAFT,
        allowed_from={ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED},
    )


def article_flag_outdated(*, actor: User, article: Article, reason: str) -> Article:
    """An agent says the article needs a review, and why; its owner sees it among the articles
    due for review. Customers do not flag: their "not helpful" answers are their signal."""
    if not (
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and (actor.is_agent or actor.is_system)
        and can_read(actor, article)
    ):
        raise PermissionDenied(
            _("Only agents may flag an article as outdated."), code="flag_denied"
        )
    cleaned = clean_line(reason, "reason", REASON_MAX, required=True, code="reason")
    with transaction.atomic():
        locked = _lock(article)
        locked.is_outdated = True
        locked.outdated_reason = cleaned
        locked.save(update_fields=["is_outdated", "outdated_reason"])
    return _refresh(article, locked)


def article_mark_reviewed(
    *, actor: User, article: Article, review_on: datetime.date | str | None = None
) -> Article:
    """The article was checked: no longer flagged, next review on `review_on` (by default
    REVIEW_INTERVAL from today)."""
    if not can_write(actor, article):
        raise PermissionDenied(
            _("Only the agents of this desk may write its articles."),
            code="article_write_denied",
        )
    next_review = clean_review_on(review_on) or (now().date() + REVIEW_INTERVAL)
    with transaction.atomic():
        locked = _lock(article)
        locked.is_outdated = False
        locked.outdated_reason = ""
        locked.review_on = next_review
        locked.save(update_fields=["is_outdated", "outdated_reason", "review_on"])
    return _refresh(article, locked)
