"""Select options with labels, number bounds and who a user field may name: what
clean_field_values (the check of the help center, the workspace and the API) accepts."""

import importlib
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.utils import translation

from deskline.core.errors import ValidationFailed
from deskline.desks.actions import normalize_options
from deskline.desks.fields import PERSON_NOT_ALLOWED, clean_field_values
from deskline.desks.models import FieldType, RequestField
from deskline.desks.people import people_scope
from deskline.testing.factories import make_organization, make_request_type, make_user
from deskline.testing.scenario import Helpdesk

pytestmark = pytest.mark.django_db


def number_field(helpdesk: Helpdesk, **bounds: Any) -> list[RequestField]:
    request_type = make_request_type(
        helpdesk.it,
        fields=[
            {
                "key": "count",
                "label": "Count",
                "field_type": FieldType.NUMBER,
                **{name: Decimal(str(value)) for name, value in bounds.items()},
            }
        ],
    )
    return list(request_type.fields.all())


def refusal(form: list[RequestField], values: dict[str, Any]) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as refused:
        clean_field_values(form, values)
    return {key: [str(m) for m in messages] for key, messages in refused.value.fields.items()}


@pytest.mark.parametrize(
    ("bounds", "given", "message"),
    [
        ({"number_min": 1, "number_step": 1}, -42.5, "Enter a number of at least 1."),
        ({"number_min": 1, "number_step": 1}, "0", "Enter a number of at least 1."),
        ({"number_min": 1, "number_step": 1}, 2.5, "Enter a whole number."),
        ({"number_max": 500}, "501", "Enter a number of at most 500."),
        (
            {"number_min": 0, "number_step": "0.25"},
            "1.3",
            "Enter a number in steps of 0.25, such as 1.25 or 1.5.",
        ),
        ({"number_step": 5}, -7, "Enter a number in steps of 5, such as -10 or -5."),
    ],
)
def test_a_number_off_its_bounds_is_refused(helpdesk: Helpdesk, bounds, given, message):
    assert refusal(number_field(helpdesk, **bounds), {"count": given}) == {
        "fields.count": [message]
    }


@pytest.mark.parametrize(
    ("bounds", "given", "stored"),
    [
        ({"number_min": 1, "number_step": 1}, 1, 1),
        ({"number_min": 1, "number_step": 1}, "40", 40),
        ({"number_min": 0, "number_max": 500}, 500, 500),
        ({"number_min": 0, "number_step": "0.01"}, "19.99", 19.99),
        ({"number_min": "0.5", "number_step": 1}, 2.5, 2.5),
        ({}, -42.5, -42.5),
    ],
)
def test_a_number_within_its_bounds_is_kept(helpdesk: Helpdesk, bounds, given, stored):
    assert clean_field_values(number_field(helpdesk, **bounds), {"count": given}) == {
        "count": stored
    }


def test_the_bounds_are_explained_in_chinese(helpdesk: Helpdesk):
    form = number_field(helpdesk, number_min=1, number_max=10, number_step=1)

    with translation.override("zh-hans"):
        assert refusal(form, {"count": 0}) == {"fields.count": ["请输入不小于 1 的数字。"]}
        assert refusal(form, {"count": 11}) == {"fields.count": ["请输入不大于 10 的数字。"]}
        assert refusal(form, {"count": 1.5}) == {"fields.count": ["请输入整数。"]}


def test_options_are_stored_as_values_with_labels(helpdesk: Helpdesk):
    model = RequestField.objects.get(request_type=helpdesk.laptop, key="model")

    assert model.options == [
        {"value": "ThinkPad", "label": "ThinkPad"},
        {"value": "MacBook", "label": "MacBook"},
    ]
    assert normalize_options(["A ", {"value": "b", "label": "Bee"}, {"value": "c"}]) == [
        {"value": "A", "label": "A"},
        {"value": "b", "label": "Bee"},
        {"value": "c", "label": "c"},
    ]
    for bad in ([1], [{"value": ""}], [{"value": "a", "colour": "red"}], ["a", "a"], "a"):
        with pytest.raises(ValidationFailed) as refused:
            normalize_options(bad)
        assert refused.value.code == "invalid_options", bad


def test_an_option_reads_in_the_readers_language_and_stores_its_value(helpdesk: Helpdesk):
    model = RequestField.objects.get(request_type=helpdesk.laptop, key="model")
    model.options = [{"value": "mac", "label": "MacBook"}, {"value": "tp", "label": "ThinkPad"}]
    model.translations = {"zh-hans": {"options": {"mac": "苹果笔记本"}}}

    assert model.option_choices("zh-hans") == [("mac", "苹果笔记本"), ("tp", "ThinkPad")]
    assert model.option_choices("en") == [("mac", "MacBook"), ("tp", "ThinkPad")]
    assert model.option_label("gone", "zh-hans") == "gone"  # a value no option has any more
    assert clean_field_values([model], {"model": "mac"}) == {"model": "mac"}
    with pytest.raises(ValidationFailed):
        clean_field_values([model], {"model": "MacBook"})  # a label is not a value


def test_options_saved_before_they_had_labels_become_values_with_labels(helpdesk: Helpdesk):
    migration = importlib.import_module("deskline.desks.migrations.0003_field_options_with_labels")
    RequestField.objects.filter(request_type=helpdesk.laptop, key="model").update(
        options=["ThinkPad", "MacBook"]
    )
    # a field whose options are already objects is left as it is
    RequestField.objects.filter(request_type=helpdesk.laptop, key="extras").update(
        options=[{"value": "dock", "label": "Dock"}]
    )

    migration.options_with_labels(apps, None)

    fields = RequestField.objects.filter(request_type=helpdesk.laptop)
    assert fields.get(key="model").options == [
        {"value": "ThinkPad", "label": "ThinkPad"},
        {"value": "MacBook", "label": "MacBook"},
    ]
    assert fields.get(key="extras").options == [{"value": "dock", "label": "Dock"}]
    migration.options_as_texts(apps, None)
    assert fields.get(key="model").options == ["ThinkPad", "MacBook"]


def test_default_statuses_get_names_for_customers_when_migrated(helpdesk: Helpdesk):
    migration = importlib.import_module("deskline.desks.migrations.0004_status_customer_name")
    statuses = helpdesk.it.statuses
    statuses.update(customer_name="", translations={})
    statuses.filter(key="closed").update(name="Archived")  # renamed by an admin: left alone

    migration.default_customer_names(apps, None)

    waiting = statuses.get(key="waiting_for_customer")
    assert waiting.customer_name == "Waiting for you"
    assert waiting.customer_facing_name("zh-hans") == "等待您的回复"
    assert statuses.get(key="closed").customer_name == ""


def test_a_customer_may_name_only_the_people_of_their_organization(helpdesk: Helpdesk):
    form = list(helpdesk.laptop.fields.all())
    outsider = make_user(email="dana@other.example", organization=make_organization("Other"))
    scope = people_scope(helpdesk.alice, helpdesk.it)
    values = {"location": "Shanghai"}

    assert clean_field_values(form, {**values, "manager": "BOB@acme.example"}, people=scope) == {
        **values,
        "manager": "bob@acme.example",
    }
    unknown = refusal_with(form, {**values, "manager": "nobody@acme.example"}, scope)
    not_allowed = refusal_with(form, {**values, "manager": outsider.email}, scope)
    # the same words, so the form never tells whether an address has an account
    assert unknown == not_allowed == {"fields.manager": [str(PERSON_NOT_ALLOWED)]}
    with pytest.raises(ValidationFailed):
        check_people(form, {"manager": outsider.email}, scope)
    check_people(form, {"manager": "bob@acme.example"}, scope)


def check_people(form: list[RequestField], values: dict[str, Any], scope: Any) -> None:
    """The user fields of `values` checked against `scope`, as the ticket actions check them."""
    clean_field_values(form, values, partial=True, people=scope)


def test_a_customer_without_an_organization_may_name_only_themselves(helpdesk: Helpdesk):
    scope = people_scope(helpdesk.carol, helpdesk.it)
    form = list(helpdesk.laptop.fields.all())

    check_people(form, {"manager": helpdesk.carol.email}, scope)
    with pytest.raises(ValidationFailed):
        check_people(form, {"manager": helpdesk.alice.email}, scope)


def test_an_agent_of_the_desk_may_name_anyone_active(helpdesk: Helpdesk):
    form = list(helpdesk.laptop.fields.all())
    gone = make_user(email="gone@acme.example", is_active=False)

    check_people(form, {"manager": helpdesk.carol.email}, people_scope(helpdesk.li, helpdesk.it))
    with pytest.raises(ValidationFailed):
        check_people(form, {"manager": gone.email}, people_scope(helpdesk.li, helpdesk.it))
    # on a desk they do not serve, an agent is a customer like any other
    with pytest.raises(ValidationFailed):
        check_people(
            form, {"manager": helpdesk.carol.email}, people_scope(helpdesk.li, helpdesk.hr)
        )


def refusal_with(form: list[RequestField], values: dict[str, Any], scope: Any) -> dict[str, Any]:
    with pytest.raises(ValidationFailed) as refused:
        clean_field_values(form, values, people=scope)
    return {key: [str(m) for m in messages] for key, messages in refused.value.fields.items()}
