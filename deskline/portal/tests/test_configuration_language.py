"""The help center shows what desk admins configured in the reader's language: the options of
select fields (storing their values), and statuses in the words meant for customers."""

import re

import pytest

from deskline.desks.models import RequestField, Status
from deskline.portal.tests.test_raise_request import form_row, form_url
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk
from deskline.tickets.actions import ticket_transition
from deskline.tickets.models import Ticket

CHINESE = {"headers": {"accept-language": "zh-hans"}}


@pytest.fixture
def translated(helpdesk: Helpdesk) -> Helpdesk:
    """The laptop form's model and extras fields with Chinese labels for their options."""
    model = RequestField.objects.get(request_type=helpdesk.laptop, key="model")
    model.options = [
        {"value": "ThinkPad", "label": "ThinkPad laptop"},
        {"value": "MacBook", "label": "MacBook laptop"},
    ]
    model.translations = {
        "zh-hans": {
            "label": "型号",
            "options": {"ThinkPad": "ThinkPad 笔记本", "MacBook": "苹果笔记本"},
        }
    }
    model.save()
    extras = RequestField.objects.get(request_type=helpdesk.laptop, key="extras")
    extras.translations = {"zh-hans": {"options": {"Dock": "扩展坞", "Mouse": "鼠标"}}}
    extras.save()
    return helpdesk


def test_a_chinese_page_offers_the_options_in_chinese_and_stores_their_values(
    translated: Helpdesk, signed_in
):
    client = signed_in(translated.alice)
    page = client.get(form_url(translated), **CHINESE).content.decode()

    assert '<option value="ThinkPad">ThinkPad 笔记本</option>' in form_row(page, "f_model")
    assert '<option value="MacBook">苹果笔记本</option>' in form_row(page, "f_model")
    extras = form_row(page, "f_extras")
    assert re.search(r'value="Dock"[^>]*>\s*扩展坞', extras), extras
    # an option without a translation keeps its label
    assert re.search(r'value="Headset"[^>]*>\s*Headset', extras), extras

    response = client.post(
        form_url(translated),
        {
            "summary": "A laptop for a new colleague",
            "priority": "medium",
            "f_model": "MacBook",
            "f_extras": ["Dock", "Mouse"],
            "f_location": "Shanghai",
        },
        **CHINESE,
    )

    assert response.status_code == 302, response.content.decode()
    ticket = Ticket.objects.get()
    assert ticket.fields == {
        "model": "MacBook",
        "extras": ["Dock", "Mouse"],
        "urgent": False,
        "location": "Shanghai",
    }
    shown = client.get(f"/requests/{ticket.key}/", **CHINESE).content.decode()
    assert "<dt>型号</dt>" in shown
    assert "<dd>苹果笔记本</dd>" in shown
    assert "<dd>扩展坞, 鼠标</dd>" in shown
    english = client.get(f"/requests/{ticket.key}/").content.decode()
    assert "<dd>MacBook laptop</dd>" in english


def test_a_label_is_not_a_value_the_form_takes(translated: Helpdesk, signed_in):
    response = signed_in(translated.alice).post(
        form_url(translated),
        {"summary": "A laptop", "priority": "medium", "f_model": "苹果笔记本", "f_location": "X"},
        **CHINESE,
    )

    assert response.status_code == 400
    assert Ticket.objects.count() == 0


def test_customers_read_their_own_words_for_the_status(helpdesk: Helpdesk, signed_in):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    ticket_transition(actor=helpdesk.li, ticket=ticket, status="waiting_for_customer")
    client = signed_in(helpdesk.alice)

    english_page = client.get(f"/requests/{ticket.key}/").content.decode()
    chinese_page = client.get(f"/requests/{ticket.key}/", **CHINESE).content.decode()
    english_list = client.get("/requests/").content.decode()
    chinese_list = client.get("/requests/", **CHINESE).content.decode()
    agent_page = signed_in(helpdesk.li).get(f"/agent/tickets/{ticket.key}/").content.decode()

    assert 'id="request-status">Waiting for you</span>' in english_page
    assert 'id="request-status">等待您的回复</span>' in chinese_page
    assert '<span class="badge badge-waiting">Waiting for you</span>' in english_list
    assert '<span class="badge badge-waiting">等待您的回复</span>' in chinese_list
    assert "Waiting for customer" not in english_page + english_list
    # agents keep their own words
    assert '<span class="badge badge-waiting">Waiting for customer</span>' in agent_page


def test_a_status_without_a_customer_name_shows_its_name(helpdesk: Helpdesk, signed_in):
    status = Status.objects.get(desk=helpdesk.it, key="open")
    status.customer_name = ""
    status.translations = {"zh-hans": {"name": "待处理"}}
    status.save()
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    client = signed_in(helpdesk.alice)

    assert (
        'id="request-status">Open</span>' in client.get(f"/requests/{ticket.key}/").content.decode()
    )
    chinese = client.get(f"/requests/{ticket.key}/", **CHINESE).content.decode()
    assert 'id="request-status">待处理</span>' in chinese


def test_a_number_field_carries_its_bounds_and_explains_them_in_chinese(
    helpdesk: Helpdesk, signed_in
):
    quantity = RequestField.objects.get(request_type=helpdesk.laptop, key="quantity")
    quantity.number_min, quantity.number_max, quantity.number_step = 1, 20, 1
    quantity.save()
    client = signed_in(helpdesk.alice)

    page = client.get(form_url(helpdesk)).content.decode()
    refused = client.post(
        form_url(helpdesk),
        {"summary": "Laptops", "priority": "medium", "f_quantity": "-42.5", "f_location": "X"},
        **CHINESE,
    )

    assert re.search(
        r'<input type="number" name="f_quantity" step="1" min="1" max="20"',
        form_row(page, "f_quantity"),
    )
    assert refused.status_code == 400
    assert "请输入不小于 1 的数字。" in form_row(refused.content.decode(), "f_quantity")
    assert Ticket.objects.count() == 0
