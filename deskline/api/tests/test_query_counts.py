"""Lists and details ask the database a fixed number of questions, however much they show.

Each test measures the same request over a small and a large data set; an N+1 makes the counts
differ and fails the test.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskline.accounts.models import User
from deskline.sla.models import Calendar, Metric
from deskline.testing.factories import ApiClient, make_organization, make_ticket, make_user
from deskline.testing.scenario import Helpdesk
from deskline.testing.sla import make_calendar, make_first_response_metric
from deskline.tickets.actions import attachment_upload, ticket_comment, ticket_update
from deskline.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _queries(client: ApiClient, path: str, params: dict | None = None) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), response.json()


def _raise_busy_tickets(helpdesk: Helpdesk, count: int, reporter: User | None = None) -> None:
    """Tickets with everything a list shows: reporter, organization, assignee, team, labels."""
    for number in range(count):
        # A different reporter each time, so a per-row lookup cannot hide in a cache.
        someone = reporter or make_user(organization=helpdesk.acme)
        ticket = make_ticket(
            desk=helpdesk.it,
            reporter=someone,
            request_type=helpdesk.password_reset,
            labels=[f"label{number}", "common"],
            actor=helpdesk.li,  # only agents set labels
        )
        ticket_update(
            actor=helpdesk.li,
            ticket=ticket,
            changes={"assignee": helpdesk.li, "team": "Frontline"},
        )


@pytest.mark.parametrize("who", ["li", "admin"])
def test_the_ticket_list_asks_the_same_number_of_queries_for_2_or_20_tickets(
    helpdesk: Helpdesk, who
):
    client = ApiClient(getattr(helpdesk, who))
    client.get("/desks")  # the first call of a token records its use; measure after it
    _raise_busy_tickets(helpdesk, 2)
    few, few_page = _queries(client, "/tickets")
    _raise_busy_tickets(helpdesk, 18)
    many, many_page = _queries(client, "/tickets")

    assert len(few_page["items"]) == 2
    assert len(many_page["items"]) == 20
    assert many_page["items"][0]["organization"] == "Acme"
    assert many_page["items"][0]["labels"] == ["common", "label17"]
    assert many == few


def test_a_customers_list_asks_the_same_number_of_queries_for_2_or_20_tickets(
    helpdesk: Helpdesk,
):
    client = ApiClient(helpdesk.alice)
    client.get("/desks")
    _raise_busy_tickets(helpdesk, 2, reporter=helpdesk.alice)
    few, _ = _queries(client, "/tickets")
    _raise_busy_tickets(helpdesk, 18, reporter=helpdesk.alice)
    many, page = _queries(client, "/tickets")

    assert len(page["items"]) == 20
    assert many == few


def test_a_filtered_search_asks_the_same_number_of_queries_for_2_or_20_tickets(
    helpdesk: Helpdesk,
):
    client = ApiClient(helpdesk.li)
    client.get("/desks")
    params = {"q": "printer", "priority": "medium", "status_category": "new", "team": "Frontline"}
    _raise_busy_tickets(helpdesk, 2)
    few, _ = _queries(client, "/tickets", params)
    _raise_busy_tickets(helpdesk, 18)
    many, page = _queries(client, "/tickets", params)

    assert len(page["items"]) == 20
    assert many == few


def test_the_ticket_detail_asks_the_same_number_of_queries_for_1_or_10_labels(
    helpdesk: Helpdesk,
):
    client = ApiClient(helpdesk.li)
    client.get("/desks")
    ticket = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.password_reset,
        labels=["one"],
        actor=helpdesk.li,
    )
    few, _ = _queries(client, f"/tickets/{ticket.key}")
    ticket_update(
        actor=helpdesk.li,
        ticket=ticket,
        changes={
            "labels": [f"label{n}" for n in range(10)],
            "assignee": helpdesk.li,
            "team": "Frontline",
        },
    )
    many, body = _queries(client, f"/tickets/{ticket.key}")

    assert len(body["labels"]) == 10
    assert many == few


def test_the_comment_list_asks_the_same_number_of_queries_for_2_or_20_comments(
    helpdesk: Helpdesk,
):
    client = ApiClient(helpdesk.li)
    client.get("/desks")
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )

    def comment(count: int) -> None:
        for number in range(count):
            author = make_user(role="agent", teams=[helpdesk.frontline])
            upload = attachment_upload(actor=author, filename=f"{number}.txt", content=b"log")
            ticket_comment(
                actor=author, ticket=ticket, body=f"Note {number}", attachment_ids=[upload.pk]
            )

    comment(2)
    few, _ = _queries(client, f"/tickets/{ticket.key}/comments")
    comment(18)
    many, page = _queries(client, f"/tickets/{ticket.key}/comments")

    assert len(page["items"]) == 20
    assert all(len(item["attachments"]) == 1 for item in page["items"])
    assert many == few


def test_the_event_list_asks_the_same_number_of_queries_for_few_or_many_events(
    helpdesk: Helpdesk,
):
    client = ApiClient(helpdesk.li)
    client.get("/desks")
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )

    def change(count: int) -> None:
        for number in range(count):
            actor = make_user(role="agent", teams=[helpdesk.frontline])
            ticket_update(
                actor=actor,
                ticket=Ticket.objects.get(pk=ticket.pk),
                changes={"summary": f"S{number}"},
            )

    change(2)
    few, _ = _queries(client, f"/tickets/{ticket.key}/events")
    change(18)
    many, page = _queries(client, f"/tickets/{ticket.key}/events")

    assert len(page["items"]) == 21
    assert many == few


def test_the_request_type_list_asks_the_same_number_of_queries_for_any_number_of_fields(
    helpdesk: Helpdesk,
):
    client = ApiClient(helpdesk.alice)
    client.get("/desks/HR/request-types")  # builds the process's catalogue of the desks
    few, _ = _queries(client, "/desks/HR/request-types")
    many, page = _queries(client, "/desks/IT/request-types")

    assert sum(len(item["fields"]) for item in page["items"]) == 10
    assert many == few


def _add_calendars(count: int) -> None:
    for _number in range(count):
        make_calendar(f"Office {Calendar.objects.count()}")


def test_the_calendar_list_asks_the_same_number_of_queries_for_2_or_20_calendars(
    helpdesk: Helpdesk,
):
    client = ApiClient(helpdesk.li)
    client.get("/desks")
    _add_calendars(2)
    few, few_page = _queries(client, "/sla/calendars")
    _add_calendars(18)
    many, many_page = _queries(client, "/sla/calendars")

    assert len(few_page["items"]) == 2
    assert len(many_page["items"]) == 20
    assert many_page["items"][19]["spec"]["tz"] == "Asia/Shanghai"
    assert few == many == 2  # token, calendars


def _add_policies(helpdesk: Helpdesk, count: int) -> None:
    """Metrics whose goals each name their own calendar and organization, so that a per-goal
    lookup of either cannot hide in a cache."""
    for _number in range(count):
        number = Metric.objects.count()
        calendar = make_calendar(f"Office {number}")
        make_first_response_metric(
            helpdesk.it,
            calendar,
            name=f"Response {number}",
            goals=[
                {
                    "target_minutes": 30,
                    "calendar": calendar.pk,
                    "request_type": helpdesk.password_reset.pk,
                    "organization": make_organization(f"Customer {number}").pk,
                },
                {"target_minutes": 240, "calendar": calendar.pk},
            ],
        )


def test_the_policy_list_asks_the_same_number_of_queries_for_2_or_20_policies(
    helpdesk: Helpdesk,
):
    client = ApiClient(helpdesk.li)
    client.get("/desks")
    _add_policies(helpdesk, 2)
    few, few_page = _queries(client, "/sla/policies")
    _add_policies(helpdesk, 18)
    many, many_page = _queries(client, "/sla/policies")

    assert len(few_page["items"]) == 2
    assert len(many_page["items"]) == 20
    last_goal = many_page["items"][19]["goals"][0]
    assert (last_goal["calendar"]["name"], last_goal["organization"]["name"]) == (
        "Office 19",
        "Customer 19",
    )
    assert last_goal["request_type"]["name"] == "Password reset"
    assert few == many == 3  # token, metrics with their desks, goals with their rows
