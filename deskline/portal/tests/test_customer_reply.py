"""Replying in the help center to a request that waits for me moves it back to the agents."""

import pytest

from deskline.testing.factories import ApiClient, make_ticket
from deskline.testing.scenario import row_counts, ticket_state
from deskline.tickets.actions import ticket_transition, ticket_update
from deskline.tickets.models import Notification, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(helpdesk) -> Ticket:
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li})
    return ticket_transition(actor=helpdesk.li, ticket=ticket, status="waiting_for_customer")


def test_a_reply_moves_the_request_back_to_work(helpdesk, signed_in, waiting):
    client = signed_in(helpdesk.alice)

    response = client.post(f"/requests/{waiting.key}/comments/", {"body": "It is the ThinkPad"})

    assert response.status_code == 302
    page = client.get(f"/requests/{waiting.key}/").content.decode()
    badge = '<span class="badge badge-in_progress" id="request-status">Being worked on</span>'
    assert badge in page  # as customers name it
    assert Notification.objects.get(kind="customer_replied").recipient == helpdesk.li


def test_the_htmx_answer_updates_the_status_too(helpdesk, signed_in, waiting):
    response = signed_in(helpdesk.alice).post(
        f"/requests/{waiting.key}/comments/",
        {"body": "It is the ThinkPad"},
        headers={"HX-Request": "true", "Accept-Language": "zh-hans"},
    )

    assert response.status_code == 200
    assert (
        '<span class="badge badge-in_progress" id="request-status" hx-swap-oob="true">处理中</span>'
    ) in response.content.decode()


def test_a_reply_that_moves_nothing_leaves_the_status_alone(helpdesk, signed_in, waiting):
    ticket_transition(actor=helpdesk.li, ticket=waiting, status="in_progress")

    response = signed_in(helpdesk.alice).post(
        f"/requests/{waiting.key}/comments/",
        {"body": "Also the dock"},
        headers={"HX-Request": "true"},
    )

    assert 'id="request-status"' not in response.content.decode()


def test_an_empty_reply_moves_nothing(helpdesk, signed_in, waiting):
    before, state = row_counts(), ticket_state(waiting)

    response = signed_in(helpdesk.alice).post(f"/requests/{waiting.key}/comments/", {"body": " "})

    assert response.status_code == 400
    assert row_counts() == before
    assert ticket_state(waiting) == state


def test_a_reply_through_the_api_moves_it_back_too(helpdesk, waiting):
    response = ApiClient(helpdesk.alice).post(
        f"/tickets/{waiting.key}/comments", {"body": "It is the ThinkPad"}
    )

    assert response.status_code == 201
    ticket = ApiClient(helpdesk.alice).get(f"/tickets/{waiting.key}").json()
    assert (ticket["status"], ticket["status_category"]) == ("in_progress", "in_progress")
