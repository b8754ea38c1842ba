"""Who sees and who moderates the community's questions: the one way in to a question.

A visitor sees the questions of the desks the help center shows them (every active desk; an
agent also the desks they serve) and the global ones (no desk). Hidden questions and answers are
seen only by the people who may moderate them: agents of the question's desk (any agent for a
global question; a site admin everywhere).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.community.models import Answer, Question
from deskline.core.errors import NotFound, PermissionDenied
from deskline.desks.models import Desk
from deskline.desks.selectors import desks_for_user, served_desk_ids


def is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(
        getattr(user, "is_active", False)
    )


def visible_desk_ids(user: Any) -> list[int]:
    """Ids of the desks whose questions `user` (signed in or not) may read."""
    if is_signed_in(user):
        return list(desks_for_user(user).values_list("pk", flat=True))
    return list(Desk.objects.filter(is_active=True).values_list("pk", flat=True))


def can_moderate_desk(user: Any, desk_id: int | None) -> bool:
    """Whether `user` moderates the questions of this desk (None: the global questions)."""
    if not is_signed_in(user) or not user.is_agent:
        return False
    if desk_id is None or user.is_site_admin:
        return True
    return desk_id in served_desk_ids(user)


def can_moderate(user: Any, question: Question) -> bool:
    return can_moderate_desk(user, question.desk_id)


def visible_questions(user: Any) -> QuerySet[Question]:
    """The questions `user` may read; the hidden ones only where they moderate."""
    scope = Q(desk_id__isnull=True) | Q(desk_id__in=visible_desk_ids(user))
    shown = Q(is_hidden=False)
    if is_signed_in(user) and user.is_agent:
        if user.is_site_admin:
            shown = Q()
        else:
            shown |= Q(desk_id__isnull=True) | Q(desk_id__in=list(served_desk_ids(user)))
    return Question.objects.filter(scope & shown)


def unknown_question() -> NotFound:
    return NotFound(_("There is no such question."), code="unknown_question")


def access_question(user: Any, question_id: Any) -> Question:
    """One question `user` may read, with its desk and author, or NotFound (also for the ones
    they may not see: whether it exists is not theirs to know)."""
    if isinstance(question_id, bool) or not isinstance(question_id, int):
        try:
            question_id = int(str(question_id))
        except ValueError:
            raise unknown_question() from None
    if not 0 < question_id < 2**63:
        raise unknown_question()
    question = (
        visible_questions(user)
        .select_related("desk", "author", "duplicate_of")
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        raise unknown_question()
    return question


def may_post(user: Any) -> User:
    """The signed-in person behind `user`, or PermissionDenied: visitors read, people post."""
    if not is_signed_in(user) or getattr(user, "is_system", False):
        raise PermissionDenied(_("Sign in to take part."), code="sign_in_required")
    signed_in: User = user
    return signed_in


def unknown_answer() -> NotFound:
    return NotFound(_("There is no such answer."), code="unknown_answer")


def access_answer(user: Any, answer_id: Any, *, question: Question | None = None) -> Answer:
    """One answer `user` may read (of a question they may read; hidden ones only for its
    moderators), with its question attached, or NotFound. With `question`, only its answers."""
    try:
        number = int(answer_id)
    except (TypeError, ValueError):
        raise unknown_answer() from None
    if isinstance(answer_id, bool) or not 0 < number < 2**63:
        raise unknown_answer()
    answer = Answer.objects.filter(pk=number).first()
    if answer is None or (question is not None and answer.question_id != question.pk):
        raise unknown_answer()
    try:
        answer.question = question or access_question(user, answer.question_id)
    except NotFound:
        raise unknown_answer() from None
    if answer.is_hidden and not can_moderate(user, answer.question):
        raise unknown_answer()
    return answer
