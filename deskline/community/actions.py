"""Every write of the community: ask, edit, answer, vote, accept, moderate, turn into an article.

Each action checks everything before its first write and writes in one transaction, in which it
also keeps the search index in step (`_index`): a question is findable once asked, with the text
of its accepted and best answers, and no longer findable once hidden.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Locale, User
from deskline.community.access import can_moderate, may_post, visible_desk_ids
from deskline.community.models import Answer, Question, QuestionStatus, Vote
from deskline.core.errors import Conflict, PermissionDenied, ValidationFailed
from deskline.core.markdown import render_markdown
from deskline.core.text import check_storable_text
from deskline.core.time import now
from deskline.desks.models import Desk
from deskline.knowledge.actions import article_create
from deskline.knowledge.models import Article
from deskline.search.documents import QUESTION, index_document, remove_document

TITLE_MAX = 200
TITLE_MIN = 5
BODY_MAX = 20_000
# The answers whose words make a question findable: the accepted one and the best others.
INDEXED_ANSWERS = 3


def _field_error(field: str, message: Any, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field: [message]})


def _clean_title(title: Any) -> str:
    if not isinstance(title, str) or not title.strip():
        raise _field_error("title", _("Enter your question in a few words."), "title_required")
    check_storable_text(title, "title")
    cleaned = " ".join(title.split())
    if len(cleaned) > TITLE_MAX:
        raise _field_error(
            "title",
            _("Keep the title under %(max)d characters.") % {"max": TITLE_MAX},
            "title_too_long",
        )
    # A title of punctuation only says nothing and would find nothing.
    if not any(character.isalnum() for character in cleaned):
        raise _field_error("title", _("Enter your question in a few words."), "title_required")
    return cleaned


def _clean_body(body: Any, *, required_message: Any) -> str:
    if not isinstance(body, str) or not body.strip():
        raise _field_error("body", required_message, "body_required")
    check_storable_text(body, "body")
    if len(body) > BODY_MAX:
        raise _field_error(
            "body",
            _("Keep this under %(max)d characters.") % {"max": BODY_MAX},
            "body_too_long",
        )
    return body.strip()


def _clean_language(language: Any, actor: User) -> str:
    if language in (None, ""):
        return str(actor.locale) if actor.locale in Locale.values else Locale.ENGLISH.value
    wanted = str(language).lower()
    if wanted not in Locale.values:
        raise _field_error(
            "language", _("Choose English or Simplified Chinese."), "invalid_language"
        )
    return wanted


def _check_desk(actor: User, desk: Desk | None) -> None:
    if desk is not None and desk.pk not in visible_desk_ids(actor):
        raise _field_error("desk", _("There is no such desk."), "unknown_desk")


def _moderator(actor: Any, question: Question) -> User:
    user = may_post(actor)
    if not can_moderate(user, question):
        raise PermissionDenied(
            _("Only the desk's agents can moderate its questions."), code="not_a_moderator"
        )
    return user


def _check_open_for_posts(question: Question, actor: User) -> None:
    if question.is_hidden and not can_moderate(actor, question):
        raise PermissionDenied(_("This question is hidden."), code="question_hidden")
    if question.is_locked:
        raise PermissionDenied(
            _("This question is locked: it takes no more answers."), code="question_locked"
        )
    if question.duplicate_of_id is not None:
        raise PermissionDenied(
            _("This question is a duplicate: answer the original one."), code="question_duplicate"
        )


def _lock_question(question_id: int) -> Question:
    return Question.objects.select_for_update().get(pk=question_id)


def _index(question: Question) -> None:
    """Keep the question's searchable copy in step with it (inside the caller's transaction)."""
    if question.is_hidden:
        remove_document(kind=QUESTION, object_id=question.pk)
        return
    answers = list(
        Answer.objects.filter(question_id=question.pk, is_hidden=False)
        .order_by("-is_accepted", "-score", "created_at", "id")
        .values_list("body", flat=True)[:INDEXED_ANSWERS]
    )
    index_document(
        kind=QUESTION,
        object_id=question.pk,
        language=question.language,
        title=question.title,
        body="\n\n".join([question.body, *answers]),
        desk_id=question.desk_id,
    )


def question_ask(
    *,
    actor: User,
    title: str,
    body: str,
    language: str | None = None,
    desk: Desk | None = None,
) -> Question:
    """Ask a question of a desk's community (or the global one), in the asker's language unless
    `language` says otherwise. It is findable by search at once."""
    user = may_post(actor)
    cleaned_title = _clean_title(title)
    cleaned_body = _clean_body(body, required_message=_("Describe your question."))
    cleaned_language = _clean_language(language, user)
    _check_desk(user, desk)
    with transaction.atomic():
        at = now()
        question = Question.objects.create(
            title=cleaned_title,
            body=cleaned_body,
            body_html=render_markdown(cleaned_body),
            language=cleaned_language,
            desk=desk,
            author=user,
            created_at=at,
            updated_at=at,
        )
        _index(question)
    return question


def question_edit(
    *, actor: User, question: Question, title: str | None = None, body: str | None = None
) -> Question:
    """Change a question's title or body: its asker (while it is not locked) or a moderator."""
    user = may_post(actor)
    moderator = can_moderate(user, question)
    if question.author_id != user.pk and not moderator:
        raise PermissionDenied(
            _("Only the asker or the desk's agents can edit this question."), code="not_the_asker"
        )
    if question.is_locked and not moderator:
        raise PermissionDenied(_("This question is locked."), code="question_locked")
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = _clean_title(title)
    if body is not None:
        changes["body"] = _clean_body(body, required_message=_("Describe your question."))
        changes["body_html"] = render_markdown(changes["body"])
    if not changes:
        return question
    with transaction.atomic():
        changes["updated_at"] = now()
        Question.objects.filter(pk=question.pk).update(**changes)
        for name, value in changes.items():
            setattr(question, name, value)
        _index(question)
    return question


def answer_post(*, actor: User, question: Question, body: str) -> Answer:
    """Answer a question: anyone signed in who may read it, unless it is locked or a duplicate."""
    user = may_post(actor)
    _check_open_for_posts(question, user)
    cleaned = _clean_body(body, required_message=_("Write your answer."))
    with transaction.atomic():
        locked = _lock_question(question.pk)
        # Locked between the check above and this row lock: refuse all the same.
        _check_open_for_posts(locked, user)
        at = now()
        answer = Answer.objects.create(
            question=locked,
            body=cleaned,
            body_html=render_markdown(cleaned),
            author=user,
            created_at=at,
            updated_at=at,
        )
        Question.objects.filter(pk=locked.pk).update(
            answer_count=F("answer_count") + 1, updated_at=at
        )
        locked.refresh_from_db(fields=["answer_count", "updated_at"])
        question.answer_count, question.updated_at = locked.answer_count, locked.updated_at
        _index(locked)
    return answer


def vote(*, actor: User, target: Question | Answer, value: int) -> int:
    """Vote a question or an answer up (+1) or down (-1), or take one's vote back (0); voting
    the same way again changes nothing. Never on one's own post. Returns the target's score.

    The target's row is locked and its score recomputed from the votes in the same transaction,
    so that votes cast at the same moment never leave a score that disagrees with them."""
    user = may_post(actor)
    if isinstance(value, bool) or value not in (1, -1, 0):
        raise _field_error("value", _("Vote with 1, -1 or 0."), "invalid_vote")
    question = target if isinstance(target, Question) else target.question
    if question.is_hidden or (isinstance(target, Answer) and target.is_hidden):
        raise PermissionDenied(_("This post is hidden."), code="post_hidden")
    if target.author_id == user.pk:
        raise PermissionDenied(_("You cannot vote on your own post."), code="vote_own_post")
    model: type[Question] | type[Answer] = type(target)
    key = {"question_id": target.pk} if isinstance(target, Question) else {"answer_id": target.pk}
    with transaction.atomic():
        model.objects.select_for_update().filter(pk=target.pk).first()
        votes = Vote.objects.filter(user=user, **key)
        if value == 0:
            votes.delete()
        elif not votes.update(value=value):
            Vote.objects.create(user=user, value=value, **key)
        score = Vote.objects.filter(**key).aggregate(total=Sum("value"))["total"] or 0
        model.objects.filter(pk=target.pk).update(score=score)
        target.score = score
        if isinstance(target, Answer):
            # The best answers' words make the question findable: their order may have changed.
            _index(question)
    return int(score)


def answer_accept(*, actor: User, answer: Answer) -> Answer:
    """Accept an answer: the asker or a moderator. A question has one accepted answer: accepting
    another takes the mark from the one before. The question is answered from then on."""
    user = may_post(actor)
    question = answer.question
    if question.author_id != user.pk and not can_moderate(user, question):
        raise PermissionDenied(
            _("Only the asker or the desk's agents can accept an answer."), code="not_the_asker"
        )
    if answer.is_hidden:
        raise PermissionDenied(_("A hidden answer cannot be accepted."), code="answer_hidden")
    with transaction.atomic():
        locked = _lock_question(question.pk)
        at = now()
        Answer.objects.filter(question_id=locked.pk, is_accepted=True).exclude(pk=answer.pk).update(
            is_accepted=False, updated_at=at
        )
        Answer.objects.filter(pk=answer.pk).update(is_accepted=True, updated_at=at)
        Question.objects.filter(pk=locked.pk).update(
            accepted_answer=answer, status=QuestionStatus.ANSWERED, updated_at=at
        )
        answer.is_accepted = True
        question.accepted_answer_id = answer.pk
        question.status = QuestionStatus.ANSWERED
        locked.refresh_from_db()
        _index(locked)
    return answer


def question_hide(*, actor: User, question: Question, is_hidden: bool) -> Question:
    """Hide a question from everyone but its moderators (and from search), or show it again."""
    _moderator(actor, question)
    with transaction.atomic():
        Question.objects.filter(pk=question.pk).update(is_hidden=is_hidden, updated_at=now())
        question.is_hidden = is_hidden
        _index(question)
    return question


def answer_hide(*, actor: User, answer: Answer, is_hidden: bool) -> Answer:
    """Hide an answer (it loses its accepted mark) or show it again."""
    question = answer.question
    _moderator(actor, question)
    if answer.is_hidden == is_hidden:
        return answer
    with transaction.atomic():
        locked = _lock_question(question.pk)
        at = now()
        Answer.objects.filter(pk=answer.pk).update(
            is_hidden=is_hidden, is_accepted=False, updated_at=at
        )
        changes: dict[str, Any] = {
            "answer_count": F("answer_count") + (-1 if is_hidden else 1),
            "updated_at": at,
        }
        if is_hidden and locked.accepted_answer_id == answer.pk:
            changes |= {"accepted_answer": None, "status": QuestionStatus.OPEN}
        Question.objects.filter(pk=locked.pk).update(**changes)
        answer.is_hidden, answer.is_accepted = is_hidden, False
        locked.refresh_from_db()
        _index(locked)
    return answer


def question_lock(*, actor: User, question: Question, is_locked: bool) -> Question:
    """Lock a question (no more answers, edits or accepting by the asker) or unlock it."""
    _moderator(actor, question)
    with transaction.atomic():
        Question.objects.filter(pk=question.pk).update(is_locked=is_locked, updated_at=now())
        question.is_locked = is_locked
    return question


def question_mark_duplicate(
    *, actor: User, question: Question, duplicate_of: Question | None
) -> Question:
    """Mark a question as a duplicate of another one its readers may read (None: not any more).
    It takes no more answers; its page leads to the original."""
    _moderator(actor, question)
    if duplicate_of is not None:
        if duplicate_of.pk == question.pk:
            raise _field_error(
                "duplicate_of",
                _("A question cannot be a duplicate of itself."),
                "duplicate_of_itself",
            )
        if duplicate_of.is_hidden:
            raise _field_error(
                "duplicate_of", _("Choose a question that is not hidden."), "duplicate_hidden"
            )
        if duplicate_of.duplicate_of_id is not None:
            raise _field_error(
                "duplicate_of",
                _("That question is itself a duplicate: choose the original."),
                "duplicate_of_duplicate",
            )
        if duplicate_of.desk_id not in (None, question.desk_id):
            raise _field_error(
                "duplicate_of",
                _("Choose a question of the same desk, or a global one."),
                "duplicate_other_desk",
            )
    with transaction.atomic():
        Question.objects.filter(pk=question.pk).update(duplicate_of=duplicate_of, updated_at=now())
        question.duplicate_of = duplicate_of
    return question


def question_view(*, question: Question) -> None:
    """Count one view of the question (F(): two readers at once are two views)."""
    Question.objects.filter(pk=question.pk).update(view_count=F("view_count") + 1)


def question_to_article(*, actor: User, question: Question) -> Article:
    """Turn a question and its accepted answer (else its best visible one) into a draft article
    of the knowledge base, in the question's language and desk, owned by the agent: moderators
    only. Returns the article."""
    user = _moderator(actor, question)
    if question.is_hidden:
        raise PermissionDenied(_("This question is hidden."), code="question_hidden")
    answer = (
        Answer.objects.filter(question_id=question.pk, is_hidden=False)
        .order_by("-is_accepted", "-score", "created_at", "id")
        .first()
    )
    if answer is None:
        raise Conflict(
            _("This question has no answer to make an article of yet."), code="no_answer"
        )
    body = f"{question.body}\n\n---\n\n{answer.body}"
    with transaction.atomic():
        return article_create(
            actor=user,
            title=question.title,
            body=body,
            language=question.language,
            desk=question.desk,
            status="draft",
            note=_("From question #%(id)d") % {"id": question.pk},
        )
