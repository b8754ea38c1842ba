"""The knowledge base clicked through in Chromium: the help center's knowledge pages on a phone
and a laptop in English and Chinese, suggestions while typing a request's summary (and the
steps they count), and the agent's Knowledge panel, editor and deflection report. Screenshots
go to var/screenshots/knowledge-*."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from deskline.e2e.tests.conftest import screenshot, sign_in, watch
from deskline.e2e.tests.layout import measure
from deskline.knowledge import actions
from deskline.knowledge.models import Article, DeflectionEvent, DeflectionKind
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk
from deskline.tickets.models import Ticket

PHONE, LAPTOP = (390, 844), (1366, 768)
# Headless Chromium names itself so, and the help center does not count crawlers' visits: the
# browser says what a person's Chrome says.
PERSON = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
}
LANGUAGES = {"en-US": "en", "zh-CN": "zh"}
VPN_BODY = """Connect from home in three steps:

1. Open the **VPN** client.
2. Sign in with your company account.
3. Choose *Shanghai office*.

If it still fails, raise a request with the error message."""
VPN_BODY_ZH = """三步从家里连接：

1. 打开 **VPN** 客户端。
2. 用公司账号登录。
3. 选择“上海办公室”。"""


def words(text: str, language: str) -> str:
    """`text` as the interface shows it in `language` ("en" or "zh")."""
    with translation.override("zh-hans" if language == "zh" else "en"):
        return translation.gettext(text)


def knowledge(helpdesk: Helpdesk) -> dict[str, Article]:
    """A desk article in English with its Chinese translation, and a global one."""
    category = actions.category_create(
        actor=helpdesk.admin,
        name="Network",
        desk=helpdesk.it,
        translations={"zh-hans": {"name": "网络"}},
    )
    vpn = actions.article_create(
        actor=helpdesk.li,
        title="Connect to the VPN from home",
        body=VPN_BODY,
        language="en",
        desk=helpdesk.it,
        category=category,
        status="published",
    )
    vpn_zh = actions.article_create(
        actor=helpdesk.li,
        title="在家连接 VPN",
        body=VPN_BODY_ZH,
        language="zh-hans",
        desk=helpdesk.it,
        category=category,
        translation_of=vpn,
        status="published",
    )
    password = actions.article_create(
        actor=helpdesk.li,
        title="Change your password",
        body="Open *Settings*, then *Security*.",
        language="en",
        status="published",
    )
    return {"vpn": vpn, "vpn_zh": vpn_zh, "password": password}


def look_at(page: Page, url: str, name: str) -> list[str]:
    """Open `url`, screenshot it, and say what is wrong with its layout ([] when nothing)."""
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("networkidle")
    screenshot(page, name)
    return layout_problems(page, name)


def layout_problems(page: Page, name: str) -> list[str]:
    found = measure(page)
    wrong = [f"{name}: {problem}" for problem in found.broken]
    if found.scrolls_sideways:
        wrong.append(f"{name}: {found.scroll_width} px wide in a {found.inner_width} px window")
    return wrong


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_knowledge_base_reads_well_on_a_phone_and_a_laptop(
    open_page, helpdesk: Helpdesk, locale: str
):
    articles = knowledge(helpdesk)
    language = LANGUAGES[locale]
    visitor = open_page(locale=locale, viewport=PHONE, time_zone="Asia/Shanghai")
    visitor.context.set_extra_http_headers(PERSON)
    problems = watch(visitor)
    wrong: list[str] = []
    shown = articles["vpn_zh"] if language == "zh" else articles["vpn"]

    for width, height in (PHONE, LAPTOP):
        size = f"{language}-{width}"
        visitor.set_viewport_size({"width": width, "height": height})
        wrong += look_at(visitor, "/knowledge/", f"knowledge-hc-global-{size}")
        wrong += look_at(visitor, "/desks/IT/knowledge/", f"knowledge-hc-desk-{size}")
        expect(visitor.get_by_role("link", name=shown.title)).to_be_visible()
        wrong += look_at(visitor, "/desks/IT/knowledge/?q=VPN", f"knowledge-hc-search-{size}")
        expect(visitor.locator(".knowledge-results a").first).to_be_visible()
        wrong += look_at(
            visitor, f"/knowledge/articles/{shown.pk}/", f"knowledge-hc-article-{size}"
        )

    # "Was this helpful?" answered with htmx: the box thanks in place.
    visitor.get_by_role("button", name=words("Yes", language), exact=True).click()
    expect(visitor.locator("#feedback [role=status]")).to_be_visible()
    screenshot(visitor, f"knowledge-hc-article-thanks-{language}")
    # The translation is one click away.
    visitor.get_by_role(
        "link", name="Also in English" if language == "zh" else "也有中文版"
    ).click()
    other = articles["vpn"] if language == "zh" else articles["vpn_zh"]
    expect(visitor.get_by_role("heading", level=1)).to_have_text(other.title)

    shown.refresh_from_db()
    assert shown.helpful_count == 1 and shown.view_count == 2
    assert not wrong, "\n".join(wrong)
    assert problems.violations == [] and problems.failed_requests == []


@pytest.mark.parametrize("locale", LANGUAGES)
def test_suggestions_while_typing_count_shown_opened_and_submitted(
    open_page, helpdesk: Helpdesk, locale: str
):
    articles = knowledge(helpdesk)
    language = LANGUAGES[locale]
    customer = open_page(locale=locale, viewport=PHONE, time_zone="Asia/Shanghai")
    customer.context.set_extra_http_headers(PERSON)
    problems = watch(customer)
    sign_in(customer, helpdesk.alice)
    customer.goto(f"/desks/IT/new/{helpdesk.password_reset.pk}/")

    customer.locator("#id_summary").press_sequentially("VPN fails", delay=30)
    box = customer.locator("#article-suggestions")
    expect(box.locator("a").first).to_be_visible()
    screenshot(customer, f"knowledge-hc-suggestions-{language}-390")
    customer.set_viewport_size({"width": LAPTOP[0], "height": LAPTOP[1]})
    screenshot(customer, f"knowledge-hc-suggestions-{language}-1366")
    wrong = layout_problems(customer, "suggestions")

    with customer.context.expect_page() as opened:
        box.locator("a").first.click()
    article_page = opened.value
    article_page.wait_for_load_state()
    expect(article_page.get_by_role("heading", level=1)).to_be_visible()

    customer.get_by_role("button", name=words("Send request", language)).click()
    expect(customer).to_have_url(re.compile(r"/requests/IT-\d+/$"))

    journeys = set(DeflectionEvent.objects.values_list("journey", flat=True))
    kinds = set(DeflectionEvent.objects.values_list("kind", flat=True))
    assert len(journeys) == 1 and len(next(iter(journeys))) >= 16
    assert kinds == {DeflectionKind.SUGGESTED, DeflectionKind.OPENED, DeflectionKind.SUBMITTED}
    assert Ticket.objects.count() == 1
    opened_article = DeflectionEvent.objects.get(kind=DeflectionKind.OPENED).article
    assert opened_article in (articles["vpn"], articles["vpn_zh"])
    assert not wrong, "\n".join(wrong)
    assert problems.violations == [] and problems.failed_requests == []


@pytest.mark.parametrize("locale", LANGUAGES)
def test_an_agent_answers_with_an_article_and_writes_one_from_a_ticket(
    open_page, helpdesk: Helpdesk, locale: str
):
    articles = knowledge(helpdesk)
    language = LANGUAGES[locale]
    ticket = make_ticket(
        desk=helpdesk.it,
        request_type=helpdesk.password_reset,
        reporter=helpdesk.alice,
        summary="VPN",
    )
    agent = open_page(locale=locale, viewport=LAPTOP, time_zone="Asia/Shanghai")
    problems = watch(agent)
    sign_in(agent, helpdesk.li)
    wrong: list[str] = []

    agent.goto(f"/agent/tickets/{ticket.key}/")
    panel = agent.locator("#knowledge")
    expect(panel.locator(".knowledge-articles a").first).to_be_visible()
    panel.locator("[data-insert-reply]").first.click()
    expect(agent.locator("#reply-body")).to_have_value(
        re.compile(r"\[.+\]\(http://[^)]+/knowledge/articles/\d+/\)")
    )
    screenshot(agent, f"knowledge-ws-ticket-panel-{language}-1366")
    wrong += layout_problems(agent, "ticket")

    agent.locator("#knowledge form[action$='/knowledge/new-article/'] button").click()
    expect(agent).to_have_url(re.compile(r"/agent/knowledge/\d+/$"))
    expect(agent.locator("#article-title")).to_have_value("VPN")
    agent.get_by_role("button", name=words("Preview", language), exact=True).click()
    expect(agent.locator("#article-preview .markdown")).to_be_visible()
    screenshot(agent, f"knowledge-ws-editor-{language}-1366")
    wrong += layout_problems(agent, "editor")
    written = Article.objects.exclude(pk__in=[a.pk for a in articles.values()]).get()
    assert written.status == "draft"

    wrong += look_at(agent, "/agent/knowledge/", f"knowledge-ws-list-{language}-1366")
    actions.deflection_record(
        kind="suggested",
        desk=helpdesk.it,
        request_type=helpdesk.password_reset,
        journey="journey-e2e-000001",
        article=articles["vpn"],
    )
    wrong += look_at(
        agent, "/agent/knowledge/deflection/", f"knowledge-ws-deflection-{language}-1366"
    )
    agent.set_viewport_size({"width": 1024, "height": 768})
    wrong += look_at(
        agent, "/agent/knowledge/deflection/", f"knowledge-ws-deflection-{language}-1024"
    )

    assert not wrong, "\n".join(wrong)
    assert problems.violations == [] and problems.failed_requests == []
