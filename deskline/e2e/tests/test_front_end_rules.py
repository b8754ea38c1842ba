"""Clicked through in Chromium: nothing on any page breaks the Content-Security-Policy, Markdown
lists show their bullets and numbers, and the bulk-change bar waits for a ticked ticket."""

from __future__ import annotations

import re

from django.utils import translation
from playwright.sync_api import Page, expect

from deskline.e2e.tests.conftest import screenshot, sign_in, watch
from deskline.e2e.tests.layout import build_scene
from deskline.tickets.models import Ticket

LIST_STYLE = """(selector) => [...document.querySelectorAll(selector)].map((item) => {
  const list = item.parentElement;
  return [item.textContent.trim(), getComputedStyle(item).listStyleType,
          parseFloat(getComputedStyle(list).paddingLeft) > 0];
})"""


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def list_items(page: Page, selector: str) -> list[list[object]]:
    return page.evaluate(LIST_STYLE, selector)


def test_no_page_breaks_the_content_security_policy(open_page, helpdesk):
    scene = build_scene(helpdesk)
    customer = open_page(locale="en-US")
    agent = open_page(locale="en-US", time_zone="Asia/Shanghai")
    admin = open_page(locale="en-US")
    problems = [watch(customer), watch(agent), watch(admin)]

    # The customer switches the help center to Chinese with the picker (app.js sends the form).
    sign_in(customer, helpdesk.alice)
    customer.locator("#language-select").select_option("zh-hans")
    expect(customer.locator("html")).to_have_attribute("lang", "zh-hans")
    # ...raises a request from the home page, comments on it (htmx) and resolves it.
    customer.get_by_role("link", name="IT help").first.click()
    customer.get_by_role("link", name="Password reset").first.click()
    customer.locator("#id_summary").fill("邮箱无法登录")
    customer.get_by_role("button", name=zh("Send request")).click()
    expect(customer).to_have_url(re.compile(r"/requests/IT-\d+/$"))
    customer.locator("#id_body").fill("补充：手机也收不到验证码。")
    customer.get_by_role("button", name=zh("Send comment")).click()
    expect(customer.get_by_text("补充：手机也收不到验证码。")).to_be_visible()
    customer.get_by_role("button", name=zh("Mark as resolved")).click()
    expect(customer.get_by_role("button", name=zh("Reopen"))).to_be_visible()
    customer.get_by_role("link", name=zh("My requests")).first.click()
    expect(customer.locator("table.requests-table")).to_be_visible()

    # The agent works a queue, previews and sends a reply, reads notifications, previews SLAs.
    sign_in(agent, helpdesk.li)
    agent.goto("/agent/")
    agent.get_by_role("link", name=re.compile(r"^\s*All open")).click()
    agent.locator("input[name=tickets]").first.check()
    expect(agent.locator("[data-bulk-bar]")).to_be_visible()
    agent.get_by_role("link", name=scene.request.key, exact=True).click()
    agent.get_by_label("Reply to customer").fill("- restart\n- try again")
    agent.get_by_role("button", name="Preview reply").click()
    expect(agent.locator("#reply-preview li").first).to_have_text("restart")
    agent.get_by_role("button", name="Send reply").click()
    expect(agent.locator(".entry .body li", has_text="try again")).to_be_visible()
    agent.get_by_role("link", name=re.compile("Notifications")).click()
    expect(agent.locator(".notification").first).to_be_visible()
    agent.get_by_role("link", name="SLA preview").click()
    agent.get_by_role("button", name="Preview").click()
    expect(agent.locator(".sla-preview-result")).to_be_visible()

    # The API docs (Swagger UI, served by Deskline itself) and the configuration.
    agent.goto("/api/v1/docs")
    agent.locator(".opblock-summary").first.click()
    expect(agent.get_by_role("button", name="Try it out").first).to_be_visible()
    screenshot(agent, "csp-api-docs")
    sign_in(admin, helpdesk.admin)
    admin.goto("/admin/")
    admin.goto("/admin/tickets/ticket/")
    expect(admin.get_by_role("link", name=scene.request.key, exact=True)).to_be_visible()
    admin.goto(f"/admin/tickets/ticket/{scene.request.pk}/change/")

    assert [problem.violations for problem in problems] == [[], [], []]
    assert [problem.failed_requests for problem in problems] == [[], [], []]


def test_markdown_lists_show_their_bullets_and_numbers(open_page, helpdesk):
    scene = build_scene(helpdesk)
    customer = open_page(locale="zh-CN")
    sign_in(customer, helpdesk.alice)
    agent = open_page(locale="en-US")
    sign_in(agent, helpdesk.li)

    customer.goto(f"/requests/{scene.request.key}/")
    agent.goto(f"/agent/tickets/{scene.request.key}/")
    agent.get_by_label("Internal note").fill("1. check the disk\n2. order a bigger one")
    agent.get_by_role("button", name="Preview note").click()
    expect(agent.locator("#note-preview li").first).to_be_visible()

    description = [
        ["the disk is full", "disc", True],
        ["builds fail", "disc", True],
        ["back up the data", "decimal", True],
        ["swap the disk", "decimal", True],
    ]
    comment = [["keep the laptop on", "disc", True], ["bring the charger", "disc", True]]
    assert list_items(customer, ".description li") == description
    assert list_items(customer, ".entry .body li") == comment
    assert list_items(agent, "#description .body li") == description
    assert list_items(agent, ".entry:not(#description) .body li") == comment
    assert list_items(agent, "#note-preview li") == [
        ["check the disk", "decimal", True],
        ["order a bigger one", "decimal", True],
    ]


def test_the_bulk_bar_waits_for_a_ticked_ticket_and_a_choice(open_page, helpdesk):
    scene = build_scene(helpdesk)
    agent = open_page(locale="zh-CN")
    sign_in(agent, helpdesk.li)
    agent.goto("/agent/queues/desk-it/")
    bar = agent.locator("[data-bulk-bar]")
    assign = bar.get_by_role("button", name=zh("Assign"), exact=True)

    expect(bar).to_be_hidden()
    first, second = scene.tickets[2].key, scene.tickets[4].key  # both unassigned
    agent.locator(f"#pick-{first}").check()
    agent.locator(f"#pick-{second}").check()
    expect(bar).to_be_visible()
    for name in ("assignee", "status", "priority"):
        expect(agent.locator(f"#bulk-{name}")).to_have_value("")
    expect(assign).to_be_disabled()
    screenshot(agent, "workspace-bulk-bar")
    agent.locator(f"#pick-{first}").uncheck()
    agent.locator(f"#pick-{second}").uncheck()
    expect(bar).to_be_hidden()

    agent.locator(f"#pick-{first}").check()
    agent.locator("#bulk-assignee").select_option(helpdesk.li.email)
    expect(assign).to_be_enabled()
    agent.locator(f"#pick-{second}").check()
    assign.click()

    expect(agent.locator(".message").first).to_be_visible()
    assert set(
        Ticket.objects.filter(key__in=[first, second]).values_list("assignee__email", flat=True)
    ) == {helpdesk.li.email}
