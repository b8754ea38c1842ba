"""A request's whole journey, clicked through in Chromium: a customer raises it in the Chinese
help center, an agent picks it up in the workspace, replies and notes, the customer resolves it."""

from __future__ import annotations

import re

from django.utils import translation
from playwright.sync_api import expect

from deskline.e2e.tests.conftest import screenshot, sign_in
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk


def zh(text: str) -> str:
    """`text` as the Chinese interface shows it."""
    with translation.override("zh-hans"):
        return translation.gettext(text)


def test_a_request_goes_from_the_chinese_help_center_through_the_workspace_and_back(
    open_page, helpdesk: Helpdesk
):
    customer = open_page(locale="zh-CN", time_zone="Asia/Shanghai")
    sign_in(customer, helpdesk.alice)
    customer.goto("/")
    expect(customer.get_by_role("heading", level=1)).to_be_visible()
    screenshot(customer, "help-center-home")

    # Given a form with a required field left empty, the error shows next to it, in Chinese.
    customer.goto(f"/desks/IT/new/{helpdesk.laptop.pk}/")
    customer.locator("#id_summary").fill("新电脑")
    customer.get_by_role("button", name=zh("Send request")).click()
    expect(customer.locator("#id_f_location_error")).to_be_visible()
    expect(customer.locator("#id_summary")).to_have_value("新电脑")
    screenshot(customer, "request-form-with-errors")

    # When the customer raises a password reset from the desk's card on the home page
    customer.goto("/")
    name = helpdesk.password_reset.translated("name", "zh-hans")
    customer.get_by_role("link", name=name, exact=True).first.click()
    customer.locator("#id_summary").fill("无法登录邮箱")
    customer.locator("#id_description").fill("密码过期了，请帮我重置。")
    screenshot(customer, "request-form")
    customer.get_by_role("button", name=zh("Send request")).click()
    expect(customer).to_have_url(re.compile(r"/requests/IT-\d+/$"))
    key = customer.url.rstrip("/").rsplit("/", 1)[1]

    # Then an agent finds it in Unassigned and takes it
    agent = open_page(locale="en-US", time_zone="Asia/Shanghai")
    sign_in(agent, helpdesk.li)
    agent.goto("/agent/")
    agent.get_by_role("link", name=re.compile(r"^\s*Unassigned")).click()
    row_link = agent.get_by_role("link", name=key, exact=True)
    expect(row_link).to_be_visible()
    screenshot(agent, "workspace-queue")
    row_link.click()
    agent.get_by_role("button", name="Assign to me").click()
    expect(agent.locator("#ticket-assignee")).to_have_value(helpdesk.li.email)

    # ...replies to the customer and leaves an internal note
    agent.get_by_label("Reply to customer").fill("已为您重置密码，请查收短信。")
    agent.get_by_role("button", name="Send reply").click()
    expect(agent.get_by_text("已为您重置密码，请查收短信。")).to_be_visible()
    agent.get_by_label("Internal note").fill("Reset via the identity console; MFA unchanged.")
    agent.get_by_role("button", name="Add note").click()
    expect(agent.get_by_text("Reset via the identity console; MFA unchanged.")).to_be_visible()
    screenshot(agent, "workspace-ticket")

    # The customer sees the reply, never the note, and marks the request resolved
    customer.goto(f"/requests/{key}/")
    expect(customer.get_by_text("已为您重置密码，请查收短信。")).to_be_visible()
    expect(customer.get_by_text("identity console")).to_have_count(0)
    customer.get_by_role("button", name=zh("Mark as resolved")).click()
    expect(customer.get_by_role("button", name=zh("Reopen"))).to_be_visible()
    screenshot(customer, "request-resolved")

    ticket = helpdesk.it.tickets.get(key=key)
    assert (ticket.status_category, ticket.assignee_id) == ("done", helpdesk.li.pk)
    assert list(ticket.comments.values_list("is_public", flat=True)) == [True, False]


def test_a_customer_cannot_open_another_customers_request_by_its_address(
    open_page, helpdesk: Helpdesk
):
    others = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.carol,
        request_type=helpdesk.password_reset,
        summary="Carol's salary",
    )
    customer = open_page(locale="zh-CN")
    sign_in(customer, helpdesk.alice)

    response = customer.goto(f"/requests/{others.key}/")

    assert response is not None and response.status == 404
    expect(customer.get_by_role("heading", name=zh("We could not find this page"))).to_be_visible()
    expect(customer.get_by_text("Carol's salary")).to_have_count(0)
