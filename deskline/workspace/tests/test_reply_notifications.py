"""The workspace's notifications of customer replies, in the reader's language."""

from __future__ import annotations

import pytest

from deskline.testing.scenario import Helpdesk
from deskline.tickets.actions import ticket_comment, ticket_transition, ticket_update
from deskline.tickets.models import Ticket
from deskline.workspace.tests.conftest import it_ticket, signed_in
from deskline.workspace.tests.test_notifications import texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(helpdesk: Helpdesk) -> Ticket:
    ticket = it_ticket(helpdesk)
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li})
    return ticket_transition(actor=helpdesk.li, ticket=ticket, status="waiting_for_customer")


def test_the_assignee_reads_who_replied_what_and_where_the_ticket_went(helpdesk, waiting):
    comment = ticket_comment(actor=helpdesk.alice, ticket=waiting, body="It is the ThinkPad")
    later = ticket_comment(actor=helpdesk.alice, ticket=waiting, body="Also the dock")

    html = signed_in(helpdesk.li).get("/agent/notifications/").content.decode()

    assert texts(html) == [
        f"New Alice replied on {waiting.key}",
        f"New Alice replied on {waiting.key}; it is back in In progress",
    ]
    assert f'href="/agent/tickets/{waiting.key}/#c{comment.pk}"' in html
    assert f'href="/agent/tickets/{waiting.key}/#c{later.pk}"' in html
    assert '<q class="notification-excerpt">It is the ThinkPad</q>' in html


def test_the_text_is_in_the_readers_language(helpdesk, waiting):
    ticket_comment(actor=helpdesk.alice, ticket=waiting, body="It is the ThinkPad")

    html = (
        signed_in(helpdesk.li)
        .get("/agent/notifications/", headers={"accept-language": "zh-hans"})
        .content.decode()
    )

    assert texts(html) == [f"新建 Alice 回复了 {waiting.key}，已回到“处理中”"]


def test_the_unread_count_includes_replies(helpdesk, waiting):
    ticket_comment(actor=helpdesk.alice, ticket=waiting, body="It is the ThinkPad")

    sidebar = signed_in(helpdesk.li).get("/agent/sidebar/").content.decode()

    assert '<span class="count">1</span>' in sidebar


def test_an_agent_who_does_not_serve_the_desk_reads_none(helpdesk, waiting):
    ticket_comment(actor=helpdesk.alice, ticket=waiting, body="It is the ThinkPad")

    html = signed_in(helpdesk.hana).get("/agent/notifications/").content.decode()

    assert texts(html) == []


def test_the_list_asks_the_same_number_of_queries_for_2_or_20_replies(
    helpdesk, waiting, django_assert_num_queries
):
    viewer = signed_in(helpdesk.li)
    for number in range(2):
        ticket_comment(actor=helpdesk.alice, ticket=waiting, body=f"Reply {number}")
    viewer.get("/agent/notifications/")  # builds the process's catalogue of the configuration
    # session, user, the configuration's version, the page with its tickets, the served desks
    # (no metric names to read: no SLA notification on the page; status names are in memory)
    with django_assert_num_queries(5):
        viewer.get("/agent/notifications/")
    ticket_transition(actor=helpdesk.li, ticket=waiting, status="waiting_for_customer")
    for number in range(18):
        ticket_comment(actor=helpdesk.alice, ticket=waiting, body=f"Reply {number}")
    with django_assert_num_queries(5):
        response = viewer.get("/agent/notifications/")
    assert len(texts(response.content.decode())) == 20
