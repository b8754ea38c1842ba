"""The help center's knowledge pages: the knowledge base, its search, an article and its
"Was this helpful?", for visitors, customers and agents."""

from __future__ import annotations

import pytest
from django.test import Client

from deskline.knowledge import actions
from deskline.knowledge.models import Article, ArticleFeedback, ArticleStatus
from deskline.testing.scenario import Helpdesk

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"}


def write_article(
    author, *, title, body="How to do it.", language="en", desk=None, publish=True, **extra
) -> Article:
    article = actions.article_create(
        actor=author, title=title, body=body, language=language, desk=desk, **extra
    )
    if publish:
        article = actions.article_publish(actor=author, article=article)
    return article


@pytest.fixture
def vpn(helpdesk: Helpdesk) -> Article:
    return write_article(
        helpdesk.li, title="Connect to the VPN", body="Open **VPN** and sign in.", desk=helpdesk.it
    )


def test_a_visitor_reads_the_global_knowledge_base_without_drafts(helpdesk, client):
    write_article(helpdesk.li, title="Reset your password")
    write_article(helpdesk.li, title="Half-written idea", publish=False)

    response = client.get("/knowledge/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Reset your password" in page
    assert "Half-written idea" not in page
    assert 'href="/desks/IT/knowledge/"' in page


def test_a_desk_page_lists_its_articles_in_the_readers_language_first_with_translations(
    helpdesk, client
):
    english = write_article(helpdesk.li, title="Printer jams", desk=helpdesk.it)
    chinese = write_article(
        helpdesk.li,
        title="打印机卡纸",
        language="zh-hans",
        desk=helpdesk.it,
        translation_of=english,
    )
    write_article(helpdesk.li, title="只有中文", language="zh-hans", desk=helpdesk.it)

    english_page = client.get("/desks/IT/knowledge/").content.decode()
    chinese_page = client.get("/desks/IT/knowledge/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    chinese_page = chinese_page.content.decode()

    assert "Printer jams" in english_page and "打印机卡纸" not in english_page
    assert f'href="/knowledge/articles/{chinese.pk}/" lang="zh-hans">也有中文版' in english_page
    assert english_page.index("Printer jams") < english_page.index("只有中文")
    assert "打印机卡纸" in chinese_page and "Printer jams" not in chinese_page
    assert f'href="/knowledge/articles/{english.pk}/" lang="en">Also in English' in chinese_page


def test_the_home_and_desk_pages_link_to_the_knowledge_base(helpdesk, client):
    assert 'href="/knowledge/"' in client.get("/").content.decode()
    assert 'href="/desks/IT/knowledge/"' in client.get("/desks/IT/").content.decode()


def test_an_unknown_desk_has_no_knowledge_page(helpdesk, client):
    assert client.get("/desks/NOPE/knowledge/").status_code == 404
    assert client.get("/desks/%00/knowledge/").status_code == 404


def test_the_search_finds_articles_with_safe_snippets(helpdesk, client, vpn):
    response = client.get("/desks/IT/knowledge/", {"q": "vpn"})

    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="/knowledge/articles/{vpn.pk}/"' in page
    assert "Results for “vpn”" in page


@pytest.mark.parametrize("query", ["!!! ??? ...", '"* OR (NEAR', "<script>alert(1)</script>"])
def test_a_search_of_punctuation_or_syntax_finds_nothing_and_breaks_nothing(
    helpdesk, client, vpn, query
):
    response = client.get("/knowledge/", {"q": query})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in page
    assert "Nothing matches" in page


def test_a_search_longer_than_a_question_is_refused(helpdesk, client, vpn):
    response = client.get("/knowledge/", {"q": "vpn " * 100})

    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


def test_an_empty_search_shows_the_shelves_only(helpdesk, client, vpn):
    page = client.get("/desks/IT/knowledge/", {"q": "   "}).content.decode()

    assert "Results for" not in page
    assert "Connect to the VPN" in page


def test_an_article_shows_its_sanitised_body_and_counts_a_view(helpdesk, client):
    article = write_article(
        helpdesk.li,
        title="Safe",
        body="Hello <script>alert(1)</script> [x](javascript:alert(2)) **bold**",
        desk=helpdesk.it,
    )

    response = client.get(f"/knowledge/articles/{article.pk}/", **BROWSER)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>bold</strong>" in page
    assert "<script>alert" not in page
    assert 'href="javascript:' not in page
    assert 'href="/desks/IT/"' in page  # still need help? raise a request
    article.refresh_from_db()
    assert article.view_count == 1


def test_crawlers_and_head_requests_are_not_counted_as_views(helpdesk, client, vpn):
    client.get(f"/knowledge/articles/{vpn.pk}/", HTTP_USER_AGENT="Googlebot/2.1")
    client.head(f"/knowledge/articles/{vpn.pk}/", **BROWSER)

    vpn.refresh_from_db()
    assert vpn.view_count == 0


def test_a_draft_or_an_unknown_article_is_not_found(helpdesk, signed_in, client):
    draft = write_article(helpdesk.li, title="Secret plan", desk=helpdesk.it, publish=False)

    assert signed_in(helpdesk.alice).get(f"/knowledge/articles/{draft.pk}/").status_code == 404
    assert client.get(f"/knowledge/articles/{draft.pk}/").status_code == 404
    assert client.get("/knowledge/articles/999999/").status_code == 404
    assert client.get("/knowledge/articles/99999999999999999999999/").status_code == 404
    # ...while the desk's agents, who write it, may read it (without "Was this helpful?").
    response = signed_in(helpdesk.li).get(f"/knowledge/articles/{draft.pk}/")
    assert response.status_code == 200
    assert "Was this helpful?" not in response.content.decode()


def test_an_article_of_an_inactive_desk_is_hidden_from_customers(helpdesk, signed_in, vpn):
    helpdesk.it.is_active = False
    helpdesk.it.save()

    response = signed_in(helpdesk.alice).get(f"/knowledge/articles/{vpn.pk}/")

    assert response.status_code == 404


def test_feedback_is_recorded_once_per_person(helpdesk, signed_in, vpn):
    customer = signed_in(helpdesk.alice)
    url = f"/knowledge/articles/{vpn.pk}/feedback/"

    first = customer.post(url, {"helpful": "yes", "comment": "Worked"})
    customer.post(url, {"helpful": "yes"})

    assert first.status_code == 302
    assert first["Location"] == f"/knowledge/articles/{vpn.pk}/?thanks=1#feedback"
    vpn.refresh_from_db()
    assert vpn.helpful_count == 1
    assert ArticleFeedback.objects.get().comment in ("Worked", "")


def test_feedback_with_htmx_answers_with_the_thanks_box(helpdesk, client, vpn):
    response = client.post(
        f"/knowledge/articles/{vpn.pk}/feedback/", {"helpful": "no"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "Thank you for your feedback." in response.content.decode()
    vpn.refresh_from_db()
    assert (vpn.helpful_count, vpn.unhelpful_count) == (0, 1)


@pytest.mark.parametrize(
    "data", [{}, {"helpful": "maybe"}, {"helpful": "yes", "comment": "x" * 2001}]
)
def test_bad_feedback_is_refused_and_writes_nothing(helpdesk, client, vpn, data):
    response = client.post(f"/knowledge/articles/{vpn.pk}/feedback/", data)

    assert response.status_code == 400
    assert not ArticleFeedback.objects.exists()


def test_feedback_needs_the_csrf_token(helpdesk, vpn):
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"/knowledge/articles/{vpn.pk}/feedback/", {"helpful": "yes"})

    assert response.status_code == 403
    assert not ArticleFeedback.objects.exists()


def test_feedback_on_a_draft_is_not_found(helpdesk, client):
    draft = write_article(helpdesk.li, title="Secret", desk=helpdesk.it, publish=False)

    response = client.post(f"/knowledge/articles/{draft.pk}/feedback/", {"helpful": "yes"})

    assert response.status_code == 404
    assert draft.status == ArticleStatus.DRAFT and not ArticleFeedback.objects.exists()


def _shelved(helpdesk, count):
    for number in range(count):
        write_article(helpdesk.li, title=f"Article {number}", desk=helpdesk.it)


@pytest.mark.parametrize("count", [2, 12])
def test_the_knowledge_page_reads_in_the_same_queries_however_many_articles(
    helpdesk, client, django_assert_max_num_queries, count
):
    _shelved(helpdesk, count)
    # The catalogue and the vector index are loaded once per process.
    client.get("/desks/IT/knowledge/", {"q": "article"})

    # The search by meaning adds two: the vector index's version, the documents it found.
    with django_assert_max_num_queries(8):
        response = client.get("/desks/IT/knowledge/", {"q": "article"})

    assert response.content.decode().count('href="/knowledge/articles/') >= count
