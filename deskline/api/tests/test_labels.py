"""Labels through API v1: agents of the desk only, at most 20 of at most 50 characters, stated in
the OpenAPI document and refused with the same error as through the actions."""

import json

import pytest
from django.test import Client

from deskline.testing.factories import ApiClient, make_ticket
from deskline.testing.scenario import Helpdesk, row_counts, ticket_state
from deskline.tickets.models import Label

pytestmark = pytest.mark.django_db


TWENTY = [f"label{n}" for n in range(20)]


def _request(helpdesk: Helpdesk, labels: list[str]) -> dict:
    return {
        "desk": "IT",
        "request_type": helpdesk.password_reset.pk,
        "summary": "VPN drops",
        "labels": labels,
    }


def _refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    return body


def test_an_agent_raises_a_request_with_twenty_labels(helpdesk: Helpdesk):
    response = ApiClient(helpdesk.li).post("/tickets", _request(helpdesk, TWENTY))

    assert response.status_code == 201, response.content
    assert response.json()["labels"] == sorted(TWENTY)


def test_a_customer_cannot_raise_a_request_with_labels(helpdesk: Helpdesk):
    before = row_counts()

    response = ApiClient(helpdesk.alice).post("/tickets", _request(helpdesk, ["urgent"]))

    body = _refused(response, 403, "labels_not_allowed")
    assert body["message"] == "Only agents of this desk can set labels."
    assert row_counts() == before
    assert Label.objects.count() == 0


def test_twenty_thousand_labels_are_refused_before_anything_is_written(helpdesk: Helpdesk):
    before = row_counts()
    many = [f"label{n}" for n in range(20_000)]

    for caller in (helpdesk.alice, helpdesk.li):
        response = ApiClient(caller).post("/tickets", _request(helpdesk, many))

        body = _refused(response, 400, "too_many_labels")
        assert body["fields"] == {"labels": ["Give at most 20 labels."]}
    assert row_counts() == before
    assert Label.objects.count() == 0


@pytest.mark.parametrize(
    ("labels", "code", "message"),
    [
        ([*TWENTY, "one-more"], "too_many_labels", "Give at most 20 labels."),
        (["x" * 51], "invalid_labels", "A label is one word of at most 50 characters."),
    ],
)
def test_a_change_with_too_many_or_too_long_labels_is_refused(
    helpdesk: Helpdesk, labels, code, message
):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    before, state = row_counts(), ticket_state(ticket)

    response = ApiClient(helpdesk.li).patch(f"/tickets/{ticket.key}", {"labels": labels})

    assert _refused(response, 400, code)["fields"] == {"labels": [message]}
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_a_customer_cannot_change_labels(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    before, state = row_counts(), ticket_state(ticket)

    response = ApiClient(helpdesk.alice).patch(f"/tickets/{ticket.key}", {"labels": ["mine"]})

    _refused(response, 403, "permission_denied")
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_the_refusal_is_in_chinese_for_a_chinese_caller(helpdesk: Helpdesk):
    response = ApiClient(helpdesk.li).post(
        "/tickets", _request(helpdesk, [*TWENTY, "x"]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert _refused(response, 400, "too_many_labels")["fields"] == {"labels": ["最多 20 个标签。"]}


def test_the_openapi_document_states_the_limits(db):
    document = json.loads(Client().get("/api/v1/openapi.json").content)
    schemas = document["components"]["schemas"]

    for name in ("TicketCreateIn", "TicketPatchIn"):
        labels = schemas[name]["properties"]["labels"]
        as_list = next(
            option for option in labels.get("anyOf", [labels]) if option.get("type") == "array"
        )
        assert as_list["maxItems"] == 20, name
        assert as_list["items"] == {"type": "string", "maxLength": 50}, name
