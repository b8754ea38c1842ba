"""A deadline the calendar cannot reach is no deadline, never an error when a ticket is raised."""

import datetime

from deskline.sla.clock import Calendar
from deskline.sla.engine import deadline_after

START = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)  # a Monday


def test_a_deadline_within_reach_is_the_clocks() -> None:
    office = Calendar.from_spec({"tz": "UTC", "hours": {"0": [["09:00", "10:00"]]}})

    assert deadline_after(office, START, 2 * 3600) == datetime.datetime(
        2026, 3, 9, 10, tzinfo=datetime.UTC
    )


def test_a_deadline_past_the_clocks_last_year_is_none() -> None:
    # One working minute a week: ten years of business time would end after the year 9998.
    sparse = Calendar.from_spec({"tz": "UTC", "hours": {"0": [["09:00", "09:01"]]}})

    assert deadline_after(sparse, START, 10 * 365 * 86400) is None
