"""PATCH /tickets/{key} with `desk` and `request_type`: moving a ticket to another desk, and the
old key answering with the moved ticket."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskline.accounts.models import Role, User
from deskline.testing.factories import ApiClient, make_request_type, make_ticket, make_user
from deskline.testing.scenario import Helpdesk, row_counts, ticket_state
from deskline.testing.sla import make_calendar, make_first_response_metric
from deskline.tickets.actions import ticket_move
from deskline.tickets.models import Ticket, TicketKeyAlias

pytestmark = pytest.mark.django_db


@pytest.fixture
def mover(helpdesk: Helpdesk) -> User:
    return make_user(
        role=Role.AGENT,
        email="mei@deskline.example",
        display_name="Mei",
        teams=[helpdesk.frontline, helpdesk.people],
    )


@pytest.fixture
def ticket(helpdesk: Helpdesk) -> Ticket:
    return make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )


def _refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert body["message"]
    return body


def test_an_agent_of_both_desks_moves_a_ticket(helpdesk: Helpdesk, mover, ticket):
    response = ApiClient(mover).patch(
        f"/tickets/{ticket.key}",
        {"desk": "hr", "request_type": "Onboarding", "version": ticket.version},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["key"], body["desk"], body["request_type"]["id"]) == (
        "HR-1",
        "HR",
        helpdesk.onboarding.pk,
    )
    assert (body["status"], body["version"]) == ("open", ticket.version + 1)
    events = ApiClient(mover).get("/tickets/HR-1/events").json()["items"]
    moved = events[-1]
    assert (moved["kind"], moved["field"]) == ("moved", "desk")
    assert (moved["old_value"]["key"], moved["new_value"]["key"]) == ("IT-1", "HR-1")


def test_the_old_key_answers_with_the_moved_ticket(helpdesk: Helpdesk, mover, ticket):
    ticket_move(actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding)

    for caller in (mover, helpdesk.alice, helpdesk.hana):
        client = ApiClient(caller)
        assert client.get("/tickets/IT-1").json()["key"] == "HR-1"
        assert client.get("/tickets/it-1/comments").status_code == 200
        assert client.get("/tickets/IT-1/sla").status_code == 200
    reply = ApiClient(helpdesk.alice).post("/tickets/IT-1/comments", {"body": "Still there?"})
    assert reply.status_code == 201
    # Li works on IT only: the old key is as unknown to him as any other.
    _refused(ApiClient(helpdesk.li).get("/tickets/IT-1"), 404, "ticket_not_found")


def test_the_old_key_costs_one_query_more(helpdesk: Helpdesk, mover, ticket):
    ticket_move(actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding)
    client = ApiClient(mover)
    client.get("/desks")  # the first call of a token records its use; measure after it

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(path).json()["key"] == "HR-1"
        return len(context.captured_queries)

    assert count("/tickets/IT-1") == count("/tickets/HR-1") + 1


def test_the_list_filters_see_the_ticket_at_its_new_desk(helpdesk: Helpdesk, mover, ticket):
    ticket_move(actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding)
    client = ApiClient(mover)

    def keys(**params: str) -> list[str]:
        response = client.get("/tickets", params)
        assert response.status_code == 200, response.content
        return [item["key"] for item in response.json()["items"]]

    assert keys(desk="HR") == ["HR-1"]
    assert keys(desk="IT") == []
    assert keys(desk="HR", status="open", status_category="new") == ["HR-1"]
    assert keys(team="none", reporter="alice@acme.example") == ["HR-1"]
    # Hana now works on it, Li no longer; Alice still has her request.
    assert [i["key"] for i in ApiClient(helpdesk.hana).get("/tickets").json()["items"]] == ["HR-1"]
    assert ApiClient(helpdesk.li).get("/tickets").json()["items"] == []
    assert [i["key"] for i in ApiClient(helpdesk.alice).get("/tickets").json()["items"]] == ["HR-1"]


@pytest.mark.parametrize(
    ("who", "body", "status", "code", "fields"),
    [
        ("alice", {"desk": "HR", "request_type": "Onboarding"}, 403, "move_not_allowed", []),
        ("li", {"desk": "HR", "request_type": "Onboarding"}, 403, "desk_not_served", []),
        ("mover", {"desk": "NOPE", "request_type": "Onboarding"}, 400, "unknown_desk", ["desk"]),
        ("mover", {"desk": "HR", "request_type": "No such"}, 400, "unknown_request_type",
         ["request_type"]),
        ("mover", {"desk": "HR", "request_type": "Retired"}, 400, "unknown_request_type",
         ["request_type"]),
        ("mover", {"desk": "HR", "request_type": 999_999}, 400, "unknown_request_type",
         ["request_type"]),
        ("mover", {"desk": "IT", "request_type": "Password reset"}, 400, "same_desk", ["desk"]),
        ("mover", {"desk": "HR"}, 400, "request_type_required", ["request_type"]),
        ("mover", {"desk": "HR", "request_type": None}, 400, "request_type_required",
         ["request_type"]),
        ("mover", {"request_type": "Onboarding"}, 400, "desk_required", ["desk"]),
        ("mover", {"desk": None, "request_type": "Onboarding"}, 400, "desk_required", ["desk"]),
        ("mover", {"desk": "", "request_type": "Onboarding"}, 400, "invalid_input", ["desk"]),
        ("mover", {"desk": "HR", "request_type": "Onboarding", "priority": "high"}, 400,
         "move_with_other_changes", ["priority"]),
        ("mover", {"desk": "HR", "request_type": "Onboarding", "version": 0}, 409,
         "version_conflict", []),
    ],
)  # fmt: skip
def test_a_bad_move_is_refused_and_nothing_is_written(
    helpdesk: Helpdesk, mover, ticket, who, body, status, code, fields
):
    retired = make_request_type(helpdesk.hr, name="Retired", fields=[])
    retired.is_active = False
    retired.save()
    caller = mover if who == "mover" else getattr(helpdesk, who)
    before, state = row_counts(), ticket_state(ticket)

    response = ApiClient(caller).patch(f"/tickets/{ticket.key}", body)

    assert list(_refused(response, status, code)["fields"]) == fields
    assert row_counts() == before
    assert ticket_state(ticket) == state
    assert TicketKeyAlias.objects.count() == 0


def test_a_refused_move_is_explained_in_chinese(helpdesk: Helpdesk, ticket):
    response = ApiClient(helpdesk.li).patch(
        f"/tickets/{ticket.key}",
        {"desk": "HR", "request_type": "Onboarding"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert _refused(response, 403, "desk_not_served")["message"] == (
        "只能把请求转到您所服务的服务台。"
    )


def test_the_openapi_document_offers_the_move(db):
    from django.test import Client

    document = Client().get("/api/v1/openapi.json").json()
    properties = document["components"]["schemas"]["TicketPatchIn"]["properties"]

    assert {"desk", "request_type"} <= set(properties)


def test_the_sla_answer_lists_the_new_desks_metrics(helpdesk: Helpdesk, mover):
    calendar = make_calendar()
    make_first_response_metric(helpdesk.it, calendar)
    make_first_response_metric(helpdesk.hr, calendar, name="HR first answer")
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    ticket_move(actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding)

    body = ApiClient(mover).get("/tickets/IT-1/sla").json()

    assert [metric["name"] for metric in body["metrics"]] == ["HR first answer"]
