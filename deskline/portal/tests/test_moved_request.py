"""A request an agent moved to another desk: its old address leads to it, and it says so."""

import pytest

from deskline.accounts.models import Role
from deskline.testing.factories import make_ticket, make_user
from deskline.testing.sla import make_calendar, make_first_response_metric
from deskline.tickets.actions import ticket_move
from deskline.tickets.models import Comment, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(helpdesk) -> Ticket:
    """Alice's IT-1, moved to HR as HR-1."""
    mover = make_user(role=Role.AGENT, teams=[helpdesk.frontline, helpdesk.people])
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    return ticket_move(
        actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding
    )


def test_the_old_address_redirects_to_the_new_one(helpdesk, signed_in, moved):
    response = signed_in(helpdesk.alice).get("/requests/IT-1/")

    assert (response.status_code, response["Location"]) == (302, "/requests/HR-1/")


def test_the_page_names_the_desk_and_the_former_key(helpdesk, signed_in, moved):
    page = signed_in(helpdesk.alice).get("/requests/HR-1/").content.decode()

    assert '<p class="muted request-key">HR-1 · formerly IT-1</p>' in page
    assert "<dd>People</dd>" in page and "<dd>Onboarding</dd>" in page


def test_a_request_never_moved_names_no_former_key(helpdesk, signed_in):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )

    page = signed_in(helpdesk.alice).get(f"/requests/{ticket.key}/").content.decode()

    assert f'<p class="muted request-key">{ticket.key}</p>' in page


def test_a_reply_to_the_old_address_lands_on_the_moved_request(helpdesk, signed_in, moved):
    response = signed_in(helpdesk.alice).post("/requests/IT-1/comments/", {"body": "Thanks"})

    assert (response.status_code, response["Location"]) == (302, "/requests/HR-1/#conversation")
    assert Comment.objects.get().ticket_id == moved.pk


def test_the_list_shows_the_new_key(helpdesk, signed_in, moved):
    page = signed_in(helpdesk.alice).get("/requests/").content.decode()

    assert 'href="/requests/HR-1/"' in page
    assert "IT-1" not in page


def test_the_expectations_are_the_new_desks(helpdesk, signed_in):
    calendar = make_calendar()
    make_first_response_metric(helpdesk.it, calendar, is_shown_to_customers=True)
    make_first_response_metric(
        helpdesk.hr, calendar, name="HR first answer", is_shown_to_customers=True
    )
    mover = make_user(role=Role.AGENT, teams=[helpdesk.frontline, helpdesk.people])
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    ticket_move(actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding)

    page = signed_in(helpdesk.alice).get("/requests/HR-1/").content.decode()

    assert "HR first answer" in page
    assert "Time to first response" not in page


def test_someone_else_gets_no_hint_of_it(helpdesk, signed_in, moved):
    assert signed_in(helpdesk.carol).get("/requests/IT-1/").status_code == 404
