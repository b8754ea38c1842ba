"""Views, feedback, ticket links, drafts from tickets, files and deflection steps."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deskline.core.errors import PermissionDenied, ValidationFailed
from deskline.knowledge.actions import (
    KnowledgeError,
    article_create,
    article_feedback,
    article_from_ticket,
    article_link_ticket,
    article_unlink_ticket,
    article_viewed,
    attachment_add,
    deflection_record,
)
from deskline.knowledge.models import (
    Article,
    ArticleAttachment,
    ArticleFeedback,
    ArticleTicketLink,
    DeflectionEvent,
)
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk
from deskline.tickets.actions import ticket_comment


def _published(helpdesk: Helpdesk) -> Article:
    return article_create(
        actor=helpdesk.li, title="Reset your password", body="Use the self-service page.",
        language="en", desk=helpdesk.it, status="published",
    )  # fmt: skip


def test_views_are_counted(helpdesk: Helpdesk) -> None:
    article = _published(helpdesk)
    article_viewed(article=article)
    article_viewed(article=article)
    article.refresh_from_db()
    assert article.view_count == 2


def test_one_answer_per_person_and_changing_it_moves_the_counters(helpdesk: Helpdesk) -> None:
    article = _published(helpdesk)

    article_feedback(article=article, is_helpful=True, user=helpdesk.alice)
    article_feedback(article=article, is_helpful=True, user=helpdesk.alice)
    article_feedback(article=article, is_helpful=False, session_key="anon-session-1")
    article.refresh_from_db()
    assert (article.helpful_count, article.unhelpful_count) == (1, 1)

    article_feedback(article=article, is_helpful=False, user=helpdesk.alice, comment="Outdated")
    article.refresh_from_db()
    assert (article.helpful_count, article.unhelpful_count) == (0, 2)
    assert ArticleFeedback.objects.count() == 2


def test_feedback_needs_a_published_article_and_an_identity(helpdesk: Helpdesk) -> None:
    article = _published(helpdesk)
    with pytest.raises(KnowledgeError) as raised:
        article_feedback(article=article, is_helpful=True)
    assert raised.value.code == "feedback_needs_identity"
    draft = article_create(
        actor=helpdesk.li, title="Draft", body="x", language="en", desk=helpdesk.it
    )
    with pytest.raises(KnowledgeError):
        article_feedback(article=draft, is_helpful=True, user=helpdesk.alice)
    assert ArticleFeedback.objects.count() == 0


def test_agents_link_articles_to_tickets_of_their_desk(helpdesk: Helpdesk) -> None:
    article = _published(helpdesk)
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )

    article_link_ticket(actor=helpdesk.li, article=article, ticket=ticket)
    article_link_ticket(actor=helpdesk.li, article=article, ticket=ticket)
    assert ArticleTicketLink.objects.count() == 1
    with pytest.raises(PermissionDenied):
        article_link_ticket(actor=helpdesk.hana, article=article, ticket=ticket)
    with pytest.raises(PermissionDenied):
        article_unlink_ticket(actor=helpdesk.alice, article=article, ticket=ticket)
    assert article_unlink_ticket(actor=helpdesk.li, article=article, ticket=ticket)
    assert ArticleTicketLink.objects.count() == 0


def test_a_draft_from_a_ticket_holds_its_question_and_answer(helpdesk: Helpdesk) -> None:
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset,
        summary="Locked out after holiday", description="My password expired while away.",
    )  # fmt: skip
    ticket_comment(actor=helpdesk.li, ticket=ticket, body="Reset it at id.example.com.")

    article = article_from_ticket(actor=helpdesk.li, ticket=ticket)

    assert article.status == "draft" and article.desk == helpdesk.it
    assert article.title == "Locked out after holiday"
    assert "My password expired while away." in article.body
    assert "Reset it at id.example.com." in article.body
    link = ArticleTicketLink.objects.get()
    assert link.created_from_ticket and link.ticket == ticket
    with pytest.raises(PermissionDenied):
        article_from_ticket(actor=helpdesk.alice, ticket=ticket)
    assert Article.objects.count() == 1


def test_files_are_checked_like_ticket_uploads(helpdesk: Helpdesk) -> None:
    article = _published(helpdesk)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

    stored = attachment_add(
        actor=helpdesk.li, article=article, upload=SimpleUploadedFile("shot.png", png)
    )
    assert stored.content_type == "image/png"
    with pytest.raises(ValidationFailed):
        attachment_add(
            actor=helpdesk.li, article=article, upload=SimpleUploadedFile("run.exe", b"MZ...")
        )
    with pytest.raises(PermissionDenied):
        attachment_add(
            actor=helpdesk.alice, article=article, upload=SimpleUploadedFile("a.png", png)
        )
    assert ArticleAttachment.objects.count() == 1


def test_deflection_steps_are_counted_once_per_journey(helpdesk: Helpdesk) -> None:
    article = _published(helpdesk)
    for _ in range(3):
        deflection_record(
            kind="opened", desk=helpdesk.it, request_type=helpdesk.password_reset,
            journey="journey-0001", article=article,
        )  # fmt: skip
    assert DeflectionEvent.objects.count() == 1
    with pytest.raises(KnowledgeError):
        deflection_record(kind="opened", desk=helpdesk.it, journey="x" * 65)
    with pytest.raises(KnowledgeError):
        deflection_record(kind="clicked", desk=helpdesk.it, journey="journey-0001")
    with pytest.raises(KnowledgeError):
        deflection_record(
            kind="opened", desk=helpdesk.hr, request_type=helpdesk.password_reset,
            journey="journey-0002",
        )  # fmt: skip
    assert DeflectionEvent.objects.count() == 1
