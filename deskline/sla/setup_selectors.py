"""Reads of the SLA setup for the API and other screens: business calendars and each desk's
policies (a metric with its ordered goals), one keyset page at a time.

Agents (and desk and site admins) may read the setup: it says what their queues promise.
Customers may not; they see a ticket's metrics through `selectors.ticket_sla` instead. Who may
change the setup is checked by the actions.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Model, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.core.errors import NotFound, PermissionDenied, ValidationFailed
from deskline.desks.errors import unknown_desk
from deskline.desks.models import Desk
from deskline.sla.actions import MAX_ROW_ID
from deskline.sla.models import Calendar, Goal, Metric

MAX_PAGE = 200
DEFAULT_PAGE = 50

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class SetupPage(Generic[M]):
    items: Sequence[M]
    next_cursor: str | None


def require_setup_reader(user: User) -> None:
    """PermissionDenied unless `user` may read calendars and policies (agents and admins)."""
    if not (user.is_active and user.is_agent):
        raise PermissionDenied(
            _("Only agents and admins can see service level settings."), code="sla_agents_only"
        )


def _check_limit(limit: int) -> None:
    if limit < 1 or limit > MAX_PAGE:
        message = _("Use a limit from 1 to 200.")
        raise ValidationFailed(message, code="invalid_filter", fields={"limit": [message]})


def _encode_cursor(prefix: str, last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{prefix}{last_id}".encode()).decode().rstrip("=")


def _decode_cursor(prefix: str, cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith(prefix):
            raise ValueError(raw)
        value = int(raw[len(prefix) :])
        if not 0 < value <= MAX_ROW_ID:
            raise ValueError(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed(
            _("The cursor is not one this list gave out."),
            code="invalid_cursor",
            fields={"cursor": [_("Use next_cursor from the previous page.")]},
        ) from None
    return value


def _page(queryset: QuerySet[M], prefix: str, *, limit: int, cursor: str | None) -> SetupPage[M]:
    """One page of `queryset` by id, read with one row more to know whether another follows."""
    _check_limit(limit)
    if cursor:
        queryset = queryset.filter(id__gt=_decode_cursor(prefix, cursor))
    rows = list(queryset.order_by("id")[: limit + 1])
    next_cursor = _encode_cursor(prefix, rows[limit - 1].pk) if len(rows) > limit else None
    return SetupPage(items=rows[:limit], next_cursor=next_cursor)


def _row_id(value: int) -> int | None:
    return value if 0 < value <= MAX_ROW_ID else None


# --- Calendars ----------------------------------------------------------------------------


def calendar_page(
    *, user: User, cursor: str | None = None, limit: int = DEFAULT_PAGE
) -> SetupPage[Calendar]:
    """Business calendars, oldest first."""
    require_setup_reader(user)
    return _page(Calendar.objects.all(), "c", limit=limit, cursor=cursor)


def calendar_get(*, user: User, calendar_id: int) -> Calendar:
    """One calendar by id; NotFound (`unknown_calendar`) when there is none."""
    require_setup_reader(user)
    found = Calendar.objects.filter(pk=calendar_id).first() if _row_id(calendar_id) else None
    if found is None:
        raise NotFound(_("There is no such calendar."), code="unknown_calendar")
    return found


# --- Policies: metrics with their goals ---------------------------------------------------


def _metrics() -> QuerySet[Metric]:
    goals = Goal.objects.select_related("request_type", "organization", "calendar").order_by(
        "position", "id"
    )
    return Metric.objects.select_related("desk").prefetch_related(Prefetch("goals", queryset=goals))


def desk_by_key(key: str) -> Desk:
    """The desk with `key` (any case), active or not; ValidationFailed (`unknown_desk`) on the
    `desk` field otherwise: a policy may be set up before its desk opens."""
    found = Desk.objects.filter(key=key.strip().upper()).first() if len(key) <= 20 else None
    if found is None:
        raise unknown_desk(field="desk")
    return found


def policy_page(
    *, user: User, desk: str | None = None, cursor: str | None = None, limit: int = DEFAULT_PAGE
) -> SetupPage[Metric]:
    """Every desk's metrics with their goals in order (or one desk's), oldest first; three
    queries for any page."""
    require_setup_reader(user)
    metrics = _metrics()
    if desk:
        metrics = metrics.filter(desk=desk_by_key(desk))
    return _page(metrics, "p", limit=limit, cursor=cursor)


def policy_get(*, user: User, policy_id: int) -> Metric:
    """One metric with its goals; NotFound (`unknown_policy`) when there is none."""
    require_setup_reader(user)
    found = _metrics().filter(pk=policy_id).first() if _row_id(policy_id) else None
    if found is None:
        raise NotFound(_("There is no such SLA policy."), code="unknown_policy")
    return found
