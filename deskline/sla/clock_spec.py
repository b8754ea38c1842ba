"""Reading and writing the JSON spec of a business calendar; pure, imports nothing from Django.

`clock.Calendar.from_spec` and `Calendar.to_spec` use this module; see `clock.py` for the
contract. Every rejection is a `CalendarError` whose `code` and `field` the Django layer
translates (deskline/sla/actions.py), so the codes are part of the contract:

    unknown_time_zone    tz is not an IANA zone name (zoneinfo.available_timezones())
    unknown_country      the `holidays` package does not know the country code
    unknown_subdivision  it does not know the subdivision (or subdiv is given without country)
    invalid_hours        hours is not {"0".."6": [["HH:MM", "HH:MM"], ...]}, or has no interval
    overlapping_hours    two intervals overlap (within a weekday, or an overnight one into the
                         next weekday's intervals)
    invalid_date         a holiday or working day is not "YYYY-MM-DD" (or a part-day holiday is
                         not {"date": ..., "start": "HH:MM", "end": "HH:MM"} with start < end),
                         or one date is both a whole-day holiday and an extra working day
    invalid_spec         the spec is not a dict, misses tz/hours, has unknown keys, or
                         `always` is not a boolean
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import holidays as holidays_package

MINUTES_PER_DAY = 1440
KEYS = ("tz", "hours", "country", "subdiv", "holidays", "workdays", "always")

# One weekday's intervals: (start, end) in minutes after that day's local midnight, sorted by
# start; end is after start and at most start + 1440 (an overnight interval ends past 1440).
DayHours = tuple[tuple[int, int], ...]
WeekHours = tuple[DayHours, DayHours, DayHours, DayHours, DayHours, DayHours, DayHours]
# A part-day holiday: the date, and the off span in minutes after its local midnight.
PartDay = tuple[datetime.date, int, int]

_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class CalendarError(ValueError):
    """A calendar spec is wrong; `code` says how, `field` which spec key, `params` the detail."""

    def __init__(
        self, code: str, field: str | None, message: str, params: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.params: dict[str, Any] = dict(params or {})


class ParsedSpec(NamedTuple):
    """What a valid spec says, normalised (sorted, deduplicated)."""

    tz: str
    hours: WeekHours
    country: str | None
    subdiv: str | None
    holidays: tuple[datetime.date, ...]
    part_holidays: tuple[PartDay, ...]
    workdays: tuple[datetime.date, ...]
    always: bool


# --- Small pieces -------------------------------------------------------------------------


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def zone(key: object) -> ZoneInfo:
    """The ZoneInfo of an IANA name; CalendarError(unknown_time_zone) otherwise."""
    if not isinstance(key, str) or key not in _zone_names():
        raise CalendarError(
            "unknown_time_zone", "tz", f"Unknown time zone: {key!r}", {"value": key}
        )
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise CalendarError(
            "unknown_time_zone", "tz", f"Unknown time zone: {key!r}", {"value": key}
        ) from error


def parse_minutes(value: object, *, end: bool) -> int | None:
    """Minutes after midnight of "HH:MM" ("24:00" too when `end`); None when malformed."""
    if not isinstance(value, str):
        return None
    if end and value == "24:00":
        return MINUTES_PER_DAY
    match = _TIME.fullmatch(value)
    if match is None:
        return None
    return int(match.group(1)) * 60 + int(match.group(2))


def format_minutes(minutes: int) -> str:
    """ "HH:MM" of minutes after (some) midnight; 1440 and more wrap to the next day."""
    hours, rest = divmod(minutes % MINUTES_PER_DAY, 60)
    return f"{hours:02d}:{rest:02d}"


def parse_date(value: object) -> datetime.date | None:
    """The date of "YYYY-MM-DD"; None when malformed or impossible (2026-02-30)."""
    if not isinstance(value, str) or _DATE.fullmatch(value) is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@lru_cache(maxsize=64)
def package_days(
    country: str, subdiv: str | None, first_year: int, last_year: int
) -> tuple[frozenset[datetime.date], frozenset[datetime.date]]:
    """The `holidays` package's (holidays, weekend working days) of the years, both included."""
    years = range(first_year, last_year + 1)
    found = holidays_package.country_holidays(country, subdiv=subdiv, years=years)
    # weekend_workdays can hold other years' dates (the package keeps a few historical ones).
    workdays = getattr(found, "weekend_workdays", None) or set()
    return (
        frozenset(day for day in found if first_year <= day.year <= last_year),
        frozenset(day for day in workdays if first_year <= day.year <= last_year),
    )


# --- Reading a spec -----------------------------------------------------------------------


def _hours_error(message: str, **params: Any) -> CalendarError:
    return CalendarError("invalid_hours", "hours", message, params)


def _parse_day(key: str, intervals: object) -> DayHours:
    if not isinstance(intervals, list | tuple):
        raise _hours_error(f"Weekday {key}: expected a list of intervals", weekday=key)
    parsed: list[tuple[int, int]] = []
    for interval in intervals:
        if not isinstance(interval, list | tuple) or len(interval) != 2:
            raise _hours_error(
                f"Weekday {key}: an interval is two times such as ['09:00', '18:00']",
                weekday=key,
                value=interval,
            )
        start = parse_minutes(interval[0], end=False)
        end = parse_minutes(interval[1], end=True)
        if start is None or end is None:
            bad = interval[0] if start is None else interval[1]
            raise _hours_error(
                f"Weekday {key}: {bad!r} is not a time HH:MM", weekday=key, value=bad
            )
        if end <= start:  # overnight: it ends the next day (equal times: a whole 24 h)
            end += MINUTES_PER_DAY
        parsed.append((start, end))
    return tuple(sorted(parsed))


def _check_overlaps(hours: WeekHours) -> None:
    # Lay the week out in minutes after Monday 00:00; Sunday's overnight interval runs into
    # the next Monday, so Monday's intervals are laid out a second time one week later.
    week = 7 * MINUTES_PER_DAY
    laid = [(day * MINUTES_PER_DAY + s, day * MINUTES_PER_DAY + e, day) for day in range(7)
            for s, e in hours[day]]  # fmt: skip
    laid += [(s + week, e + week, day) for s, e, day in laid if day == 0]
    laid.sort()
    for (s1, e1, d1), (s2, e2, d2) in itertools.pairwise(laid):
        if s2 < e1:
            first = f"{format_minutes(s1)}-{format_minutes(e1)}"
            second = f"{format_minutes(s2)}-{format_minutes(e2)}"
            raise CalendarError(
                "overlapping_hours",
                "hours",
                f"Weekday {d1} {first} overlaps weekday {d2} {second}",
                {"weekday": str(d1), "other_weekday": str(d2), "first": first, "second": second},
            )


def _parse_hours(value: object) -> WeekHours:
    if not isinstance(value, Mapping):
        raise _hours_error("hours must map weekdays '0' (Monday) to '6' to intervals")
    days: dict[int, DayHours] = {}
    for key, intervals in value.items():
        text = str(key)
        if isinstance(key, bool) or text not in {"0", "1", "2", "3", "4", "5", "6"}:
            raise _hours_error(f"{key!r} is not a weekday '0' (Monday) to '6'", weekday=key)
        if int(text) in days:
            raise _hours_error(f"Weekday {text} is given twice", weekday=text)
        days[int(text)] = _parse_day(text, intervals)
    hours: WeekHours = tuple(days.get(day, ()) for day in range(7))  # type: ignore[assignment]
    if not any(hours):
        raise _hours_error("A calendar needs at least one working interval", reason="empty")
    _check_overlaps(hours)
    return hours


def _date_error(field: str, value: object, message: str = "") -> CalendarError:
    text = message or f"{value!r} is not a date YYYY-MM-DD"
    return CalendarError("invalid_date", field, text, {"value": value})


def _parse_holidays(value: object) -> tuple[set[datetime.date], set[PartDay]]:
    if not isinstance(value, list | tuple):
        raise _date_error("holidays", value, "holidays must be a list")
    whole: set[datetime.date] = set()
    part: set[PartDay] = set()
    for item in value:
        if isinstance(item, Mapping):
            if set(item) != {"date", "start", "end"}:
                raise _date_error(
                    "holidays", item, 'A part-day holiday is {"date", "start", "end"}'
                )
            day = parse_date(item["date"])
            start = parse_minutes(item["start"], end=False)
            end = parse_minutes(item["end"], end=True)
            if day is None or start is None or end is None or end <= start:
                raise _date_error(
                    "holidays", item, f"{item!r}: give a date and times HH:MM, start < end"
                )
            part.add((day, start, end))
        else:
            day = parse_date(item)
            if day is None:
                raise _date_error("holidays", item)
            whole.add(day)
    return whole, part


def _parse_dates(field: str, value: object) -> set[datetime.date]:
    if not isinstance(value, list | tuple):
        raise _date_error(field, value, f"{field} must be a list")
    days = set()
    for item in value:
        day = parse_date(item)
        if day is None:
            raise _date_error(field, item)
        days.add(day)
    return days


def _parse_country(country: object, subdiv: object) -> tuple[str | None, str | None]:
    country = country or None
    subdiv = subdiv or None
    if country is not None:
        if not isinstance(country, str):
            raise CalendarError(
                "unknown_country", "country", f"Unknown country: {country!r}", {"value": country}
            )
        try:
            holidays_package.country_holidays(country)
        except (NotImplementedError, KeyError, ValueError) as error:
            raise CalendarError(
                "unknown_country", "country", f"Unknown country: {country!r}", {"value": country}
            ) from error
    if subdiv is not None:
        problem = None
        if country is None:
            problem = "a subdivision needs a country"
        elif not isinstance(subdiv, str):
            problem = "not a code"
        else:
            try:
                holidays_package.country_holidays(country, subdiv=subdiv)
            except (NotImplementedError, KeyError, ValueError):
                problem = "unknown"
        if problem:
            raise CalendarError(
                "unknown_subdivision",
                "subdiv",
                f"Unknown subdivision {subdiv!r} of {country!r}: {problem}",
                {"value": subdiv, "country": country},
            )
    return country, subdiv  # type: ignore[return-value]


def parse_spec(spec: object) -> ParsedSpec:
    """Validate a JSON calendar spec (see clock.py); CalendarError when it is wrong."""
    if not isinstance(spec, Mapping):
        raise CalendarError("invalid_spec", None, "A calendar spec is a JSON object")
    unknown = sorted(str(key) for key in spec if key not in KEYS)
    if unknown:
        raise CalendarError(
            "invalid_spec", unknown[0], f"Unknown calendar keys: {unknown}", {"keys": unknown}
        )
    always = spec.get("always", False)
    if not isinstance(always, bool):
        raise CalendarError("invalid_spec", "always", "always must be true or false")
    if "tz" not in spec:
        raise CalendarError("invalid_spec", "tz", "A calendar needs a time zone (tz)")
    zone(spec["tz"])
    tz: str = spec["tz"]
    if always:  # 24x7: everything else is ignored
        return ParsedSpec(tz, ((),) * 7, None, None, (), (), (), True)
    if "hours" not in spec:
        raise CalendarError("invalid_spec", "hours", "A calendar needs working hours (hours)")
    hours = _parse_hours(spec["hours"])
    country, subdiv = _parse_country(spec.get("country"), spec.get("subdiv"))
    holidays, workdays_value = spec.get("holidays"), spec.get("workdays")
    whole, part = _parse_holidays([] if holidays is None else holidays)
    workdays = _parse_dates("workdays", [] if workdays_value is None else workdays_value)
    both = sorted(whole & workdays)
    if both:
        raise _date_error(
            "workdays", both[0].isoformat(), f"{both[0]} is both a holiday and a working day"
        )
    return ParsedSpec(
        tz,
        hours,
        country,
        subdiv,
        tuple(sorted(whole)),
        tuple(sorted(part)),
        tuple(sorted(workdays)),
        False,
    )


# --- Writing a spec -----------------------------------------------------------------------


def build_spec(parsed: ParsedSpec) -> dict[str, Any]:
    """The JSON spec of a normalised calendar; parse_spec(build_spec(p)) == p."""
    holidays: list[Any] = [day.isoformat() for day in parsed.holidays]
    holidays += [
        {"date": day.isoformat(), "start": format_minutes(start), "end": _format_end(end)}
        for day, start, end in parsed.part_holidays
    ]
    holidays.sort(key=lambda item: (item if isinstance(item, str) else item["date"], str(item)))
    return {
        "tz": parsed.tz,
        "hours": {
            str(day): [[format_minutes(s), format_minutes(e)] for s, e in intervals]
            for day, intervals in enumerate(parsed.hours)
            if intervals
        },
        "country": parsed.country,
        "subdiv": parsed.subdiv,
        "holidays": holidays,
        "workdays": [day.isoformat() for day in parsed.workdays],
        "always": parsed.always,
    }


def _format_end(minutes: int) -> str:
    return "24:00" if minutes == MINUTES_PER_DAY else format_minutes(minutes)


def iter_dates(first: datetime.date, last: datetime.date) -> Iterable[datetime.date]:
    """Every date from first to last, both included."""
    day, one = first, datetime.timedelta(days=1)
    while day <= last:
        yield day
        day += one
