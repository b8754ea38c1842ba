"""At once: one answer per person however many clicks arrive together, counters that never lose
or double an answer, one version per edit, and each deflection step counted once."""

from __future__ import annotations

import pytest

from deskline.accounts.models import Role
from deskline.knowledge.actions import (
    article_create,
    article_feedback,
    article_update,
    article_viewed,
    deflection_record,
)
from deskline.knowledge.models import Article, ArticleFeedback, DeflectionEvent
from deskline.testing.concurrency import run_together
from deskline.testing.factories import make_desk, make_team, make_user

THREADS = 6


@pytest.fixture
def article(transactional_db: None) -> Article:
    team = make_team("Frontline")
    desk = make_desk("IT", teams=[team])
    agent = make_user(role=Role.AGENT, teams=[team])
    return article_create(
        actor=agent, title="VPN", body="Connect.", language="en", desk=desk, status="published"
    )


def test_one_person_clicking_many_times_is_one_answer(article: Article) -> None:
    person = make_user()

    def answer(index: int) -> int:
        fresh = Article.objects.get(pk=article.pk)
        return article_feedback(article=fresh, is_helpful=index % 2 == 0, user=person).pk

    results, errors = run_together(answer, THREADS)

    assert errors == [], [repr(e)[:200] for e in errors]
    assert len(set(results)) == 1
    feedback = ArticleFeedback.objects.get()
    stored = Article.objects.get(pk=article.pk)
    counts = (stored.helpful_count, stored.unhelpful_count)
    assert counts == ((1, 0) if feedback.is_helpful else (0, 1))


def test_views_and_answers_of_many_people_all_count(article: Article) -> None:
    people = [make_user() for _ in range(THREADS)]

    def read_and_answer(index: int) -> None:
        fresh = Article.objects.get(pk=article.pk)
        article_viewed(article=fresh)
        article_feedback(article=fresh, is_helpful=True, user=people[index])

    _results, errors = run_together(read_and_answer, THREADS)

    assert errors == []
    stored = Article.objects.get(pk=article.pk)
    assert (stored.view_count, stored.helpful_count) == (THREADS, THREADS)


def test_simultaneous_edits_each_make_a_version(article: Article) -> None:
    def edit(index: int) -> None:
        fresh = Article.objects.select_related("desk").get(pk=article.pk)
        article_update(actor=fresh.owner, article=fresh, body=f"Connect, take {index}.")

    _results, errors = run_together(edit, THREADS)

    assert errors == []
    stored = Article.objects.get(pk=article.pk)
    assert stored.version == 1 + THREADS
    assert sorted(stored.versions.values_list("number", flat=True)) == list(range(1, THREADS + 2))


def test_a_step_reloaded_at_once_is_counted_once(article: Article) -> None:
    desk = article.desk
    assert desk is not None

    def step(index: int) -> int:
        return deflection_record(
            kind="opened", desk=desk, journey="journey-at-once", article=article
        ).pk

    results, errors = run_together(step, THREADS)

    assert errors == [], [repr(e)[:200] for e in errors]
    assert len(set(results)) == 1 and DeflectionEvent.objects.count() == 1
