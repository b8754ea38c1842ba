"""The one place that asks what time it is, so tests can move the clock with time_machine."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def as_utc(moment: datetime | None) -> datetime | None:
    """`moment` with UTC as its zone when it has none (SQLite and query strings give naive UTC)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
