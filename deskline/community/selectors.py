"""Reads of the community: question lists (newest first, or best first for a search), one
question's answers in the order readers want them, and the reader's own votes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Locale
from deskline.community.access import can_moderate, visible_desk_ids, visible_questions
from deskline.community.models import Answer, Question, QuestionStatus, Vote
from deskline.core.errors import ValidationFailed
from deskline.core.text import check_storable_text
from deskline.desks.models import Desk
from deskline.search.documents import QUESTION, search_documents
from deskline.tickets.selectors import decode_cursor, encode_cursor

DEFAULT_PAGE = 25
MAX_PAGE = 200
# A search answers best first from this many hits at most (the search interface's own bound).
SEARCH_WINDOW = 100
QUERY_MAX = 200


@dataclass(frozen=True)
class QuestionRow:
    question: Question
    # With a search: the matched words in <mark>, HTML-escaped, safe to print; else empty.
    title_html: str
    snippet_html: str


@dataclass(frozen=True)
class QuestionPage:
    items: list[QuestionRow]
    next_cursor: str | None


@dataclass(frozen=True)
class QuestionFilters:
    q: str | None = None
    desk: Desk | None = None
    # Only the global questions (no desk).
    global_only: bool = False
    language: str | None = None
    status: str | None = None


def _invalid(name: str, message: Any, code: str = "invalid_filter") -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={name: [message]})


def _encode(prefix: str, number: int) -> str:
    return encode_cursor(number, prefix=prefix)


def _decode(cursor: str, prefix: str) -> int:
    # "s" cursors carry an offset into search results, which may be 0.
    return decode_cursor(cursor, prefix=prefix, minimum=0)


def check_filters(filters: QuestionFilters, limit: int) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise _invalid("limit", _("Ask for 1 to %(max)d items.") % {"max": MAX_PAGE})
    if filters.status not in (None, "", *QuestionStatus.values):
        raise _invalid("status", _("Choose open or answered."))
    if filters.language not in (None, "", *Locale.values):
        raise _invalid("language", _("Choose English or Simplified Chinese."))
    if filters.q is not None:
        check_storable_text(filters.q, "q")
        if len(filters.q) > QUERY_MAX:
            raise _invalid(
                "q",
                _("Search with at most %(max)d characters.") % {"max": QUERY_MAX},
                "query_too_long",
            )


def _filtered(user: Any, filters: QuestionFilters) -> QuerySet[Question]:
    questions = visible_questions(user).select_related("desk", "author")
    if filters.desk is not None:
        questions = questions.filter(desk=filters.desk)
    elif filters.global_only:
        questions = questions.filter(desk__isnull=True)
    if filters.language:
        questions = questions.filter(language=filters.language)
    if filters.status:
        questions = questions.filter(status=filters.status)
    return questions


def question_list(
    *,
    user: Any,
    filters: QuestionFilters,
    cursor: str | None = None,
    limit: int = DEFAULT_PAGE,
) -> QuestionPage:
    """Questions `user` may read. Without a search, newest first a keyset page at a time; with
    one (`filters.q`), best first (answered questions of the searcher's language rank higher),
    each with its highlighted title and snippet, from the best `SEARCH_WINDOW` hits."""
    check_filters(filters, limit)
    query = (filters.q or "").strip()
    if query:
        return _search_page(user, filters, query, cursor, limit)
    questions = _filtered(user, filters)
    if cursor:
        questions = questions.filter(pk__lt=_decode(cursor, "q"))
    rows = list(questions.order_by("-id")[: limit + 1])
    next_cursor = _encode("q", rows[limit - 1].pk) if len(rows) > limit else None
    return QuestionPage(
        items=[QuestionRow(question, "", "") for question in rows[:limit]],
        next_cursor=next_cursor,
    )


def _search_page(
    user: Any, filters: QuestionFilters, query: str, cursor: str | None, limit: int
) -> QuestionPage:
    offset = _decode(cursor, "s") if cursor else 0
    if filters.desk is not None:
        desk_ids: list[int | None] = [filters.desk.pk]
    elif filters.global_only:
        desk_ids = [None]
    else:
        desk_ids = [*visible_desk_ids(user), None]
    hits = search_documents(
        query,
        kinds=[QUESTION],
        language=filters.language or getattr(user, "locale", None),
        desk_ids=desk_ids,
        limit=SEARCH_WINDOW,
    )
    found = {
        question.pk: question
        for question in _filtered(user, filters).filter(pk__in=[hit.object_id for hit in hits])
    }
    ranked = [
        (hit, found[hit.object_id])
        for hit in hits
        if hit.object_id in found and (not filters.language or hit.language == filters.language)
    ]
    # The search interface knows nothing of answers: among equally good hits, answered first.
    ranked.sort(key=lambda pair: (-pair[0].score, pair[1].status != QuestionStatus.ANSWERED))
    page = ranked[offset : offset + limit]
    more = len(ranked) > offset + limit
    return QuestionPage(
        items=[QuestionRow(question, hit.title_html, hit.snippet_html) for hit, question in page],
        next_cursor=_encode("s", offset + limit) if more else None,
    )


def question_answers(*, user: Any, question: Question) -> list[Answer]:
    """The answers `user` may read, accepted first, then best voted, then oldest; moderators
    also get the hidden ones (each carries `is_hidden`)."""
    answers = Answer.objects.filter(question=question).select_related("author")
    if not can_moderate(user, question):
        answers = answers.filter(is_hidden=False)
    return list(answers.order_by("-is_accepted", "-score", "created_at", "id"))


def votes_of(user: Any, question: Question, answers: list[Answer]) -> dict[str, int]:
    """`user`'s votes on the question and these answers: {"q<id>" or "a<id>": +1 or -1}."""
    if not getattr(user, "is_authenticated", False):
        return {}
    votes = Vote.objects.filter(
        Q(question_id=question.pk) | Q(answer_id__in=[answer.pk for answer in answers]), user=user
    )
    return {
        (f"q{vote.question_id}" if vote.question_id else f"a{vote.answer_id}"): vote.value
        for vote in votes
    }


def question_for_duplicate(*, user: Any, question_id: Any) -> Question:
    """The question another is marked a duplicate of: one `user` may read, or a field error."""
    try:
        number = int(question_id)
    except (TypeError, ValueError):
        number = 0
    found = visible_questions(user).filter(pk=number).first() if 0 < number < 2**63 else None
    if found is None:
        raise _invalid("duplicate_of", _("There is no such question."), "unknown_question")
    return found


def questions_by_id(user: Any, ids: Sequence[int]) -> dict[int, Question]:
    """The questions among `ids` that `user` may read and that are not hidden: what
    deskline.knowledge's search shows beside articles (registered in CommunityConfig.ready)."""
    found = visible_questions(user).filter(id__in=list(ids), is_hidden=False)
    return {question.id: question for question in found}
