"""Queues sorted by time remaining, and their "time remaining" column: deadlines on the Shanghai
calendar (Mon-Fri 09:00-18:00, first response 4 h), times in Shanghai (+08:00)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine

from deskline.testing.markup import first_match
from deskline.testing.scenario import Helpdesk
from deskline.testing.sla import make_calendar, make_first_response_metric, make_resolution_metric
from deskline.tickets.actions import ticket_transition
from deskline.tickets.models import Ticket
from deskline.tickets.queues import find_queue
from deskline.tickets.selectors import TicketFilters, queue_ticket_list
from deskline.workspace.tests.conftest import it_ticket, raw_cursor, shanghai, signed_in

pytestmark = pytest.mark.django_db


def raised(helpdesk: Helpdesk, at: datetime.datetime) -> Ticket:
    with time_machine.travel(at, tick=False):
        return it_ticket(helpdesk)


@pytest.fixture
def tickets(helpdesk: Helpdesk) -> dict[str, Ticket]:
    """Five open tickets whose first responses fall due at different instants (two at once),
    and one waiting for the customer, with no running deadline."""
    calendar = make_calendar()
    make_first_response_metric(helpdesk.it, calendar)  # 4 h, warns 30 min before
    make_resolution_metric(helpdesk.it, calendar)  # 16 h
    made = {
        "waiting": raised(helpdesk, shanghai(5, 9)),  # paused below: no deadline
        "monday": raised(helpdesk, shanghai(6, 16)),  # due Monday 9 March 11:00
        "thursday": raised(helpdesk, shanghai(5, 10)),  # due Thursday 5 March 14:00
        "friday": raised(helpdesk, shanghai(6, 10)),  # due Friday 6 March 14:00
        "friday_too": raised(helpdesk, shanghai(6, 10)),  # the same instant, a later id
    }
    with time_machine.travel(shanghai(5, 9, 30), tick=False):
        ticket_transition(actor=helpdesk.li, ticket=made["waiting"], status="waiting_for_customer")
    return made


DUE_ORDER = ["thursday", "friday", "friday_too", "monday"]


def keys_of(tickets: dict[str, Ticket], names: list[str]) -> list[str]:
    return [tickets[name].key for name in names]


def page_by_page(helpdesk: Helpdesk, slug: str) -> list[str]:
    """Every key of the queue sorted by time remaining, read one ticket per page."""
    queue = find_queue(helpdesk.li, slug)
    keys: list[str] = []
    cursor = None
    for _page in range(20):
        page = queue_ticket_list(
            user=helpdesk.li,
            queue=queue,
            filters=TicketFilters(),
            sort="due",
            cursor=cursor,
            limit=1,
        )
        keys.extend(row.key for row in page.items)
        cursor = page.next_cursor
        if cursor is None:
            return keys
    raise AssertionError(f"the pages never ended: {keys}")


def test_the_desk_queue_sorts_by_the_nearest_deadline_and_pages_by_cursor(helpdesk, tickets):
    # when Li reads the IT desk's open tickets one per page, nearest deadline first
    keys = page_by_page(helpdesk, "desk-it")

    # then the deadlines come in order (ties by id), and the ticket without one comes last
    assert keys == keys_of(tickets, [*DUE_ORDER, "waiting"])


def test_a_queue_of_several_ranges_sorts_and_pages_the_same_way(helpdesk, tickets):
    # "unassigned" is one range per desk and team (here: Frontline, and no team)
    tickets["friday"].team = helpdesk.frontline
    tickets["friday"].save(update_fields=["team"])

    keys = page_by_page(helpdesk, "unassigned")

    assert keys == keys_of(tickets, [*DUE_ORDER, "waiting"])


def test_the_queue_page_lists_tickets_by_time_remaining(helpdesk, tickets):
    with time_machine.travel(shanghai(9, 10, 45), tick=False):
        html = signed_in(helpdesk.li).get("/agent/queues/desk-it/?sort=due").content.decode()

    listed = re.findall(r'name="tickets" value="([^"]+)"', html)
    assert listed == keys_of(tickets, [*DUE_ORDER, "waiting"])
    assert '<option value="due" selected>Time remaining</option>' in html


def cells(html: str) -> dict[str, tuple[str, str]]:
    """Each row's "time remaining" cell: its class and its text."""
    found = {}
    for row in re.findall(r"<tr data-href=.*?</tr>", html, flags=re.S):
        key = first_match(r'name="tickets" value="([^"]+)"', row)
        cell = re.search(r'<td class="(sla-due[^"]*)">(.*?)</td>', row, flags=re.S)
        assert cell is not None, row
        found[key] = (cell.group(1), re.sub(r"<[^>]+>", "", cell.group(2)).strip())
    return found


def test_the_time_remaining_column_colours_breached_and_warning_tickets(helpdesk, tickets):
    # Monday 10:45: Thursday's and Friday's deadlines have passed; Monday's is 15 minutes
    # (of business time, and of wall-clock time) away, within its 30-minute warning
    with time_machine.travel(shanghai(9, 10, 45), tick=False):
        html = signed_in(helpdesk.li).get("/agent/queues/desk-it/").content.decode()

    shown = cells(html)
    assert shown[tickets["thursday"].key] == ("sla-due sla-breached", "breached 3d 20h ago")
    assert shown[tickets["friday"].key] == ("sla-due sla-breached", "breached 2d 20h ago")
    assert shown[tickets["monday"].key] == ("sla-due sla-warning", "due in 15m")
    assert shown[tickets["waiting"].key] == ("sla-due", "")


def test_a_deadline_far_away_is_neither_amber_nor_red(helpdesk, tickets):
    with time_machine.travel(shanghai(6, 17), tick=False):
        html = signed_in(helpdesk.li).get("/agent/queues/desk-it/").content.decode()

    # Friday 17:00: Monday 11:00 is 2 days and 18 hours away by the clock
    assert cells(html)[tickets["monday"].key] == ("sla-due", "due in 2d 18h")


def test_a_ticket_paused_after_it_breached_stays_red(helpdesk, tickets):
    with time_machine.travel(shanghai(6, 15), tick=False):
        ticket_transition(
            actor=helpdesk.li, ticket=tickets["thursday"], status="waiting_for_customer"
        )

    with time_machine.travel(shanghai(6, 16), tick=False):
        html = signed_in(helpdesk.li).get("/agent/queues/desk-it/").content.decode()

    # no running deadline any more, but its first response breached on Thursday
    assert cells(html)[tickets["thursday"].key] == ("sla-due sla-breached", "breached")


@pytest.mark.parametrize(
    "cursor",
    [
        raw_cursor("u2026-03-05T06:00:00+00:00|1"),  # a cursor of the "updated" order
        raw_cursor("d2026-03-05T06:00:00|1"),  # no time zone
        raw_cursor("d0001-01-01T00:00:00+14:00|1"),  # before the first instant a database holds
        raw_cursor("dnot a date|1"),
        raw_cursor("d2026-03-05T06:00:00+00:00|0"),
        "!!",
    ],
)
def test_a_foreign_cursor_is_refused_without_an_error_page(helpdesk, tickets, cursor):
    response = signed_in(helpdesk.li).get(
        "/agent/queues/desk-it/", {"sort": "due", "cursor": cursor}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Use next_cursor from the previous page." in html
    assert "Back to the first page" in html
    assert 'name="tickets"' not in html
