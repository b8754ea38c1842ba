"""Queues: what each holds, their counts, filters, sorting and keyset paging."""

import datetime
import re

import pytest
import time_machine

from deskline.accounts.models import Role
from deskline.testing.factories import make_user
from deskline.testing.scenario import Helpdesk
from deskline.tickets.actions import ticket_transition, ticket_update
from deskline.tickets.queues import queue_counts
from deskline.workspace.tests.conftest import it_ticket, signed_in

pytestmark = pytest.mark.django_db


def _keys(response) -> list[str]:
    return re.findall(r'name="tickets" value="([A-Z]+-\d+)"', response.content.decode())


def _counts(user) -> dict[str, int]:
    return {item.queue.slug: item.count for item in queue_counts(user)}


def test_the_unassigned_queue_shows_a_new_ticket(helpdesk: Helpdesk):
    # given a new request with the IT desk
    ticket = it_ticket(helpdesk, summary="VPN drops every hour")

    # when Li opens Unassigned
    response = signed_in(helpdesk.li).get("/agent/queues/unassigned/")

    # then it is listed, linked by its key
    assert response.status_code == 200
    assert _keys(response) == [ticket.key]
    assert f'href="/agent/tickets/{ticket.key}/">{ticket.key}</a>' in response.content.decode()
    assert "VPN drops every hour" in response.content.decode()


def test_queue_counts_follow_assignment_status_and_desk(helpdesk: Helpdesk):
    # given three IT tickets: one mine, one waiting for the customer, one resolved; one HR ticket
    mine, waiting, resolved = (it_ticket(helpdesk) for _ in range(3))
    it_ticket(helpdesk)  # stays unassigned
    ticket_update(actor=helpdesk.li, ticket=mine, changes={"assignee": helpdesk.li})
    ticket_transition(actor=helpdesk.li, ticket=waiting, status="waiting_for_customer")
    ticket_transition(actor=helpdesk.li, ticket=resolved, status="resolved")
    from deskline.testing.factories import make_ticket

    make_ticket(desk=helpdesk.hr, reporter=helpdesk.carol, request_type=helpdesk.onboarding)

    # then Li's sidebar counts them, and shows no HR queue
    assert _counts(helpdesk.li) == {
        "mine": 1,
        "unassigned": 2,  # the waiting one and the untouched one
        "waiting": 1,
        "resolved": 1,
        "desk-it": 3,
    }
    # and the sidebar fragment shows them
    sidebar = signed_in(helpdesk.li).get("/agent/sidebar/?current=mine").content.decode()
    assert 'hx-trigger="every 30s"' in sidebar
    assert re.search(r'aria-current="page">\s*<span class="queue-name">My open</span>', sidebar)
    assert "All open: IT help" in sidebar and "People" not in sidebar


def test_recently_resolved_forgets_tickets_resolved_over_a_week_ago(helpdesk: Helpdesk):
    with time_machine.travel(datetime.datetime(2025, 3, 1, 9, tzinfo=datetime.UTC)):
        old = it_ticket(helpdesk)
        ticket_transition(actor=helpdesk.li, ticket=old, status="resolved")
    with time_machine.travel(datetime.datetime(2025, 3, 10, 9, tzinfo=datetime.UTC)):
        recent = it_ticket(helpdesk)
        ticket_transition(actor=helpdesk.li, ticket=recent, status="resolved")
        response = signed_in(helpdesk.li).get("/agent/queues/resolved/")

    assert _keys(response) == [recent.key]


def test_unassigned_in_my_teams_leaves_out_other_teams_tickets(helpdesk: Helpdesk):
    # given an IT ticket handed to another team that also serves IT
    from deskline.testing.factories import make_team

    hardware = make_team("Hardware")
    helpdesk.it.teams.add(hardware)
    theirs = it_ticket(helpdesk)
    ticket_update(actor=helpdesk.li, ticket=theirs, changes={"team": "Hardware"})
    ours = it_ticket(helpdesk)
    ticket_update(actor=helpdesk.li, ticket=ours, changes={"team": "Frontline"})

    response = signed_in(helpdesk.li).get("/agent/queues/unassigned/")

    assert _keys(response) == [ours.key]
    # but the desk's own queue holds both
    assert _keys(signed_in(helpdesk.li).get("/agent/queues/desk-it/")) == [ours.key, theirs.key]


def test_filters_narrow_the_queue_and_bad_filters_are_shown_next_to_the_field(
    helpdesk: Helpdesk,
):
    printer = it_ticket(helpdesk, summary="Printer jammed", priority="high")
    it_ticket(helpdesk, summary="Printer out of toner", priority="low")
    it_ticket(helpdesk, summary="Laptop screen cracked", priority="high")
    client = signed_in(helpdesk.li)

    response = client.get("/agent/queues/desk-it/", {"q": "printer", "priority": "high"})
    assert _keys(response) == [printer.key]

    by_type = client.get(
        "/agent/queues/desk-it/", {"request_type": str(helpdesk.password_reset.pk), "team": "none"}
    )
    assert len(_keys(by_type)) == 3

    bad = client.get("/agent/queues/desk-it/", {"team": "Nobody", "q": "printer"})
    assert bad.status_code == 400
    assert 'id="filter-team-error"' in bad.content.decode()
    assert 'value="printer"' in bad.content.decode()  # the input is kept


def test_keyset_pages_walk_the_queue_without_repeats(helpdesk: Helpdesk, monkeypatch):
    monkeypatch.setattr("deskline.workspace.views.PAGE_SIZE", 2)
    tickets = [it_ticket(helpdesk) for _ in range(5)]
    client = signed_in(helpdesk.li)

    seen: list[str] = []
    url = "/agent/queues/desk-it/?sort=oldest"
    for _ in range(5):
        response = client.get(url)
        seen.extend(_keys(response))
        found = re.search(r'href="(\?[^"]*)" rel="next"', response.content.decode())
        if not found:
            break
        url = "/agent/queues/desk-it/" + found.group(1).replace("&amp;", "&")

    assert seen == [ticket.key for ticket in tickets]


@pytest.mark.parametrize("sort", ["newest", "oldest", "updated", "priority"])
def test_every_sort_pages_through_every_ticket_once(helpdesk: Helpdesk, monkeypatch, sort):
    monkeypatch.setattr("deskline.workspace.views.PAGE_SIZE", 2)
    priorities = ["low", "critical", "medium", "high", "critical"]
    tickets = [it_ticket(helpdesk, priority=p) for p in priorities]
    ticket_update(actor=helpdesk.li, ticket=tickets[0], changes={"summary": "Touched last"})
    client = signed_in(helpdesk.li)

    seen: list[str] = []
    url = f"/agent/queues/desk-it/?sort={sort}"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen.extend(_keys(response))
        found = re.search(r'href="(\?[^"]*)" rel="next"', response.content.decode())
        url = "/agent/queues/desk-it/" + found.group(1).replace("&amp;", "&") if found else ""

    keys = [t.key for t in tickets]
    expected = {
        "newest": keys[::-1],
        "oldest": keys,
        "updated": [keys[0], keys[4], keys[3], keys[2], keys[1]],
        "priority": [keys[4], keys[1], keys[3], keys[2], keys[0]],
    }[sort]
    assert seen == expected


def test_a_forged_cursor_is_a_400_with_a_way_back(helpdesk: Helpdesk):
    it_ticket(helpdesk)

    response = signed_in(helpdesk.li).get("/agent/queues/desk-it/?sort=updated&cursor=bogus")

    assert response.status_code == 400
    assert "Back to the first page" in response.content.decode()


def test_a_site_admin_sees_every_desk_queue(helpdesk: Helpdesk):
    admin = make_user(role=Role.SITE_ADMIN)

    assert set(_counts(admin)) == {
        "mine",
        "unassigned",
        "waiting",
        "resolved",
        "desk-it",
        "desk-hr",
    }


@pytest.mark.parametrize("sort", ["newest", "oldest", "updated", "priority"])
def test_a_queue_over_two_desks_merges_their_pages_in_order(helpdesk: Helpdesk, monkeypatch, sort):
    # given a site admin, who serves IT and HR, and unassigned tickets on both desks
    from deskline.testing.factories import make_ticket

    monkeypatch.setattr("deskline.workspace.views.PAGE_SIZE", 2)
    admin = make_user(role=Role.SITE_ADMIN)
    priorities = ["low", "critical", "medium", "high", "critical"]
    tickets = []
    for number, priority in enumerate(priorities):
        if number % 2:
            tickets.append(
                make_ticket(
                    desk=helpdesk.hr,
                    reporter=helpdesk.carol,
                    request_type=helpdesk.onboarding,
                    priority=priority,
                )
            )
        else:
            tickets.append(it_ticket(helpdesk, priority=priority))
    ticket_update(actor=admin, ticket=tickets[0], changes={"summary": "Touched last"})
    client = signed_in(admin)

    # when they page through Unassigned two at a time
    seen: list[str] = []
    url = f"/agent/queues/unassigned/?sort={sort}"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen.extend(_keys(response))
        found = re.search(r'href="(\?[^"]*)" rel="next"', response.content.decode())
        url = "/agent/queues/unassigned/" + found.group(1).replace("&amp;", "&") if found else ""

    # then both desks' tickets come once each, in the one order of the whole queue
    keys = [t.key for t in tickets]
    expected = {
        "newest": keys[::-1],
        "oldest": keys,
        "updated": [keys[0], keys[4], keys[3], keys[2], keys[1]],
        "priority": [keys[4], keys[1], keys[3], keys[2], keys[0]],
    }[sort]
    assert seen == expected
