"""The business clock (deskline/sla/clock.py), on cases worked out by hand.

Dates used: 2026-02-13 is a Friday; China's 2026 Spring Festival holidays are Feb 16-20 and 23
with make-up working Saturdays Feb 14 and 28. New York springs forward on Sun 2026-03-08
(02:00 EST -> 03:00 EDT) and falls back on Sun 2026-11-01 (02:00 EDT -> 01:00 EST).
2026-06-01 is a Monday.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from deskline.sla.clock import (
    ALWAYS,
    Calendar,
    CalendarError,
    add_business_seconds,
    business_seconds_between,
)

H = 3600
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
UTC = datetime.UTC
WEEKDAYS = ("0", "1", "2", "3", "4")


def at(zone: datetime.tzinfo, *parts: int) -> datetime.datetime:
    """The aware datetime of (year, month, day[, hour[, minute[, second]]]) in `zone`."""
    year, month, day, *rest = parts
    hour, minute, second = (*rest, 0, 0, 0)[:3]
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=zone)


def spec(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "tz": "Asia/Shanghai",
        "hours": {day: [["09:00", "12:00"], ["13:00", "18:00"]] for day in WEEKDAYS},
        "country": "CN",
        "subdiv": None,
        "holidays": [],
        "workdays": [],
        "always": False,
    }
    base.update(changes)
    return base


def calendar(**changes: Any) -> Calendar:
    return Calendar.from_spec(spec(**changes))


# --- Shanghai across the 2026 Spring Festival (8 h days: 09-12 and 13-18) --------------------

CN = calendar()


def test_spring_festival_span() -> None:
    # Fri Feb 13 17-18 (1 h) + Sat Feb 14 make-up day (8 h) + Feb 16-20, 23 holidays (0)
    # + Tue Feb 24 09-10 (1 h) = 10 h
    start, end = at(SHANGHAI, 2026, 2, 13, 17), at(SHANGHAI, 2026, 2, 24, 10)
    assert business_seconds_between(CN, start, end) == 10 * H
    assert business_seconds_between(CN, end, start) == -10 * H


def test_second_make_up_saturday() -> None:
    # Fri Feb 27 17-18 (1 h) + Sat Feb 28 (8 h) + Sun (0) + Mon Mar 2 09-10 (1 h) = 10 h
    start, end = at(SHANGHAI, 2026, 2, 27, 17), at(SHANGHAI, 2026, 3, 2, 10)
    assert business_seconds_between(CN, start, end) == 10 * H


def test_add_lands_on_make_up_saturdays() -> None:
    friday = at(SHANGHAI, 2026, 2, 13, 17)
    # 1 h ends Friday's day exactly: the end instant, not Saturday 09:00.
    assert add_business_seconds(CN, friday, H) == at(SHANGHAI, 2026, 2, 13, 18)
    # 1 h Friday + 1 h Saturday Feb 14 09-10.
    assert add_business_seconds(CN, friday, 2 * H) == at(UTC, 2026, 2, 14, 2)
    # 1 h Friday + 8 h Saturday ends at Saturday 18:00; one second more is Tue Feb 24.
    assert add_business_seconds(CN, friday, 9 * H) == at(SHANGHAI, 2026, 2, 14, 18)
    assert add_business_seconds(CN, friday, 9 * H + 1) == at(SHANGHAI, 2026, 2, 24, 9, 0, 1)
    # Fri Feb 27 17:00 + 2 h: 1 h Friday, then Sat Feb 28 09-10.
    assert add_business_seconds(CN, at(SHANGHAI, 2026, 2, 27, 17), 2 * H) == at(
        SHANGHAI, 2026, 2, 28, 10
    )


def test_lunch_break() -> None:
    saturday = at(SHANGHAI, 2026, 2, 14, 9)
    assert add_business_seconds(CN, saturday, 3 * H) == at(SHANGHAI, 2026, 2, 14, 12)
    assert add_business_seconds(CN, saturday, 3 * H + 1) == at(SHANGHAI, 2026, 2, 14, 13, 0, 1)
    assert not CN.is_working(at(SHANGHAI, 2026, 2, 14, 12, 30))
    assert CN.next_working_instant(at(SHANGHAI, 2026, 2, 14, 12, 30)) == at(
        SHANGHAI, 2026, 2, 14, 13
    )


def test_day_status() -> None:
    assert CN.is_working(at(SHANGHAI, 2026, 2, 14, 10))  # make-up Saturday
    assert not CN.is_working(at(SHANGHAI, 2026, 2, 21, 10))  # ordinary Saturday
    assert not CN.is_working(at(SHANGHAI, 2026, 2, 23, 10))  # Monday, a holiday
    assert CN.is_working(at(SHANGHAI, 2026, 2, 24, 9))  # an interval holds its start
    assert not CN.is_working(at(SHANGHAI, 2026, 2, 24, 18))  # but not its end


# --- New York across DST ---------------------------------------------------------------------

NY = calendar(
    tz="America/New_York", country="US", hours={d: [["09:00", "17:00"]] for d in WEEKDAYS}
)


def test_new_york_weekend_dst_change() -> None:
    # The change is on a Sunday: Fri Mar 6 16-17 EST (1 h) + Mon Mar 9 09-10 EDT (1 h).
    start, end = at(NEW_YORK, 2026, 3, 6, 16), at(NEW_YORK, 2026, 3, 9, 10)
    assert business_seconds_between(NY, start, end) == 2 * H
    assert add_business_seconds(NY, start, 2 * H) == at(UTC, 2026, 3, 9, 14)  # 10:00 EDT


def test_new_york_holidays() -> None:
    # Thanksgiving Thu Nov 26: Wed 16-17 + Fri 09-10.
    start, end = at(NEW_YORK, 2026, 11, 25, 16), at(NEW_YORK, 2026, 11, 27, 10)
    assert business_seconds_between(NY, start, end) == 2 * H
    # Independence Day is a Saturday in 2026, observed on Fri Jul 3: Thu 16-17 + Mon 09-10.
    start, end = at(NEW_YORK, 2026, 7, 2, 16), at(NEW_YORK, 2026, 7, 6, 10)
    assert business_seconds_between(NY, start, end) == 2 * H


def test_interval_containing_the_change_counts_real_hours() -> None:
    early = calendar(tz="America/New_York", country=None, hours={"6": [["00:00", "06:00"]]})
    # Sunday 00:00-06:00 is 5 real hours on Mar 8 and 7 on Nov 1.
    assert business_seconds_between(early, at(UTC, 2026, 3, 7), at(UTC, 2026, 3, 10)) == 5 * H
    assert business_seconds_between(early, at(UTC, 2026, 10, 31), at(UTC, 2026, 11, 3)) == 7 * H


def test_24x7_hours_and_always_in_new_york() -> None:
    hours = {str(day): [["00:00", "00:00"]] for day in range(7)}
    full = calendar(tz="America/New_York", country=None, hours=hours)
    always = calendar(tz="America/New_York", always=True)
    for cal in (full, always):
        # Sun Mar 8 is 23 h long, Sun Nov 1 25 h.
        day = business_seconds_between(cal, at(NEW_YORK, 2026, 3, 8), at(NEW_YORK, 2026, 3, 9))
        assert day == 23 * H
        day = business_seconds_between(cal, at(NEW_YORK, 2026, 11, 1), at(NEW_YORK, 2026, 11, 2))
        assert day == 25 * H
        # 24 business hours from Sat Mar 7 12:00 EST = 17:00Z is Sun 17:00Z = 13:00 EDT.
        result = add_business_seconds(cal, at(NEW_YORK, 2026, 3, 7, 12), 24 * H)
        assert result == at(NEW_YORK, 2026, 3, 8, 13)


def test_overnight_shift_across_dst_nights() -> None:
    nights = calendar(
        tz="America/New_York",
        country=None,
        hours={str(day): [["22:00", "06:00"]] for day in range(7)},
    )
    # Sat Mar 7 22:00 EST (03:00Z) to Sun 06:00 EDT (10:00Z): 7 h.
    start, end = at(NEW_YORK, 2026, 3, 7, 21), at(NEW_YORK, 2026, 3, 8, 7)
    assert business_seconds_between(nights, start, end) == 7 * H
    assert add_business_seconds(nights, at(NEW_YORK, 2026, 3, 7, 22), 7 * H) == at(
        UTC, 2026, 3, 8, 10
    )
    # Sat Oct 31 22:00 EDT (02:00Z) to Sun Nov 1 06:00 EST (11:00Z): 9 h.
    start, end = at(NEW_YORK, 2026, 10, 31, 21), at(NEW_YORK, 2026, 11, 1, 7)
    assert business_seconds_between(nights, start, end) == 9 * H


# --- A Monday-Friday night shift in Berlin (no country) --------------------------------------

NIGHTS = calendar(
    tz="Europe/Berlin", country=None, hours={d: [["22:00", "06:00"]] for d in WEEKDAYS}
)


def test_night_shift_weekend() -> None:
    # Friday's shift runs into Saturday (8 h); Saturday and Sunday have none; Mon 22-23 (1 h).
    start, end = at(BERLIN, 2026, 6, 5, 21), at(BERLIN, 2026, 6, 8, 23)
    assert business_seconds_between(NIGHTS, start, end) == 9 * H
    assert NIGHTS.is_working(at(BERLIN, 2026, 6, 6, 3))  # Saturday 03:00: Friday's shift
    assert not NIGHTS.is_working(at(BERLIN, 2026, 6, 6, 6))  # its end
    assert not NIGHTS.is_working(at(BERLIN, 2026, 6, 7, 3))  # Sunday 03:00
    assert not NIGHTS.is_working(at(BERLIN, 2026, 6, 8, 3))  # Monday 03:00: no Sunday shift
    assert NIGHTS.is_working(at(BERLIN, 2026, 6, 8, 23))


def test_night_shift_add() -> None:
    saturday = at(BERLIN, 2026, 6, 6, 5)
    assert add_business_seconds(NIGHTS, saturday, H) == at(BERLIN, 2026, 6, 6, 6)
    assert add_business_seconds(NIGHTS, saturday, H + 1) == at(BERLIN, 2026, 6, 8, 22, 0, 1)
    assert NIGHTS.next_working_instant(at(BERLIN, 2026, 6, 6, 7)) == at(BERLIN, 2026, 6, 8, 22)


def test_night_shift_belongs_to_the_day_it_starts_on() -> None:
    hours = {d: [["22:00", "06:00"]] for d in WEEKDAYS}
    plain = calendar(tz="Europe/Berlin", country=None, hours=hours)
    monday_off = calendar(tz="Europe/Berlin", country=None, hours=hours, holidays=["2026-06-01"])
    tuesday_off = calendar(tz="Europe/Berlin", country=None, hours=hours, holidays=["2026-06-02"])
    monday, wednesday = at(BERLIN, 2026, 6, 1), at(BERLIN, 2026, 6, 3)
    # Mon 22-06 (8 h) + Tue 22-24 (2 h).
    assert business_seconds_between(plain, monday, wednesday) == 10 * H
    # Monday off: its shift does not run; Tue 22-24 is left.
    assert business_seconds_between(monday_off, monday, wednesday) == 2 * H
    # Tuesday off: Monday's shift still runs into Tuesday morning; Tuesday's does not.
    assert business_seconds_between(tuesday_off, monday, wednesday) == 8 * H
    assert tuesday_off.is_working(at(BERLIN, 2026, 6, 2, 5))


# --- The desk's own holidays and working days ------------------------------------------------


def test_part_day_and_custom_holidays() -> None:
    cal = calendar(
        tz="America/New_York",
        country="US",
        hours={d: [["09:00", "17:00"]] for d in WEEKDAYS},
        holidays=[{"date": "2026-12-24", "start": "12:00", "end": "24:00"}, "2026-12-31"],
    )
    # Thu Dec 24 09-12 only (3 h); Fri Dec 25 is Christmas; the weekend.
    assert (
        business_seconds_between(cal, at(NEW_YORK, 2026, 12, 24), at(NEW_YORK, 2026, 12, 28))
        == 3 * H
    )
    # Wed Dec 30 (8 h); Thu Dec 31 our holiday; Fri Jan 1 New Year's Day.
    assert (
        business_seconds_between(cal, at(NEW_YORK, 2026, 12, 30), at(NEW_YORK, 2027, 1, 4)) == 8 * H
    )
    assert add_business_seconds(cal, at(NEW_YORK, 2026, 12, 24, 11), H) == at(
        NEW_YORK, 2026, 12, 24, 12
    )
    assert add_business_seconds(cal, at(NEW_YORK, 2026, 12, 24, 11), H + 1) == at(
        NEW_YORK, 2026, 12, 28, 9, 0, 1
    )


def test_part_day_holiday_cuts_the_previous_nights_shift() -> None:
    cal = calendar(
        tz="Europe/Berlin",
        country=None,
        hours={d: [["22:00", "06:00"]] for d in WEEKDAYS},
        holidays=[{"date": "2026-06-02", "start": "00:00", "end": "04:00"}],
    )
    # Monday's shift: 22-24 (2 h) + Tuesday 04-06 (2 h).
    assert (
        business_seconds_between(cal, at(BERLIN, 2026, 6, 1), at(BERLIN, 2026, 6, 2, 12)) == 4 * H
    )


def test_extra_working_day_takes_mondays_hours() -> None:
    hours = {"0": [["08:00", "12:00"]]} | {d: [["09:00", "17:00"]] for d in ("1", "2", "3", "4")}
    cal = calendar(tz="Europe/Berlin", country=None, hours=hours, workdays=["2026-06-13"])
    # Saturday Jun 13 works Monday's 08-12; Sunday does not.
    assert business_seconds_between(cal, at(BERLIN, 2026, 6, 13), at(BERLIN, 2026, 6, 15)) == 4 * H
    assert cal.is_working(at(BERLIN, 2026, 6, 13, 8))


def test_extra_working_day_overrides_a_package_holiday() -> None:
    hours = {d: [["09:00", "17:00"]] for d in WEEKDAYS}
    cal = calendar(tz="America/New_York", country="US", hours=hours, workdays=["2026-11-26"])
    day = business_seconds_between(cal, at(NEW_YORK, 2026, 11, 26), at(NEW_YORK, 2026, 11, 27))
    assert day == 8 * H


def test_own_holiday_overrides_a_package_working_day() -> None:
    cal = calendar(holidays=["2026-02-14"])
    # Fri Feb 13 17-18 only, then Tue Feb 24 09-10.
    start, end = at(SHANGHAI, 2026, 2, 13, 17), at(SHANGHAI, 2026, 2, 24, 10)
    assert business_seconds_between(cal, start, end) == 2 * H


def test_subdivision_holidays() -> None:
    hours = {d: [["09:00", "17:00"]] for d in WEEKDAYS}
    federal = calendar(tz="America/New_York", country="US", hours=hours)
    texas = calendar(tz="America/Chicago", country="US", subdiv="TX", hours=hours)
    # Texas Independence Day, Mon 2026-03-02, is a Texas holiday only.
    assert federal.is_working(at(NEW_YORK, 2026, 3, 2, 10))
    assert not texas.is_working(at(ZoneInfo("America/Chicago"), 2026, 3, 2, 10))


# --- 24x7 ------------------------------------------------------------------------------------


def test_always() -> None:
    start = at(SHANGHAI, 2026, 2, 17, 3)  # a holiday night: 24x7 ignores it
    assert business_seconds_between(ALWAYS, start, start + datetime.timedelta(days=2)) == 48 * H
    assert business_seconds_between(ALWAYS, start + datetime.timedelta(hours=1), start) == -H
    result = add_business_seconds(ALWAYS, start, 90)
    assert result == start + datetime.timedelta(seconds=90)
    assert result.tzinfo is UTC
    assert ALWAYS.is_working(start)
    assert ALWAYS.next_working_instant(start) == start
    assert ALWAYS.to_spec()["always"] is True


# --- Whole seconds, aware datetimes, signs ---------------------------------------------------


def test_microseconds_are_dropped() -> None:
    start = at(SHANGHAI, 2026, 3, 2, 9, 0, 0) + datetime.timedelta(microseconds=999_999)
    end = at(SHANGHAI, 2026, 3, 2, 9, 0, 10) + datetime.timedelta(microseconds=1)
    assert business_seconds_between(CN, start, end) == 10
    assert business_seconds_between(ALWAYS, start, end) == 10
    assert add_business_seconds(CN, start, 5) == at(SHANGHAI, 2026, 3, 2, 9, 0, 5)


def test_add_zero_returns_start_in_utc() -> None:
    sunday = at(SHANGHAI, 2026, 3, 1, 3)
    result = add_business_seconds(CN, sunday, 0)
    assert result == sunday
    assert result.tzinfo is UTC


def test_add_returns_utc_and_starts_outside_hours() -> None:
    result = add_business_seconds(CN, at(SHANGHAI, 2026, 3, 1, 3), 60)  # Sunday night
    assert result == at(SHANGHAI, 2026, 3, 2, 9, 1)
    assert result.tzinfo is UTC


def test_long_add_grows_the_table() -> None:
    cal = calendar()
    start = at(SHANGHAI, 2026, 3, 2, 9)
    result = add_business_seconds(cal, start, 5000 * 8 * H)  # about 20 years of working days
    assert result.year >= 2045
    assert business_seconds_between(cal, start, result) == 5000 * 8 * H


def test_naive_datetimes_are_rejected() -> None:
    naive = datetime.datetime(2026, 3, 2, 9)
    aware = at(SHANGHAI, 2026, 3, 2, 9)
    for call in (
        lambda: business_seconds_between(CN, naive, aware),
        lambda: business_seconds_between(CN, aware, naive),
        lambda: business_seconds_between(ALWAYS, naive, aware),
        lambda: add_business_seconds(CN, naive, 10),
        lambda: CN.is_working(naive),
    ):
        with pytest.raises(ValueError, match="aware"):
            call()


def test_negative_seconds_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_seconds(CN, at(SHANGHAI, 2026, 3, 2, 9), -1)
    with pytest.raises(ValueError, match="negative"):
        add_business_seconds(ALWAYS, at(SHANGHAI, 2026, 3, 2, 9), -1)


# --- The spec --------------------------------------------------------------------------------


def test_contract_example() -> None:
    cal = Calendar.from_spec(
        {
            "tz": "Asia/Shanghai",
            "hours": {
                "0": [["09:00", "18:00"]],
                "1": [["09:00", "18:00"]],
                "2": [["09:00", "12:00"], ["13:00", "18:00"]],
            },
            "country": "CN",
            "subdiv": None,
            "holidays": ["2026-12-24"],
            "workdays": ["2026-02-14"],
            "always": False,
        }
    )
    assert cal.hours[0] == ((540, 1080),)
    assert cal.hours[3] == ()


def test_round_trip() -> None:
    original = spec(
        hours={"0": [["22:00", "06:00"]], "3": [["00:00", "00:00"]], "5": [["09:00", "24:00"]]},
        holidays=[
            "2026-12-31",
            {"date": "2026-12-24", "start": "12:00", "end": "24:00"},
            "2026-12-24",
        ],
        workdays=["2026-06-13"],
    )
    cal = Calendar.from_spec(original)
    exported = cal.to_spec()
    assert exported == {
        "tz": "Asia/Shanghai",
        "hours": {"0": [["22:00", "06:00"]], "3": [["00:00", "00:00"]], "5": [["09:00", "00:00"]]},
        "country": "CN",
        "subdiv": None,
        "holidays": [
            "2026-12-24",
            {"date": "2026-12-24", "start": "12:00", "end": "24:00"},
            "2026-12-31",
        ],
        "workdays": ["2026-06-13"],
        "always": False,
    }
    assert Calendar.from_spec(exported) == cal
    assert hash(Calendar.from_spec(exported)) == hash(cal)


def test_overnight_and_whole_day_intervals() -> None:
    cal = calendar(hours={"0": [["22:00", "06:00"]], "2": [["09:00", "09:00"]]})
    assert cal.hours[0] == ((1320, 1800),)  # Monday 22:00 to Tuesday 06:00
    assert cal.hours[2] == ((540, 1980),)  # 24 h from Wednesday 09:00


def test_touching_intervals_are_allowed() -> None:
    cal = calendar(
        hours={
            "0": [["09:00", "12:00"], ["12:00", "18:00"]],
            "1": [["18:00", "09:00"]],
            "2": [["09:00", "10:00"]],
        }
    )
    assert cal.hours[1] == ((1080, 1980),)


BAD_SPECS: list[tuple[Any, str, str | None]] = [
    ("not a dict", "invalid_spec", None),
    (["tz"], "invalid_spec", None),
    ({"hours": {"0": [["09:00", "17:00"]]}}, "invalid_spec", "tz"),
    ({"tz": "UTC"}, "invalid_spec", "hours"),
    (spec(holiday=["2026-01-01"]), "invalid_spec", "holiday"),
    (spec(always="yes"), "invalid_spec", "always"),
    (spec(tz="Mars/Olympus"), "unknown_time_zone", "tz"),
    (spec(tz=""), "unknown_time_zone", "tz"),
    (spec(tz="../etc/passwd"), "unknown_time_zone", "tz"),
    (spec(tz="/etc/localtime"), "unknown_time_zone", "tz"),
    (spec(tz="asia/shanghai"), "unknown_time_zone", "tz"),
    (spec(tz=8), "unknown_time_zone", "tz"),
    (spec(country="XX"), "unknown_country", "country"),
    (spec(country="cn"), "unknown_country", "country"),
    (spec(country="US", subdiv="ZZ"), "unknown_subdivision", "subdiv"),
    (spec(country=None, subdiv="CA"), "unknown_subdivision", "subdiv"),
    (spec(hours=[["09:00", "17:00"]]), "invalid_hours", "hours"),
    (spec(hours={}), "invalid_hours", "hours"),
    (spec(hours={"7": [["09:00", "17:00"]]}), "invalid_hours", "hours"),
    (spec(hours={"mon": [["09:00", "17:00"]]}), "invalid_hours", "hours"),
    (spec(hours={"0": [["25:00", "26:00"]]}), "invalid_hours", "hours"),
    (spec(hours={"0": [["09:00", "25:00"]]}), "invalid_hours", "hours"),
    (spec(hours={"0": [["9am", "5pm"]]}), "invalid_hours", "hours"),
    (spec(hours={"0": [["9:00", "17:00"]]}), "invalid_hours", "hours"),
    (spec(hours={"0": [["09:60", "17:00"]]}), "invalid_hours", "hours"),
    (spec(hours={"0": [["24:00", "06:00"]]}), "invalid_hours", "hours"),
    (spec(hours={"0": [["09:00"]]}), "invalid_hours", "hours"),
    (spec(hours={"0": ["09:00-17:00"]}), "invalid_hours", "hours"),
    (spec(hours={"0": "09:00-17:00"}), "invalid_hours", "hours"),
    (spec(hours={"0": [[900, 1700]]}), "invalid_hours", "hours"),
    (spec(hours={"0": [["09:00", "13:00"], ["12:00", "18:00"]]}), "overlapping_hours", "hours"),
    (spec(hours={"0": [["09:00", "18:00"], ["10:00", "11:00"]]}), "overlapping_hours", "hours"),
    (
        spec(hours={"0": [["22:00", "06:00"]], "1": [["05:00", "09:00"]]}),
        "overlapping_hours",
        "hours",
    ),
    (
        spec(hours={"6": [["22:00", "06:00"]], "0": [["05:00", "09:00"]]}),
        "overlapping_hours",
        "hours",
    ),
    (
        spec(hours={"0": [["09:00", "09:00"]], "1": [["08:00", "10:00"]]}),
        "overlapping_hours",
        "hours",
    ),
    (spec(holidays=["2026-02-30"]), "invalid_date", "holidays"),
    (spec(holidays=["26-12-24"]), "invalid_date", "holidays"),
    (spec(holidays=["20261224"]), "invalid_date", "holidays"),
    (spec(holidays="2026-12-24"), "invalid_date", "holidays"),
    (spec(holidays=[20261224]), "invalid_date", "holidays"),
    (spec(holidays=[{"date": "2026-12-24", "start": "12:00"}]), "invalid_date", "holidays"),
    (
        spec(holidays=[{"date": "2026-12-24", "start": "14:00", "end": "12:00"}]),
        "invalid_date",
        "holidays",
    ),
    (
        spec(holidays=[{"date": "2026-12-24", "start": "12:00", "end": "25:00"}]),
        "invalid_date",
        "holidays",
    ),
    (spec(workdays=["2026-13-01"]), "invalid_date", "workdays"),
    (
        spec(workdays=[{"date": "2026-06-13", "start": "09:00", "end": "12:00"}]),
        "invalid_date",
        "workdays",
    ),
    (spec(holidays=["2026-06-13"], workdays=["2026-06-13"]), "invalid_date", "workdays"),
]


@pytest.mark.parametrize(("bad", "code", "field"), BAD_SPECS)
def test_bad_specs(bad: Any, code: str, field: str | None) -> None:
    with pytest.raises(CalendarError) as caught:
        Calendar.from_spec(bad)
    assert caught.value.code == code
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value.params, dict)
    assert str(caught.value)


def test_overlap_params() -> None:
    with pytest.raises(CalendarError) as caught:
        calendar(hours={"0": [["22:00", "06:00"]], "1": [["05:00", "09:00"]]})
    assert caught.value.params == {
        "weekday": "0",
        "other_weekday": "1",
        "first": "22:00-06:00",
        "second": "05:00-09:00",
    }


def test_always_ignores_everything_but_the_time_zone() -> None:
    cal = Calendar.from_spec(
        {"tz": "Europe/Berlin", "hours": "junk", "country": "XX", "always": True}
    )
    assert cal.always
    with pytest.raises(CalendarError) as caught:
        Calendar.from_spec({"tz": "Nowhere", "always": True})
    assert caught.value.code == "unknown_time_zone"


def test_optional_keys() -> None:
    cal = Calendar.from_spec({"tz": "UTC", "hours": {"0": [["09:00", "17:00"]]}})
    assert (cal.country, cal.subdiv, cal.holidays, cal.workdays) == (None, None, (), ())
    assert Calendar.from_spec({"tz": "UTC", "hours": {0: [["09:00", "17:00"]]}}) == cal
