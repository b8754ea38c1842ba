"""The SLA clock's bench row: `business_seconds_between` on random spans, in pure Python.

`python -m deskline.bench.clock` prints the table; it needs no Django set-up (the clock imports
nothing from Django). The spans are generated before the timing: random (seeded) starts in
2026-2027 and lengths up to 30 days, half on a Shanghai calendar (CN holidays, lunch break),
half on a New York one (US holidays); one call per calendar first builds its intervals.
"""

from __future__ import annotations

import datetime
import random
import sys
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from deskline.sla.clock import Calendar, business_seconds_between

TARGET_SECONDS = 5.0
TITLE = "business_seconds_between, 30 days"
WEEKDAYS = ("0", "1", "2", "3", "4")


@dataclass(frozen=True)
class ClockResult:
    """How long `calls` calls of business_seconds_between took."""

    calls: int
    seconds: float
    target_seconds: float = TARGET_SECONDS

    @property
    def ok(self) -> bool:
        return self.seconds < self.target_seconds

    @property
    def microseconds_per_call(self) -> float:
        return self.seconds / self.calls * 1e6 if self.calls else 0.0


def bench_calendars() -> list[Calendar]:
    """A Shanghai calendar with a lunch break and CN holidays, a New York one with US ones."""
    shanghai = Calendar.from_spec(
        {
            "tz": "Asia/Shanghai",
            "hours": {day: [["09:00", "12:00"], ["13:00", "18:00"]] for day in WEEKDAYS},
            "country": "CN",
        }
    )
    new_york = Calendar.from_spec(
        {
            "tz": "America/New_York",
            "hours": {day: [["09:00", "17:00"]] for day in WEEKDAYS},
            "country": "US",
        }
    )
    return [shanghai, new_york]


def _spans(
    zone: ZoneInfo, count: int, rng: random.Random
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    first = int(datetime.datetime(2026, 1, 1, tzinfo=zone).timestamp())
    last = int(datetime.datetime(2028, 1, 1, tzinfo=zone).timestamp()) - 30 * 86400
    spans = []
    for _ in range(count):
        start = rng.randrange(first, last)
        end = start + rng.randrange(0, 30 * 86400 + 1)
        spans.append(
            (
                datetime.datetime.fromtimestamp(start, zone),
                datetime.datetime.fromtimestamp(end, zone),
            )
        )
    return spans


def run_clock_bench(calls: int = 1_000_000, seed: int = 20260214) -> ClockResult:
    """Time `calls` business_seconds_between calls, half on each bench calendar."""
    rng = random.Random(seed)
    calendars = bench_calendars()
    work = []
    for index, calendar in enumerate(calendars):
        count = calls // len(calendars) + (index < calls % len(calendars))
        zone = ZoneInfo(calendar.tz)
        spans = _spans(zone, count, rng)
        business_seconds_between(calendar, *spans[0])  # warm-up: builds the intervals
        work.append((calendar, spans))
    between = business_seconds_between
    elapsed = 0.0
    for calendar, spans in work:
        began = time.perf_counter()
        for start, end in spans:
            between(calendar, start, end)
        elapsed += time.perf_counter() - began
    return ClockResult(calls=sum(len(spans) for _, spans in work), seconds=elapsed)


def table(result: ClockResult) -> list[str]:
    """The printed table, line by line."""
    verdict = "ok" if result.ok else "MISS time"
    return [
        "SLA clock (pure Python)",
        f"{'row':<35}{'calls':>7}{'seconds':>10}{'target':>9}   result",
        f"{TITLE:<35}{result.calls:>7}{result.seconds:>10.2f}"
        f"{'< ' + format(result.target_seconds, '.1f'):>9}   {verdict}",
    ]


def main() -> int:
    result = run_clock_bench()
    print("\n".join(table(result)))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
