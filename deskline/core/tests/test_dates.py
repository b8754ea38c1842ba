"""One way to write a date-time per language, in the viewer's time zone: English
"3 Dec 2026, 14:05", Chinese "2026年12月3日 14:05" (deskline.core.formats)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from deskline.core.dates import _as_template, datetime_formatter, datetime_text

# 06:05 UTC is 14:05 in Shanghai.
MOMENT = datetime.datetime(2026, 12, 3, 6, 5, tzinfo=datetime.UTC)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def in_shanghai():
    with timezone.override(SHANGHAI):
        yield
    translation.deactivate()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "3 Dec 2026, 14:05"), ("zh-hans", "2026年12月3日 14:05")],
)
def test_a_date_time_is_written_the_languages_one_way(language: str, expected: str):
    with translation.override(language):
        assert datetime_text(MOMENT) == expected
        assert datetime_formatter()(MOMENT) == expected
        assert Template('{{ at|date:"DATETIME_FORMAT" }}').render(Context({"at": MOMENT})) == (
            expected
        )


def test_the_afternoon_is_on_a_24_hour_clock_so_no_pm_meets_a_full_stop():
    with translation.override("en"):
        written = Template('Due by {{ at|date:"DATETIME_FORMAT" }}.').render(
            Context({"at": MOMENT})
        )

    assert written == "Due by 3 Dec 2026, 14:05."


def test_the_time_is_the_viewers_own():
    with translation.override("en"), timezone.override(zoneinfo.ZoneInfo("America/Los_Angeles")):
        assert datetime_text(MOMENT) == "2 Dec 2026, 22:05"


@given(
    moment=st.datetimes(
        min_value=datetime.datetime(1970, 1, 2),
        max_value=datetime.datetime(2200, 1, 1),
        timezones=st.just(datetime.UTC),
    ),
    language=st.sampled_from(["en", "zh-hans"]),
)
def test_the_fast_formatter_writes_what_django_writes(moment: datetime.datetime, language: str):
    with translation.override(language), timezone.override(SHANGHAI):
        assert datetime_formatter()(moment) == datetime_text(moment)


def test_a_format_with_a_letter_the_fast_formatter_lacks_is_left_to_django():
    assert _as_template("N j, Y, P") is None
    assert _as_template(r"j \d\e M {Y}") == "{day} de {month_abbreviation} {{{year}}}"


def test_the_fast_formatter_falls_back_to_django_for_other_formats(monkeypatch):
    monkeypatch.setattr("deskline.core.dates.get_format", lambda name: "N j, Y, P")

    with translation.override("en"):
        assert datetime_formatter()(MOMENT) == "Dec. 3, 2026, 2:05 p.m."
