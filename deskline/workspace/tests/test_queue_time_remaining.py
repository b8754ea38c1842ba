"""Queues sorted by time remaining, and their "time remaining" column: deadlines on the Shanghai
calendar (Mon-Fri 09:00-18:00, first response 4 h), times in Shanghai (+08:00)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine

from deskline.sla.models import Calendar
from deskline.testing.factories import ApiClient
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
    # Monday 10:45: Thursday's and Friday's first responses are overdue; Monday's is 15 minutes
    # of business time away, within its 30-minute warning
    with time_machine.travel(shanghai(9, 10, 45), tick=False):
        html = signed_in(helpdesk.li).get("/agent/queues/desk-it/").content.decode()

    shown = cells(html)
    # Thursday 10:00 to Monday 10:45 is 8 h + 9 h + 1 h 45 of working time: 14 h 45 past 4 h
    assert shown[tickets["thursday"].key] == (
        "sla-due sla-breached",
        "14h 45m overdue · Shanghai office",
    )
    assert shown[tickets["friday"].key] == (
        "sla-due sla-breached",
        "5h 45m overdue · Shanghai office",
    )
    assert shown[tickets["monday"].key] == ("sla-due sla-warning", "15m left · Shanghai office")
    assert shown[tickets["waiting"].key] == ("sla-due", "")


def test_a_deadline_far_away_counts_business_time_not_the_weekend(helpdesk, tickets):
    with time_machine.travel(shanghai(6, 17), tick=False):
        html = signed_in(helpdesk.li).get("/agent/queues/desk-it/").content.decode()

    # Friday 17:00: raised at 16:00, one working hour of four spent; Monday 11:00 is 2 days and
    # 18 hours away by the clock, but 3 hours of working time
    assert cells(html)[tickets["monday"].key] == ("sla-due", "3h 00m left · Shanghai office")


def test_the_queue_the_ticket_panel_and_the_api_count_the_same_time_remaining(helpdesk, tickets):
    # Monday 9:30: the ticket raised on Friday at 16:00 has 2 h 30 of its 4 h first response
    # spent; by the clock its deadline (11:00) is 1 h 30 away, and the weekend does not count
    ticket = tickets["monday"]
    with time_machine.travel(shanghai(9, 9, 30), tick=False):
        client = signed_in(helpdesk.li)
        queue = cells(client.get("/agent/queues/desk-it/").content.decode())[ticket.key]
        panel = client.get(f"/agent/tickets/{ticket.key}/sla/").content.decode()
        api = ApiClient(helpdesk.li).get(f"/tickets/{ticket.key}/sla").json()

    assert queue == ("sla-due", "1h 30m left · Shanghai office")
    first_response = next(m for m in api["metrics"] if m["name"] == "Time to first response")
    assert first_response["cycles"][0]["remaining_seconds"] == 90 * 60
    assert "1h 30m left" in re.sub(r"\s+", " ", panel)
    assert "· Shanghai office" in panel


def test_the_calendar_is_named_in_the_readers_language(helpdesk, tickets):
    calendar = Calendar.objects.get(name="Shanghai office")
    calendar.translations = {"zh-hans": {"name": "上海办公时间"}}
    calendar.save()

    with time_machine.travel(shanghai(6, 17), tick=False):
        html = (
            signed_in(helpdesk.li)
            .get("/agent/queues/desk-it/", headers={"accept-language": "zh-hans"})
            .content.decode()
        )

    assert cells(html)[tickets["monday"].key] == ("sla-due", "剩余 3小时00分 · 上海办公时间")
    with time_machine.travel(shanghai(6, 17), tick=False):
        panel = (
            signed_in(helpdesk.li)
            .get(
                f"/agent/tickets/{tickets['monday'].key}/sla/",
                headers={"accept-language": "zh-hans"},
            )
            .content.decode()
        )
    assert "· 上海办公时间" in panel
    assert "Shanghai office" not in panel


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
