"""Reads: who sees which article, search through the one interface, review and deflection."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser

from deskline.core.time import now
from deskline.knowledge.actions import (
    article_create,
    article_flag_outdated,
    article_update,
    deflection_record,
)
from deskline.knowledge.models import Article, DeflectionEvent
from deskline.knowledge.selectors import (
    article_for,
    articles_due_for_review,
    articles_for,
    deflection_report,
    knowledge_search,
    suggested_articles_for_ticket,
)
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk


def _make(helpdesk: Helpdesk, title: str, status: str = "published", **extra: object) -> Article:
    values: dict[str, object] = {
        "actor": helpdesk.li, "title": title, "body": f"{title} body text", "language": "en",
        "desk": helpdesk.it, "status": status,
    }  # fmt: skip
    values.update(extra)
    return article_create(**values)  # type: ignore[arg-type]


def test_drafts_are_seen_only_by_writers(helpdesk: Helpdesk) -> None:
    published = _make(helpdesk, "Printer queue")
    draft = _make(helpdesk, "Printer drivers", status="draft")

    assert list(articles_for(helpdesk.alice)) == [published]
    assert list(articles_for(AnonymousUser())) == [published]
    assert set(articles_for(helpdesk.li)) == {published, draft}
    assert set(articles_for(helpdesk.hana)) == {published}
    assert article_for(helpdesk.alice, draft.pk) is None
    assert article_for(helpdesk.li, draft.pk) == draft
    assert article_for(helpdesk.alice, "nonsense") is None


def test_search_drops_what_the_user_may_not_see(helpdesk: Helpdesk) -> None:
    shown = _make(helpdesk, "Printer queue")
    hidden = _make(helpdesk, "Printer drivers")
    helpdesk.it.is_active = False
    helpdesk.it.save()
    found_by_agent = [
        article for _hit, article in knowledge_search(helpdesk.li, "printer", language="en")
    ]
    found_by_customer = knowledge_search(helpdesk.alice, "printer", language="en")

    assert set(found_by_agent) == {shown, hidden}
    assert found_by_customer == []
    assert knowledge_search(helpdesk.li, "   ", language="en") == []


def test_suggestions_for_a_ticket(helpdesk: Helpdesk) -> None:
    article = _make(helpdesk, "Jammed")
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset,
        summary="Jammed", description="",
    )  # fmt: skip

    assert [found for _hit, found in suggested_articles_for_ticket(helpdesk.li, ticket)] == [
        article
    ]


def test_due_for_review(helpdesk: Helpdesk) -> None:
    flagged = _make(helpdesk, "Flagged")
    due = _make(helpdesk, "Due")
    _make(helpdesk, "Fine", review_on=now().date() + datetime.timedelta(days=30))
    article_flag_outdated(actor=helpdesk.li, article=flagged, reason="old")
    article_update(actor=helpdesk.li, article=due, review_on=now().date())

    assert list(articles_due_for_review(helpdesk.li)) == [flagged, due]
    assert list(articles_due_for_review(helpdesk.alice)) == []


def test_deflection_report_counts_journeys(helpdesk: Helpdesk) -> None:
    article = _make(helpdesk, "Reset")
    desk, kind = helpdesk.it, helpdesk.password_reset
    start = now() - datetime.timedelta(hours=2)

    def step(step_kind: str, journey: str) -> None:
        deflection_record(
            kind=step_kind, desk=desk, request_type=kind, journey=journey, article=article
        )

    for journey in ("left-after-reading", "submitted-anyway", "still-reading", "never-opened"):
        step("suggested", journey)
    for journey in ("left-after-reading", "submitted-anyway", "still-reading"):
        step("opened", journey)
    step("submitted", "submitted-anyway")
    # The journey that left did so an hour ago; the one still reading, just now.
    DeflectionEvent.objects.filter(journey__in=["left-after-reading", "submitted-anyway"]).update(
        created_at=now() - datetime.timedelta(hours=1)
    )

    rows = deflection_report(desks=[desk], start=start, end=now() + datetime.timedelta(minutes=1))

    assert [
        (r.desk_id, r.request_type_id, r.suggested, r.opened, r.deflected, r.submitted)
        for r in rows
    ] == [(desk.pk, kind.pk, 4, 3, 1, 1)]
    assert deflection_report(desks=[helpdesk.hr], start=start, end=now()) == []
