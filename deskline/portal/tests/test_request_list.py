"""My requests and the requests shared with my organization."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskline.portal import request_views
from deskline.testing.factories import make_ticket
from deskline.tickets.actions import ticket_transition


def raise_for(helpdesk, reporter, summary, **extra):
    return make_ticket(
        desk=helpdesk.it,
        request_type=helpdesk.password_reset,
        reporter=reporter,
        summary=summary,
        **extra,
    )


def test_my_requests_lists_mine_newest_first(helpdesk, signed_in):
    # Given two requests of Alice and one of Bob
    raise_for(helpdesk, helpdesk.alice, "First of Alice")
    raise_for(helpdesk, helpdesk.bob, "Bob's own")
    raise_for(helpdesk, helpdesk.alice, "Second of Alice")

    # When Alice opens My requests
    response = signed_in(helpdesk.alice).get("/requests/")

    # Then she sees hers, the newest first, and not Bob's
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Second of Alice") < page.index("First of Alice")
    assert "Bob's own" not in page


def test_my_requests_filter_by_status(helpdesk, signed_in):
    open_one = raise_for(helpdesk, helpdesk.alice, "Still open")
    waiting = raise_for(helpdesk, helpdesk.alice, "Needs my answer")
    done = raise_for(helpdesk, helpdesk.alice, "All fixed")
    ticket_transition(actor=helpdesk.li, ticket=waiting, status="waiting_for_customer")
    ticket_transition(actor=helpdesk.alice, ticket=done, status="resolved")
    client = signed_in(helpdesk.alice)

    def summaries(status):
        page = client.get("/requests/", {"status": status}).content.decode()
        return {s for s in ("Still open", "Needs my answer", "All fixed") if s in page}

    assert open_one.key
    assert summaries("open") == {"Still open", "Needs my answer"}
    assert summaries("waiting") == {"Needs my answer"}
    assert summaries("resolved") == {"All fixed"}
    assert summaries("") == {"Still open", "Needs my answer", "All fixed"}


def test_my_requests_page_with_an_older_link(helpdesk, signed_in, monkeypatch):
    # Given more of Alice's requests than fit on one page
    monkeypatch.setattr(request_views, "LIST_PAGE", 2)
    for number in range(1, 6):
        raise_for(helpdesk, helpdesk.alice, f"Request number {number}")
    client = signed_in(helpdesk.alice)

    # When she follows the "Older" links
    seen = []
    url = "/requests/"
    while url:
        page = client.get(url).content.decode()
        seen += [n for n in range(5, 0, -1) if f"Request number {n}<" in page]
        marker = 'rel="next" href="'
        url = ""
        if marker in page:
            url = "/requests/" + page.split(marker)[1].split('"')[0].replace("&amp;", "&")

    # Then she sees every request once, newest first
    assert seen == [5, 4, 3, 2, 1]


def test_a_bad_cursor_is_a_400_not_a_500(helpdesk, signed_in):
    response = signed_in(helpdesk.alice).get("/requests/", {"cursor": "garbage"})

    assert response.status_code == 400
    assert "The cursor is not one this list gave out." in response.content.decode()


def test_the_organization_tab_lists_shared_requests_of_my_organization(helpdesk, signed_in):
    # Given Bob's shared and private requests, and Carol's (no organization)
    raise_for(helpdesk, helpdesk.bob, "Shared by Bob", is_shared_with_organization=True)
    raise_for(helpdesk, helpdesk.bob, "Private to Bob")
    raise_for(helpdesk, helpdesk.carol, "Carol's", is_shared_with_organization=True)

    # When Alice (Acme, like Bob) opens the organization tab
    response = signed_in(helpdesk.alice).get("/requests/", {"scope": "organization"})

    # Then she sees Bob's shared request only
    page = response.content.decode()
    assert response.status_code == 200
    assert "Shared by Bob" in page
    assert "Private to Bob" not in page and "Carol's" not in page
    assert "Raised by Bob" in page


def test_the_organization_tab_is_not_offered_without_an_organization(helpdesk, signed_in):
    page = signed_in(helpdesk.carol).get("/requests/").content.decode()

    assert "Shared with my organization" not in page


def test_the_requests_lists_ask_the_same_number_of_queries_however_many_rows(
    helpdesk, signed_in, django_assert_num_queries
):
    # Given Alice with one request, shared with Acme
    client = signed_in(helpdesk.alice)
    raise_for(helpdesk, helpdesk.alice, "Request 0", is_shared_with_organization=True)
    for scope in ("mine", "organization"):
        with CaptureQueriesContext(connection) as one_row:
            assert client.get("/requests/", {"scope": scope}).status_code == 200

        # When she has many more
        for number in range(8):
            raise_for(helpdesk, helpdesk.alice, f"More {number}", is_shared_with_organization=True)

        # Then the list asks exactly as many queries
        with django_assert_num_queries(len(one_row)):
            response = client.get("/requests/", {"scope": scope})
        assert response.content.decode().count("badge-new") >= 9
