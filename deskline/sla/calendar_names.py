"""Saving a calendar together with its names in other languages.

`sla.actions.calendar_save` takes the calendar's own attributes only; until it takes
`translations` too (see the note in this branch's report), this action checks them and hands
the row to it with them set, so both are written in its one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError

from deskline.accounts.models import User
from deskline.core.errors import ValidationFailed
from deskline.core.translations import validate_translations
from deskline.sla.actions import calendar_save
from deskline.sla.models import Calendar


def calendar_save_with_names(
    *,
    actor: User,
    data: Mapping[str, Any],
    translations: Any,
    calendar: Calendar | None = None,
) -> Calendar:
    """`calendar_save`, with the calendar's name in other languages, e.g.
    {"zh-hans": {"name": "上海办公时间"}}; ValidationFailed (nothing written) when they are not
    that shape."""
    try:
        checked = validate_translations(translations, ("name",))
    except DjangoValidationError as error:
        message = " ".join(error.messages)
        raise ValidationFailed(
            message, code="invalid_translations", fields={"translations": [message]}
        ) from None
    row = calendar or Calendar()
    row.translations = checked
    return calendar_save(actor=actor, data=data, calendar=row)
