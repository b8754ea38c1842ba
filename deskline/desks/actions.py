"""Every write to desks: creating desks with a default workflow, request types and their forms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Team
from deskline.core.errors import ValidationFailed
from deskline.desks.models import (
    Desk,
    FieldType,
    RequestField,
    RequestType,
    RequestTypeKind,
    Status,
    StatusCategory,
    desk_key_validator,
)

# A choice's stored value is matched by SLA goals (`Goal.field_value`, 200 characters).
OPTION_MAX = 200

# key, English name, Chinese name, category, the keys it may move to
DEFAULT_WORKFLOW: Sequence[tuple[str, str, str, StatusCategory, tuple[str, ...]]] = (
    ("open", "Open", "待处理", StatusCategory.NEW,
     ("in_progress", "waiting_for_customer", "resolved", "closed")),
    ("in_progress", "In progress", "处理中", StatusCategory.IN_PROGRESS,
     ("open", "waiting_for_customer", "resolved")),
    ("waiting_for_customer", "Waiting for customer", "等待客户", StatusCategory.WAITING,
     ("in_progress", "resolved")),
    ("resolved", "Resolved", "已解决", StatusCategory.DONE, ("in_progress", "closed")),
    ("closed", "Closed", "已关闭", StatusCategory.DONE, ()),
)  # fmt: skip
# What customers read for each status of the default workflow, in English and Chinese (the
# help center and the e-mails to customers; agents keep the names above).
DEFAULT_CUSTOMER_NAMES: dict[str, tuple[str, str]] = {
    "open": ("Received", "已收到"),
    "in_progress": ("Being worked on", "处理中"),
    "waiting_for_customer": ("Waiting for you", "等待您的回复"),
    "resolved": ("Resolved", "已解决"),
    "closed": ("Closed", "已关闭"),
}


def normalize_options(options: Any) -> list[dict[str, str]]:
    """A select field's options as stored: [{"value": ..., "label": ...}], from texts or from
    objects (a text is its own value and label); ValidationFailed for anything else, or for a
    value given twice."""
    if options in (None, ""):
        return []
    if not isinstance(options, list | tuple):
        raise _options_error(_("Write the choices as a list."))
    normalized: list[dict[str, str]] = []
    for option in options:
        if isinstance(option, str):
            value, label = option.strip(), option.strip()
        elif isinstance(option, dict) and set(option) <= {"value", "label"}:
            given_value, given_label = option.get("value"), option.get("label", option.get("value"))
            if not isinstance(given_value, str) or not isinstance(given_label, str):
                raise _options_error(_("Each choice needs a value and a label, both text."))
            value, label = given_value.strip(), given_label.strip()
        else:
            raise _options_error(_("Each choice needs a value and a label, both text."))
        if not value or not label:
            raise _options_error(_("Each choice needs a value and a label, both text."))
        if len(value) > OPTION_MAX or len(label) > OPTION_MAX:
            raise _options_error(
                _("A choice's value and label have at most %(limit)d characters.")
                % {"limit": OPTION_MAX}
            )
        normalized.append({"value": value, "label": label})
    values = [option["value"] for option in normalized]
    if len(set(values)) != len(values):
        raise _options_error(_("Each choice may appear only once."))
    return normalized


def _options_error(message: Any) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_options", fields={"options": [message]})


@transaction.atomic
def desk_create(
    *,
    key: str,
    name: str,
    description: str = "",
    teams: Sequence[Team] = (),
    translations: dict[str, dict[str, str]] | None = None,
    position: int = 0,
) -> Desk:
    """Create a desk with the default workflow (Open, In progress, Waiting, Resolved, Closed),
    each status with its name for customers ("Waiting for you")."""
    key = (key or "").strip().upper()
    try:
        desk_key_validator(key)
    except DjangoValidationError as error:
        raise ValidationFailed(
            error.messages[0], code="invalid_desk_key", fields={"key": list(error.messages)}
        ) from None
    if Desk.objects.filter(key=key).exists():
        raise ValidationFailed(
            _("A desk with this key exists already."),
            code="desk_key_taken",
            fields={"key": [_("A desk with this key exists already.")]},
        )
    desk = Desk.objects.create(
        key=key,
        name=name,
        description=description,
        translations=translations or {},
        position=position,
    )
    desk.teams.set(teams)
    statuses = {}
    for position_, (status_key, english, chinese, category, _next) in enumerate(DEFAULT_WORKFLOW):
        customer_english, customer_chinese = DEFAULT_CUSTOMER_NAMES[status_key]
        statuses[status_key] = Status.objects.create(
            desk=desk,
            key=status_key,
            name=english,
            customer_name=customer_english,
            category=category,
            position=position_,
            is_initial=position_ == 0,
            translations={"zh-hans": {"name": chinese, "customer_name": customer_chinese}},
        )
    for status_key, *_rest, next_keys in DEFAULT_WORKFLOW:
        statuses[status_key].next_statuses.set([statuses[k] for k in next_keys])
    return desk


@transaction.atomic
def request_type_create(
    *,
    desk: Desk,
    name: str,
    description: str = "",
    kind: str = RequestTypeKind.SERVICE_REQUEST,
    default_team: Team | None = None,
    fields: Sequence[dict[str, Any]] = (),
    translations: dict[str, dict[str, str]] | None = None,
) -> RequestType:
    """Create a request type with its form; each field is a dict of RequestField attributes.

    A select field's options may be given as texts (each its own value and label) or as
    {"value", "label"} objects; they are stored as objects.
    """
    if kind not in RequestTypeKind.values:
        raise ValidationFailed(
            _("Unknown request type kind."),
            code="invalid_kind",
            fields={"kind": [_("Unknown request type kind.")]},
        )
    position = RequestType.objects.filter(desk=desk).count()
    request_type = RequestType.objects.create(
        desk=desk,
        name=name,
        description=description,
        kind=kind,
        default_team=default_team,
        translations=translations or {},
        position=position,
    )
    for index, spec in enumerate(fields):
        if spec.get("field_type") not in FieldType.values:
            raise ValidationFailed(_("Unknown field type."), code="invalid_field_type")
        attributes = dict(spec)
        if "options" in attributes:
            attributes["options"] = normalize_options(attributes["options"])
        RequestField.objects.create(request_type=request_type, position=index, **attributes)
    return request_type
