"""Reads the customer help center needs that the general ticket selectors do not offer.

The help center is open to visitors who have not signed in, so its desk reads take an anonymous
user too; its request lists reuse the row shape and keyset paging of `tickets.selectors`.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.core.errors import NotFound
from deskline.desks.catalog import catalog
from deskline.desks.errors import unknown_desk
from deskline.desks.models import (
    SHORT_LINK_PATTERN,
    Desk,
    RequestType,
    ShortLink,
    Status,
    StatusCategory,
    desk_key_validator,
)
from deskline.desks.selectors import desk_for_user, desks_for_user, request_types_for_desk
from deskline.tickets import selectors
from deskline.tickets.models import Ticket


def _visitor_desks(user: Any) -> QuerySet[Desk]:
    if getattr(user, "is_authenticated", False):
        return desks_for_user(user)
    return Desk.objects.filter(is_active=True)


def help_center_desks(user: Any) -> list[Desk]:
    """The desks a visitor (signed in or not) may use, in order, each with its active request
    types attached as `help_center_request_types`: two queries, however many desks."""
    active_types = RequestType.objects.filter(is_active=True).order_by("position", "id")
    return list(
        _visitor_desks(user)
        .order_by("position", "key")
        .prefetch_related(
            Prefetch("request_types", queryset=active_types, to_attr="help_center_request_types")
        )
    )


def help_center_desk(user: Any, key: str) -> Desk:
    """One desk the visitor may use, by key (any case), or NotFound."""
    try:
        # A key no desk can have (one with a NUL character, which PostgreSQL refuses) is
        # answered without a query.
        desk_key_validator(str(key).upper())
    except ValidationError:
        raise unknown_desk() from None
    if getattr(user, "is_authenticated", False):
        return desk_for_user(user, key)
    desk = _visitor_desks(user).filter(key=str(key).upper()).first()
    if desk is None:
        raise unknown_desk()
    return desk


def request_type_for_form(desk: Desk, request_type_id: int) -> RequestType:
    """An active request type of `desk` with its form fields in order, or NotFound."""
    request_type = request_types_for_desk(desk).filter(pk=request_type_id).first()
    if request_type is None:
        raise NotFound(_("This desk has no such request type."), code="unknown_request_type")
    return request_type


def request_type_of_desk(desk: Desk, request_type_id: int) -> RequestType:
    """An active request type of `desk`, without its form fields, from the process's
    catalogue (read it, never change it), or NotFound: for the requests a form makes while
    one fills it in (suggestions, counting), which must not cost a query each."""
    try:
        wanted = int(request_type_id)
    except (TypeError, ValueError):
        wanted = 0
    request_type = catalog().active_request_type(desk.pk, wanted) if wanted > 0 else None
    if request_type is None:
        raise NotFound(_("This desk has no such request type."), code="unknown_request_type")
    return request_type


def short_link_target(slug: str) -> ShortLink:
    """The short link called `slug`, with its desk and request type, or NotFound."""
    wanted = str(slug).strip().lower()
    link = None
    # A name no link can have (one with a NUL character, which PostgreSQL refuses) is answered
    # without a query.
    if re.fullmatch(SHORT_LINK_PATTERN, wanted):
        link = ShortLink.objects.select_related("desk", "request_type").filter(slug=wanted).first()
    if link is None:
        raise NotFound(_("There is no short link with this name."), code="unknown_short_link")
    return link


def shared_with_organization(
    *,
    user: User,
    status_category: str | None = None,
    q: str | None = None,
    cursor: str | None = None,
    limit: int = selectors.DEFAULT_PAGE,
) -> selectors.Page:
    """Requests shared with `user`'s organization, newest first, one keyset page at a time.

    Rows, filters and cursors are exactly those of `selectors.ticket_list`.
    """
    filters = selectors.TicketFilters(
        status_category=status_category, q=q, shared_with_my_organization=True
    )
    return selectors.ticket_list(user=user, filters=filters, cursor=cursor, limit=limit)


def done_and_open_targets(*, user: User, ticket: Ticket) -> tuple[Status | None, Status | None]:
    """The status "Mark as resolved" moves the ticket to and the one "Reopen" moves it to, each
    None when that button should not be offered."""
    available = selectors.ticket_transitions_available(user=user, ticket=ticket)
    if ticket.status.category == StatusCategory.DONE:
        reopen = next((s for s in available if s.category != StatusCategory.DONE), None)
        return None, reopen
    resolve = next((s for s in available if s.category == StatusCategory.DONE), None)
    return resolve, None
