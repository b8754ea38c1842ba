"""The API's forms add the options' labels (in the caller's language) and the number bounds;
tickets keep storing the options' values."""

from decimal import Decimal

import pytest

from deskline.desks.models import RequestField
from deskline.testing.factories import ApiClient
from deskline.testing.scenario import Helpdesk

pytestmark = pytest.mark.django_db


def test_a_form_lists_values_labels_and_bounds(helpdesk: Helpdesk):
    model = RequestField.objects.get(request_type=helpdesk.laptop, key="model")
    model.options = [{"value": "tp", "label": "ThinkPad"}, {"value": "mac", "label": "MacBook"}]
    model.translations = {"zh-hans": {"options": {"mac": "苹果笔记本"}}}
    model.save()
    quantity = RequestField.objects.get(request_type=helpdesk.laptop, key="quantity")
    quantity.number_min, quantity.number_step = Decimal(1), Decimal("0.5")
    quantity.save()
    api = ApiClient(helpdesk.alice)

    english = api.get("/desks/IT/request-types").json()["items"][0]["fields"]
    chinese = api.get("/desks/IT/request-types", HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    by_key = {field["key"]: field for field in english}
    assert by_key["model"]["options"] == ["tp", "mac"]
    assert by_key["model"]["choices"] == [
        {"value": "tp", "label": "ThinkPad"},
        {"value": "mac", "label": "MacBook"},
    ]
    assert (by_key["quantity"]["min"], by_key["quantity"]["max"], by_key["quantity"]["step"]) == (
        1,
        None,
        0.5,
    )
    chinese_model = next(f for f in chinese["items"][0]["fields"] if f["key"] == "model")
    assert chinese_model["options"] == ["tp", "mac"]
    assert chinese_model["choices"][1] == {"value": "mac", "label": "苹果笔记本"}

    created = api.post(
        "/tickets",
        {
            "desk": "IT",
            "request_type": helpdesk.laptop.pk,
            "summary": "Laptop",
            "fields": {"location": "X", "model": "mac", "quantity": 1.5},
        },
    )
    assert created.status_code == 201, created.json()
    assert created.json()["fields"]["model"] == "mac"
    refused = api.post(
        "/tickets",
        {
            "desk": "IT",
            "request_type": helpdesk.laptop.pk,
            "summary": "Laptop",
            "fields": {"location": "X", "quantity": -42.5},
        },
    )
    assert refused.status_code == 400
    assert refused.json()["fields"] == {"fields.quantity": ["Enter a number of at least 1."]}
