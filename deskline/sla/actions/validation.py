"""Checking the desk admins' calendars, metrics and goals before they are saved.

Shared by the API's setup endpoints and the configuration screens, which check a form with these
too; they raise ValidationFailed per field and write nothing. No forms and no admin here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Organization
from deskline.core.errors import ValidationFailed
from deskline.core.text import unstorable_text_at
from deskline.core.translations import validate_translations
from deskline.desks.models import Desk, RequestType, Status
from deskline.sla import clock
from deskline.sla.conditions import clean_conditions
from deskline.sla.models import Calendar, Cycle, Goal, Metric

CALENDAR_MESSAGES = {
    "unknown_time_zone": _("This is not a time zone we know; use a name such as Asia/Shanghai."),
    "unknown_country": _("The holidays of this country are not known; use a code such as CN."),
    "unknown_subdivision": _("This country has no such subdivision, e.g. CA for US-CA."),
    "invalid_hours": _("Give working hours as intervals such as 09:00-18:00 per weekday."),
    "overlapping_hours": _("Working intervals of a day overlap; make them follow each other."),
    "invalid_date": _("Give dates as YYYY-MM-DD."),
    "invalid_spec": _("This is not a calendar."),
}
GOAL_MESSAGES = {
    "unreachable_target": _(
        "On this calendar the target would take more than 50 years; shorten it or choose a "
        "calendar with more working hours."
    ),
    "calendar_goals_unreachable": _(
        "Goals using this calendar would take more than 50 years with these working hours; "
        "shorten them or give the calendar more working hours."
    ),
}
# The spec's keys (clock_spec.KEYS) and the Calendar attributes they are stored in.
CALENDAR_FIELDS = {
    "tz": "time_zone",
    "country": "country",
    "subdiv": "subdivision",
    "hours": "hours",
    "holidays": "holidays",
    "workdays": "workdays",
    "always": "is_always",
}
# Ids are BigAutoField: a number outside 1..2**63-1 names no row, and a larger one would
# overflow the database's integer (a 500) before the query could say so.
MAX_ROW_ID = 2**63 - 1
# What a PositiveIntegerField holds on every database.
MAX_POSITIVE_INTEGER = 2**31 - 1
MAX_TARGET_MINUTES = 10 * 365 * 24 * 60
# The longest calendar or metric name (their columns' max_length): a longer one is refused.
NAME_MAX = 100
# A goal must be reachable within this many years of its calendar's usual weeks: the clock
# counts up to the year 9998 (a ticket raised under a goal beyond it failed), and even
# generous holidays leave far more than a year's worth of working time in fifty years.
MAX_GOAL_YEARS = 50
# How deep JSON values may nest: a calendar spec needs four levels; a deeper value would only
# exhaust the recursion of whatever reads it.
MAX_JSON_DEPTH = 10


def invalid(field_name: str, message: Any, code: str = "invalid_input") -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field_name: [message]})


def _row_id(value: Any) -> int | None:
    """`value` when it can be the id of a row; None (no row) for anything else."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_ROW_ID else None


def is_nested_deeper_than(value: Any, depth: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON `value` has lists or objects nested more than `depth` levels deep."""
    pending = [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if level > depth:
            return True
        pending.extend((child, level + 1) for child in children)
    return False


def _refuse_unknown_fields(data: Mapping[str, Any], allowed: Sequence[str]) -> None:
    """ValidationFailed (`unknown_fields`, one error per key) when `data` has keys not `allowed`."""
    unknown = sorted(str(key) for key in set(data) - set(allowed))
    if unknown:
        raise ValidationFailed(
            _("These cannot be changed here: %(names)s") % {"names": ", ".join(unknown)},
            code="unknown_fields",
            fields={name: [_("This cannot be changed.")] for name in unknown},
        )


def _refuse_null_characters(data: Mapping[str, Any], prefix: str = "") -> None:
    """Text a database cannot store (core.text), refused on the field that holds it."""
    for name, value in data.items():
        if unstorable_text_at({name: value}) is not None:
            raise invalid(f"{prefix}{name}", _("This value is not valid."))


def calendar_validate(spec: Mapping[str, Any]) -> clock.Calendar:
    """The pure calendar of `spec`; ValidationFailed (translated, per field) when it is wrong.

    Fields are named as the Calendar's attributes (`tz` is `time_zone`); a problem with the
    spec as a whole, or with a key it does not know, is reported on `calendar`.
    """
    try:
        return clock.Calendar.from_spec(dict(spec))
    except clock.CalendarError as error:
        name = CALENDAR_FIELDS.get(getattr(error, "field", "") or "", "calendar")
        message = CALENDAR_MESSAGES.get(error.code, CALENDAR_MESSAGES["invalid_spec"])
        raise ValidationFailed(
            message, code=f"calendar_{error.code}", fields={name: [message]}
        ) from None


CALENDAR_ATTRIBUTES = ("name", "time_zone", "hours", "country", "subdivision", "holidays",
                       "workdays", "is_always")  # fmt: skip


def calendar_clean(*, data: Mapping[str, Any], calendar: Calendar | None = None) -> Calendar:
    """`calendar` (or a new calendar) with `data` set, checked and normalised but not saved.

    ValidationFailed per field (the Calendar's attributes) when it is not a calendar every
    screen can show and the clock can count on; the configuration screens check a form with it.
    `translations` may come too: the calendar's name in other languages, e.g.
    {"zh-hans": {"name": "上海办公时间"}} (not part of the exported spec).
    """
    _refuse_unknown_fields(data, (*CALENDAR_ATTRIBUTES, "translations"))
    _refuse_null_characters(data)
    row = calendar or Calendar()
    for name, value in data.items():
        if name == "translations":
            try:
                value = validate_translations(
                    dict(value) if isinstance(value, Mapping) else value, ("name",)
                )
            except ValidationError as error:
                raise invalid(name, " ".join(error.messages), "invalid_translations") from None
        setattr(row, name, value)
    name = row.name.strip() if isinstance(row.name, str) else ""
    if not name:
        raise ValidationFailed(
            _("Give the calendar a name."), code="name_required", fields={"name": [_("Required.")]}
        )
    if len(name) > NAME_MAX:
        message = _("Enter a shorter text.")
        raise ValidationFailed(message, code="name_too_long", fields={"name": [message]})
    row.name = name
    if Calendar.objects.filter(name=row.name).exclude(pk=row.pk).exists():
        message = _("Another calendar has this name.")
        raise ValidationFailed(message, code="duplicate_name", fields={"name": [message]})
    for text_field in ("time_zone", "country", "subdivision"):
        value = getattr(row, text_field)
        if value is None:
            setattr(row, text_field, "")
        elif not isinstance(value, str):
            message = _("Enter text.")
            raise ValidationFailed(message, code="invalid_input", fields={text_field: [message]})
    row.country = row.country.strip().upper()
    row.subdivision = row.subdivision.strip().upper()
    if not isinstance(row.is_always, bool):
        message = _("Enter true or false.")
        raise ValidationFailed(message, code="invalid_boolean", fields={"is_always": [message]})
    # The columns are NOT NULL JSON, and a 24x7 spec skips validating them: check their shape
    # here so every stored calendar can be shown and exported.
    for json_field, kind, code in (
        ("hours", dict, "invalid_hours"),
        ("holidays", list, "invalid_date"),
        ("workdays", list, "invalid_date"),
    ):
        value = getattr(row, json_field)
        if value is None:
            setattr(row, json_field, kind())
        elif isinstance(value, tuple) and kind is list:
            setattr(row, json_field, list(value))
        elif not isinstance(value, kind):
            message = CALENDAR_MESSAGES[code]
            raise ValidationFailed(message, code=f"calendar_{code}", fields={json_field: [message]})
    pure = calendar_validate(row.spec())
    if row.is_always:
        # A 24x7 calendar ignores the rest of its spec, but keeps it (shown, exported, and
        # counted on again once it is switched off): it must be a calendar too.
        kept = row.spec() | {"always": False}
        if not row.hours:
            kept["hours"] = {"0": [["00:00", "24:00"]]}
        calendar_validate(kept)
    if row.pk is not None:
        # Nor may a calendar in use shrink under its goals, or under a running clock's target.
        limit = reachable_minutes(pure)
        too_long = Cycle.objects.filter(
            calendar_id=row.pk, stopped_at__isnull=True, target_seconds__gt=limit * 60
        )
        if (
            Goal.objects.filter(calendar_id=row.pk, target_minutes__gt=limit).exists()
            or too_long.exists()
        ):
            message = GOAL_MESSAGES["calendar_goals_unreachable"]
            raise ValidationFailed(
                message, code="calendar_goals_unreachable", fields={"hours": [message]}
            )
    return row


def reachable_minutes(calendar: clock.Calendar) -> int:
    """The longest target (business minutes) a goal may have on `calendar`: MAX_GOAL_YEARS of
    its usual working weeks."""
    if calendar.always:
        weekly = 7 * 24 * 60
    else:
        weekly = sum(end - start for day in calendar.hours for start, end in day)
    return weekly * 52 * MAX_GOAL_YEARS


METRIC_ATTRIBUTES = ("name", "position", "start_on", "pause_on", "stop_on", "warning_minutes",
                     "warning_percent", "is_shown_to_customers", "is_active",
                     "translations")  # fmt: skip
GOAL_ATTRIBUTES = ("request_type", "priority", "organization", "label", "field_key",
                   "field_value", "target_minutes", "calendar")  # fmt: skip
PRIORITIES = ("critical", "high", "medium", "low")


def _optional_count(value: Any, name: str, *, maximum: int = MAX_POSITIVE_INTEGER) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise invalid(name, _("Enter a whole number, 0 or more."), "invalid_number")
    if value > maximum:
        raise invalid(
            name, _("Enter at most %(maximum)s.") % {"maximum": maximum}, "invalid_number"
        )
    return value


def _optional_text(data: Mapping[str, Any], name: str) -> Any:
    """A goal's optional text as given, "" when it is missing or null (callers check the type)."""
    value = data.get(name)
    return "" if value is None else value


def goal_validate(*, desk: Desk, index: int, data: Any) -> Goal:
    """The unsaved goal number `index` of a metric of `desk`, from `data`'s keys
    (GOAL_ATTRIBUTES: ids, names or rows for request_type, organization and calendar).

    ValidationFailed on `goals.<index>.<key>` when a value is wrong; nothing is written.
    """
    prefix = f"goals.{index}"
    if not isinstance(data, Mapping):
        raise invalid(prefix, _("Each goal is an object."))
    unknown = sorted(str(key) for key in set(data) - set(GOAL_ATTRIBUTES))
    if unknown:
        raise invalid(f"{prefix}.{unknown[0]}", _("This cannot be changed."), "unknown_fields")
    _refuse_null_characters(data, f"{prefix}.")
    goal = Goal(position=index)
    target = data.get("target_minutes")
    if isinstance(target, bool) or not isinstance(target, int) or target <= 0:
        raise invalid(
            f"{prefix}.target_minutes",
            _("Give the target as a positive number of business minutes."),
            "invalid_target",
        )
    if target > MAX_TARGET_MINUTES:
        raise invalid(
            f"{prefix}.target_minutes", _("A target is at most ten years."), "invalid_target"
        )
    goal.target_minutes = target
    calendar = data.get("calendar")
    if calendar is None or calendar == "":
        raise invalid(
            f"{prefix}.calendar", _("Choose a calendar for this goal."), "calendar_required"
        )
    if isinstance(calendar, Calendar):
        found: Calendar | None = calendar
    elif isinstance(calendar, str):
        found = Calendar.objects.filter(name=calendar.strip()).first()
    else:
        calendar_id = _row_id(calendar)
        found = Calendar.objects.filter(pk=calendar_id).first() if calendar_id else None
    if found is None:
        raise invalid(f"{prefix}.calendar", _("There is no such calendar."), "unknown_calendar")
    if target > reachable_minutes(found.clock()):
        raise invalid(
            f"{prefix}.target_minutes", GOAL_MESSAGES["unreachable_target"], "invalid_target"
        )
    goal.calendar = found
    request_type = data.get("request_type")
    if request_type is not None and request_type != "":
        rt: RequestType | None
        if isinstance(request_type, RequestType):
            rt = request_type if request_type.desk_id == desk.pk else None
        elif isinstance(request_type, str):
            rt = RequestType.objects.filter(desk=desk, name=request_type.strip()).first()
        else:
            type_id = _row_id(request_type)
            rt = RequestType.objects.filter(desk=desk, pk=type_id).first() if type_id else None
        if rt is None:
            raise invalid(
                f"{prefix}.request_type",
                _("This desk has no such request type."),
                "unknown_request_type",
            )
        goal.request_type = rt
    priority = _optional_text(data, "priority")
    if not isinstance(priority, str) or priority not in ("", *PRIORITIES):
        raise invalid(
            f"{prefix}.priority",
            _("Choose critical, high, medium or low."),
            "invalid_priority",
        )
    goal.priority = priority
    organization = data.get("organization")
    if organization is not None and organization != "":
        org: Organization | None
        if isinstance(organization, Organization):
            org = organization
        elif isinstance(organization, str):
            org = Organization.objects.filter(name=organization.strip()).first()
        else:
            org_id = _row_id(organization)
            org = Organization.objects.filter(pk=org_id).first() if org_id else None
        if org is None:
            raise invalid(
                f"{prefix}.organization",
                _("There is no such organization."),
                "unknown_organization",
            )
        goal.organization = org
    for name, limit in (("label", 50), ("field_key", 64), ("field_value", 200)):
        value = _optional_text(data, name)
        if not isinstance(value, str) or len(value) > limit:
            raise invalid(f"{prefix}.{name}", _("Enter a shorter text."), "invalid_input")
        setattr(goal, name, value.strip())
    if goal.field_value and not goal.field_key:
        raise invalid(f"{prefix}.field_key", _("Name the form field this value is for."))
    return goal


def metric_validate(
    *, desk: Desk, data: Mapping[str, Any], metric: Metric | None = None
) -> dict[str, Any]:
    """The cleaned values of `data` (METRIC_ATTRIBUTES) for a metric of `desk`, new or `metric`.

    ValidationFailed per field when a value is wrong or the metric they would make is (no name,
    no start or stop condition, a name the desk already uses...). Nothing is written and
    `metric` is not changed: the configuration screens check a form with this too.
    """
    _refuse_unknown_fields(data, METRIC_ATTRIBUTES)
    _refuse_null_characters(data)
    status_keys = list(Status.objects.filter(desk=desk).values_list("key", flat=True))
    cleaned: dict[str, Any] = {}
    for name, value in data.items():
        if name in ("start_on", "stop_on", "pause_on"):
            try:
                value = clean_conditions(
                    value,
                    kind="state" if name == "pause_on" else "event",
                    status_keys=status_keys,
                    required=name != "pause_on",
                )
            except ValueError as error:
                raise invalid(name, str(error), "invalid_condition") from None
        elif name == "warning_minutes":
            value = _optional_count(value, name, maximum=MAX_TARGET_MINUTES)
        elif name == "warning_percent":
            value = _optional_count(value, name, maximum=100)
        elif name == "position":
            value = _optional_count(value, name) or 0
        elif name in ("is_shown_to_customers", "is_active"):
            if not isinstance(value, bool):
                raise invalid(name, _("Enter true or false."), "invalid_boolean")
        elif name == "translations":
            try:
                value = validate_translations(
                    dict(value) if isinstance(value, Mapping) else value, ("name",)
                )
            except ValidationError as error:
                raise invalid(name, " ".join(error.messages), "invalid_translations") from None
        elif name == "name":
            if not isinstance(value, str) or not value.strip():
                raise invalid(name, _("Give the metric a name."), "name_required")
            value = value.strip()
            if len(value) > NAME_MAX:
                raise invalid(name, _("Enter a shorter text."), "name_too_long")
        cleaned[name] = value
    current = metric or Metric(desk=desk)
    after = {name: getattr(current, name) for name in METRIC_ATTRIBUTES} | cleaned
    if not after["name"]:
        raise invalid("name", _("Give the metric a name."), "name_required")
    if not after["start_on"]:
        raise invalid("start_on", _("Give at least one condition."), "invalid_condition")
    if not after["stop_on"]:
        raise invalid("stop_on", _("Give at least one condition."), "invalid_condition")
    if after["warning_minutes"] is not None and after["warning_percent"] is not None:
        raise invalid("warning_minutes", _("Warn either by minutes or by percent left, not both."))
    if Metric.objects.filter(desk=desk, name=after["name"]).exclude(pk=current.pk).exists():
        raise invalid("name", _("This desk already has a metric with this name."), "duplicate_name")
    return cleaned
