"""Validation of the values a person enters in a request type's form.

`clean_field_values` checks every value against its field's type, rejects unknown keys, and
reports all problems at once as `{field_key: [messages]}` so a form can show each next to its field.
A select field stores its options' values (never their labels, which change with the language);
a number field keeps to its minimum, maximum and step; a user field stores the e-mail address of
a person the form may name.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from deskline.core.errors import Message, ValidationFailed
from deskline.desks.models import FieldType, RequestField
from deskline.desks.people import PeopleScope, find_person

SHORT_TEXT_MAX = 255
LONG_TEXT_MAX = 20_000
# Values travel as JSON to browsers and scripts, whose numbers are exact only up to 2**53; a
# bound also keeps "1e999999" from becoming an integer too long to store or even to print.
NUMBER_LIMIT = 10**15
# Row ids are signed 64-bit integers in both databases: a larger number names no row, and SQLite
# cannot even be asked about one.
ROW_ID_MAX = 2**63 - 1
# Files one form field (or one comment) takes at once. A person attaches a few; the bound also
# keeps the query that claims them far below a database's limit of bind parameters.
ATTACHMENTS_MAX = 20
# The same words for an address nobody has and for a person the form may not name, so that the
# form never tells whether an address has an account.
PERSON_NOT_ALLOWED = _(
    "Choose a person you may name here: start typing their name or e-mail address."
)


def _is_empty(value: Any) -> bool:
    return (
        value is None
        or value == ""
        or value == []
        or (isinstance(value, str) and not value.strip())
    )


def plain_number(number: Decimal) -> str:
    """A bound or a step as people write it: 1, 0.5, 1000 (no exponent, no trailing zeros)."""
    return format(number.normalize(), "f")


def number_input_attributes(field: RequestField) -> dict[str, str]:
    """The min, max and step attributes of a number field's input (step "any" without one),
    for the help center's and the workspace's forms."""
    attributes = {"step": plain_number(field.number_step) if field.number_step else "any"}
    if field.number_min is not None:
        attributes["min"] = plain_number(field.number_min)
    if field.number_max is not None:
        attributes["max"] = plain_number(field.number_max)
    return attributes


def _check_bounds(field: RequestField, number: Decimal) -> None:
    """Refuse a number below the field's minimum, above its maximum or off its steps (counted
    from the minimum, or from 0 without one, as a browser counts them)."""
    if field.number_min is not None and number < field.number_min:
        raise ValueError(
            _("Enter a number of at least %(minimum)s.")
            % {"minimum": plain_number(field.number_min)}
        )
    if field.number_max is not None and number > field.number_max:
        raise ValueError(
            _("Enter a number of at most %(maximum)s.")
            % {"maximum": plain_number(field.number_max)}
        )
    step = field.number_step
    if step is None or step <= 0:
        return
    base = field.number_min if field.number_min is not None else Decimal(0)
    if (number - base) % step == 0:
        return
    if step == 1 and base == base.to_integral_value():
        raise ValueError(_("Enter a whole number."))
    below = base + ((number - base) // step) * step
    if below > number:  # // truncates towards zero
        below -= step
    raise ValueError(
        _("Enter a number in steps of %(step)s, such as %(below)s or %(above)s.")
        % {
            "step": plain_number(step),
            "below": plain_number(below),
            "above": plain_number(below + step),
        }
    )


def _clean_number(field: RequestField, value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValueError(_("Enter a number."))
    if isinstance(value, int | float):
        if (isinstance(value, float) and not math.isfinite(value)) or abs(value) > NUMBER_LIMIT:
            raise ValueError(_("Enter a number."))
        _check_bounds(field, Decimal(str(value)))
        return value
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite() or number.copy_abs() > NUMBER_LIMIT:
            raise ValueError(_("Enter a number."))
        _check_bounds(field, number)
        return int(number) if number == number.to_integral_value() else float(number)
    raise ValueError(_("Enter a number."))


def _clean_one(field: RequestField, value: Any, people: PeopleScope | None) -> Any:
    kind = field.field_type
    if kind in (FieldType.SHORT_TEXT, FieldType.LONG_TEXT):
        if not isinstance(value, str):
            raise ValueError(_("Enter text."))
        limit = SHORT_TEXT_MAX if kind == FieldType.SHORT_TEXT else LONG_TEXT_MAX
        if len(value) > limit:
            raise ValueError(_("Enter at most %(limit)d characters.") % {"limit": limit})
        return value.strip() if kind == FieldType.SHORT_TEXT else value
    if kind == FieldType.NUMBER:
        return _clean_number(field, value)
    if kind == FieldType.DATE:
        if not isinstance(value, str):
            raise ValueError(_("Enter a date as YYYY-MM-DD."))
        try:
            return datetime.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    if kind == FieldType.SINGLE_SELECT:
        if not isinstance(value, str) or value not in field.option_values():
            raise ValueError(_("Choose one of the listed options."))
        return value
    if kind == FieldType.MULTI_SELECT:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(_("Choose from the listed options."))
        values = field.option_values()
        unknown = [v for v in value if v not in values]
        if unknown:
            raise ValueError(_("Choose from the listed options."))
        return [option for option in values if option in value]
    if kind == FieldType.CHECKBOX:
        if isinstance(value, bool):
            return value
        if value in ("true", "on", "1", 1):
            return True
        if value in ("false", "off", "0", 0):
            return False
        raise ValueError(_("Enter true or false."))
    if kind == FieldType.USER:
        user = find_person(value, people)
        if user is None:
            raise ValueError(PERSON_NOT_ALLOWED)
        return user.email
    if kind == FieldType.ATTACHMENT:
        ids = value if isinstance(value, list) else [value]
        if not ids:
            raise ValueError(_("Upload a file and give its attachment id."))
        return clean_attachment_ids(ids)
    raise ValueError(_("This field cannot be filled in."))


def clean_attachment_ids(ids: Any) -> list[int]:
    """Attachment ids as a form field or a comment names them: a list of at most
    ATTACHMENTS_MAX ids a row can have; ValueError (its message for the person) otherwise."""
    if not isinstance(ids, list | tuple) or not all(
        isinstance(i, int) and not isinstance(i, bool) and 0 < i <= ROW_ID_MAX for i in ids
    ):
        raise ValueError(_("Upload a file and give its attachment id."))
    if len(ids) > ATTACHMENTS_MAX:
        raise ValueError(_("Attach at most %(count)d files here.") % {"count": ATTACHMENTS_MAX})
    return list(ids)


def clean_field_values(
    fields: Iterable[RequestField],
    values: Mapping[str, Any] | None,
    *,
    partial: bool = False,
    people: PeopleScope | None = None,
) -> dict[str, Any]:
    """Validate `values` against the form; raises ValidationFailed listing every bad field.

    With `partial`, missing required fields are allowed (an edit that touches some fields).
    `people` is whom the user fields may name (`desks.people.people_scope`); without it, any
    active person.
    """
    values = dict(values or {})
    if not isinstance(values, dict):
        raise ValidationFailed(_("Fields must be an object."), code="invalid_fields")
    by_key = {field.key: field for field in fields}
    errors: dict[str, list[Message]] = {}
    cleaned: dict[str, Any] = {}
    for key in values:
        if key not in by_key:
            errors[f"fields.{key}"] = [_("This request type has no field with this key.")]
    for key, field in by_key.items():
        if key not in values or _is_empty(values[key]):
            if (field.is_required and not partial) or (key in values and field.is_required):
                errors[f"fields.{key}"] = [_("This field is required.")]
            continue
        try:
            cleaned[key] = _clean_one(field, values[key], people)
        except ValueError as error:
            errors[f"fields.{key}"] = [error.args[0]]
    if errors:
        raise ValidationFailed(
            _("Some fields are not filled in correctly."), code="invalid_fields", fields=errors
        )
    return cleaned
