"""The ticket page's SLA panel: each metric's current cycle, hand-computed on the Shanghai
calendar (Mon-Fri 09:00-18:00), shown in the viewer's time zone."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine

from deskline.testing.markup import first_match
from deskline.testing.scenario import Helpdesk
from deskline.testing.sla import make_calendar, make_first_response_metric, make_resolution_metric
from deskline.tickets.actions import ticket_comment, ticket_transition
from deskline.tickets.models import Ticket
from deskline.workspace.tests.conftest import it_ticket, shanghai, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def sla(helpdesk: Helpdesk) -> None:
    calendar = make_calendar()
    make_first_response_metric(helpdesk.it, calendar)  # 4 h, warns 30 min before
    make_resolution_metric(helpdesk.it, calendar)  # 16 h, warns at 25 % left


def raised_friday_4pm(helpdesk: Helpdesk) -> Ticket:
    with time_machine.travel(shanghai(6, 16), tick=False):
        return it_ticket(helpdesk)


def panel(client, ticket: Ticket, at: datetime.datetime) -> dict[str, str]:
    """Each metric's row of the panel as seen at `at`: its state, classes and text."""
    with time_machine.travel(at, tick=False):
        response = client.get(f"/agent/tickets/{ticket.key}/")
    assert response.status_code == 200
    html = response.content.decode()
    section = html[
        html.index('id="sla-panel"') : html.index("</section>", html.index('id="sla-panel"'))
    ]
    rows = {}
    for item in re.findall(r'<li class="sla-metric[^"]*".*?</p>', section, flags=re.S):
        name = first_match(r'<span class="sla-name">(.*?)</span>', item)
        rows[name] = " ".join(re.sub(r"<[^>]+>", " ", item).split())
        rows[f"{name} class"] = first_match(r'<li class="([^"]*)"', item)
        rows[f"{name} state"] = first_match(r'data-sla-state="([^"]*)"', item)
    return rows


def test_a_running_ticket_counts_down_in_business_time(helpdesk, sla, viewer):
    ticket = raised_friday_4pm(helpdesk)

    # Friday 17:00: one business hour spent of each goal
    rows = panel(viewer, ticket, shanghai(6, 17))

    assert rows["Time to first response state"] == "running"
    assert "3h 00m left" in rows["Time to first response"]
    # 2 h on Friday and 2 h on Monday: due Monday 11:00 in the viewer's (Shanghai) time
    assert "Due 9 Mar 2026, 11:00" in rows["Time to first response"]
    assert "Shanghai office" in rows["Time to first response"]
    assert "15h 00m left" in rows["Time to resolution"]
    assert "Due 10 Mar 2026, 14:00" in rows["Time to resolution"]
    assert rows["Time to first response class"] == "sla-metric"


def test_the_countdown_stands_still_outside_business_hours(helpdesk, sla, viewer):
    ticket = raised_friday_4pm(helpdesk)

    # Sunday: still the 2 business hours left after Friday 18:00
    rows = panel(viewer, ticket, shanghai(8, 12))

    assert "2h 00m left" in rows["Time to first response"]


def test_the_due_time_is_shown_in_the_viewers_time_zone(helpdesk, sla):
    ticket = raised_friday_4pm(helpdesk)
    client = signed_in(helpdesk.li)  # Li reads in UTC

    rows = panel(client, ticket, shanghai(6, 17))

    assert "Due 9 Mar 2026, 03:00" in rows["Time to first response"]


def test_a_ticket_waiting_for_the_customer_shows_paused(helpdesk, sla, viewer):
    ticket = raised_friday_4pm(helpdesk)
    with time_machine.travel(shanghai(6, 17), tick=False):
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="waiting_for_customer")

    rows = panel(viewer, ticket, shanghai(9, 15))

    assert rows["Time to first response state"] == "paused"
    assert "Paused" in rows["Time to first response"]
    assert "3h 00m left when the clock resumes" in rows["Time to first response"]
    assert "Due" not in rows["Time to first response"]


def test_a_first_response_in_time_shows_met(helpdesk, sla, viewer):
    ticket = raised_friday_4pm(helpdesk)
    with time_machine.travel(shanghai(9, 10), tick=False):
        ticket_comment(actor=helpdesk.li, ticket=ticket, body="On it", is_public=True)

    rows = panel(viewer, ticket, shanghai(9, 12))

    assert rows["Time to first response state"] == "met"
    assert "Met at 9 Mar 2026, 10:00" in rows["Time to first response"]
    assert "Took 3h 00m of a 4h goal" in rows["Time to first response"]
    assert rows["Time to first response class"] == "sla-metric"


def test_a_late_first_response_shows_breached_in_red(helpdesk, sla, viewer):
    ticket = raised_friday_4pm(helpdesk)

    # Monday 12:00: the 4 h goal ran out at 11:00
    rows = panel(viewer, ticket, shanghai(9, 12))

    assert rows["Time to first response state"] == "breached"
    assert "Breached at 9 Mar 2026, 11:00" in rows["Time to first response"]
    assert "1h 00m over the 4h goal" in rows["Time to first response"]
    assert rows["Time to first response class"] == "sla-metric sla-breached"
    assert rows["Time to resolution class"] == "sla-metric"


def test_a_cycle_close_to_its_goal_shows_the_warning_in_amber(helpdesk, sla, viewer):
    ticket = raised_friday_4pm(helpdesk)

    # Monday 10:40: 20 minutes left, within the 30-minute warning
    rows = panel(viewer, ticket, shanghai(9, 10, 40))

    assert rows["Time to first response state"] == "warning"
    assert "20m left" in rows["Time to first response"]
    assert rows["Time to first response class"] == "sla-metric sla-warning"


def test_earlier_cycles_are_listed_in_brief(helpdesk, sla, viewer):
    with time_machine.travel(shanghai(2, 9), tick=False):
        ticket = it_ticket(helpdesk)
    with time_machine.travel(shanghai(2, 13), tick=False):
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="resolved")
    with time_machine.travel(shanghai(4, 9), tick=False):
        ticket_transition(actor=helpdesk.alice, ticket=ticket, status="in_progress")

    with time_machine.travel(shanghai(4, 10), tick=False):
        html = viewer.get(f"/agent/tickets/{ticket.key}/").content.decode()

    assert "Cycle 1: met, 4h 00m" in html
    assert "15h 00m left" in html  # the second cycle of resolution, an hour in


def test_a_ticket_without_slas_says_so(helpdesk, viewer):
    ticket = it_ticket(helpdesk)

    html = viewer.get(f"/agent/tickets/{ticket.key}/").content.decode()

    assert "No service level applies to this ticket." in html


def test_the_panel_refreshes_on_its_own_address(helpdesk, sla, viewer):
    ticket = raised_friday_4pm(helpdesk)

    with time_machine.travel(shanghai(9, 12), tick=False):
        response = viewer.get(f"/agent/tickets/{ticket.key}/sla/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<section class="card sla-panel" id="sla-panel"')
    assert 'hx-trigger="every 60s"' in html
    assert "Breached at 9 Mar 2026, 11:00" in html
    assert "<html" not in html


def test_the_panel_of_another_desks_ticket_is_not_found(helpdesk, sla):
    ticket = raised_friday_4pm(helpdesk)

    response = signed_in(helpdesk.hana).get(f"/agent/tickets/{ticket.key}/sla/")

    assert response.status_code == 404
