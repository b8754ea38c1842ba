"""API v1 articles: CONTRACT.md's shapes, who may do what, bad input, bounded queries."""

from __future__ import annotations

import pytest

from deskline.knowledge.actions import article_create
from deskline.knowledge.models import Article
from deskline.testing.factories import ApiClient
from deskline.testing.scenario import Helpdesk

NEW = {"title": "Set up e-mail on your phone", "body": "Open **Mail**.", "language": "en",
       "desk": "IT"}  # fmt: skip


def test_agent_creates_reads_edits_and_publishes(helpdesk: Helpdesk) -> None:
    api = ApiClient(helpdesk.li)

    created = api.post("/articles", NEW)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["id"] > 0 and body["status"] == "draft" and body["language"] == "en"
    assert body["body_html"] == "<p>Open <strong>Mail</strong>.</p>\n"

    changed = api.patch(f"/articles/{body['id']}", {"title": "Mail on your phone", "version": 1})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = api.patch(f"/articles/{body['id']}", {"title": "Again", "version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"

    published = api.post(f"/articles/{body['id']}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    found = api.get("/articles", {"q": "phone"}).json()
    assert [(i["id"], i["title"], i["language"]) for i in found["items"]] == [
        (body["id"], "Mail on your phone", "en")
    ]
    assert "snippet" in found["items"][0] and found["next_cursor"] is None

    archived = api.post(f"/articles/{body['id']}/archive")
    assert archived.json()["status"] == "archived"
    assert api.get("/articles", {"q": "phone"}).json()["items"] == []


def test_chinese_translation_in_the_api_language(helpdesk: Helpdesk) -> None:
    api = ApiClient(helpdesk.li)
    english = api.post("/articles", NEW).json()

    chinese = api.post(
        "/articles",
        {"title": "在手机上设置邮件", "body": "打开邮件。", "language": "zh-Hans", "desk": "IT",
         "translation_of": english["id"]},
    )  # fmt: skip

    assert chinese.status_code == 201
    assert chinese.json()["language"] == "zh-Hans"
    assert Article.objects.get(pk=chinese.json()["id"]).language == "zh-hans"
    detail = api.get(f"/articles/{english['id']}").json()
    assert [(t["id"], t["language"]) for t in detail["translations"]] == [
        (chinese.json()["id"], "zh-Hans")
    ]


def test_customer_cannot_create_and_cannot_see_drafts(helpdesk: Helpdesk) -> None:
    draft = ApiClient(helpdesk.li).post("/articles", NEW).json()
    api = ApiClient(helpdesk.alice)

    refused = api.post("/articles", NEW)
    assert refused.status_code == 403 and refused.json()["code"] == "article_write_denied"
    assert api.get(f"/articles/{draft['id']}").status_code == 404
    assert api.get("/articles").json()["items"] == []
    assert api.patch(f"/articles/{draft['id']}", {"title": "x"}).status_code == 404
    assert Article.objects.count() == 1


def test_agent_of_another_desk_reads_published_but_cannot_edit(helpdesk: Helpdesk) -> None:
    article = ApiClient(helpdesk.li).post("/articles", NEW | {"status": "published"}).json()
    api = ApiClient(helpdesk.hana)

    assert api.get(f"/articles/{article['id']}").status_code == 200
    refused = api.patch(f"/articles/{article['id']}", {"title": "Taken over"})
    assert refused.status_code == 403 and refused.json()["code"] == "article_read_only"
    assert api.post(f"/articles/{article['id']}/archive").status_code == 403
    assert Article.objects.get().title == NEW["title"]


def test_anonymous_is_refused(helpdesk: Helpdesk) -> None:
    assert ApiClient(None).get("/articles").status_code == 401


def test_html_and_script_in_markdown_are_neutralised(helpdesk: Helpdesk) -> None:
    body = (
        ApiClient(helpdesk.li)
        .post("/articles", NEW | {"body": "<script>alert(1)</script>\n\n[x](javascript:alert(1))"})
        .json()
    )

    assert "<script" not in body["body_html"]
    assert 'href="javascript' not in body["body_html"]


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"q": "x" * 201}, 400, "invalid_filter"),
        ({"language": "fr"}, 400, "invalid_filter"),
        ({"status": "gone"}, 400, "invalid_filter"),
        ({"desk": "NOPE"}, 400, "invalid_filter"),
        ({"limit": 201}, 400, "invalid_filter"),
        ({"cursor": "garbage"}, 400, "invalid_cursor"),
    ],
)
def test_bad_list_filters(helpdesk: Helpdesk, params: dict, status: int, code: str) -> None:
    answer = ApiClient(helpdesk.li).get("/articles", params)
    assert answer.status_code == status and answer.json()["code"] == code


@pytest.mark.parametrize("q", ["", "   ", "!!!", '?*"()', "AND OR NOT", "title:* NEAR(a b)"])
def test_empty_punctuation_and_search_syntax_find_nothing_or_as_text(
    helpdesk: Helpdesk, q: str
) -> None:
    article_create(
        actor=helpdesk.li, title="Printer", body="Paper jam", language="en", desk=helpdesk.it,
        status="published",
    )  # fmt: skip
    answer = ApiClient(helpdesk.li).get("/articles", {"q": q})
    assert answer.status_code == 200
    assert answer.json()["items"] == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"title": ""}, "title_required"),
        ({"language": "de"}, "invalid_language"),
        ({"status": "archived"}, "invalid_status"),
        ({"desk": "NOPE"}, "unknown_desk"),
        ({"unknown": 1}, "invalid_input"),
        ({"category": 0}, "invalid_input"),
    ],
)
def test_bad_create_input(helpdesk: Helpdesk, change: dict, code: str) -> None:
    answer = ApiClient(helpdesk.li).post("/articles", NEW | change)
    assert answer.status_code == 400 and answer.json()["code"] == code
    assert set(answer.json()) == {"code", "message", "fields"}
    assert Article.objects.count() == 0


def test_pages_follow_the_cursor_newest_first(helpdesk: Helpdesk) -> None:
    api = ApiClient(helpdesk.li)
    ids = [api.post("/articles", NEW | {"title": f"Article {n}"}).json()["id"] for n in range(5)]

    first = api.get("/articles", {"limit": 2}).json()
    second = api.get("/articles", {"limit": 2, "cursor": first["next_cursor"]}).json()
    last = api.get("/articles", {"limit": 2, "cursor": second["next_cursor"]}).json()

    seen = [item["id"] for page in (first, second, last) for item in page["items"]]
    assert seen == ids[::-1] and last["next_cursor"] is None


def test_list_and_search_queries_are_bounded(
    helpdesk: Helpdesk, django_assert_max_num_queries: object
) -> None:
    for n in range(3):
        article_create(
            actor=helpdesk.li, title=f"VPN tip {n}", body="Tunnel", language="en",
            desk=helpdesk.it, status="published",
        )  # fmt: skip
    api = ApiClient(helpdesk.li)
    api.get("/articles")  # warm the token and catalogue caches
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        assert len(api.get("/articles").json()["items"]) == 3
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        assert len(api.get("/articles", {"q": "VPN"}).json()["items"]) == 3
    for n in range(10):
        article_create(
            actor=helpdesk.li, title=f"VPN more {n}", body="Tunnel", language="en",
            desk=helpdesk.it, status="published",
        )  # fmt: skip
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        assert len(api.get("/articles").json()["items"]) == 13
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        assert len(api.get("/articles", {"q": "VPN"}).json()["items"]) == 13


def test_list_answers_match_the_documented_schema(helpdesk: Helpdesk) -> None:
    from deskline.api.article_schemas import ArticlePage

    article_create(
        actor=helpdesk.li, title="Printer jam", body="Open tray 2.", language="en",
        desk=helpdesk.it, status="published",
    )  # fmt: skip
    api = ApiClient(helpdesk.li)
    for params in ({}, {"q": "printer"}):
        page = ArticlePage.model_validate(api.get("/articles", params).json())
        assert len(page.items) == 1
        assert page.items[0].updated_at.utcoffset() is not None


def test_detail_queries_are_bounded(
    helpdesk: Helpdesk, django_assert_max_num_queries: object
) -> None:
    english = article_create(
        actor=helpdesk.li, title="VPN", body="Connect.", language="en", desk=helpdesk.it,
        status="published",
    )  # fmt: skip
    article_create(
        actor=helpdesk.li, title="VPN 连接", body="连接。", language="zh-hans", desk=helpdesk.it,
        status="published", translation_of=english,
    )  # fmt: skip
    api = ApiClient(helpdesk.alice)
    api.get(f"/articles/{english.pk}")
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        body = api.get(f"/articles/{english.pk}").json()
    assert body["owner"] == helpdesk.li.email and len(body["translations"]) == 1
