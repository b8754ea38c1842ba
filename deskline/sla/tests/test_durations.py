"""Durations as people read them, in English and Chinese."""

import pytest
from django.utils import translation

from deskline.sla.durations import duration, target


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0m"),
        (35 * 60 + 59, "35m"),
        (2 * 3600 + 5 * 60, "2h 05m"),
        (-(2 * 3600 + 5 * 60), "2h 05m"),
        (99 * 3600 + 59 * 60, "99h 59m"),
        # Never in days: a business day is as long as its calendar says.
        (228 * 3600 + 30 * 60, "228h"),
    ],
)
def test_a_business_duration_is_in_hours_and_minutes(seconds: int, text: str) -> None:
    assert duration(seconds) == text


def test_a_target_leaves_out_what_is_zero() -> None:
    assert [target(s) for s in (4 * 3600, 5400, 45 * 60)] == ["4h", "1h 30m", "45m"]


def test_durations_speak_chinese() -> None:
    with translation.override("zh-hans"):
        assert duration(2 * 3600 + 5 * 60) == "2小时05分"
        assert target(45 * 60) == "45分钟"
