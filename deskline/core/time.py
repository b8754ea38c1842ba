"""The one place that asks what time it is, so tests can move the clock with time_machine."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
