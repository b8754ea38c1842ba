"""core.text: the one guard for text that a database cannot store."""

import pytest

from deskline.core.text import is_storable_text, unstorable_text_at


@pytest.mark.parametrize(
    "text", ["", "plain", "打印机", "😀", "\ufffd", "\ud7ff", "\ue000", "tab\tand\nnewline"]
)
def test_ordinary_text_is_storable(text):
    assert is_storable_text(text)


@pytest.mark.parametrize("text", ["\x00", "a\x00b", "\ud800", "a\ud800b", "\udfff", "打\udc00"])
def test_a_nul_character_or_a_lone_surrogate_is_not(text):
    assert not is_storable_text(text)


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ("a\ud800b", "summary"),
        (["ok", "\x00"], "summary"),
        ({"location": "Shang\ud800hai"}, "summary.location"),
        ({"extras": ["Dock", ("\udfff",)]}, "summary.extras"),
        ({"ok": "fine", "colour\x00": "red"}, "summary.colour\x00"),
        ({"a": {"b": {"c": "\ud800"}}}, "summary.a.b.c"),
    ],
)
def test_the_place_is_named_as_a_dotted_path(value, where):
    assert unstorable_text_at(value, "summary") == where


def test_without_a_starting_place_a_key_starts_the_path():
    assert unstorable_text_at({"summary": "\x00"}) == "summary"
    assert unstorable_text_at("\x00") == ""


def test_the_first_place_in_order_is_named():
    assert unstorable_text_at({"a": "\x00", "b": "\ud800"}) == "a"
    assert unstorable_text_at({"a": ["fine", {"c": "\x00"}], "b": "\x00"}) == "a.c"


@pytest.mark.parametrize("value", [None, 1, 2**80, 1.5, True, [], {}, {"a": [1, None, "ok"]}])
def test_values_without_unstorable_text_have_no_place(value):
    assert unstorable_text_at(value, "x") is None


def test_a_deeply_nested_value_is_walked_without_recursion():
    value: object = "\x00"
    for _ in range(10_000):
        value = [value]

    assert unstorable_text_at({"fields": value}) == "fields"
