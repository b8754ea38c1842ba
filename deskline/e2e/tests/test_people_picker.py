"""The people picker of a user field, clicked through in Chromium: suggestions come as one
types, a click puts the person in the field, and the request stores their address."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from deskline.e2e.tests.conftest import screenshot, sign_in
from deskline.testing.factories import make_organization, make_user
from deskline.testing.scenario import Helpdesk


def test_a_customer_picks_a_colleague_by_name(open_page, helpdesk: Helpdesk):
    make_user(email="bobby@globex.example", display_name="Bobby", organization=make_organization())
    page = open_page()
    sign_in(page, helpdesk.alice)
    page.goto(f"/desks/IT/new/{helpdesk.laptop.pk}/")

    manager = page.locator("#id_f_manager")
    manager.press_sequentially("bo", delay=50)
    suggestions = page.locator("#id_f_manager_suggestions [data-person-choice]")
    expect(suggestions).to_have_count(1)  # Bob of Acme; never Bobby of another organization
    expect(suggestions.first).to_contain_text("Bob")
    expect(manager).to_have_attribute("aria-expanded", "true")
    screenshot(page, "people-picker")
    suggestions.first.click()

    expect(manager).to_have_value("bob@acme.example")
    expect(suggestions).to_have_count(0)
    page.locator("#id_summary").fill("Laptop for a new colleague")
    page.locator("#id_f_location").fill("Shanghai")
    page.get_by_role("button", name="Send request").click()
    expect(page).to_have_url(re.compile(r"/requests/IT-\d+/$"))
    expect(page.locator("dd", has_text="Bob")).to_be_visible()
    ticket = helpdesk.it.tickets.get()
    assert ticket.fields["manager"] == "bob@acme.example"
