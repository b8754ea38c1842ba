"""Durations in the reader's language, short enough for a badge or a table cell: the same words
in the workspace, the help center and the e-mails."""

from __future__ import annotations

from django.utils.translation import gettext as _


def duration(seconds: int) -> str:
    """A business duration as "2h 05m", "35m", or "120h" past 99 hours (the sign dropped).

    Never in days: a business day is as long as its calendar says (8 or 9 hours, or 24), so
    "5d" would mean different things on different desks.
    """
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours >= 100:
        return _("%(hours)dh") % {"hours": hours}
    if hours:
        return _("%(hours)dh %(minutes)02dm") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)dm") % {"minutes": minutes}


def target(seconds: int) -> str:
    """A goal's target as "4h", "1h 30m" or "45m"."""
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours and minutes:
        return _("%(hours)dh %(minutes)02dm") % {"hours": hours, "minutes": minutes}
    if hours:
        return _("%(hours)dh") % {"hours": hours}
    return _("%(minutes)dm") % {"minutes": minutes}
