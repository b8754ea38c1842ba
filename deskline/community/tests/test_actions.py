"""The community's actions: asking, answering, voting, accepting, moderating, and what each
refuses (with its code, and nothing written)."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.community.actions import (
    BODY_MAX,
    TITLE_MAX,
    answer_accept,
    answer_hide,
    answer_post,
    question_ask,
    question_edit,
    question_hide,
    question_lock,
    question_mark_duplicate,
    vote,
)
from deskline.community.models import Answer, Question, QuestionStatus, Vote
from deskline.core.errors import DomainError, PermissionDenied, ValidationFailed
from deskline.search.documents import QUESTION, search_documents
from deskline.testing.scenario import Helpdesk


def _ask(helpdesk: Helpdesk, **extra) -> Question:
    values: dict[str, Any] = {
        "actor": helpdesk.alice,
        "title": "How do I connect to the office VPN?",
        "body": "The client says *certificate expired*.",
        "desk": helpdesk.it,
    }
    return question_ask(**(values | extra))


def _found(query: str, **extra) -> list[int]:
    return [hit.object_id for hit in search_documents(query, kinds=[QUESTION], **extra)]


def test_asking_stores_the_question_with_safe_html_and_makes_it_findable(helpdesk):
    question = _ask(helpdesk, body="Help <script>alert(1)</script> **please**")

    assert question.status == QuestionStatus.OPEN
    assert question.language == "en"
    assert "<script>" not in question.body_html
    assert "<strong>please</strong>" in question.body_html
    assert _found("VPN") == [question.pk]


def test_asking_takes_the_askers_language_unless_told(helpdesk):
    helpdesk.alice.locale = "zh-hans"
    helpdesk.alice.save()

    assert _ask(helpdesk).language == "zh-hans"
    assert _ask(helpdesk, language="en").language == "en"


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"title": ""}, "title_required", "title"),
        ({"title": "   "}, "title_required", "title"),
        ({"title": "?!.,;"}, "title_required", "title"),
        ({"title": "x" * (TITLE_MAX + 1)}, "title_too_long", "title"),
        ({"body": ""}, "body_required", "body"),
        ({"body": "x" * (BODY_MAX + 1)}, "body_too_long", "body"),
        ({"body": "nul \x00 inside"}, "invalid_input", "body"),
        ({"language": "fr"}, "invalid_language", "language"),
    ],
)
def test_a_bad_question_is_refused_with_a_code_and_nothing_is_written(
    helpdesk, values, code, field
):
    with pytest.raises(ValidationFailed) as refused:
        _ask(helpdesk, **values)

    assert refused.value.code == code
    assert field in refused.value.fields
    assert not Question.objects.exists()


def test_a_visitor_who_is_not_signed_in_cannot_ask(helpdesk):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied) as refused:
        _ask(helpdesk, actor=AnonymousUser())

    assert refused.value.code == "sign_in_required"
    assert not Question.objects.exists()


def test_a_question_cannot_go_to_a_desk_the_asker_cannot_see(helpdesk):
    helpdesk.hr.is_active = False
    helpdesk.hr.save()

    with pytest.raises(ValidationFailed) as refused:
        _ask(helpdesk, desk=helpdesk.hr)

    assert refused.value.code == "unknown_desk"
    assert not Question.objects.exists()


def test_the_asker_and_agents_edit_a_question_others_do_not(helpdesk):
    question = _ask(helpdesk)

    question_edit(actor=helpdesk.alice, question=question, title="VPN certificate expired")
    question_edit(actor=helpdesk.li, question=question, body="Since Monday.")
    with pytest.raises(PermissionDenied) as refused:
        question_edit(actor=helpdesk.bob, question=question, title="Mine now")

    assert refused.value.code == "not_the_asker"
    question.refresh_from_db()
    assert (question.title, question.body) == ("VPN certificate expired", "Since Monday.")
    assert _found("certificate") == [question.pk]


def test_answers_count_and_make_the_question_findable_by_their_words(helpdesk):
    question = _ask(helpdesk)

    answer = answer_post(actor=helpdesk.li, question=question, body="Renew it in the *portal*.")

    question.refresh_from_db()
    assert question.answer_count == 1
    assert "<em>portal</em>" in answer.body_html
    assert _found("Renew") == [question.pk]


def test_nobody_answers_a_locked_question(helpdesk):
    question = _ask(helpdesk)
    question_lock(actor=helpdesk.li, question=question, is_locked=True)

    for actor in (helpdesk.bob, helpdesk.li):
        with pytest.raises(PermissionDenied) as refused:
            answer_post(actor=actor, question=question, body="Late answer")
        assert refused.value.code == "question_locked"
    assert not Answer.objects.exists()


def test_an_empty_answer_is_refused(helpdesk):
    question = _ask(helpdesk)

    with pytest.raises(ValidationFailed) as refused:
        answer_post(actor=helpdesk.bob, question=question, body="  \n ")

    assert refused.value.code == "body_required"
    assert not Answer.objects.exists()


def test_votes_add_up_change_and_are_taken_back(helpdesk):
    question = _ask(helpdesk)

    assert vote(actor=helpdesk.bob, target=question, value=1) == 1
    assert vote(actor=helpdesk.bob, target=question, value=1) == 1  # twice: still one vote
    assert vote(actor=helpdesk.li, target=question, value=1) == 2
    assert vote(actor=helpdesk.bob, target=question, value=-1) == 0
    assert vote(actor=helpdesk.li, target=question, value=0) == -1

    question.refresh_from_db()
    assert question.score == -1
    assert Vote.objects.filter(question=question).count() == 1


def test_nobody_votes_on_their_own_post(helpdesk):
    question = _ask(helpdesk)
    answer = answer_post(actor=helpdesk.bob, question=question, body="Try again.")

    for actor, target in ((helpdesk.alice, question), (helpdesk.bob, answer)):
        with pytest.raises(PermissionDenied) as refused:
            vote(actor=actor, target=target, value=1)
        assert refused.value.code == "vote_own_post"
    assert not Vote.objects.exists()
    question.refresh_from_db()
    assert question.score == 0


@pytest.mark.parametrize("value", [2, -2, True, "1"])
def test_a_vote_is_one_up_or_one_down(helpdesk, value):
    question = _ask(helpdesk)

    with pytest.raises(ValidationFailed) as refused:
        vote(actor=helpdesk.bob, target=question, value=value)

    assert refused.value.code == "invalid_vote"
    assert not Vote.objects.exists()


def test_the_asker_accepts_one_answer_and_the_question_is_answered(helpdesk):
    question = _ask(helpdesk)
    first = answer_post(actor=helpdesk.bob, question=question, body="Reboot.")
    second = answer_post(actor=helpdesk.li, question=question, body="Renew the certificate.")

    answer_accept(actor=helpdesk.alice, answer=first)
    answer_accept(actor=helpdesk.alice, answer=second)

    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert question.accepted_answer_id == second.pk
    assert list(Answer.objects.filter(is_accepted=True)) == [second]


def test_a_stranger_cannot_accept_an_answer(helpdesk):
    question = _ask(helpdesk)
    answer = answer_post(actor=helpdesk.li, question=question, body="Renew it.")

    with pytest.raises(PermissionDenied) as refused:
        answer_accept(actor=helpdesk.bob, answer=answer)

    assert refused.value.code == "not_the_asker"
    question.refresh_from_db()
    assert question.status == QuestionStatus.OPEN
    assert not Answer.objects.filter(is_accepted=True).exists()


def test_an_agent_of_another_desk_does_not_moderate(helpdesk):
    question = _ask(helpdesk)

    with pytest.raises(PermissionDenied) as refused:
        question_hide(actor=helpdesk.hana, question=question, is_hidden=True)

    assert refused.value.code == "not_a_moderator"
    question.refresh_from_db()
    assert not question.is_hidden


def test_customers_do_not_moderate(helpdesk):
    question = _ask(helpdesk)

    for moderate in (
        lambda: question_hide(actor=helpdesk.bob, question=question, is_hidden=True),
        lambda: question_lock(actor=helpdesk.bob, question=question, is_locked=True),
    ):
        with pytest.raises(PermissionDenied):
            moderate()
    question.refresh_from_db()
    assert (question.is_hidden, question.is_locked) == (False, False)


def test_a_hidden_question_is_no_longer_found_and_is_found_again_when_shown(helpdesk):
    question = _ask(helpdesk)
    assert _found("VPN") == [question.pk]

    question_hide(actor=helpdesk.li, question=question, is_hidden=True)
    assert _found("VPN") == []

    question_hide(actor=helpdesk.li, question=question, is_hidden=False)
    assert _found("VPN") == [question.pk]


def test_a_hidden_answer_loses_its_mark_and_its_words_leave_the_index(helpdesk):
    question = _ask(helpdesk)
    answer = answer_post(actor=helpdesk.bob, question=question, body="Spamword offer.")
    answer_accept(actor=helpdesk.alice, answer=answer)

    answer_hide(actor=helpdesk.li, answer=answer, is_hidden=True)

    question.refresh_from_db()
    answer.refresh_from_db()
    assert (question.status, question.accepted_answer_id, question.answer_count) == (
        QuestionStatus.OPEN,
        None,
        0,
    )
    assert (answer.is_hidden, answer.is_accepted) == (True, False)
    assert _found("Spamword") == []


def test_a_duplicate_points_at_the_original_and_takes_no_answers(helpdesk):
    original = _ask(helpdesk)
    copy = _ask(helpdesk, title="VPN does not connect", actor=helpdesk.bob)

    question_mark_duplicate(actor=helpdesk.li, question=copy, duplicate_of=original)

    copy.refresh_from_db()
    assert copy.duplicate_of_id == original.pk
    with pytest.raises(PermissionDenied) as refused:
        answer_post(actor=helpdesk.carol, question=copy, body="Same here")
    assert refused.value.code == "question_duplicate"


def test_a_question_is_not_a_duplicate_of_itself(helpdesk):
    question = _ask(helpdesk)

    with pytest.raises(ValidationFailed) as refused:
        question_mark_duplicate(actor=helpdesk.li, question=question, duplicate_of=question)

    assert refused.value.code == "duplicate_of_itself"
    question.refresh_from_db()
    assert question.duplicate_of_id is None


def test_every_refusal_is_a_domain_error_with_a_status(helpdesk):
    question = _ask(helpdesk)

    with pytest.raises(DomainError) as refused:
        vote(actor=helpdesk.alice, target=question, value=1)

    assert refused.value.status == 403


def test_an_agent_turns_a_question_and_its_accepted_answer_into_a_draft(helpdesk):
    from deskline.community.actions import question_to_article
    from deskline.knowledge.models import ArticleStatus

    question = _ask(helpdesk)
    answer_post(actor=helpdesk.bob, question=question, body="Reboot first.")
    accepted = answer_post(actor=helpdesk.li, question=question, body="Renew the certificate.")
    answer_accept(actor=helpdesk.alice, answer=accepted)

    article = question_to_article(actor=helpdesk.li, question=question)

    assert article.status == ArticleStatus.DRAFT
    assert (article.title, article.language, article.desk) == (question.title, "en", helpdesk.it)
    assert article.owner == helpdesk.li
    assert "certificate expired" in article.body and "Renew the certificate." in article.body
    assert "Reboot first." not in article.body


def test_customers_and_unanswered_questions_make_no_article(helpdesk):
    from deskline.community.actions import question_to_article
    from deskline.core.errors import Conflict
    from deskline.knowledge.models import Article

    question = _ask(helpdesk)

    with pytest.raises(Conflict) as unanswered:
        question_to_article(actor=helpdesk.li, question=question)
    answer_post(actor=helpdesk.li, question=question, body="Renew it.")
    with pytest.raises(PermissionDenied) as refused:
        question_to_article(actor=helpdesk.alice, question=question)

    assert unanswered.value.code == "no_answer"
    assert refused.value.code == "not_a_moderator"
    assert not Article.objects.exists()
