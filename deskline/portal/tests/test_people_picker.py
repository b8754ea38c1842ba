"""The picker of a form's user fields: suggestions as one types, among the people the viewer may
name; no way for a customer to learn who has an account outside their organization."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskline.accounts.models import Role
from deskline.portal.tests.test_raise_request import form_row, form_url
from deskline.testing.factories import ApiClient, make_organization, make_user
from deskline.testing.scenario import Helpdesk, row_counts
from deskline.tickets.models import Ticket

NOT_ALLOWED = "Choose a person you may name here: start typing their name or e-mail address."


@pytest.fixture
def globex(helpdesk: Helpdesk):
    """Another organization, with a person whose name and address look like Acme's."""
    return make_user(
        email="bobby@globex.example",
        display_name="Bobby Globex",
        organization=make_organization("Globex"),
    )


def suggested(response) -> list[tuple[str, str]]:
    """The (name, address) of each suggestion."""
    return re.findall(
        r'data-person-choice="([^"]+)"><span class="person-name">([^<]+)</span>',
        response.content.decode(),
    )


def suggest(client, query: str, desk: str = "IT"):
    return client.get("/people/suggestions/", {"desk": desk, "q": query})


def test_a_customer_is_offered_the_people_of_their_organization(helpdesk, signed_in, globex):
    response = suggest(signed_in(helpdesk.alice), "bo")

    assert response.status_code == 200
    assert suggested(response) == [("bob@acme.example", "Bob")]


def test_a_customer_never_sees_people_of_another_organization(helpdesk, signed_in, globex):
    client = signed_in(helpdesk.alice)

    by_name = suggest(client, "Bobby")
    by_address = suggest(client, "bobby@globex.example")
    nobody = suggest(client, "nobody@nowhere.example")

    assert suggested(by_name) == suggested(by_address) == []
    # an address with an account reads exactly like one without
    assert by_address.content == nobody.content
    assert "Nobody matches." in by_address.content.decode()
    assert "Globex" not in by_address.content.decode()


def test_a_customer_without_an_organization_finds_only_themselves(helpdesk, signed_in):
    client = signed_in(helpdesk.carol)

    assert suggested(suggest(client, "carol")) == [("carol@example.com", "Carol")]
    assert suggested(suggest(client, "a")) == [("carol@example.com", "Carol")]


def test_an_agent_of_the_desk_is_offered_anyone_active(helpdesk, signed_in, globex):
    make_user(email="bob.gone@acme.example", display_name="Bob Gone", is_active=False)
    client = signed_in(helpdesk.li)

    assert suggested(suggest(client, "bob")) == [
        ("bob@acme.example", "Bob"),
        ("bobby@globex.example", "Bobby Globex"),
    ]
    # on a desk Li does not serve, Li is a customer like any other (and in no organization)
    assert suggested(suggest(client, "bob", desk="HR")) == []


def test_the_suggestions_are_ten_at_most(helpdesk, signed_in):
    for number in range(15):
        make_user(display_name=f"Acme person {number:02}", organization=helpdesk.acme)

    found = suggested(suggest(signed_in(helpdesk.alice), "acme person"))

    assert [name for _email, name in found] == [f"Acme person {n:02}" for n in range(10)]


def test_visitors_and_unknown_desks_get_nothing(helpdesk, signed_in, client):
    visitor = suggest(client, "bob")
    unknown_desk = suggest(signed_in(helpdesk.alice), "bob", desk="NOPE")

    assert visitor.status_code == 302
    assert visitor["Location"].startswith("/accounts/login/")
    assert unknown_desk.status_code == 404
    assert "bob@acme.example" not in unknown_desk.content.decode()


@pytest.mark.parametrize("query", ["x" * 101, "bo\x00b"])
def test_a_query_too_long_or_with_a_nul_is_refused_before_any_search(
    helpdesk, signed_in, query, django_assert_max_num_queries
):
    client = signed_in(helpdesk.alice)

    with django_assert_max_num_queries(2):  # the session and the user
        response = suggest(client, query)

    assert response.status_code == 400
    assert "Type fewer characters." in response.content.decode()
    assert suggested(response) == []


def test_an_empty_query_suggests_nobody(helpdesk, signed_in):
    response = suggest(signed_in(helpdesk.alice), "   ")

    assert response.status_code == 200
    assert suggested(response) == []
    assert "Nobody matches." not in response.content.decode()


def test_the_suggestions_ask_a_fixed_number_of_queries(helpdesk, signed_in):
    client = signed_in(helpdesk.alice)
    suggest(client, "warm")  # the first request after a change builds the desks' catalogue

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = suggest(client, "person")
        assert response.status_code == 200
        return len(queries.captured_queries)

    for _number in range(2):
        make_user(organization=helpdesk.acme)
    few = count()
    for _number in range(20):
        make_user(organization=helpdesk.acme)
    many = count()

    # the session, the user, the configuration's version, and the people
    assert many == few == 4


def test_the_form_shows_the_picker_and_refuses_a_stranger_like_an_unknown_address(
    helpdesk, signed_in, globex
):
    client = signed_in(helpdesk.alice)
    page = client.get(form_url(helpdesk)).content.decode()
    row = form_row(page, "f_manager")

    assert "data-people-picker" in row
    assert 'hx-get="/people/suggestions/?desk=IT"' in row
    assert 'id="id_f_manager_suggestions"' in row
    pages = {}
    for address in ("bobby@globex.example", "nobody@globex.example"):
        response = client.post(
            form_url(helpdesk),
            {"summary": "Laptop", "priority": "medium", "f_location": "X", "f_manager": address},
        )
        assert response.status_code == 400
        pages[address] = form_row(response.content.decode(), "f_manager").replace(address, "…")
    assert pages["bobby@globex.example"] == pages["nobody@globex.example"]
    assert NOT_ALLOWED in pages["nobody@globex.example"]
    assert Ticket.objects.count() == 0


def test_the_form_takes_a_colleague(helpdesk, signed_in):
    response = signed_in(helpdesk.alice).post(
        form_url(helpdesk),
        {
            "summary": "Laptop",
            "priority": "medium",
            "f_location": "X",
            "f_manager": "Bob@Acme.example",
        },
    )

    assert response.status_code == 302
    assert Ticket.objects.get().fields["manager"] == "bob@acme.example"


def test_the_api_refuses_a_stranger_like_an_unknown_address(helpdesk: Helpdesk, globex):
    before = row_counts()
    answers = {}
    for address in ("bobby@globex.example", "nobody@globex.example"):
        response = ApiClient(helpdesk.alice).post(
            "/tickets",
            {
                "desk": "IT",
                "request_type": helpdesk.laptop.pk,
                "summary": "Laptop",
                "fields": {"location": "X", "manager": address},
            },
        )
        assert response.status_code == 400
        answers[address] = response.json()

    assert answers["bobby@globex.example"] == answers["nobody@globex.example"]
    assert answers["nobody@globex.example"]["fields"] == {"fields.manager": [NOT_ALLOWED]}
    assert row_counts() == before


def test_the_api_lets_an_agent_of_the_desk_name_anyone(helpdesk: Helpdesk, globex):
    response = ApiClient(helpdesk.li).post(
        "/tickets",
        {
            "desk": "IT",
            "request_type": helpdesk.laptop.pk,
            "summary": "Laptop",
            "reporter_email": helpdesk.alice.email,
            "fields": {"location": "X", "manager": globex.email},
        },
    )

    assert response.status_code == 201, response.json()
    assert response.json()["fields"]["manager"] == "bobby@globex.example"
    assert helpdesk.li.role == Role.AGENT
