"""Date-times as the reader's language writes them (`deskline.core.formats`), in their time zone.

Templates use `|date:"DATETIME_FORMAT"`; views that write many of them (a queue's rows) take a
`datetime_formatter()` once and call it per row.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable

from django.utils import dateformat, timezone
from django.utils.dates import MONTHS_3
from django.utils.formats import get_format

# The DATETIME_FORMAT letters that `datetime_formatter` writes itself, as str.format fields.
_FIELDS = {
    "Y": "{year}",
    "n": "{month}",
    "m": "{month:02d}",
    "M": "{month_abbreviation}",
    "j": "{day}",
    "d": "{day:02d}",
    "G": "{hour}",
    "H": "{hour:02d}",
    "i": "{minute:02d}",
}


def datetime_text(moment: datetime.datetime) -> str:
    """`moment` in the viewer's time zone, written in the active language's DATETIME_FORMAT."""
    return dateformat.format(timezone.localtime(moment), get_format("DATETIME_FORMAT"))


@functools.lru_cache(maxsize=16)
def _as_template(django_format: str) -> str | None:
    """The format as a str.format template, or None when it uses a letter we do not write."""
    parts: list[str] = []
    escaped = False
    for char in django_format:
        if not escaped and char == "\\":
            escaped = True
            continue
        if not escaped and char in _FIELDS:
            parts.append(_FIELDS[char])
        elif not escaped and char.isascii() and char.isalpha():
            return None
        else:
            parts.append(char.replace("{", "{{").replace("}", "}}"))
        escaped = False
    return "".join(parts)


def datetime_formatter() -> Callable[[datetime.datetime], str]:
    """`datetime_text` for many date-times at once: the format and month names are looked up
    once, and each call is a string format (a tenth of Django's `dateformat` per call)."""
    django_format = get_format("DATETIME_FORMAT")
    template = _as_template(django_format)
    if template is None:
        return lambda moment: dateformat.format(timezone.localtime(moment), django_format)
    months = {number: str(name).title() for number, name in MONTHS_3.items()}

    def write(moment: datetime.datetime) -> str:
        local = timezone.localtime(moment)
        return template.format(
            year=local.year,
            month=local.month,
            month_abbreviation=months[local.month],
            day=local.day,
            hour=local.hour,
            minute=local.minute,
        )

    return write
