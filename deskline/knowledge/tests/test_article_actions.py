"""Writing articles: who may, what is checked, versions and the search index."""

from __future__ import annotations

import pytest

from deskline.core.errors import Conflict, DomainError, PermissionDenied
from deskline.knowledge.actions import (
    KnowledgeError,
    article_archive,
    article_create,
    article_flag_outdated,
    article_mark_reviewed,
    article_publish,
    article_restore_draft,
    article_update,
)
from deskline.knowledge.models import Article, ArticleStatus, ArticleVersion
from deskline.search.documents import ARTICLE, search_documents
from deskline.search.models import SearchDocument
from deskline.testing.scenario import Helpdesk


def _article(helpdesk: Helpdesk, **extra: object) -> Article:
    values: dict[str, object] = {
        "actor": helpdesk.li,
        "title": "Connect to the office VPN",
        "body": "Open **Settings**, then choose *VPN*.",
        "language": "en",
        "desk": helpdesk.it,
    }
    values.update(extra)
    return article_create(**values)  # type: ignore[arg-type]


def test_agent_creates_a_draft_with_its_first_version_and_no_index_row(helpdesk: Helpdesk) -> None:
    article = _article(helpdesk)

    assert article.status == ArticleStatus.DRAFT
    assert article.owner == helpdesk.li
    assert article.body_html == "<p>Open <strong>Settings</strong>, then choose <em>VPN</em>.</p>\n"
    assert list(article.versions.values_list("number", "title")) == [
        (1, "Connect to the office VPN")
    ]
    assert not SearchDocument.objects.filter(kind=ARTICLE, object_id=article.pk).exists()


def test_publishing_makes_it_findable_and_archiving_removes_it(helpdesk: Helpdesk) -> None:
    article = _article(helpdesk)

    article_publish(actor=helpdesk.li, article=article)
    assert article.status == ArticleStatus.PUBLISHED and article.published_at is not None
    assert [hit.object_id for hit in search_documents("VPN", kinds=[ARTICLE])] == [article.pk]

    article_archive(actor=helpdesk.li, article=article)
    assert search_documents("VPN", kinds=[ARTICLE]) == []

    article_restore_draft(actor=helpdesk.li, article=article)
    assert article.status == ArticleStatus.DRAFT
    assert search_documents("VPN", kinds=[ARTICLE]) == []


def test_script_in_markdown_is_neutralised(helpdesk: Helpdesk) -> None:
    article = _article(
        helpdesk,
        body='<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="alert(1)">',
    )

    assert "<script" not in article.body_html
    assert "href" not in article.body_html
    assert "<img" not in article.body_html


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"title": ""}, "title_required"),
        ({"title": "x" * 201}, "title_too_long"),
        ({"body": "   "}, "body_required"),
        ({"body": "x" * 100_001}, "text_too_long"),
        ({"language": "fr"}, "invalid_language"),
        ({"status": "archived"}, "invalid_status"),
        ({"desk": "NOPE"}, "unknown_desk"),
        ({"category": 999_999}, "unknown_category"),
        ({"translation_of": 999_999}, "unknown_translation_of"),
        ({"review_on": "tomorrow"}, "invalid_review_on"),
        ({"title": "nul \x00 char"}, "invalid_text"),
    ],
)
def test_bad_input_writes_nothing(helpdesk: Helpdesk, changes: dict, code: str) -> None:
    with pytest.raises(KnowledgeError) as raised:
        _article(helpdesk, **changes)

    assert raised.value.code == code
    assert raised.value.fields
    assert Article.objects.count() == 0 and ArticleVersion.objects.count() == 0


def test_customer_and_agent_of_another_desk_may_not_write(helpdesk: Helpdesk) -> None:
    with pytest.raises(PermissionDenied):
        _article(helpdesk, actor=helpdesk.alice)
    with pytest.raises(PermissionDenied):
        _article(helpdesk, actor=helpdesk.hana)
    article = _article(helpdesk)
    with pytest.raises(PermissionDenied):
        article_update(actor=helpdesk.hana, article=article, title="Mine now")
    with pytest.raises(PermissionDenied):
        article_publish(actor=helpdesk.alice, article=article)

    article.refresh_from_db()
    assert article.title == "Connect to the office VPN" and article.status == "draft"


def test_any_agent_writes_global_articles(helpdesk: Helpdesk) -> None:
    article = _article(helpdesk, actor=helpdesk.hana, desk=None)

    assert article.desk is None
    with pytest.raises(PermissionDenied):
        _article(helpdesk, actor=helpdesk.alice, desk=None)


def test_editing_the_text_is_a_new_version_and_reindexes(helpdesk: Helpdesk) -> None:
    article = _article(helpdesk, status="published")

    article_update(
        actor=helpdesk.li, article=article, title="Connect to the WireGuard tunnel", note="renamed"
    )
    article_update(actor=helpdesk.li, article=article, review_on="2027-01-31")

    assert article.version == 2
    assert list(article.versions.values_list("number", "note")) == [(2, "renamed"), (1, "")]
    assert [hit.object_id for hit in search_documents("WireGuard", kinds=[ARTICLE])] == [article.pk]
    assert str(article.review_on) == "2027-01-31"


def test_a_stale_version_is_refused(helpdesk: Helpdesk) -> None:
    article = _article(helpdesk)
    article_update(actor=helpdesk.li, article=article, title="Second title")

    with pytest.raises(Conflict):
        article_update(actor=helpdesk.li, article=article, title="Third", expected_version=1)
    article.refresh_from_db()
    assert article.title == "Second title"


def test_unknown_change_is_refused(helpdesk: Helpdesk) -> None:
    article = _article(helpdesk)
    with pytest.raises(KnowledgeError) as raised:
        article_update(actor=helpdesk.li, article=article, view_count=10**6)
    assert raised.value.code == "not_updatable"


def test_translations_share_a_group_with_one_article_per_language(helpdesk: Helpdesk) -> None:
    english = _article(helpdesk)
    chinese = _article(
        helpdesk, title="连接办公室 VPN", body="打开设置，选择 VPN。", language="zh-Hans",
        translation_of=english,
    )  # fmt: skip

    assert chinese.language == "zh-hans" and chinese.translation_of == english
    with pytest.raises(KnowledgeError) as raised:
        _article(helpdesk, language="zh-hans", translation_of=chinese)
    assert raised.value.code == "translation_exists"
    with pytest.raises(KnowledgeError) as raised:
        article_update(actor=helpdesk.li, article=chinese, language="en")
    assert raised.value.code == "translation_exists"


def test_category_must_be_of_the_desk_or_global(helpdesk: Helpdesk) -> None:
    from deskline.knowledge.actions import category_create

    hr_category = category_create(actor=helpdesk.admin, name="Leave", desk=helpdesk.hr)
    global_category = category_create(actor=helpdesk.admin, name="General")

    with pytest.raises(KnowledgeError) as raised:
        _article(helpdesk, category=hr_category)
    assert raised.value.code == "category_of_other_desk"
    assert _article(helpdesk, category=global_category.pk).category == global_category


def test_agents_flag_outdated_and_writers_mark_reviewed(helpdesk: Helpdesk) -> None:
    article = _article(helpdesk, status="published")

    with pytest.raises(PermissionDenied):
        article_flag_outdated(actor=helpdesk.alice, article=article, reason="old")
    article_flag_outdated(actor=helpdesk.hana, article=article, reason="The VPN client changed")
    assert article.is_outdated and article.outdated_reason == "The VPN client changed"

    with pytest.raises(PermissionDenied):
        article_mark_reviewed(actor=helpdesk.hana, article=article)
    article_mark_reviewed(actor=helpdesk.li, article=article)
    assert not article.is_outdated and article.review_on is not None


def test_errors_speak_the_active_language(helpdesk: Helpdesk) -> None:
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(DomainError) as raised:
        _article(helpdesk, language="fr")
    assert raised.value.as_dict()["code"] == "invalid_language"
    with translation.override("zh-hans"):
        assert raised.value.as_dict()["message"] == "请选择英语（en）或简体中文（zh-Hans）。"
