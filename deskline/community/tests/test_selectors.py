"""The community's reads: who sees what, the order of answers, and a constant number of
queries however many questions a page shows."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from deskline.community.actions import answer_accept, answer_hide, answer_post, question_ask, vote
from deskline.community.selectors import QuestionFilters, question_answers, question_list
from deskline.core.errors import ValidationFailed
from deskline.testing.scenario import Helpdesk


def _ask_many(helpdesk: Helpdesk, count: int) -> None:
    for number in range(count):
        question_ask(
            actor=helpdesk.alice,
            title=f"Question number {number} about printers",
            body="Paper jams.",
            desk=helpdesk.it if number % 2 else None,
        )


@pytest.mark.parametrize("count", [2, 12])
def test_a_page_of_questions_takes_the_same_queries_however_many(
    helpdesk, django_assert_max_num_queries, count
):
    _ask_many(helpdesk, count)

    with django_assert_max_num_queries(3):
        page = question_list(user=helpdesk.bob, filters=QuestionFilters(), limit=10)
        titles = [
            row.question.title + (row.question.desk.key if row.question.desk else "")
            for row in page.items
        ]

    assert len(titles) == min(count, 10)


def test_pages_follow_each_other_without_gaps(helpdesk):
    _ask_many(helpdesk, 5)

    first = question_list(user=helpdesk.bob, filters=QuestionFilters(), limit=3)
    second = question_list(
        user=helpdesk.bob, filters=QuestionFilters(), limit=3, cursor=first.next_cursor
    )

    ids = [row.question.pk for row in first.items + second.items]
    assert len(set(ids)) == 5 and ids == sorted(ids, reverse=True)
    assert second.next_cursor is None


def test_a_search_pages_too(helpdesk):
    _ask_many(helpdesk, 5)

    first = question_list(user=helpdesk.bob, filters=QuestionFilters(q="printers"), limit=3)
    second = question_list(
        user=helpdesk.bob,
        filters=QuestionFilters(q="printers"),
        limit=3,
        cursor=first.next_cursor,
    )

    assert len({row.question.pk for row in first.items + second.items}) == 5


@pytest.mark.parametrize("query", ["", "   ", "!!!", '"', "*", "a OR b", "NEAR(", "x" * 200])
def test_empty_punctuation_and_syntax_queries_answer_without_error(helpdesk, query):
    _ask_many(helpdesk, 2)

    page = question_list(user=AnonymousUser(), filters=QuestionFilters(q=query))

    assert isinstance(page.items, list)


def test_a_query_too_long_is_refused(helpdesk):
    with pytest.raises(ValidationFailed) as refused:
        question_list(user=helpdesk.bob, filters=QuestionFilters(q="x" * 201))

    assert refused.value.code == "query_too_long"


def test_answers_come_accepted_first_then_best_and_hidden_only_for_moderators(helpdesk):
    question = question_ask(actor=helpdesk.alice, title="VPN is slow", body="Very.")
    old = answer_post(actor=helpdesk.bob, question=question, body="Use cable.")
    good = answer_post(actor=helpdesk.carol, question=question, body="Pick another server.")
    accepted = answer_post(actor=helpdesk.li, question=question, body="Update the client.")
    spam = answer_post(actor=helpdesk.bob, question=question, body="Buy watches.")
    vote(actor=helpdesk.alice, target=good, value=1)
    answer_accept(actor=helpdesk.alice, answer=accepted)
    answer_hide(actor=helpdesk.li, answer=spam, is_hidden=True)

    assert question_answers(user=helpdesk.carol, question=question) == [accepted, good, old]
    assert question_answers(user=helpdesk.li, question=question) == [accepted, good, old, spam]
