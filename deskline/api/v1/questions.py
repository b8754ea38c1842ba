"""The Q&A community: list and search questions, ask, answer, vote, accept."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from deskline.api.auth import caller
from deskline.api.responses import prebuilt
from deskline.api.schemas import Documented, ErrorOut, PersonOut, Strict
from deskline.community import actions, selectors
from deskline.community.access import access_answer, access_question
from deskline.community.models import Answer, Question, QuestionStatus
from deskline.core.errors import NotFound, ValidationFailed
from deskline.core.links import absolute_url
from deskline.desks.errors import unknown_desk
from deskline.desks.models import Desk
from deskline.desks.selectors import desk_for_user

router = Router(tags=["questions"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}

# The API names languages as BCP 47 tags (like /articles); the database as Django does.
LANGUAGES = {"en": "en", "zh-hans": "zh-Hans"}
Language = Annotated[str, Documented(enum=list(LANGUAGES.values()))]
Title = Annotated[str, Documented(maxLength=actions.TITLE_MAX)]
Body = Annotated[str, Documented(maxLength=actions.BODY_MAX)]
Query = Annotated[str, Documented(maxLength=selectors.QUERY_MAX)]
DeskKey = Annotated[str, Field(min_length=1, max_length=20)]
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]
PageLimit = Annotated[int, Documented(minimum=1, maximum=selectors.MAX_PAGE)]


class QuestionIn(Strict):
    title: Title
    body: Body
    language: Language | None = Field(default=None, description="The asker's when not given.")
    desk: DeskKey | None = Field(default=None, description="A desk's key; none: a global one.")


class AnswerIn(Strict):
    body: Body


class VoteIn(Strict):
    value: Annotated[int, Field(ge=-1, le=1)] = Field(
        description="1 up, -1 down, 0 takes the vote back."
    )


class AcceptIn(Strict):
    answer: RowId


class VoteOut(Schema):
    score: int
    value: int


class AnswerOut(Schema):
    id: int
    body: str
    body_html: str
    author: PersonOut
    score: int
    is_accepted: bool
    is_hidden: bool
    created_at: str


class QuestionRowOut(Schema):
    id: int
    title: str
    language: str
    desk: str | None
    status: str
    answer_count: int
    score: int
    created_at: str
    # With `q`: the matching words in <mark>, HTML-escaped; else null.
    snippet: str | None
    url: str


class QuestionOut(QuestionRowOut):
    body: str
    body_html: str
    author: PersonOut
    is_hidden: bool
    is_locked: bool
    duplicate_of: int | None
    accepted_answer: int | None
    view_count: int
    updated_at: str
    answers: list[AnswerOut]


class QuestionPage(Schema):
    items: list[QuestionRowOut]
    next_cursor: str | None


def _language_in(value: str | None, field: str = "language") -> str | None:
    if value in (None, ""):
        return None
    wanted = str(value).lower()
    if wanted not in LANGUAGES:
        message = _("Choose en or zh-Hans.")
        raise ValidationFailed(message, code="invalid_language", fields={field: [message]})
    return wanted


def _desk_in(request: HttpRequest, key: str | None) -> Desk | None:
    if key in (None, ""):
        return None
    try:
        return desk_for_user(caller(request), str(key))
    except NotFound:
        raise unknown_desk(field="desk") from None


def _instant(moment: Any) -> str:
    return str(moment.isoformat())


def _person(user: Any) -> dict[str, str]:
    return {"email": user.email, "display_name": user.display_name}


def _row_out(question: Question, snippet: str | None = None) -> dict[str, Any]:
    return {
        "id": question.pk,
        "title": question.title,
        "language": LANGUAGES.get(question.language, question.language),
        "desk": question.desk.key if question.desk is not None else None,
        "status": question.status,
        "answer_count": question.answer_count,
        "score": question.score,
        "created_at": _instant(question.created_at),
        "snippet": snippet,
        "url": absolute_url(reverse("portal:question", kwargs={"question_id": question.pk})),
    }


def _answer_out(answer: Answer) -> dict[str, Any]:
    return {
        "id": answer.pk,
        "body": answer.body,
        "body_html": answer.body_html,
        "author": _person(answer.author),
        "score": answer.score,
        "is_accepted": answer.is_accepted,
        "is_hidden": answer.is_hidden,
        "created_at": _instant(answer.created_at),
    }


def _question_out(request: HttpRequest, question_id: int) -> dict[str, Any]:
    user = caller(request)
    question = access_question(user, question_id)
    answers = selectors.question_answers(user=user, question=question)
    return _row_out(question) | {
        "body": question.body,
        "body_html": question.body_html,
        "author": _person(question.author),
        "is_hidden": question.is_hidden,
        "is_locked": question.is_locked,
        "duplicate_of": question.duplicate_of_id,
        "accepted_answer": question.accepted_answer_id,
        "view_count": question.view_count,
        "updated_at": _instant(question.updated_at),
        "answers": [_answer_out(answer) for answer in answers],
    }


@router.get("/questions", response={200: QuestionPage, **ERRORS})
def list_questions(
    request: HttpRequest,
    q: Query | None = None,
    desk: DeskKey | None = None,
    language: Language | None = None,
    status: Annotated[str, Documented(enum=list(QuestionStatus.values))] | None = None,
    limit: PageLimit = selectors.DEFAULT_PAGE,
    cursor: Annotated[str, Field(max_length=200)] | None = None,
) -> Any:
    """Questions the caller may read, newest first; with `q`, best first, each with a snippet
    (answered questions in the caller's language rank higher). Follow `next_cursor`."""
    filters = selectors.QuestionFilters(
        q=q,
        desk=_desk_in(request, desk),
        language=_language_in(language),
        status=status or None,
    )
    page = selectors.question_list(
        user=caller(request), filters=filters, cursor=cursor, limit=limit
    )
    return prebuilt(
        {
            "items": [
                _row_out(row.question, row.snippet_html if filters.q else None)
                for row in page.items
            ],
            "next_cursor": page.next_cursor,
        }
    )


@router.post("/questions", response={201: QuestionOut, **ERRORS})
def ask_question(request: HttpRequest, payload: QuestionIn) -> Any:
    """Ask a question of a desk's community (`desk`) or the global one."""
    question = actions.question_ask(
        actor=caller(request),
        title=payload.title,
        body=payload.body,
        language=_language_in(payload.language),
        desk=_desk_in(request, payload.desk),
    )
    return prebuilt(_question_out(request, question.pk), 201)


@router.get("/questions/{question_id}", response={200: QuestionOut, **ERRORS})
def get_question(request: HttpRequest, question_id: int) -> Any:
    """One question with its answers: accepted first, then best voted, then oldest."""
    return prebuilt(_question_out(request, question_id))


@router.post("/questions/{question_id}/answers", response={201: AnswerOut, **ERRORS})
def post_answer(request: HttpRequest, question_id: int, payload: AnswerIn) -> Any:
    """Answer a question (not a locked one, nor a duplicate)."""
    user = caller(request)
    question = access_question(user, question_id)
    answer = actions.answer_post(actor=user, question=question, body=payload.body)
    answer.author = user
    return prebuilt(_answer_out(answer), 201)


@router.post("/questions/{question_id}/votes", response={200: VoteOut, **ERRORS})
def vote_question(request: HttpRequest, question_id: int, payload: VoteIn) -> Any:
    """Vote a question up or down, or take the vote back (0); never one's own."""
    user = caller(request)
    question = access_question(user, question_id)
    score = actions.vote(actor=user, target=question, value=payload.value)
    return {"score": score, "value": payload.value}


@router.post("/answers/{answer_id}/votes", response={200: VoteOut, **ERRORS})
def vote_answer(request: HttpRequest, answer_id: int, payload: VoteIn) -> Any:
    """Vote an answer up or down, or take the vote back (0); never one's own."""
    user = caller(request)
    answer = access_answer(user, answer_id)
    score = actions.vote(actor=user, target=answer, value=payload.value)
    return {"score": score, "value": payload.value}


@router.post("/questions/{question_id}/accept", response={200: QuestionOut, **ERRORS})
def accept_answer(request: HttpRequest, question_id: int, payload: AcceptIn) -> Any:
    """Accept one of the question's answers: the asker or the desk's agents."""
    user = caller(request)
    question = access_question(user, question_id)
    try:
        answer = access_answer(user, payload.answer, question=question)
    except NotFound as missing:
        raise ValidationFailed(
            missing.message, code="unknown_answer", fields={"answer": [missing.message]}
        ) from None
    actions.answer_accept(actor=user, answer=answer)
    return prebuilt(_question_out(request, question.pk))
