"""Desk admins configure the desks their teams serve, and only those (site admins: every desk).

`DeskScopedAccess` narrows a configuration screen to the rows of those desks: the list shows no
other desk's rows, another desk's row answers 404 like one that does not exist (change, delete,
history), and the choices of a desk or request type offer only those desks'. Sla and tickets
screens mix it in too; the people screens (accounts.admin) narrow teams to the admin's own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from deskline.accounts.models import Team, User
from deskline.core.admin_site import DeskAdminAccess, is_site_admin
from deskline.desks.models import Desk, RequestType
from deskline.desks.selectors import served_desk_ids

_CACHE_ATTRIBUTE = "_deskline_administered_desk_ids"


def administered_desk_ids(request: HttpRequest) -> frozenset[int] | None:
    """The desks the signed-in admin configures; None for every desk (a site admin)."""
    if is_site_admin(request):
        return None
    found: frozenset[int] | None = getattr(request, _CACHE_ATTRIBUTE, None)
    if found is None:
        user: User = request.user  # type: ignore[assignment]  # the admin lets in staff only
        found = served_desk_ids(user) if user.is_desk_admin else frozenset()
        setattr(request, _CACHE_ATTRIBUTE, found)
    return found


def administered_desks(request: HttpRequest) -> QuerySet[Desk]:
    ids = administered_desk_ids(request)
    desks = Desk.objects.all()
    return desks if ids is None else desks.filter(id__in=sorted(ids))


def offered_teams(request: HttpRequest) -> QuerySet[Team]:
    """Teams a desk admin may choose for their desks: their own, and those already serving one
    of their desks (so that a desk's other teams stay on it). Every team for a site admin."""
    ids = administered_desk_ids(request)
    if ids is None:
        return Team.objects.all()
    return Team.objects.filter(Q(members=request.user.pk) | Q(desks__in=sorted(ids))).distinct()


def own_team_ids(request: HttpRequest) -> frozenset[int] | None:
    """The teams the signed-in desk admin belongs to; None for a site admin."""
    if is_site_admin(request):
        return None
    return frozenset(Team.objects.filter(members=request.user.pk).values_list("id", flat=True))


def not_found() -> Http404:
    return Http404(_("There is no such item, or it belongs to a desk you do not configure."))


class DeskScopedAccess(DeskAdminAccess):
    """Mix into a ModelAdmin whose rows belong to a desk, reached by `desk_path` from the model
    ("desk", "request_type__desk", "metric__desk"; "id" for desks themselves)."""

    desk_path = "desk"

    def desk_id_of(self, obj: Model) -> int | None:
        *through, last = self.desk_path.split("__")
        target: Any = obj
        for name in through:
            target = getattr(target, name, None)
            if target is None:
                return None
        return target.pk if last == "id" else getattr(target, f"{last}_id", None)

    def in_scope(self, request: HttpRequest, obj: Model | None) -> bool:
        ids = administered_desk_ids(request)
        return ids is None or obj is None or self.desk_id_of(obj) in ids

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        ids = administered_desk_ids(request)
        if ids is None:
            return queryset
        return queryset.filter(**{f"{self.desk_path}__in": sorted(ids)})

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        # Looked up in `get_queryset`: another desk's row is not found, and says so like a row
        # that does not exist (a 404, not the admin's "perhaps it was deleted" redirect).
        found = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if found is None:
            raise not_found()
        return found

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) and self.in_scope(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self.in_scope(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self.in_scope(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        scoped_choices(db_field.name, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


def scoped_choices(name: str, request: HttpRequest, kwargs: dict[str, Any]) -> None:
    """Offer (and accept) only the admin's desks, their request types and the teams they may
    choose, in a form field named `name`."""
    if name == "desk":
        kwargs["queryset"] = administered_desks(request)
    elif name == "request_type" and "queryset" not in kwargs:
        kwargs["queryset"] = RequestType.objects.filter(
            desk__in=administered_desks(request)
        ).select_related("desk")
    elif name in ("default_team", "team", "teams"):
        kwargs["queryset"] = offered_teams(request)


class ScopedChoicesInline:
    """Mix into an inline: its desk, request type and team choices follow the admin's desks."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        scoped_choices(db_field.name, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
