"""Business-time math for service levels: pure Python, imports nothing from Django.

A calendar is working hours in a time zone, a country's holidays (the `holidays` package) and a
desk's own exceptions. Its JSON spec (the published contract, read by `Calendar.from_spec`):

    {"tz": "Asia/Shanghai",
     "hours": {"0": [["09:00", "18:00"]], "2": [["09:00", "12:00"], ["13:00", "18:00"]]},
     "country": "CN", "subdiv": null,
     "holidays": ["2026-12-24", {"date": "2026-12-31", "start": "12:00", "end": "24:00"}],
     "workdays": ["2026-02-14"],
     "always": false}

- `hours`: weekday ("0" = Monday) to intervals in local wall time. An interval whose end is not
  after its start runs overnight and belongs to the day it starts on: ["22:00", "06:00"] on
  Monday runs Monday 22:00 to Tuesday 06:00; ["00:00", "00:00"] is a whole 24 h day. "24:00"
  is accepted as an end (midnight).
- Which intervals run is decided per date, for the intervals that START on it, in this order:
  a whole-day holiday of the spec: none; an extra working day of the spec, or one of the
  package's `weekend_workdays` (China's make-up Saturdays): Monday's intervals; a holiday of the
  package: none; otherwise the weekday's intervals. So Monday's overnight shift does not run
  when Monday is a holiday, and still runs into Tuesday morning when Tuesday is one. (The spec's
  own holidays outrank the package's working days, the spec's working days the package's
  holidays; one date may not be both a holiday and a working day of the spec.)
- A part-day holiday {"date", "start", "end"} takes that wall-clock span of that date out of
  every working interval, whichever day the interval started on: {"date": "2026-03-03",
  "start": "00:00", "end": "04:00"} also cuts Monday's 22:00-06:00 shift down to 22-24 and
  4-6. It does not change which intervals run, only cuts them.
- `always: true` is 24x7 (all other keys but tz are ignored, and not validated).

Working time is real elapsed time: each interval's local start and end become UTC instants
(zoneinfo, fold=0: an ambiguous wall time is its first occurrence, a skipped one is read with
the offset before the change), and the real seconds between them count. A 09:00-18:00 day that
contains a DST change is 8 or 10 real hours; a 22:00-06:00 night 7 or 9.

Everything is in whole seconds: inputs' microseconds are dropped. The working intervals are
precomputed, per calendar, as sorted UTC epoch arrays with cumulative business seconds, for a
range of years that grows on demand (a query far from the others builds every year between).
"""

from __future__ import annotations

import datetime
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from deskline.sla.clock_spec import (
    CalendarError,
    DayHours,
    ParsedSpec,
    PartDay,
    WeekHours,
    build_spec,
    iter_dates,
    package_days,
    parse_spec,
    zone,
)

__all__ = [
    "ALWAYS",
    "Calendar",
    "CalendarError",
    "add_business_seconds",
    "business_seconds_between",
]

UTC = datetime.UTC
_SENTINEL = -(2**62)  # the start and end of an empty interval before every real one
_SECONDS_PER_YEAR = 366 * 86400
_FIRST_YEAR, _LAST_YEAR = 2, 9998  # the years a table may cover (dates need a day's margin)
_MIN_MOMENT = int(datetime.datetime(_FIRST_YEAR - 1, 1, 2, tzinfo=UTC).timestamp())
_MAX_MOMENT = int(datetime.datetime(_LAST_YEAR + 1, 12, 31, tzinfo=UTC).timestamp())
_OFFSET_TYPES = frozenset({ZoneInfo, datetime.timezone})
_EMPTY_WEEK: WeekHours = ((), (), (), (), (), (), ())


class _Table:
    """Working intervals of the dates of years first..last (and Dec 31 before, for overnight
    intervals), merged and sorted, in UTC epoch seconds. Right for instants in [lo, hi]."""

    __slots__ = ("after", "before", "ends", "first_year", "hi", "last_year", "lo", "starts")

    def __init__(
        self, first_year: int, last_year: int, lo: int, hi: int, spans: list[tuple[int, int]]
    ) -> None:
        self.first_year, self.last_year, self.lo, self.hi = first_year, last_year, lo, hi
        self.starts = [_SENTINEL] + [start for start, _ in spans]
        self.ends = [_SENTINEL] + [end for _, end in spans]
        # before[i]: business seconds of the intervals before i; after[i]: up to i's end.
        self.before = [0]
        self.after = [0]
        total = 0
        for start, end in spans:
            self.before.append(total)
            total += end - start
            self.after.append(total)

    def cum(self, moment: int) -> int:
        """Business seconds from the table's first interval to `moment` (lo <= moment <= hi)."""
        i = bisect_right(self.starts, moment) - 1
        end = self.ends[i]
        return self.before[i] + (moment if moment < end else end) - self.starts[i]


class _Cache:
    """The mutable part of an immutable Calendar: its table, replaced whole when it grows (so
    that a reader holding the old one stays right; two threads may build twice, harmlessly)."""

    __slots__ = ("table",)

    def __init__(self) -> None:
        self.table: _Table | None = None


@dataclass(frozen=True)
class Calendar:
    """A business calendar; build it with `Calendar.from_spec` (which validates the spec).

    `hours` holds, per weekday (0 = Monday), (start, end) minutes after local midnight, sorted,
    with start < end <= start + 1440 (an end past 1440 is the next day's). `part_holidays` are
    (date, start, end) minutes of the off span. Equal calendars compare and hash equal.
    """

    tz: str = "UTC"
    hours: WeekHours = _EMPTY_WEEK
    country: str | None = None
    subdiv: str | None = None
    holidays: tuple[datetime.date, ...] = ()
    part_holidays: tuple[PartDay, ...] = ()
    workdays: tuple[datetime.date, ...] = ()
    always: bool = False
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _cache: _Cache = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_zone", zone(self.tz))
        object.__setattr__(self, "_cache", _Cache())
        if not self.always and not any(self.hours):
            raise CalendarError(
                "invalid_hours", "hours", "A calendar needs at least one working interval"
            )

    # --- The spec -----------------------------------------------------------------------

    @classmethod
    def from_spec(cls, spec: Any) -> Calendar:
        """The calendar of a JSON spec (see the module docstring); CalendarError if wrong."""
        return cls(*parse_spec(spec))

    def to_spec(self) -> dict[str, Any]:
        """The JSON spec of this calendar: `Calendar.from_spec(c.to_spec()) == c`."""
        return build_spec(
            ParsedSpec(
                self.tz,
                self.hours,
                self.country,
                self.subdiv,
                self.holidays,
                self.part_holidays,
                self.workdays,
                self.always,
            )
        )

    # --- Questions about one instant ----------------------------------------------------

    def is_working(self, at: datetime.datetime) -> bool:
        """Whether the clock runs at `at` (an interval holds its start, not its end)."""
        moment = _epoch(at, "at")
        if self.always:
            return True
        table = self._table(moment, moment)
        i = bisect_right(table.starts, moment) - 1
        return moment < table.ends[i]

    def next_working_instant(self, at: datetime.datetime) -> datetime.datetime:
        """`at` (in UTC) if the clock runs then, else when it next starts running."""
        moment = _epoch(at, "at")
        if self.always:
            return _utc(moment)
        table = self._table(moment, moment)
        while True:
            i = bisect_right(table.starts, moment) - 1
            if moment < table.ends[i]:
                return _utc(moment)
            if i + 1 < len(table.starts) and table.starts[i + 1] <= table.hi:
                return _utc(table.starts[i + 1])
            table = self._extend(moment, table.hi + _SECONDS_PER_YEAR)

    # --- The precomputed intervals ------------------------------------------------------

    def _table(self, lo: int, hi: int) -> _Table:
        """A table right for every instant in [lo, hi]."""
        table = self._cache.table
        if table is None or lo < table.lo or hi > table.hi:
            table = self._extend(lo, hi)
        return table

    def _extend(self, lo: int, hi: int) -> _Table:
        # An instant's local year is its UTC year, or the one before or after: take a margin.
        first, last = _year_of(lo - 2 * 86400), _year_of(hi + 2 * 86400)
        table = self._cache.table
        if table is None:
            first, last = first - 1, last + 1  # spans near New Year should not rebuild at once
        else:
            first, last = min(first, table.first_year), max(last, table.last_year)
        first, last = max(first, _FIRST_YEAR), min(last, _LAST_YEAR)
        table = self._build(first, last)
        if not (table.lo <= lo and hi <= table.hi):
            raise ValueError("The business clock works between the years 2 and 9998")
        self._cache.table = table
        return table

    def _day_hours(
        self,
        day: datetime.date,
        whole: frozenset[datetime.date],
        extra: frozenset[datetime.date],
        package: tuple[frozenset[datetime.date], frozenset[datetime.date]],
    ) -> DayHours:
        """The intervals that start on `day` (see the order in the module docstring)."""
        if day in whole:
            return ()
        if day in extra or day in package[1]:
            return self.hours[0]
        if day in package[0]:
            return ()
        return self.hours[day.weekday()]

    def _build(self, first_year: int, last_year: int) -> _Table:
        zone_info = self._zone
        first_day = datetime.date(first_year - 1, 12, 31)
        last_day = datetime.date(last_year, 12, 31)
        empty: frozenset[datetime.date] = frozenset()
        package = (
            package_days(self.country, self.subdiv, first_year - 1, last_year)
            if self.country
            else (empty, empty)
        )
        whole, extra = frozenset(self.holidays), frozenset(self.workdays)

        def instant(day: datetime.date, minutes: int) -> int:
            midnight = datetime.datetime(day.year, day.month, day.day, tzinfo=zone_info)
            # Aware + timedelta is wall-clock arithmetic (fold=0), then the real instant.
            return int((midnight + datetime.timedelta(minutes=minutes)).timestamp())

        spans: list[tuple[int, int]] = []
        for day in iter_dates(first_day, last_day):
            for start, end in self._day_hours(day, whole, extra, package):
                a, b = instant(day, start), instant(day, end)
                if b > a:  # an interval inside a skipped hour has no real time
                    spans.append((a, b))
        offs = [
            (instant(day, start), instant(day, end))
            for day, start, end in self.part_holidays
            if first_day <= day <= last_day + datetime.timedelta(days=1)
        ]
        spans = _subtract(_merge(spans), _merge(offs))
        lo = instant(datetime.date(first_year, 1, 1), 0)
        hi = instant(datetime.date(last_year + 1, 1, 1), 0)
        return _Table(first_year, last_year, lo, hi, spans)


ALWAYS = Calendar(tz="UTC", always=True)
"""The 24x7 calendar: business time is elapsed time."""


# --- The clock -------------------------------------------------------------------------------


def business_seconds_between(
    calendar: Calendar, start: datetime.datetime, end: datetime.datetime
) -> int:
    """Business seconds from `start` to `end` (aware datetimes); negative when end < start.

    Microseconds are dropped first, so the result is whole seconds and
    `business_seconds_between(c, a, b) == -business_seconds_between(c, b, a)`.
    """
    s, e = _epoch(start, "start"), _epoch(end, "end")
    if calendar.always:
        return e - s
    table = calendar._cache.table
    if table is None or (s if s < e else e) < table.lo or (e if s < e else s) > table.hi:
        table = calendar._extend(min(s, e), max(s, e))
    starts, ends, before = table.starts, table.ends, table.before
    i = bisect_right(starts, e) - 1
    j = bisect_right(starts, s) - 1
    end_i, end_j = ends[i], ends[j]
    return (
        before[i]
        + (e if e < end_i else end_i)
        - starts[i]
        - before[j]
        - (s if s < end_j else end_j)
        + starts[j]
    )


def add_business_seconds(
    calendar: Calendar, start: datetime.datetime, seconds: int
) -> datetime.datetime:
    """The earliest instant (aware, UTC) that is `seconds` business seconds after `start`.

    `seconds` must not be negative (a float is truncated to whole seconds); 0 gives `start` in
    UTC, even outside working hours. When the time runs out exactly at the end of a working
    interval, that end is the answer (not the start of the next interval).
    `business_seconds_between(c, start, add_business_seconds(c, start, s)) == s`.
    """
    moment = _epoch(start, "start")
    if seconds < 0:
        raise ValueError(f"seconds must not be negative, got {seconds!r}")
    count = int(seconds)
    if calendar.always or count == 0:
        return _utc(moment + count)
    table = calendar._table(moment, moment)
    while True:
        target = table.cum(moment) + count
        i = bisect_left(table.after, target)
        if i < len(table.after):
            found = table.ends[i] - (table.after[i] - target)
            if found <= table.hi:
                return _utc(found)
        # Not within the table: grow it by about the years the remaining seconds need.
        years = max(1, table.last_year - table.first_year + 1)
        per_year = max(1, table.cum(table.hi) // years)
        missing = target - table.cum(table.hi)
        grow = (missing // per_year + 2) * _SECONDS_PER_YEAR
        table = calendar._extend(moment, table.hi + grow)


# --- Helpers ---------------------------------------------------------------------------------


def _epoch(moment: datetime.datetime, name: str) -> int:
    """Whole UTC epoch seconds of an aware datetime (microseconds dropped)."""
    tzinfo = moment.tzinfo
    # ZoneInfo and timezone always give an offset; only other tzinfo classes may give None.
    if tzinfo is None or (type(tzinfo) not in _OFFSET_TYPES and moment.utcoffset() is None):
        raise ValueError(f"{name} must be an aware datetime, got the naive {moment!r}")
    if moment.microsecond:
        moment = moment.replace(microsecond=0)
    return int(moment.timestamp())


def _utc(moment: int) -> datetime.datetime:
    try:
        return datetime.datetime.fromtimestamp(moment, UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise ValueError(f"The instant {moment} is out of the supported range") from error


def _year_of(moment: int) -> int:
    if not _MIN_MOMENT <= moment < _MAX_MOMENT:
        raise ValueError("The business clock works between the years 2 and 9998")
    return datetime.datetime.fromtimestamp(moment, UTC).year


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with the overlapping and touching ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract(spans: list[tuple[int, int]], offs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of merged `spans` outside merged `offs`."""
    if not offs:
        return spans
    result: list[tuple[int, int]] = []
    j = 0
    for start, end in spans:
        while j < len(offs) and offs[j][1] <= start:
            j += 1
        k = j
        while k < len(offs) and offs[k][0] < end and start < end:
            off_start, off_end = offs[k]
            if off_start > start:
                result.append((start, off_start))
            start = max(start, off_end)
            k += 1
        if start < end:
            result.append((start, end))
    return result
