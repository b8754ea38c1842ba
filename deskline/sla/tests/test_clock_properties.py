"""Properties of the business clock on random calendars (hypothesis).

Calendars: a few zones (with and without DST, with half-hour and 45-minute offsets), random
non-overlapping weekly hours including overnight and 24 h intervals, an optional country, a few
own holidays (whole or part-day) and working days. Instants: 2025-2027.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from deskline.sla.clock import Calendar, add_business_seconds, business_seconds_between
from deskline.sla.clock_spec import package_days

ZONES = [
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "Asia/Shanghai",
    "Asia/Kolkata",
    "Australia/Lord_Howe",  # 30-minute DST changes
    "Pacific/Chatham",  # +12:45 / +13:45
]
COUNTRIES = [None, "CN", "US", "DE"]
WEEK = 7 * 1440
SECOND = datetime.timedelta(seconds=1)
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


def _hhmm(minutes: int) -> str:
    return f"{minutes % 1440 // 60:02d}:{minutes % 60:02d}"


@st.composite
def week_hours(draw: st.DrawFn) -> dict[str, list[list[str]]]:
    """Sorted cut points in the week, paired into intervals of at most 24 h."""
    points = sorted(draw(st.sets(st.integers(0, WEEK // 30), min_size=2, max_size=14)))
    hours: dict[str, list[list[str]]] = {}
    for start, end in zip(points[::2], points[1::2], strict=False):
        start, end = start * 30, min(end * 30, start * 30 + 1440)
        day = start // 1440
        hours.setdefault(str(day), []).append([_hhmm(start), _hhmm(end)])
    return hours


DATES = st.dates(datetime.date(2025, 1, 1), datetime.date(2027, 12, 31))
PART_DAY = st.builds(
    lambda day, start, length: {
        "date": day.isoformat(),
        "start": _hhmm(start * 30),
        "end": "24:00" if start * 30 + length * 30 >= 1440 else _hhmm(start * 30 + length * 30),
    },
    DATES,
    st.integers(0, 47),
    st.integers(1, 48),
)


@st.composite
def specs(draw: st.DrawFn, zones: list[str] = ZONES) -> dict[str, Any]:
    holidays: list[Any] = draw(
        st.lists(st.one_of(DATES.map(datetime.date.isoformat), PART_DAY), max_size=4)
    )
    whole = {item for item in holidays if isinstance(item, str)}
    workdays = [
        day for day in draw(st.lists(DATES.map(datetime.date.isoformat), max_size=3))
        if day not in whole
    ]  # fmt: skip
    return {
        "tz": draw(st.sampled_from(zones)),
        "hours": draw(week_hours()),
        "country": draw(st.sampled_from(COUNTRIES)),
        "subdiv": None,
        "holidays": holidays,
        "workdays": workdays,
        "always": draw(st.integers(0, 9)) == 0,  # now and then 24x7
    }


INSTANTS = st.datetimes(
    datetime.datetime(2025, 1, 1),
    datetime.datetime(2027, 12, 31),
    timezones=st.sampled_from([ZoneInfo(name) for name in ZONES]),
)
SECONDS = st.integers(0, 60 * 86400)


def _in_time_order(moments: list[datetime.datetime]) -> list[datetime.datetime]:
    # Same-zone comparisons ignore fold; order by the instant, not the wall clock.
    return sorted(moments, key=lambda moment: moment.astimezone(datetime.UTC))


def _whole(moment: datetime.datetime) -> int:
    return int(moment.replace(microsecond=0).timestamp())


@PROPERTY_SETTINGS
@given(specs(), INSTANTS, SECONDS)
def test_add_then_between_gives_the_seconds_back(
    spec: dict[str, Any], start: datetime.datetime, seconds: int
) -> None:
    cal = Calendar.from_spec(spec)
    assert Calendar.from_spec(cal.to_spec()) == cal
    result = add_business_seconds(cal, start, seconds)
    assert result.tzinfo is datetime.UTC
    assert result.microsecond == 0
    assert _whole(result) >= _whole(start)
    assert business_seconds_between(cal, start, result) == seconds
    if seconds:
        # The earliest such instant: one second before, one business second is missing.
        assert business_seconds_between(cal, start, result - SECOND) == seconds - 1
        assert cal.is_working(result - SECOND)


@PROPERTY_SETTINGS
@given(specs(), st.lists(INSTANTS, min_size=3, max_size=3).map(_in_time_order))
def test_between_is_additive_and_bounded(
    spec: dict[str, Any], instants: list[datetime.datetime]
) -> None:
    cal = Calendar.from_spec(spec)
    a, b, c = instants
    ab, bc, ac = (
        business_seconds_between(cal, a, b),
        business_seconds_between(cal, b, c),
        business_seconds_between(cal, a, c),
    )
    assert ac == ab + bc
    assert 0 <= ab <= _whole(b) - _whole(a)
    assert business_seconds_between(cal, c, a) == -ac
    # The clock runs at b exactly when the second after b counts. Aware arithmetic in
    # Python is wall-clock arithmetic, so the second is added in UTC (b may sit in a gap).
    after_b = b.astimezone(datetime.UTC) + SECOND
    assert cal.is_working(b) == (business_seconds_between(cal, b, after_b) == 1)
    following = cal.next_working_instant(b)
    assert following >= b.replace(microsecond=0)
    assert cal.is_working(following)
    assert business_seconds_between(cal, b, following) == 0


# --- Against a minute-by-minute reference, in UTC (local time = UTC, no DST) ---------------


def _minutes(text: str) -> int:
    return int(text[:2]) * 60 + int(text[3:])


def _reference(spec: dict[str, Any]) -> Callable[[datetime.datetime], bool]:
    """Whether the clock runs at a UTC minute, straight from the contract's words."""
    hours = {int(day): [(_minutes(s), _minutes(e)) for s, e in intervals]
             for day, intervals in spec["hours"].items()}  # fmt: skip
    whole = {item for item in spec["holidays"] if isinstance(item, str)}
    parts = [item for item in spec["holidays"] if isinstance(item, dict)]
    extra = set(spec["workdays"])
    found: frozenset[datetime.date] = frozenset()
    weekend_workdays: frozenset[datetime.date] = frozenset()
    if spec["country"]:
        found, weekend_workdays = package_days(spec["country"], None, 2024, 2028)

    def working(moment: datetime.datetime) -> bool:
        of_day = moment.hour * 60 + moment.minute
        for item in parts:
            if item["date"] == moment.date().isoformat() and _minutes(
                item["start"]
            ) <= of_day < _minutes(item["end"]):
                return False
        for back in (0, 1):  # intervals that started today, or yesterday and run overnight
            day = moment.date() - datetime.timedelta(days=back)
            if day.isoformat() in whole:
                continue
            if day.isoformat() in extra or day in weekend_workdays:
                intervals = hours.get(0, [])
            elif day in found:
                continue
            else:
                intervals = hours.get(day.weekday(), [])
            for start, end in intervals:
                if end <= start:
                    end += 1440
                if start <= back * 1440 + of_day < end:
                    return True
        return False

    return working


@settings(max_examples=100, deadline=None)
@given(
    specs(zones=["UTC"]),
    st.datetimes(datetime.datetime(2025, 1, 1), datetime.datetime(2027, 12, 28)),
    st.integers(0, 3 * 1440),
)
def test_matches_the_minute_by_minute_reference(
    spec: dict[str, Any], start: datetime.datetime, minutes: int
) -> None:
    spec["always"] = False
    cal = Calendar.from_spec(spec)
    start = start.replace(second=0, microsecond=0, tzinfo=datetime.UTC)
    minute, working = datetime.timedelta(minutes=1), _reference(spec)
    expected = sum(60 for step in range(minutes) if working(start + step * minute))
    assert business_seconds_between(cal, start, start + minutes * minute) == expected
