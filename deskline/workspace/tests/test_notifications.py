"""An agent's notifications: the topbar's unread count, the list, and marking them read."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import Client

from deskline.testing.factories import make_ticket
from deskline.testing.markup import first_match
from deskline.testing.scenario import Helpdesk
from deskline.testing.sla import make_calendar, make_first_response_metric
from deskline.tickets.actions import ticket_update
from deskline.tickets.models import Notification, Ticket
from deskline.tickets.sla_alerts import sla_alerts_send
from deskline.workspace.tests.conftest import it_ticket, shanghai, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced(helpdesk: Helpdesk) -> Ticket:
    """Li's ticket whose first response (4 h, raised Friday 16:00 in Shanghai) warned on Monday
    10:30 and breached at 11:00, as the worker announced them."""
    make_first_response_metric(helpdesk.it, make_calendar())
    with time_machine.travel(shanghai(6, 16), tick=False):
        ticket = it_ticket(helpdesk)
        ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li})
    sla_alerts_send(at=shanghai(9, 10, 35))
    sla_alerts_send(at=shanghai(9, 11, 5))
    return ticket


def texts(html: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", " ", item).split())
        for item in re.findall(r'<li class="notification.*?</a>', html, flags=re.S)
    ]


def test_the_list_shows_the_agents_notifications_newest_first(helpdesk, announced, viewer):
    response = viewer.get("/agent/notifications/")

    assert response.status_code == 200
    html = response.content.decode()
    assert texts(html) == [
        f"New Time to first response on {announced.key} breached at 9 Mar 2026, 11:00",
        f"New Time to first response on {announced.key} will breach at 9 Mar 2026, 11:00",
    ]
    assert html.count(f'href="/agent/tickets/{announced.key}/"') == 2


def test_the_text_is_written_in_the_viewers_time_zone(helpdesk, announced):
    html = signed_in(helpdesk.li).get("/agent/notifications/").content.decode()  # in UTC

    assert f"Time to first response on {announced.key} breached at 9 Mar 2026, 03:00" in html


def test_another_agents_notifications_are_not_shown(helpdesk, announced):
    hr_ticket = make_ticket(
        desk=helpdesk.hr, reporter=helpdesk.carol, request_type=helpdesk.onboarding
    )
    Notification.objects.create(
        recipient=helpdesk.hana,
        ticket=hr_ticket,
        kind="sla_breached",
        data={"metric": "Onboarding time", "metric_id": None, "cycle": 1, "breach_at": None},
    )

    hana_sees = texts(signed_in(helpdesk.hana).get("/agent/notifications/").content.decode())
    li_sees = texts(signed_in(helpdesk.li).get("/agent/notifications/").content.decode())

    assert hana_sees == [f"New Onboarding time on {hr_ticket.key} breached"]
    assert len(li_sees) == 2
    assert not any(hr_ticket.key in text for text in li_sees)


def test_an_agent_who_left_the_desks_team_no_longer_reads_its_notifications(
    helpdesk, announced, viewer
):
    # Given Li's two notifications of an IT ticket, when Li leaves the team that serves IT
    helpdesk.frontline.members.remove(helpdesk.li)

    # Then neither the list nor the unread count shows them (the ticket would be a 404)
    assert texts(viewer.get("/agent/notifications/").content.decode()) == []
    sidebar = viewer.get("/agent/sidebar/").content.decode()
    assert (
        '<span id="notification-count" class="notification-count" hx-swap-oob="true"></span>'
    ) in sidebar
    assert Notification.objects.filter(recipient=helpdesk.li).count() == 2


def test_the_sidebar_refresh_brings_the_unread_count(helpdesk, announced, viewer):
    html = viewer.get("/agent/sidebar/").content.decode()

    assert (
        '<span id="notification-count" class="notification-count" hx-swap-oob="true">'
        '<span class="count">2</span>'
    ) in html


def test_a_page_links_the_notifications_and_leaves_the_count_to_the_sidebar(helpdesk, viewer):
    html = viewer.get("/agent/queues/mine/").content.decode()

    assert '<a href="/agent/notifications/" class="notifications-link"' in html
    assert '<span id="notification-count" class="notification-count"></span>' in html


def test_mark_all_read_marks_only_the_agents_own(helpdesk, announced, viewer):
    others = Notification.objects.create(
        recipient=helpdesk.hana, ticket=announced, kind="sla_warning", data={}
    )

    with time_machine.travel(shanghai(9, 12), tick=False):
        response = viewer.post("/agent/notifications/read/")

    assert response.status_code == 302
    assert response["Location"] == "/agent/notifications/"
    assert set(
        Notification.objects.filter(recipient=helpdesk.li).values_list("read_at", flat=True)
    ) == {shanghai(9, 12)}
    others.refresh_from_db()
    assert others.read_at is None
    html = viewer.get("/agent/notifications/").content.decode()
    assert "Marked 2 notifications read." in html
    assert "badge-new" not in html
    sidebar = viewer.get("/agent/sidebar/").content.decode()
    assert (
        '<span id="notification-count" class="notification-count" hx-swap-oob="true"></span>'
        in sidebar
    )


def test_mark_all_read_needs_the_csrf_token(helpdesk, announced):
    client = Client(enforce_csrf_checks=True)
    client.force_login(helpdesk.li)

    response = client.post("/agent/notifications/read/")

    assert response.status_code == 403
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_mark_all_read_is_a_post(helpdesk, announced, viewer):
    response = viewer.get("/agent/notifications/read/")

    assert response.status_code == 405
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_the_list_pages_by_cursor_and_refuses_a_foreign_one(helpdesk, viewer):
    ticket = it_ticket(helpdesk)
    Notification.objects.bulk_create(
        Notification(recipient=helpdesk.li, ticket=ticket, kind="sla_warning", data={})
        for _number in range(51)
    )

    first = viewer.get("/agent/notifications/").content.decode()
    assert len(texts(first)) == 50
    next_url = first_match(r'href="(\?cursor=[^"]+)" rel="next"', first)
    second = viewer.get(f"/agent/notifications/{next_url}")
    assert len(texts(second.content.decode())) == 1

    refused = viewer.get("/agent/notifications/", {"cursor": "!!"})
    assert refused.status_code == 400
    assert "The cursor is not one this list gave out." in refused.content.decode()


def test_the_list_asks_the_same_number_of_queries_for_2_or_20(
    helpdesk, viewer, django_assert_num_queries
):
    ticket = it_ticket(helpdesk)
    make_first_response_metric(helpdesk.it, make_calendar())

    def notify(count: int) -> None:
        Notification.objects.bulk_create(
            Notification(
                recipient=helpdesk.li,
                ticket=ticket,
                kind="sla_breached",
                data={
                    "metric": "Time to first response",
                    "metric_id": ticket.desk.sla_metrics.get().pk,
                    "cycle": 1,
                    "breach_at": "2026-03-09T03:00:00+00:00",
                },
            )
            for _number in range(count)
        )

    notify(2)
    viewer.get("/agent/notifications/")  # builds the process's catalogue of the configuration
    # session, user, the configuration's version, the page with its tickets, its metrics'
    # names, the served desks
    with django_assert_num_queries(6):
        viewer.get("/agent/notifications/")
    notify(18)
    with django_assert_num_queries(6):
        response = viewer.get("/agent/notifications/")
    assert len(texts(response.content.decode())) == 20
