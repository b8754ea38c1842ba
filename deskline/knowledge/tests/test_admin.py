"""The configuration screens of articles and categories write through the knowledge actions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deskline.accounts.models import Role
from deskline.knowledge.actions import article_create
from deskline.knowledge.models import Article, ArticleStatus, Category
from deskline.search.documents import ARTICLE, search_documents
from deskline.testing.admin_forms import form_data, signed_in
from deskline.testing.factories import make_user
from deskline.testing.scenario import Helpdesk


def test_site_admin_adds_a_published_article_through_the_action(helpdesk: Helpdesk) -> None:
    client = signed_in(helpdesk.admin)
    page = client.get(reverse("admin:knowledge_article_add"))
    assert page.status_code == 200
    data = form_data(page) | {
        "title": "Book a meeting room", "body": "Use **Rooms** in Outlook.", "language": "en",
        "desk": str(helpdesk.it.pk), "status": "published", "owner": str(helpdesk.li.pk),
    }  # fmt: skip

    answer = client.post(reverse("admin:knowledge_article_add"), data)

    assert answer.status_code == 302, answer.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.status == ArticleStatus.PUBLISHED and article.versions.count() == 1
    assert "<strong>Rooms</strong>" in article.body_html
    assert [hit.object_id for hit in search_documents("meeting", kinds=[ARTICLE])] == [article.pk]


def test_a_refused_change_shows_on_the_form_and_writes_nothing(helpdesk: Helpdesk) -> None:
    article = article_create(
        actor=helpdesk.li, title="Printers", body="Choose one.", language="en", desk=helpdesk.it
    )
    client = signed_in(helpdesk.admin)
    url = reverse("admin:knowledge_article_change", args=[article.pk])
    data = form_data(client.get(url)) | {"owner": str(helpdesk.alice.pk), "title": "Changed"}

    answer = client.post(url, data)

    assert answer.status_code == 200
    assert "owner" in answer.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.title == "Printers" and article.version == 1


def test_desk_admin_sees_only_their_desks_articles(helpdesk: Helpdesk) -> None:
    dana = make_user(role=Role.DESK_ADMIN, teams=[helpdesk.people])
    it_article = article_create(
        actor=helpdesk.li, title="VPN", body="Connect.", language="en", desk=helpdesk.it
    )
    hr_article = article_create(
        actor=helpdesk.hana, title="Leave", body="Ask.", language="en", desk=helpdesk.hr
    )
    client = signed_in(dana)

    listing = client.get(reverse("admin:knowledge_article_changelist"))
    assert list(listing.context["cl"].queryset) == [hr_article]
    other = client.get(reverse("admin:knowledge_article_change", args=[it_article.pk]))
    assert other.status_code == 404


def test_desk_admin_adds_a_category_of_their_desk(helpdesk: Helpdesk) -> None:
    dana = make_user(role=Role.DESK_ADMIN, teams=[helpdesk.people])
    client = signed_in(dana)
    page = client.get(reverse("admin:knowledge_category_add"))
    data = form_data(page) | {"name": "Leave", "desk": str(helpdesk.hr.pk), "position": "1"}

    answer = client.post(reverse("admin:knowledge_category_add"), data)

    assert answer.status_code == 302
    assert Category.objects.get().desk == helpdesk.hr
    refused = client.post(
        reverse("admin:knowledge_category_add"), data | {"desk": str(helpdesk.it.pk)}
    )
    assert refused.status_code == 200
    assert Category.objects.count() == 1


@pytest.mark.parametrize("name", ["knowledge_article", "knowledge_category"])
def test_customers_do_not_reach_the_screens(helpdesk: Helpdesk, name: str) -> None:
    answer = signed_in(helpdesk.alice).get(reverse(f"admin:{name}_changelist"))
    assert answer.status_code == 302
