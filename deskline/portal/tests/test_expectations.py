"""What the help center tells customers to expect, for the metrics a desk admin chose to show:
goals per priority on the request form, and each current cycle on the request's page.
Hand-computed on the Shanghai calendar (Mon-Fri 09:00-18:00); 6 March 2026 is a Friday."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from deskline.sla.actions import metric_save
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk
from deskline.testing.sla import (
    make_always_calendar,
    make_calendar,
    make_first_response_metric,
    make_resolution_metric,
    sla_admin,
)
from deskline.tickets.actions import ticket_comment, ticket_transition

pytestmark = pytest.mark.django_db
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
FRIDAY_4PM = datetime.datetime(2026, 3, 6, 16, tzinfo=SHANGHAI)


def at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def alice(helpdesk: Helpdesk):
    helpdesk.alice.time_zone = "Asia/Shanghai"
    helpdesk.alice.save(update_fields=["time_zone"])
    return helpdesk.alice


@pytest.fixture
def shown(helpdesk: Helpdesk):
    """First response shown to customers: 1 h around the clock when critical, else 4 business
    hours; resolution (16 business hours) kept for the agents."""
    office, always = make_calendar(), make_always_calendar()
    first = make_first_response_metric(
        helpdesk.it,
        office,
        is_shown_to_customers=True,
        goals=[
            {"priority": "critical", "target_minutes": 60, "calendar": always.pk},
            {"target_minutes": 240, "calendar": office.pk},
        ],
    )
    make_resolution_metric(helpdesk.it, office)
    return first


def form_url(helpdesk: Helpdesk) -> str:
    return f"/desks/IT/new/{helpdesk.password_reset.pk}/"


def test_the_form_shows_each_priority_goal_and_when_a_request_sent_now_would_be_due(
    helpdesk, alice, shown, signed_in
):
    with time_machine.travel(FRIDAY_4PM, tick=False):
        page = signed_in(alice).get(form_url(helpdesk)).content.decode()

    aside = page[page.index('id="expectations-heading"') :]
    assert "What to expect" in page
    assert "Time to first response" in aside
    assert "<dt>Critical</dt><dd>within 1h, around the clock</dd>" in aside
    assert "<dt>Medium</dt><dd>within 4h of working time (Shanghai office)</dd>" in aside
    # Medium, sent Friday 16:00: two hours on Friday, two on Monday morning.
    assert 'datetime="2026-03-09T11:00:00+08:00"' in aside
    # Resolution is not shown to customers.
    assert "Time to resolution" not in page


def test_the_due_time_follows_the_priority_sent_with_a_refused_form(
    helpdesk, alice, shown, signed_in
):
    with time_machine.travel(FRIDAY_4PM, tick=False):
        response = signed_in(alice).post(form_url(helpdesk), {"priority": "critical"})

    assert response.status_code == 400  # no summary
    assert 'datetime="2026-03-06T17:00:00+08:00"' in response.content.decode()


def test_a_single_goal_for_every_priority_is_said_once(helpdesk, alice, signed_in):
    make_first_response_metric(helpdesk.it, make_calendar(), is_shown_to_customers=True)

    with time_machine.travel(FRIDAY_4PM, tick=False):
        page = signed_in(alice).get(form_url(helpdesk)).content.decode()

    assert "<p>within 4h of working time (Shanghai office)</p>" in page
    assert "<dt>Critical</dt>" not in page


def test_nothing_is_promised_when_no_metric_is_shown(helpdesk, alice, signed_in):
    office = make_calendar()
    make_first_response_metric(helpdesk.it, office)
    with time_machine.travel(FRIDAY_4PM, tick=False):
        ticket = make_ticket(desk=helpdesk.it, request_type=helpdesk.password_reset, reporter=alice)
        client = signed_in(alice)
        form = client.get(form_url(helpdesk)).content.decode()
        request_page = client.get(f"/requests/{ticket.key}/").content.decode()

    assert "What to expect" not in form
    assert "Time to first response" not in form + request_page


def test_the_request_page_says_when_a_reply_is_expected_then_that_it_was_met(
    helpdesk, alice, shown, signed_in
):
    with time_machine.travel(FRIDAY_4PM, tick=False):
        ticket = make_ticket(desk=helpdesk.it, request_type=helpdesk.password_reset, reporter=alice)
    client = signed_in(alice)

    with time_machine.travel(at(6, 17), tick=False):
        page = client.get(f"/requests/{ticket.key}/").content.decode()
    assert "<dt>Time to first response</dt>" in page
    assert 'class="expectation expectation-due">Expected by' in page
    assert 'datetime="2026-03-09T11:00:00+08:00"' in page
    assert "Time to resolution" not in page

    with time_machine.travel(at(9, 10), tick=False):
        ticket_comment(actor=helpdesk.li, ticket=ticket, body="On it", is_public=True)
        page = client.get(f"/requests/{ticket.key}/").content.decode()
    assert 'class="expectation expectation-met">Met</dd>' in page


def test_the_request_page_says_the_clock_is_stopped_while_the_request_waits(
    helpdesk, alice, shown, signed_in
):
    with time_machine.travel(FRIDAY_4PM, tick=False):
        ticket = make_ticket(desk=helpdesk.it, request_type=helpdesk.password_reset, reporter=alice)
    with time_machine.travel(at(6, 17), tick=False):
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="waiting_for_customer")
        page = signed_in(alice).get(f"/requests/{ticket.key}/").content.decode()

    assert "expectation-paused" in page
    assert "the clock is stopped" in page


def test_a_late_request_says_so_without_numbers(helpdesk, alice, shown, signed_in):
    with time_machine.travel(FRIDAY_4PM, tick=False):
        ticket = make_ticket(desk=helpdesk.it, request_type=helpdesk.password_reset, reporter=alice)
    with time_machine.travel(at(9, 12), tick=False):
        page = signed_in(alice).get(f"/requests/{ticket.key}/").content.decode()

    assert "expectation-late" in page
    assert "Later than we aimed for" in page


def test_a_desk_admin_chooses_what_is_shown(helpdesk, alice, shown, signed_in):
    metric_save(
        actor=sla_admin(),
        desk=helpdesk.it,
        metric=shown,
        data={"is_shown_to_customers": False},
        goals=None,
    )
    with time_machine.travel(FRIDAY_4PM, tick=False):
        page = signed_in(alice).get(form_url(helpdesk)).content.decode()

    assert "What to expect" not in page
