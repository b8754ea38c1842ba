"""Moving a ticket to another desk from its page, and the old key leading to the new one."""

from __future__ import annotations

import re

import pytest

from deskline.accounts.models import Role, User
from deskline.desks.models import RequestType
from deskline.testing.factories import make_request_type, make_user
from deskline.testing.scenario import Helpdesk, row_counts, ticket_state
from deskline.testing.sla import make_calendar, make_first_response_metric, make_resolution_metric
from deskline.tickets.actions import ticket_move
from deskline.tickets.models import Ticket, TicketKeyAlias
from deskline.workspace.tests.conftest import it_ticket, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def mover(helpdesk: Helpdesk) -> User:
    return make_user(
        role=Role.AGENT,
        email="mei@deskline.example",
        display_name="Mei",
        teams=[helpdesk.frontline, helpdesk.people],
    )


def retire(request_type: RequestType) -> RequestType:
    request_type.is_active = False
    request_type.save()
    return request_type


def move_card(html: str) -> str:
    found = re.search(r"<h2>Move to desk</h2>.*?</section>", html, flags=re.S)
    return found.group(0) if found else ""


def test_an_agent_of_both_desks_is_offered_the_other_desks_request_types(helpdesk, mover):
    retire(make_request_type(helpdesk.hr, name="Retired", fields=[]))
    ticket = it_ticket(helpdesk)

    card = move_card(signed_in(mover).get(f"/agent/tickets/{ticket.key}/").content.decode())

    assert f'action="/agent/tickets/{ticket.key}/move/"' in card
    assert '<optgroup label="HR: People">' in card
    assert f'<option value="{helpdesk.onboarding.pk}">Onboarding</option>' in card
    assert "Retired" not in card and "IT: IT help" not in card
    # No inline script or style: the page keeps working under a strict CSP.
    assert not re.search(r"<script|style=|hx-on|onclick|onchange", card)


def test_an_agent_of_one_desk_is_not_offered_a_move(helpdesk):
    ticket = it_ticket(helpdesk)

    page = signed_in(helpdesk.li).get(f"/agent/tickets/{ticket.key}/").content.decode()

    assert "Move to desk" not in page


def test_moving_leads_to_the_ticket_at_its_new_key(helpdesk, mover):
    ticket = it_ticket(helpdesk)
    client = signed_in(mover)

    response = client.post(
        f"/agent/tickets/{ticket.key}/move/",
        {"request_type": helpdesk.onboarding.pk, "version": ticket.version},
        follow=True,
    )

    assert response.redirect_chain == [("/agent/tickets/HR-1/", 302)]
    page = response.content.decode()
    assert "Moved to People as HR-1; IT-1 leads here too." in page
    assert '<span class="ticket-key">HR-1</span>' in page
    assert "IT-1 → HR-1" in page  # the history
    assert Ticket.objects.get(pk=ticket.pk).desk == helpdesk.hr


def test_the_old_key_redirects_to_the_new_one(helpdesk, mover):
    ticket = it_ticket(helpdesk)
    ticket_move(actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding)

    for path in ("/agent/tickets/IT-1/", "/agent/tickets/it-1/"):
        response = signed_in(helpdesk.hana).get(path)
        assert (response.status_code, response["Location"]) == (302, "/agent/tickets/HR-1/")
    # Li no longer works on it: 404, as for any key he cannot open.
    assert signed_in(helpdesk.li).get("/agent/tickets/IT-1/").status_code == 404


def test_the_sla_panel_shows_the_new_desks_metrics_only(helpdesk, mover):
    calendar = make_calendar()
    make_first_response_metric(helpdesk.it, calendar)
    make_resolution_metric(helpdesk.hr, calendar, name="HR resolution")
    ticket = it_ticket(helpdesk)
    ticket_move(actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding)

    page = signed_in(mover).get("/agent/tickets/HR-1/").content.decode()
    panel = signed_in(mover).get("/agent/tickets/IT-1/sla/").content.decode()

    for html in (page, panel):
        assert "HR resolution" in html
        assert "Time to first response" not in html


@pytest.mark.parametrize(
    ("posted", "status", "message"),
    [
        ({"request_type": "999999"}, 400, "Choose a desk and request type from the list."),
        ({"request_type": "x"}, 400, "Choose a desk and request type from the list."),
        ({"request_type": "retired"}, 400, "This desk has no such request type."),
        ({"request_type": "password_reset"}, 400, "The request is on this desk already."),
        ({"request_type": "onboarding", "version": ""}, 400, "Reload the page and try again."),
    ],
)
def test_a_bad_move_is_refused_next_to_the_control(helpdesk, mover, posted, status, message):
    retired = retire(make_request_type(helpdesk.hr, name="Retired", fields=[]))
    named = {"retired": retired, "onboarding": helpdesk.onboarding,
             "password_reset": helpdesk.password_reset}  # fmt: skip
    ticket = it_ticket(helpdesk)
    data = {"version": str(ticket.version)} | posted
    if data["request_type"] in named:
        data["request_type"] = str(named[data["request_type"]].pk)
    before, state = row_counts(), ticket_state(ticket)

    response = signed_in(mover).post(f"/agent/tickets/{ticket.key}/move/", data)

    assert response.status_code == status
    assert message in response.content.decode()
    assert row_counts() == before
    assert ticket_state(ticket) == state
    assert TicketKeyAlias.objects.count() == 0


def test_a_move_to_a_desk_the_agent_does_not_serve_is_refused(helpdesk):
    ticket = it_ticket(helpdesk)
    before, state = row_counts(), ticket_state(ticket)

    response = signed_in(helpdesk.li).post(
        f"/agent/tickets/{ticket.key}/move/",
        {"request_type": helpdesk.onboarding.pk, "version": ticket.version},
    )

    assert response.status_code == 403
    assert "You can move a request only to a desk you work on." in response.content.decode()
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_a_stale_page_moves_nothing_and_says_why(helpdesk, mover):
    ticket = it_ticket(helpdesk)
    read = ticket.version
    signed_in(mover).post(f"/agent/tickets/{ticket.key}/assign-to-me/", {"version": read})
    before, state = row_counts(), ticket_state(ticket)

    response = signed_in(mover).post(
        f"/agent/tickets/{ticket.key}/move/",
        {"request_type": helpdesk.onboarding.pk, "version": read},
    )

    assert response.status_code == 409
    assert "Someone changed this ticket after you opened it" in response.content.decode()
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_a_customer_cannot_move_anything(helpdesk):
    ticket = it_ticket(helpdesk)
    before, state = row_counts(), ticket_state(ticket)

    response = signed_in(helpdesk.alice).post(
        f"/agent/tickets/{ticket.key}/move/",
        {"request_type": helpdesk.onboarding.pk, "version": ticket.version},
    )

    assert response.status_code == 403
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_the_control_reads_in_chinese(helpdesk, mover):
    ticket = it_ticket(helpdesk)

    page = (
        signed_in(mover)
        .get(f"/agent/tickets/{ticket.key}/", headers={"accept-language": "zh-hans"})
        .content.decode()
    )

    assert "<h2>转到其他服务台</h2>" in page
    assert '<optgroup label="HR: People">' in page
