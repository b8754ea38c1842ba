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
    """Create a desk with the default workflow (Open, In progress, Waiting, Resolved, Closed)."""
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
        statuses[status_key] = Status.objects.create(
            desk=desk,
            key=status_key,
            name=english,
            category=category,
            position=position_,
            is_initial=position_ == 0,
            translations={"zh-hans": {"name": chinese}},
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
    """Create a request type with its form; each field is a dict of RequestField attributes."""
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
        RequestField.objects.create(request_type=request_type, position=index, **spec)
    return request_type
