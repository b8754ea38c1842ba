"""What readers do to an article: read it (a view), answer "was this helpful?", and the steps of
self-service on a request form that count as deflection."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.core.time import now
from deskline.desks.models import Desk, RequestType
from deskline.knowledge.actions.checks import COMMENT_MAX, clean_body
from deskline.knowledge.errors import field_error
from deskline.knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleStatus,
    DeflectionEvent,
    DeflectionKind,
)

SESSION_KEY_MAX = 64
# A journey id is what the request form carries: a random token, bounded and plain.
JOURNEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def article_viewed(*, article: Article) -> None:
    """Count one view: a single UPDATE with F(), no lock, no read."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


def article_feedback(
    *,
    article: Article,
    is_helpful: bool,
    comment: str = "",
    user: User | None = None,
    session_key: str = "",
) -> ArticleFeedback:
    """Record "was this helpful?" for a published article: one answer per signed-in person
    (`user`) or anonymous session (`session_key`). Answering again changes the answer, and the
    article's helpful / not-helpful counters move with it in the same transaction."""
    if article.status != ArticleStatus.PUBLISHED:
        raise field_error(
            "article", _("Only published articles take feedback."), "article_not_published"
        )
    if not isinstance(is_helpful, bool):
        raise field_error("is_helpful", _("Answer yes or no."), "invalid_is_helpful")
    cleaned_comment = clean_body(comment, field="comment", limit=COMMENT_MAX).strip()
    person = user if user is not None and getattr(user, "is_authenticated", False) else None
    key = session_key if isinstance(session_key, str) else ""
    if person is None and not (0 < len(key) <= SESSION_KEY_MAX and key.isprintable()):
        raise field_error(
            "session_key", _("Sign in or allow cookies to answer."), "feedback_needs_identity"
        )
    with transaction.atomic():
        # The article's row is the lock: two answers of one person cannot interleave.
        Article.objects.select_for_update().filter(pk=article.pk).values_list("pk").get()
        mine = ArticleFeedback.objects.filter(article=article)
        mine = (
            mine.filter(user=person)
            if person is not None
            else mine.filter(user__isnull=True, session_key=key)
        )
        existing = mine.first()
        counters: dict[str, Any] = {}
        if existing is None:
            feedback = ArticleFeedback.objects.create(
                article=article,
                user=person,
                session_key="" if person is not None else key,
                is_helpful=is_helpful,
                comment=cleaned_comment,
                created_at=now(),
            )
            counters = {_counter(is_helpful): F(_counter(is_helpful)) + 1}
        else:
            feedback = existing
            if existing.is_helpful != is_helpful:
                counters = {
                    _counter(existing.is_helpful): F(_counter(existing.is_helpful)) - 1,
                    _counter(is_helpful): F(_counter(is_helpful)) + 1,
                }
            feedback.is_helpful = is_helpful
            feedback.comment = cleaned_comment or existing.comment
            feedback.save(update_fields=["is_helpful", "comment"])
        if counters:
            Article.objects.filter(pk=article.pk).update(**counters)
    return feedback


def _counter(is_helpful: bool) -> str:
    return "helpful_count" if is_helpful else "unhelpful_count"


def deflection_record(
    *,
    kind: str,
    desk: Desk,
    request_type: RequestType | None = None,
    journey: str,
    article: Article | None = None,
    question_id: int | None = None,
    user: User | None = None,
) -> DeflectionEvent:
    """Record one step of self-service on a request form (see `DeflectionKind`).

    Idempotent per journey, kind and document: the same step again (a reload, a second click)
    returns the step already recorded and counts nothing more."""
    if kind not in DeflectionKind.values:
        raise field_error("kind", _("Unknown step."), "invalid_deflection_kind")
    if not isinstance(journey, str) or not JOURNEY_PATTERN.match(journey):
        raise field_error("journey", _("This value is not valid."), "invalid_journey")
    if request_type is not None and request_type.desk_id != desk.pk:
        raise field_error(
            "request_type", _("This desk has no such request type."), "unknown_request_type"
        )
    if question_id is not None and (
        not isinstance(question_id, int) or isinstance(question_id, bool) or question_id <= 0
    ):
        raise field_error("question", _("This value is not valid."), "invalid_question")
    person = user if user is not None and getattr(user, "is_authenticated", False) else None
    same = DeflectionEvent.objects.filter(
        journey=journey, kind=kind, article=article, question_id=question_id
    )
    found = same.first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return DeflectionEvent.objects.create(
                kind=kind,
                desk=desk,
                request_type=request_type,
                journey=journey,
                article=article,
                question_id=question_id,
                user=person,
                created_at=now(),
            )
    except IntegrityError:
        # The same step recorded meanwhile by a parallel request (deflection_step_once).
        again = same.first()
        if again is None:
            raise
        return again
