"""Clicked through in Chromium: a customer answers a request that waits for her, the agent hears
of it and finds it back in progress, then moves it to the desk it belongs to; her old address
still leads to it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from deskline.accounts.models import Role
from deskline.e2e.tests.conftest import screenshot, sign_in
from deskline.testing.factories import make_ticket, make_user
from deskline.testing.scenario import Helpdesk
from deskline.tickets.actions import ticket_transition, ticket_update


def test_a_reply_brings_a_waiting_request_back_and_a_move_keeps_its_old_address(
    open_page, helpdesk: Helpdesk
):
    mei = make_user(
        role=Role.AGENT,
        email="mei@deskline.example",
        display_name="Mei",
        teams=[helpdesk.frontline, helpdesk.people],
    )
    ticket = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.password_reset,
        summary="My new colleague needs an account",
    )
    ticket_update(actor=mei, ticket=ticket, changes={"assignee": mei})
    ticket_transition(actor=mei, ticket=ticket, status="waiting_for_customer")

    # The customer answers in the help center; the page says the request is being worked on.
    customer = open_page()
    sign_in(customer, helpdesk.alice)
    customer.goto(f"/requests/{ticket.key}/")
    expect(customer.locator("#request-status")).to_have_text("Waiting for you")
    customer.get_by_label("Add a comment").fill("She starts on Monday.")
    customer.get_by_role("button", name="Send comment").click()
    expect(customer.get_by_text("Your comment was added.")).to_be_visible()
    expect(customer.locator("#request-status")).to_have_text("Being worked on")

    # The agent reads it among her notifications and opens the ticket from there.
    agent = open_page()
    sign_in(agent, mei)
    agent.goto("/agent/notifications/")
    notice = agent.get_by_role(
        "link", name=f"Alice replied on {ticket.key}; it is back in In progress"
    )
    expect(notice).to_be_visible()
    screenshot(agent, "notification-customer-replied")
    notice.click()

    # It is HR's work: she moves it there, and the page now lives at its HR key.
    agent.get_by_label("Desk and request type").select_option(label="Onboarding")
    agent.get_by_role("button", name="Move", exact=True).click()
    expect(agent).to_have_url(re.compile(r"/agent/tickets/HR-1/$"))
    expect(agent.get_by_text("Moved to People as HR-1; IT-1 leads here too.")).to_be_visible()
    screenshot(agent, "ticket-moved")

    # The customer's old address leads to the moved request, which names its former key.
    customer.goto(f"/requests/{ticket.key}/")
    expect(customer).to_have_url(re.compile(r"/requests/HR-1/$"))
    expect(customer.get_by_text("HR-1 · formerly IT-1")).to_be_visible()
