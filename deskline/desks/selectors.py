"""Reads of desks and their configuration, for the API, the help center and the workspace."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from deskline.accounts.models import User
from deskline.desks.catalog import catalog
from deskline.desks.errors import unknown_desk
from deskline.desks.models import Desk, RequestField, RequestType, Status


def served_desk_ids(user: User) -> frozenset[int]:
    """Ids of the desks whose tickets `user` works on as an agent (a system actor: all)."""
    if user.is_system:
        return frozenset(catalog().desks)
    if not user.is_agent:
        return frozenset()
    known = catalog()
    if user.is_site_admin:
        return frozenset(known.desks)
    return known.served_desk_ids(user.pk)


def desks_for_user(user: User) -> QuerySet[Desk]:
    """The desks `user` may raise requests with: every active desk, and the ones they serve."""
    if user.is_agent:
        return Desk.objects.filter(is_active=True) | Desk.objects.filter(
            id__in=served_desk_ids(user)
        )
    return Desk.objects.filter(is_active=True)


def desk_for_user(user: User, key: str) -> Desk:
    """One desk by key, or NotFound when it does not exist or the user may not use it.

    The desk comes from the process's catalogue (`desks.catalog`): read it, never change it.
    """
    desk = catalog().desk_of_key(str(key).upper())
    if desk is None or not (desk.is_active or desk.pk in served_desk_ids(user)):
        raise unknown_desk()
    return desk


def request_types_for_desk(desk: Desk) -> QuerySet[RequestType]:
    """Active request types of a desk with their form fields, in order."""
    return (
        RequestType.objects.filter(desk=desk, is_active=True)
        .prefetch_related(
            Prefetch("fields", queryset=RequestField.objects.order_by("position", "id"))
        )
        .order_by("position", "id")
    )


def statuses_for_desk(desk: Desk) -> QuerySet[Status]:
    return Status.objects.filter(desk=desk).order_by("position", "id")
