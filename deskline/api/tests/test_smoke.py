import pytest

from deskline.accounts.models import Role
from deskline.testing.factories import ApiClient, make_desk, make_team, make_user

pytestmark = pytest.mark.django_db


def test_customer_raises_a_ticket_and_an_agent_reads_it():
    team = make_team("Frontline")
    desk = make_desk("IT", teams=[team])
    from deskline.testing.factories import make_request_type

    rt = make_request_type(desk, name="New laptop")
    customer = make_user()
    agent = make_user(role=Role.AGENT, teams=[team])
    response = ApiClient(customer).post(
        "/tickets",
        {
            "desk": "IT",
            "request_type": rt.pk,
            "summary": "Need a laptop",
            "fields": {"location": "Shanghai"},
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["key"] == "IT-1"
    got = ApiClient(agent).get("/tickets/IT-1")
    assert got.status_code == 200
    assert got.json()["fields"] == {"location": "Shanghai"}
