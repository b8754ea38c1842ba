"""The queue's bulk-change bar: hidden until a ticket is ticked, with nothing chosen in advance,
and a change without a choice is refused instead of guessed."""

from __future__ import annotations

import re

import pytest

from deskline.testing.scenario import Helpdesk, ticket_state
from deskline.tickets.actions import ticket_update
from deskline.workspace.tests.conftest import it_ticket, signed_in

pytestmark = pytest.mark.django_db


def _bar(html: str) -> str:
    return html[html.index('<fieldset class="bulk-actions"') : html.index("</fieldset>")]


def test_the_bar_is_hidden_until_a_ticket_is_ticked(helpdesk: Helpdesk):
    it_ticket(helpdesk)

    html = signed_in(helpdesk.li).get("/agent/queues/desk-it/").content.decode()

    assert '<fieldset class="bulk-actions" data-bulk-bar hidden>' in html
    # Without JavaScript the bar shows anyway.
    assert (
        '<noscript><link rel="stylesheet" href="/static/workspace/noscript.css"></noscript>' in html
    )


@pytest.mark.parametrize(
    ("name", "placeholder"),
    [
        ("assignee", "Choose an agent…"),
        ("status", "Choose a status…"),
        ("priority", "Choose a priority…"),
    ],
)
def test_each_list_of_the_bar_starts_at_choose_and_nothing_else_is_picked(
    helpdesk: Helpdesk, name: str, placeholder: str
):
    it_ticket(helpdesk)

    bar = _bar(signed_in(helpdesk.li).get("/agent/queues/desk-it/").content.decode())

    select = re.search(rf'<select id="bulk-{name}" name="{name}">(.*?)</select>', bar, re.S)
    assert select is not None
    options = re.findall(r"<option[^>]*>[^<]*</option>", select.group(1))
    assert options[0] == f'<option value="" selected>{placeholder}</option>'
    assert len(options) > 1
    assert not any("selected" in option for option in options[1:])


def test_the_chinese_bar_says_choose_in_chinese(helpdesk: Helpdesk):
    it_ticket(helpdesk)

    bar = _bar(
        signed_in(helpdesk.li)
        .get("/agent/queues/desk-it/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )

    assert '<option value="" selected>选择客服…</option>' in bar
    assert '<option value="" selected>选择状态…</option>' in bar
    assert '<option value="" selected>选择优先级…</option>' in bar


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "assign", "assignee": ""}, "Choose an agent to assign."),
        ({"action": "status", "status": ""}, "Choose a status."),
        ({"action": "priority", "priority": ""}, "Choose a priority."),
    ],
)
def test_a_change_sent_without_a_choice_is_refused_and_changes_nothing(
    helpdesk: Helpdesk, data: dict[str, str], message: str
):
    ticket = it_ticket(helpdesk, priority="high")
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li})
    before = ticket_state(ticket)

    response = signed_in(helpdesk.li).post(
        "/agent/queues/desk-it/bulk/", {"tickets": [ticket.key], **data}, follow=True
    )

    assert message in response.content.decode()
    assert ticket_state(ticket) == before
