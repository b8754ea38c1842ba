"""Votes cast at the same moment: the score always equals the sum of the votes."""

from __future__ import annotations

import pytest

from deskline.community.actions import question_ask, vote
from deskline.community.models import Question, Vote
from deskline.testing.concurrency import run_together
from deskline.testing.factories import make_desk, make_user

THREADS = 6


@pytest.fixture
def question_and_voters(transactional_db) -> tuple[Question, list]:
    desk = make_desk("IT")
    question = question_ask(
        actor=make_user(), title="Printer jams on page two", body="Every time.", desk=desk
    )
    return question, [make_user() for _ in range(THREADS)]


def test_simultaneous_votes_all_count(question_and_voters):
    question, voters = question_and_voters

    def cast(index: int) -> int:
        fresh = Question.objects.get(pk=question.pk)
        return vote(actor=voters[index], target=fresh, value=1 if index % 3 else -1)

    _results, errors = run_together(cast, THREADS)

    assert errors == []
    question.refresh_from_db()
    assert question.score == sum(Vote.objects.values_list("value", flat=True)) == 2
