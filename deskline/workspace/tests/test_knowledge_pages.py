"""The workspace's knowledge base: the article list and editor, for the desk's agents only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deskline.knowledge import actions
from deskline.knowledge.models import Article, ArticleAttachment, ArticleStatus, ArticleVersion
from deskline.testing.scenario import Helpdesk
from deskline.workspace.tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def write_article(author, *, title, desk=None, publish=False, **extra) -> Article:
    extra.setdefault("body", "Step one.")
    extra.setdefault("language", "en")
    article = actions.article_create(actor=author, title=title, desk=desk, **extra)
    if publish:
        article = actions.article_publish(actor=author, article=article)
    return article


def article_values(**changes):
    values = {
        "title": "Reset a password",
        "body": "Open **Settings**.",
        "language": "en",
        "desk": "IT",
        "category": "",
        "translation_of": "",
        "review_on": "",
        "note": "",
    }
    values.update(changes)
    return values


@pytest.mark.parametrize(
    "path", ["/agent/knowledge/", "/agent/knowledge/new/", "/agent/knowledge/deflection/"]
)
def test_customers_may_not_open_the_workspace_knowledge_pages(helpdesk: Helpdesk, path):
    assert signed_in(helpdesk.alice).get(path).status_code == 403


def test_visitors_are_sent_to_sign_in(helpdesk: Helpdesk, client):
    response = client.get("/agent/knowledge/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_list_shows_my_desks_and_global_articles_with_drafts(helpdesk: Helpdesk):
    write_article(helpdesk.li, title="IT draft", desk=helpdesk.it)
    write_article(helpdesk.li, title="Global published", publish=True)
    write_article(helpdesk.hana, title="HR draft", desk=helpdesk.hr)

    page = signed_in(helpdesk.li).get("/agent/knowledge/").content.decode()

    assert "IT draft" in page and "Global published" in page
    assert "HR draft" not in page


def test_the_list_filters_by_status_language_desk_and_review(helpdesk: Helpdesk):
    write_article(helpdesk.li, title="Draft one", desk=helpdesk.it)
    published = write_article(helpdesk.li, title="Published one", desk=helpdesk.it, publish=True)
    write_article(helpdesk.li, title="中文文章", desk=helpdesk.it, language="zh-hans")
    actions.article_flag_outdated(actor=helpdesk.li, article=published, reason="New VPN")
    agent = signed_in(helpdesk.li)

    published_page = agent.get("/agent/knowledge/", {"status": "published"}).content.decode()
    chinese_page = agent.get("/agent/knowledge/", {"language": "zh-hans"}).content.decode()
    outdated_page = agent.get("/agent/knowledge/", {"review": "outdated"}).content.decode()
    due_page = agent.get("/agent/knowledge/", {"review": "due", "desk": "IT"}).content.decode()
    global_page = agent.get("/agent/knowledge/", {"desk": "global"}).content.decode()

    assert "Published one" in published_page and "Draft one" not in published_page
    assert "中文文章" in chinese_page and "Draft one" not in chinese_page
    assert "Published one" in outdated_page and "Draft one" not in outdated_page
    assert "Published one" in due_page and "Draft one" not in due_page
    assert "No articles match." in global_page


@pytest.mark.parametrize(
    "params", [{"status": "gone"}, {"language": "fr"}, {"desk": "HR"}, {"review": "soon"}]
)
def test_bad_filters_are_refused(helpdesk: Helpdesk, params):
    response = signed_in(helpdesk.li).get("/agent/knowledge/", params)

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


def test_an_agent_writes_a_draft(helpdesk: Helpdesk):
    response = signed_in(helpdesk.li).post("/agent/knowledge/new/", article_values())

    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/agent/knowledge/{article.pk}/"
    assert (article.title, article.status, article.desk_id, article.owner_id) == (
        "Reset a password",
        ArticleStatus.DRAFT,
        helpdesk.it.pk,
        helpdesk.li.pk,
    )
    assert "<strong>Settings</strong>" in article.body_html


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": ""}, "title"),
        ({"body": ""}, "body"),
        ({"language": "fr"}, "language"),
        ({"desk": "HR"}, None),
        ({"desk": "NOPE"}, "desk"),
        ({"category": "abc"}, "category"),
        ({"category": "999999"}, "category"),
        ({"translation_of": "x"}, "translation_of"),
        ({"translation_of": "999999"}, "translation_of"),
        ({"review_on": "tomorrow"}, "review_on"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_bad_articles_are_refused_and_nothing_is_written(helpdesk: Helpdesk, changes, field):
    response = signed_in(helpdesk.li).post("/agent/knowledge/new/", article_values(**changes))

    assert response.status_code in (400, 403)
    assert not Article.objects.exists()
    if field:
        assert f'id="article-{field.replace("_", "-")}-error"' in response.content.decode()


def test_editing_makes_a_new_version_listed_with_its_author(helpdesk: Helpdesk):
    article = write_article(helpdesk.li, title="Old title", desk=helpdesk.it)
    agent = signed_in(helpdesk.li)

    response = agent.post(
        f"/agent/knowledge/{article.pk}/",
        article_values(title="New title", note="Clearer", version=str(article.version)),
    )
    page = agent.get(f"/agent/knowledge/{article.pk}/").content.decode()

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.version) == ("New title", 2)
    assert ArticleVersion.objects.filter(article=article).count() == 2
    assert "Clearer" in page and "v2" in page


def test_a_stale_edit_is_a_conflict(helpdesk: Helpdesk):
    article = write_article(helpdesk.li, title="Old title", desk=helpdesk.it)
    actions.article_update(actor=helpdesk.li, article=article, title="Someone else's")

    response = signed_in(helpdesk.li).post(
        f"/agent/knowledge/{article.pk}/", article_values(title="Mine", version="1")
    )

    assert response.status_code == 409
    article.refresh_from_db()
    assert article.title == "Someone else's"


def test_publish_archive_flag_and_review(helpdesk: Helpdesk):
    article = write_article(helpdesk.li, title="Lifecycle", desk=helpdesk.it)
    agent = signed_in(helpdesk.li)
    base = f"/agent/knowledge/{article.pk}"

    agent.post(f"{base}/publish/")
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    agent.post(f"{base}/outdated/", {"reason": "The VPN changed"})
    article.refresh_from_db()
    assert (article.is_outdated, article.outdated_reason) == (True, "The VPN changed")
    agent.post(f"{base}/reviewed/")
    article.refresh_from_db()
    assert article.is_outdated is False and article.review_on is not None
    agent.post(f"{base}/archive/")
    article.refresh_from_db()
    assert article.status == ArticleStatus.ARCHIVED


def test_an_agent_of_another_desk_may_not_edit_or_publish(helpdesk: Helpdesk):
    draft = write_article(helpdesk.li, title="IT draft", desk=helpdesk.it)
    published = write_article(helpdesk.li, title="IT published", desk=helpdesk.it, publish=True)
    other = signed_in(helpdesk.hana)

    assert other.get(f"/agent/knowledge/{draft.pk}/").status_code == 404
    assert other.post(f"/agent/knowledge/{draft.pk}/publish/").status_code == 404
    assert other.get(f"/agent/knowledge/{published.pk}/").status_code == 403
    assert other.post(f"/agent/knowledge/{published.pk}/archive/").status_code == 403
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.status, published.status) == (ArticleStatus.DRAFT, ArticleStatus.PUBLISHED)


@pytest.mark.parametrize("article_id", ["999999", "99999999999999999999999"])
def test_an_unknown_article_is_not_found(helpdesk: Helpdesk, article_id):
    assert signed_in(helpdesk.li).get(f"/agent/knowledge/{article_id}/").status_code == 404


def test_the_editor_previews_with_the_workspace_preview(helpdesk: Helpdesk):
    page = signed_in(helpdesk.li).get("/agent/knowledge/new/").content.decode()

    assert 'hx-post="/agent/preview/" hx-include="#article-body"' in page


def test_a_file_is_attached(helpdesk: Helpdesk, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    article = write_article(helpdesk.li, title="With a file", desk=helpdesk.it, publish=True)
    upload = SimpleUploadedFile("notes.txt", b"plain text", content_type="text/plain")

    response = signed_in(helpdesk.li).post(
        f"/agent/knowledge/{article.pk}/files/", {"file": upload}
    )

    assert response.status_code == 302
    attachment = ArticleAttachment.objects.get()
    assert attachment.filename == "notes.txt"
    download = signed_in(helpdesk.alice).get(
        f"/knowledge/articles/{article.pk}/files/{attachment.pk}/"
    )
    assert download.status_code == 200
    assert download.getvalue() == b"plain text"


def test_a_refused_file_writes_nothing(helpdesk: Helpdesk, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    article = write_article(helpdesk.li, title="With a file", desk=helpdesk.it)

    response = signed_in(helpdesk.li).post(
        f"/agent/knowledge/{article.pk}/files/",
        {
            "file": SimpleUploadedFile(
                "run.exe", b"MZ\x90\x00", content_type="application/x-msdownload"
            )
        },
    )

    assert response.status_code in (302, 400)
    assert not ArticleAttachment.objects.exists()
