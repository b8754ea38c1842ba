"""The ticket page in the agent's words: the history names statuses, people and options as
people read them (the API's audit trail stays raw), and the side panel's form fields show
option labels, number bounds and a people picker."""

import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskline.desks.models import RequestField
from deskline.testing.factories import ApiClient, make_ticket, make_user
from deskline.testing.scenario import Helpdesk
from deskline.tickets.actions import ticket_transition, ticket_update
from deskline.tickets.models import Ticket
from deskline.workspace.tests.conftest import it_ticket, signed_in

pytestmark = pytest.mark.django_db

CHINESE: dict[str, Any] = {"headers": {"accept-language": "zh-hans"}}


def history(page: str) -> list[str]:
    """The history's entries as text, one line each."""
    trail = page[page.index('<ol class="events">') :]
    trail = trail[: trail.index("</ol>")]
    entries = re.findall(r'<li class="event">(.*?)</li>', trail, flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", entry)).strip() for entry in entries]


def laptop_ticket(helpdesk: Helpdesk, **fields: object) -> Ticket:
    return make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.laptop,
        fields={"location": "Shanghai", **fields},
    )


def test_the_history_names_statuses_and_people_not_keys_and_addresses(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li})
    ticket_transition(actor=helpdesk.li, ticket=ticket, status="waiting_for_customer")
    client = signed_in(helpdesk.li)

    english = history(client.get(f"/agent/tickets/{ticket.key}/").content.decode())
    chinese = history(client.get(f"/agent/tickets/{ticket.key}/", **CHINESE).content.decode())

    assert english[1].endswith("Li Changed: Assignee — → Li")
    assert english[2].endswith("Li Status changed: Status Open → Waiting for customer")
    assert chinese[2].endswith("待处理 → 等待客户")
    # integrations keep reading keys and addresses
    events = ApiClient(helpdesk.li).get(f"/tickets/{ticket.key}/events").json()["items"]
    assert (events[1]["field"], events[1]["new_value"]) == ("assignee", "li@deskline.example")
    assert (events[2]["old_value"], events[2]["new_value"]) == ("open", "waiting_for_customer")


def test_the_history_shows_form_changes_with_labels_and_names(helpdesk: Helpdesk):
    model = RequestField.objects.get(request_type=helpdesk.laptop, key="model")
    model.translations = {"zh-hans": {"label": "型号", "options": {"MacBook": "苹果笔记本"}}}
    model.save()
    ticket = laptop_ticket(helpdesk, model="ThinkPad")
    ticket_update(
        actor=helpdesk.li,
        ticket=ticket,
        changes={"fields": {"model": "MacBook", "manager": "bob@acme.example", "urgent": True}},
    )
    client = signed_in(helpdesk.li)

    english = history(client.get(f"/agent/tickets/{ticket.key}/").content.decode())
    chinese = history(client.get(f"/agent/tickets/{ticket.key}/", **CHINESE).content.decode())

    assert english[1].endswith(
        "Request fields Model: ThinkPad; Urgent: —; Manager: — → "
        "Model: MacBook; Urgent: Yes; Manager: Bob"
    )
    assert "型号: 苹果笔记本" in chinese[1]


def test_the_history_reads_names_in_a_fixed_number_of_queries(helpdesk: Helpdesk):
    ticket = laptop_ticket(helpdesk)
    client = signed_in(helpdesk.li)

    def change_hands(count: int) -> int:
        for _number in range(count):
            colleague = make_user(organization=helpdesk.acme)
            ticket_update(
                actor=helpdesk.li,
                ticket=Ticket.objects.get(pk=ticket.pk),
                changes={"fields": {"manager": colleague.email}},
            )
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/agent/tickets/{ticket.key}/").content.decode()
        # every change names the colleague, not their address
        assert all("@" not in entry for entry in history(page))
        return len(queries.captured_queries)

    few = change_hands(2)
    many = change_hands(18)

    assert many == few


def test_the_side_panel_shows_labels_bounds_and_a_people_picker(helpdesk: Helpdesk):
    model = RequestField.objects.get(request_type=helpdesk.laptop, key="model")
    model.translations = {"zh-hans": {"options": {"MacBook": "苹果笔记本"}}}
    model.save()
    quantity = RequestField.objects.get(request_type=helpdesk.laptop, key="quantity")
    quantity.number_min, quantity.number_max, quantity.number_step = (
        Decimal(1),
        Decimal(20),
        Decimal(1),
    )
    quantity.save()
    ticket = laptop_ticket(helpdesk, model="MacBook", manager="bob@acme.example")

    page = signed_in(helpdesk.li).get(f"/agent/tickets/{ticket.key}/", **CHINESE).content.decode()

    assert '<option value="MacBook" selected>苹果笔记本</option>' in page
    assert re.search(
        r'<input type="number" inputmode="decimal" step="1" min="1" max="20" '
        r'id="field_quantity" name="field_quantity"',
        page,
    )
    picker = re.search(r'<input type="text" id="field_manager"[^>]*>', page)
    assert picker is not None
    assert 'value="bob@acme.example"' in picker.group(0)
    assert "data-people-picker" in picker.group(0)
    assert 'hx-get="/people/suggestions/?desk=IT"' in picker.group(0)
    assert 'hx-trigger="input changed delay:300ms"' in picker.group(0)
    assert '<p class="help">Bob</p>' in page
    assert "deskline/people-picker.js" in page


def test_an_agent_may_name_anyone_active_in_a_user_field(helpdesk: Helpdesk):
    ticket = laptop_ticket(helpdesk)
    outsider = make_user(email="dana@elsewhere.example")

    response = signed_in(helpdesk.li).post(
        f"/agent/tickets/{ticket.key}/details/",
        {
            "version": ticket.version,
            "priority": "medium",
            "field_manager": outsider.email,
            "field_location": "Shanghai",
        },
    )

    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).fields["manager"] == "dana@elsewhere.example"
