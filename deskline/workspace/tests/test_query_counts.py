"""Workspace pages ask the database a fixed number of questions, however many tickets show."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskline.testing.factories import make_user
from deskline.testing.scenario import Helpdesk
from deskline.testing.sla import make_calendar, make_first_response_metric, make_resolution_metric
from deskline.tickets.actions import attachment_upload, ticket_comment, ticket_update
from deskline.workspace.tests.conftest import it_ticket, shanghai, signed_in

pytestmark = pytest.mark.django_db


def _raise_busy_tickets(helpdesk: Helpdesk, count: int) -> None:
    """Tickets with everything a row shows: a different reporter, assignee, team, labels."""
    for number in range(count):
        ticket = it_ticket(
            helpdesk,
            reporter=make_user(organization=helpdesk.acme),
            labels=[f"label{number}", "common"],
            actor=helpdesk.li,  # only agents set labels
        )
        ticket_update(
            actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li, "team": "Frontline"}
        )


def _count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "path",
    [
        "/agent/queues/mine/",
        "/agent/queues/desk-it/?sort=priority&priority=medium&team=Frontline&q=printer",
        "/agent/queues/unassigned/?sort=updated",
        "/agent/queues/desk-it/?sort=due",
        "/agent/queues/unassigned/?sort=due",
    ],
)
def test_a_queue_page_asks_the_same_number_of_queries_for_2_or_20_tickets(
    helpdesk: Helpdesk, path: str
):
    client = signed_in(helpdesk.li)
    _raise_busy_tickets(helpdesk, 2)
    few = _count(client, path)
    _raise_busy_tickets(helpdesk, 18)
    many = _count(client, path)

    assert many == few
    assert few <= 20


def test_the_queue_page_shows_20_busy_rows_in_a_fixed_number_of_queries(
    helpdesk: Helpdesk, django_assert_num_queries
):
    _raise_busy_tickets(helpdesk, 20)
    client = signed_in(helpdesk.li)

    # session, user, the configuration's version, served desks, the page's rows with their
    # labels, their SLA states (warning or breached, for the "time remaining" column), and the
    # filter bar's statuses, teams, agents and request types
    with django_assert_num_queries(10):
        response = client.get("/agent/queues/mine/")

    assert response.content.decode().count('name="tickets"') == 20


def test_the_sidebar_asks_one_query_per_queue(helpdesk: Helpdesk):
    client = signed_in(helpdesk.li)
    _raise_busy_tickets(helpdesk, 2)
    few = _count(client, "/agent/sidebar/")
    _raise_busy_tickets(helpdesk, 18)

    # session, user, the configuration's version, served desks, the user's teams; then one count
    # per queue: mine, unassigned, waiting, resolved and the IT desk's; and the unread
    # notifications
    assert _count(client, "/agent/sidebar/") == few == 5 + 5 + 1


def test_the_markdown_preview_asks_only_for_the_session_and_the_user(
    helpdesk: Helpdesk, django_assert_num_queries
):
    client = signed_in(helpdesk.li)

    with django_assert_num_queries(2):
        response = client.post("/agent/preview/", {"body": "**Restart** the VPN client"})

    assert response.content.decode() == (
        '<div class="body markdown"><p><strong>Restart</strong> the VPN client</p>\n</div>\n'
    )


def test_the_ticket_page_asks_the_same_number_of_queries_for_2_or_20_comments(
    helpdesk: Helpdesk,
):
    client = signed_in(helpdesk.li)
    ticket = it_ticket(helpdesk, labels=["one"], actor=helpdesk.li)

    def converse(count: int) -> None:
        for number in range(count):
            author = make_user(role="agent", teams=[helpdesk.frontline])
            upload = attachment_upload(actor=author, filename=f"{number}.txt", content=b"log")
            ticket_comment(
                actor=author,
                ticket=ticket,
                body=f"Note {number}",
                is_public=number % 2 == 0,
                attachment_ids=[upload.pk],
            )
            it_ticket(helpdesk)  # another request of the same reporter

    converse(2)
    few = _count(client, f"/agent/tickets/{ticket.key}/")
    converse(18)
    ticket_update(
        actor=helpdesk.li,
        ticket=ticket,
        changes={"labels": [f"l{n}" for n in range(10)], "assignee": helpdesk.li},
    )
    many = _count(client, f"/agent/tickets/{ticket.key}/")

    assert many == few
    assert few <= 25


def test_the_ticket_page_reads_its_slas_in_one_query(helpdesk: Helpdesk, django_assert_num_queries):
    calendar = make_calendar()
    make_first_response_metric(helpdesk.it, calendar)
    make_resolution_metric(helpdesk.it, calendar)
    ticket = it_ticket(helpdesk, labels=["one"], actor=helpdesk.li)
    client = signed_in(helpdesk.li)

    # session, user, the ticket, served desk ids, its labels, comments, events, request
    # fields, agents, served desks, statuses, teams, related requests, its failed e-mails: 14
    # before SLAs; and its SLA cycles with their metrics and calendars
    with django_assert_num_queries(15):
        response = client.get(f"/agent/tickets/{ticket.key}/")

    assert response.content.decode().count('<li class="sla-metric') == 2


@pytest.mark.parametrize("slug", ["desk-it", "unassigned"])
def test_the_queue_by_time_remaining_asks_the_same_number_of_queries_for_2_or_20_deadlines(
    helpdesk: Helpdesk, slug: str
):
    # given tickets whose SLA cycles run, raised Friday 10:00 and read on Monday 10:45 in
    # Shanghai: their first responses have breached, their resolutions are running
    calendar = make_calendar()
    make_first_response_metric(helpdesk.it, calendar)
    make_resolution_metric(helpdesk.it, calendar)
    client = signed_in(helpdesk.li)

    def raise_tickets(count: int) -> None:
        with time_machine.travel(shanghai(6, 10), tick=False):
            for _number in range(count):
                it_ticket(helpdesk, reporter=make_user(organization=helpdesk.acme))

    raise_tickets(2)
    with time_machine.travel(shanghai(9, 10, 45), tick=False):
        few = _count(client, f"/agent/queues/{slug}/?sort=due")
    raise_tickets(18)
    with time_machine.travel(shanghai(9, 10, 45), tick=False):
        response = client.get(f"/agent/queues/{slug}/?sort=due")
        many = _count(client, f"/agent/queues/{slug}/?sort=due")

    assert response.content.decode().count("sla-due sla-breached") == 20
    assert many == few
    assert few <= 20


def test_the_sla_preview_asks_the_same_number_of_queries_for_1_or_6_metrics(
    helpdesk: Helpdesk, viewer, django_assert_num_queries
):
    asked = {
        "desk": "IT",
        "request_type": helpdesk.password_reset.pk,
        "priority": "medium",
        "organization": helpdesk.acme.name,
    }
    calendar = make_calendar()
    make_first_response_metric(helpdesk.it, calendar)

    # The first page after a change of the configuration builds the process's catalogue of it
    # (`core.config`); count the pages that follow.
    viewer.get("/agent/sla/preview/", asked)
    # session, user, the configuration's version, served desks, their request types, the
    # organization
    with django_assert_num_queries(6):
        response = viewer.get("/agent/sla/preview/", asked)
    assert response.content.decode().count('<tr class="sla-preview-row">') == 1

    for number in range(5):
        make_resolution_metric(
            helpdesk.it,
            calendar,
            name=f"Resolution {number}",
            goals=[
                {"priority": "critical", "target_minutes": 60, "calendar": calendar.pk},
                {
                    "organization": helpdesk.acme.name,
                    "target_minutes": 120,
                    "calendar": calendar.pk,
                },
                {"target_minutes": 960, "calendar": calendar.pk},
            ],
        )
    viewer.get("/agent/sla/preview/", asked)
    with django_assert_num_queries(6):
        response = viewer.get("/agent/sla/preview/", asked)
    assert response.content.decode().count('<tr class="sla-preview-row">') == 6
