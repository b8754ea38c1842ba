"""Bodies built without ninja's second validation still match the documented schemas."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from deskline.api.schemas import TicketOut
from deskline.api.v1.tickets import TicketPage
from deskline.testing.factories import ApiClient, make_ticket
from deskline.testing.scenario import build_helpdesk
from deskline.tickets.actions import ticket_update

pytestmark = pytest.mark.django_db


def test_list_detail_and_create_bodies_validate_against_their_schemas():
    desk = build_helpdesk()
    ticket = make_ticket(desk=desk.it, reporter=desk.alice, request_type=desk.password_reset)
    ticket_update(
        actor=desk.li,
        ticket=ticket,
        changes={"assignee": desk.li.email, "labels": ["vpn"], "team": "Frontline"},
    )
    client = ApiClient(desk.li)

    listed = client.get("/tickets", {"desk": "IT"})
    detail = client.get(f"/tickets/{ticket.key}")
    created = client.post(
        "/tickets", {"desk": "IT", "request_type": desk.password_reset.pk, "summary": "Locked out"}
    )

    assert (listed.status_code, detail.status_code, created.status_code) == (200, 200, 201)
    page = TicketPage.model_validate(listed.json())
    assert [item.key for item in page.items] == [ticket.key]
    assert TicketOut.model_validate(detail.json()).assignee.email == desk.li.email  # type: ignore[union-attr]
    assert TicketOut.model_validate(created.json()).key == "IT-2"
    assert detail.json()["created_at"].endswith("Z")


def test_the_schema_check_would_catch_a_missing_key():
    body = {"key": "IT-1"}
    with pytest.raises(ValidationError):
        TicketOut.model_validate(body)
