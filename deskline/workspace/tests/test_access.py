"""Who may open the workspace: agents only; tickets only of the desks they serve."""

import pytest

from deskline.testing.scenario import Helpdesk
from deskline.workspace.tests.conftest import it_ticket, signed_in

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_is_sent_to_sign_in(client, helpdesk: Helpdesk):
    response = client.get("/agent/queues/mine/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/agent/queues/mine/")


def test_a_customer_gets_the_403_page(helpdesk: Helpdesk):
    response = signed_in(helpdesk.alice).get("/agent/")

    assert response.status_code == 403
    assert b"You may not open this page" in response.content


def test_the_workspace_home_opens_my_queue(helpdesk: Helpdesk):
    response = signed_in(helpdesk.li).get("/agent/")

    assert response.status_code == 302
    assert response["Location"] == "/agent/queues/mine/"


def test_an_agent_of_another_desk_gets_404_for_a_ticket(helpdesk: Helpdesk):
    # given an IT ticket
    ticket = it_ticket(helpdesk)

    # when Hana (HR) opens it in the workspace
    response = signed_in(helpdesk.hana).get(f"/agent/tickets/{ticket.key}/")

    # then it does not exist for her
    assert response.status_code == 404
    assert b"We could not find this page" in response.content


def test_an_agent_of_another_desk_cannot_change_a_ticket(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)

    response = signed_in(helpdesk.hana).post(
        f"/agent/tickets/{ticket.key}/assign-to-me/", {"version": ticket.version}
    )

    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.assignee_id is None


def test_an_unknown_queue_is_404(helpdesk: Helpdesk):
    assert signed_in(helpdesk.li).get("/agent/queues/desk-hr/").status_code == 404


def test_forms_refuse_a_post_without_the_csrf_token(helpdesk: Helpdesk):
    from django.test import Client

    ticket = it_ticket(helpdesk)
    client = Client(enforce_csrf_checks=True)
    client.force_login(helpdesk.li)

    response = client.post(f"/agent/tickets/{ticket.key}/assign-to-me/", {"version": 1})

    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.assignee_id is None
