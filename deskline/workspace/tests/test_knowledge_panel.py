"""The ticket page's "Knowledge" panel, and the deflection report."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from deskline.knowledge import actions
from deskline.knowledge.models import Article, ArticleStatus, ArticleTicketLink, DeflectionKind
from deskline.testing.scenario import Helpdesk
from deskline.workspace.tests.conftest import it_ticket, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def published(author, title, body="Open the VPN client.", desk=None) -> Article:
    article = actions.article_create(actor=author, title=title, body=body, language="en", desk=desk)
    return actions.article_publish(actor=author, article=article)


def test_the_ticket_page_loads_the_panel_with_a_fallback_link(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk, summary="VPN does not connect")

    page = signed_in(helpdesk.li).get(f"/agent/tickets/{ticket.key}/").content.decode()

    url = f"/agent/tickets/{ticket.key}/knowledge/"
    assert f'hx-get="{url}" hx-trigger="load"' in page
    assert f'<a href="{url}">' in page
    assert "workspace/knowledge.js" in page


def test_the_panel_suggests_articles_for_the_ticket(helpdesk: Helpdesk):
    vpn = published(helpdesk.li, "VPN troubleshooting", desk=helpdesk.it)
    published(helpdesk.li, "Printer jams", body="Paper", desk=helpdesk.it)
    ticket = it_ticket(helpdesk, summary="VPN")

    response = signed_in(helpdesk.li).get(f"/agent/tickets/{ticket.key}/knowledge/", headers=HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "VPN troubleshooting" in page and "Printer jams" not in page
    assert (
        f'data-insert-reply="[VPN troubleshooting](http://testserver/knowledge/articles/{vpn.pk}/)"'
        in page
    )
    assert "<html" not in page  # a fragment for htmx


def test_without_htmx_the_panel_is_a_page(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk, summary="VPN")

    page = signed_in(helpdesk.li).get(f"/agent/tickets/{ticket.key}/knowledge/").content.decode()

    assert "<html" in page and "Create article from this ticket" in page


def test_another_desks_agent_and_customers_may_not_open_the_panel(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk, summary="VPN")

    assert (
        signed_in(helpdesk.hana).get(f"/agent/tickets/{ticket.key}/knowledge/").status_code == 404
    )
    assert (
        signed_in(helpdesk.alice).get(f"/agent/tickets/{ticket.key}/knowledge/").status_code == 403
    )


def test_linking_and_unlinking_an_article(helpdesk: Helpdesk):
    vpn = published(helpdesk.li, "VPN troubleshooting", desk=helpdesk.it)
    ticket = it_ticket(helpdesk, summary="VPN")
    agent = signed_in(helpdesk.li)

    linked = agent.post(f"/agent/tickets/{ticket.key}/knowledge/link/", {"article": vpn.pk})
    panel = agent.get(f"/agent/tickets/{ticket.key}/knowledge/", headers=HTMX).content.decode()

    assert linked.status_code == 302
    assert linked["Location"] == f"/agent/tickets/{ticket.key}/#knowledge"
    assert ArticleTicketLink.objects.filter(article=vpn, ticket=ticket).exists()
    assert "Linked articles" in panel and "Unlink" in panel
    agent.post(f"/agent/tickets/{ticket.key}/knowledge/unlink/", {"article": vpn.pk})
    assert not ArticleTicketLink.objects.exists()


@pytest.mark.parametrize("article", ["", "abc", "999999", "-1"])
def test_linking_a_bad_article_links_nothing(helpdesk: Helpdesk, article):
    ticket = it_ticket(helpdesk, summary="VPN")

    response = signed_in(helpdesk.li).post(
        f"/agent/tickets/{ticket.key}/knowledge/link/", {"article": article}
    )

    assert response.status_code in (302, 404)
    assert not ArticleTicketLink.objects.exists()


def test_another_desks_agent_may_not_link(helpdesk: Helpdesk):
    vpn = published(helpdesk.li, "VPN troubleshooting", desk=helpdesk.it)
    ticket = it_ticket(helpdesk, summary="VPN")

    response = signed_in(helpdesk.hana).post(
        f"/agent/tickets/{ticket.key}/knowledge/link/", {"article": vpn.pk}
    )

    assert response.status_code == 404
    assert not ArticleTicketLink.objects.exists()


def test_an_article_written_from_the_ticket_opens_as_a_draft(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk, summary="VPN drops every hour", description="Since Monday.")

    response = signed_in(helpdesk.li).post(f"/agent/tickets/{ticket.key}/knowledge/new-article/")

    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/agent/knowledge/{article.pk}/"
    assert (article.title, article.status) == ("VPN drops every hour", ArticleStatus.DRAFT)
    assert "Since Monday." in article.body
    assert ArticleTicketLink.objects.get().created_from_ticket


def test_a_customer_may_not_write_an_article_from_a_ticket(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk, summary="VPN")

    response = signed_in(helpdesk.alice).post(f"/agent/tickets/{ticket.key}/knowledge/new-article/")

    assert response.status_code == 403
    assert not Article.objects.exists()


# The deflection report.

JOURNEYS = ["journey-aaaaaaaaaaaa", "journey-bbbbbbbbbbbb", "journey-cccccccccccc"]


def _journeys(helpdesk: Helpdesk, article: Article) -> None:
    """Three visits to the password form on 2 March 2026: one reads and leaves (deflected),
    one reads and sends anyway, one sees suggestions and sends."""
    first, second, third = JOURNEYS
    for journey, kinds in (
        (first, [DeflectionKind.SUGGESTED, DeflectionKind.OPENED]),
        (second, [DeflectionKind.SUGGESTED, DeflectionKind.OPENED, DeflectionKind.SUBMITTED]),
        (third, [DeflectionKind.SUGGESTED, DeflectionKind.SUBMITTED]),
    ):
        for kind in kinds:
            document = article if kind != DeflectionKind.SUBMITTED else None
            actions.deflection_record(
                kind=kind,
                journey=journey,
                article=document,
                desk=helpdesk.it,
                request_type=helpdesk.password_reset,
            )


def test_the_report_counts_each_journey_once_per_day_and_week(helpdesk: Helpdesk):
    article = published(helpdesk.li, "Reset your password", desk=helpdesk.it)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
        _journeys(helpdesk, article)
    agent = signed_in(helpdesk.li)

    with time_machine.travel(datetime.datetime(2026, 3, 5, 9, tzinfo=datetime.UTC), tick=False):
        daily = agent.get(
            "/agent/knowledge/deflection/", {"start": "2026-03-01", "end": "2026-03-05"}
        )
        weekly = agent.get(
            "/agent/knowledge/deflection/",
            {
                "start": "2026-03-01",
                "end": "2026-03-05",
                "by": "week",
                "desk": "IT",
                "request_type": str(helpdesk.password_reset.pk),
            },
        )

    page = daily.content.decode()
    assert daily.status_code == 200
    assert '<time datetime="2026-03-02">' in page
    cells = page[page.index("<tbody>") : page.index("</tbody>")]
    numbers = [cell.split("</td>")[0] for cell in cells.split('<td class="number">')[1:]]
    assert numbers == ["3", "2", "1", "1", "33%"]
    assert '<time datetime="2026-03-02">' in weekly.content.decode()  # the week's Monday


def test_the_report_in_chinese(helpdesk: Helpdesk):
    page = (
        signed_in(helpdesk.li)
        .get("/agent/knowledge/deflection/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )

    assert "自助解决报告" in page and "时段和表单" in page


@pytest.mark.parametrize(
    "params",
    [
        {"start": "yesterday"},
        {"end": "2026-02-30"},
        {"start": "2026-03-05", "end": "2026-03-01"},
        {"start": "2024-01-01", "end": "2026-01-01"},
        {"by": "month"},
        {"desk": "HR"},
        {"request_type": "abc"},
        {"request_type": "999999"},
    ],
)
def test_a_bad_period_or_form_is_refused(helpdesk: Helpdesk, params):
    response = signed_in(helpdesk.li).get("/agent/knowledge/deflection/", params)

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


def test_the_report_shows_only_my_desks(helpdesk: Helpdesk):
    article = published(helpdesk.li, "Reset your password", desk=helpdesk.it)
    _journeys(helpdesk, article)

    page = signed_in(helpdesk.hana).get("/agent/knowledge/deflection/").content.decode()

    assert "No suggestions were shown in this period." in page


def test_the_panel_suggests_an_article_once_whatever_its_translations(helpdesk: Helpdesk):
    vpn = published(helpdesk.li, "VPN troubleshooting", desk=helpdesk.it)
    actions.article_create(
        actor=helpdesk.li,
        title="VPN 故障排除",
        body="VPN",
        language="zh-hans",
        desk=helpdesk.it,
        translation_of=vpn,
        status="published",
    )
    ticket = it_ticket(helpdesk, summary="VPN")

    response = signed_in(helpdesk.li).get(f"/agent/tickets/{ticket.key}/knowledge/", headers=HTMX)

    assert response.content.decode().count('data-insert-reply="[') == 1
