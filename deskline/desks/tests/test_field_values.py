"""clean_field_values: what each field type accepts, how it is stored, and how errors are named."""

from typing import Any

import pytest

from deskline.core.errors import ValidationFailed
from deskline.desks.fields import NUMBER_LIMIT, clean_field_values
from deskline.desks.models import RequestField
from deskline.testing.factories import make_user
from deskline.testing.scenario import Helpdesk

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(helpdesk: Helpdesk) -> list[RequestField]:
    return list(helpdesk.laptop.fields.order_by("position"))


def _clean(form, values: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    return clean_field_values(form, {"location": "Shanghai", **values}, partial=partial)


def _errors(form, values: dict[str, Any], *, partial: bool = False) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as refused:
        clean_field_values(form, values, partial=partial)
    assert refused.value.code == "invalid_fields"
    return {key: [str(m) for m in messages] for key, messages in refused.value.fields.items()}


@pytest.mark.parametrize(
    ("key", "given", "stored"),
    [
        ("asset_tag", "  A-1  ", "A-1"),
        ("asset_tag", "x" * 255, "x" * 255),
        ("details", "  keeps\nits spacing  ", "  keeps\nits spacing  "),
        ("quantity", 3, 3),
        ("quantity", 2.5, 2.5),
        ("quantity", "4", 4),
        ("quantity", " 4.50 ", 4.5),
        ("quantity", "-1e3", -1000),
        ("quantity", NUMBER_LIMIT, NUMBER_LIMIT),
        ("quantity", -NUMBER_LIMIT, -NUMBER_LIMIT),
        ("quantity", "1e-999999999", 0.0),
        ("needed_by", "2026-03-02", "2026-03-02"),
        ("needed_by", " 2026-03-02 ", "2026-03-02"),
        ("model", "ThinkPad", "ThinkPad"),
        ("extras", ["Mouse", "Dock"], ["Dock", "Mouse"]),
        ("extras", ["Mouse", "Mouse"], ["Mouse"]),
        ("extras", "Headset", ["Headset"]),
        ("urgent", True, True),
        ("urgent", False, False),
        ("urgent", "on", True),
        ("urgent", "0", False),
        ("urgent", 1, True),
        ("manager", " Bob@Acme.example ", "bob@acme.example"),
        ("quote", 7, [7]),
        ("quote", [7, 8], [7, 8]),
    ],
)
def test_a_valid_value_is_stored_in_its_normal_form(form, key, given, stored):
    assert _clean(form, {key: given}) == {"location": "Shanghai", key: stored}


def test_a_user_field_accepts_the_id_of_an_active_user(helpdesk: Helpdesk, form):
    assert _clean(form, {"manager": helpdesk.bob.pk})["manager"] == "bob@acme.example"


@pytest.mark.parametrize(
    ("key", "given", "message"),
    [
        ("asset_tag", 5, "Enter text."),
        ("asset_tag", "x" * 256, "Enter at most 255 characters."),
        ("details", "x" * 20_001, "Enter at most 20000 characters."),
        ("quantity", "five", "Enter a number."),
        ("quantity", False, "Enter a number."),
        ("quantity", float("nan"), "Enter a number."),
        ("quantity", float("inf"), "Enter a number."),
        ("quantity", "-Infinity", "Enter a number."),
        ("quantity", NUMBER_LIMIT + 1, "Enter a number."),
        ("quantity", "1e16", "Enter a number."),
        ("quantity", "1e999999999", "Enter a number."),
        ("quantity", "-1e999999999", "Enter a number."),
        ("quantity", {"n": 1}, "Enter a number."),
        ("needed_by", "02/03/2026", "Enter a date as YYYY-MM-DD."),
        ("needed_by", "2026-13-01", "Enter a date as YYYY-MM-DD."),
        ("needed_by", 20260302, "Enter a date as YYYY-MM-DD."),
        ("model", "thinkpad", "Choose one of the listed options."),
        ("model", ["ThinkPad"], "Choose one of the listed options."),
        ("extras", ["Dock", "Printer"], "Choose from the listed options."),
        ("extras", [["Dock"]], "Choose from the listed options."),
        ("extras", 3, "Choose from the listed options."),
        ("urgent", "yes please", "Enter true or false."),
        ("urgent", 2, "Enter true or false."),
        (
            "manager",
            "nobody@example.com",
            "Choose a person you may name here: start typing their name or e-mail address.",
        ),
        (
            "manager",
            "Bob",
            "Choose a person you may name here: start typing their name or e-mail address.",
        ),
        (
            "manager",
            0,
            "Choose a person you may name here: start typing their name or e-mail address.",
        ),
        (
            "manager",
            [1],
            "Choose a person you may name here: start typing their name or e-mail address.",
        ),
        ("quote", "attachment.pdf", "Upload a file and give its attachment id."),
        ("quote", [1, "2"], "Upload a file and give its attachment id."),
        ("quote", [0], "Upload a file and give its attachment id."),
        ("quote", False, "Upload a file and give its attachment id."),
    ],
)
def test_a_wrong_value_is_named_with_its_field(form, key, given, message):
    assert _errors(form, {"location": "Shanghai", key: given}) == {f"fields.{key}": [message]}


def test_a_deactivated_user_is_no_value_for_a_user_field(form):
    make_user(email="gone@acme.example", is_active=False)

    assert _errors(form, {"location": "Shanghai", "manager": "gone@acme.example"}) == {
        "fields.manager": [
            "Choose a person you may name here: start typing their name or e-mail address."
        ]
    }


def test_every_problem_is_reported_at_once(form):
    assert _errors(form, {"quantity": "x", "colour": "red", "model": "Dell"}) == {
        "fields.colour": ["This request type has no field with this key."],
        "fields.quantity": ["Enter a number."],
        "fields.model": ["Choose one of the listed options."],
        "fields.location": ["This field is required."],
    }


@pytest.mark.parametrize("blank", [None, "", "  ", []])
def test_blank_optional_values_are_left_out(form, blank):
    assert _clean(form, {"asset_tag": blank, "extras": blank}) == {"location": "Shanghai"}


@pytest.mark.parametrize("blank", [None, "", "  ", []])
def test_a_required_field_cannot_be_blank(form, blank):
    assert _errors(form, {"location": blank}) == {"fields.location": ["This field is required."]}


def test_an_edit_may_leave_out_required_fields_but_not_blank_them(form):
    assert clean_field_values(form, {"model": "MacBook"}, partial=True) == {"model": "MacBook"}
    assert _errors(form, {"location": ""}, partial=True) == {
        "fields.location": ["This field is required."]
    }


def test_no_values_for_a_form_without_required_fields_is_fine(helpdesk: Helpdesk):
    assert clean_field_values(helpdesk.password_reset.fields.all(), None) == {}
    assert clean_field_values(helpdesk.password_reset.fields.all(), {}) == {}
