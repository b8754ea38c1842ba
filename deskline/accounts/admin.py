"""Configuration screens for people: users, organizations, teams, API tokens, site settings.

Desk admins manage customers, agents and other desk admins; site admins (and only they) can
make or change a site admin, see API tokens and change the site settings.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deskline.accounts.actions import normalize_email
from deskline.accounts.models import (
    AGENT_ROLES,
    ApiToken,
    Organization,
    Role,
    SiteSettings,
    Team,
    User,
)
from deskline.core.admin_site import DeskAdminAccess, SiteAdminAccess, is_site_admin
from deskline.core.errors import ValidationFailed

admin.site.site_header = _("Deskline configuration")
admin.site.site_title = _("Deskline configuration")
admin.site.index_title = _("Desks, forms and people")

# Access follows roles (core.admin_site), so Django's permission groups would only mislead.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@cache
def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def _time_zone_field(db_field: Any, **kwargs: Any) -> forms.ChoiceField:
    """A list of time zones instead of a free text box: a typo cannot be saved."""
    return forms.ChoiceField(
        choices=_time_zone_choices(),
        label=db_field.verbose_name,
        initial=db_field.default,
        required=True,
        help_text=kwargs.get("help_text", ""),
    )


# Users ------------------------------------------------------------------------------------


class EmailFormMixin(forms.ModelForm[User]):
    """Addresses are stored the way every other door stores them (`normalize_email`)."""

    def clean_email(self) -> str:
        try:
            return normalize_email(str(self.cleaned_data.get("email") or ""))
        except ValidationFailed as error:
            raise forms.ValidationError(str(error.message), code=error.code) from None


class UserAddForm(EmailFormMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name", "role", "organization", "locale", "time_zone")


class UserEditForm(EmailFormMixin, UserChangeForm[User]):
    class Meta:
        model = User
        fields = ("email", "display_name", "role", "organization", "locale", "time_zone",
                  "is_active")  # fmt: skip


class TeamMembershipFormSet(BaseInlineFormSet[Any, User, forms.ModelForm[Any]]):
    """The same rule as the team screen: teams are groups of agents, customers are never members."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors) or self.instance.is_agent:
            return
        kept = [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if kept:
            raise forms.ValidationError(
                gettext("Customers are not members of teams; remove these team memberships."),
                code="customer_in_team",
            )


class TeamMembershipInline(DeskAdminAccess, admin.TabularInline[Any, User]):
    model = Team.members.through
    formset = TeamMembershipFormSet
    extra = 0
    verbose_name = _("team membership")
    verbose_name_plural = _("team memberships (the desks an agent works on follow their teams)")


def _is_protected(user: User) -> bool:
    """Site admins (and Django superusers) are changed by site admins only."""
    return user.is_site_admin or user.is_superuser


@admin.register(User)
class UserAdmin(DeskAdminAccess, BaseUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
    ordering = ("display_name",)
    list_display = ("display_name", "email", "role", "organization", "locale", "is_active")
    list_filter = ("role", "organization", "teams", "locale", "is_active")
    list_select_related = ("organization",)
    search_fields = ("email", "display_name", "organization__name")
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ()
    inlines = (TeamMembershipInline,)
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "display_name", "role")}),
        (_("Profile"), {"fields": ("organization", "locale", "time_zone")}),
        (
            _("Password"),
            {
                "fields": ("usable_password", "password1", "password2"),
                "description": _(
                    "Without a password the person signs in after resetting it from the "
                    "sign-in page."
                ),
            },
        ),
    )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.add_fieldsets
        access: tuple[str, ...] = ("role", "is_active")
        if is_site_admin(request):
            access = (*access, "is_superuser")
        return (
            (None, {"fields": ("email", "password")}),
            (_("Profile"), {"fields": ("display_name", "organization", "locale", "time_zone")}),
            (
                _("Access"),
                {
                    "fields": access,
                    "description": _(
                        "Customers use the help center; agents also work on the requests of "
                        "their teams' desks; desk admins also configure desks and people."
                    ),
                },
            ),
            (_("Dates"), {"fields": ("last_login", "date_joined")}),
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        # System actors (accounts/actors.py) are Deskline's own, not people to manage here.
        people = super().get_queryset(request).exclude(role=Role.SYSTEM)
        return people.select_related("organization")

    def formfield_for_dbfield(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if db_field.name == "time_zone":
            return _time_zone_field(db_field, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_choice_field(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.TypedChoiceField | None:
        if db_field.name == "role":
            # Nobody makes a system actor; only a site admin can make a site admin.
            refused = {Role.SYSTEM} if is_site_admin(request) else {Role.SYSTEM, Role.SITE_ADMIN}
            kwargs["choices"] = [choice for choice in Role.choices if choice[0] not in refused]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _is_protected(obj) and not is_site_admin(request):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _is_protected(obj) and not is_site_admin(request):
            return False
        return super().has_delete_permission(request, obj)

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> Any:
        # Read-only for a protected user: the inline asks its own permissions without `obj`.
        if obj is not None and not self.has_change_permission(request, obj):
            return []
        return super().get_inline_instances(request, obj)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # The form offers no site admin role to a desk admin; refuse a forged one all the same.
        if obj.role == Role.SITE_ADMIN and not is_site_admin(request):
            raise PermissionDenied(gettext("Only a site admin can make a site admin."))
        if obj.role == Role.SYSTEM:  # forged: the form never offers it
            raise PermissionDenied(gettext("System actors are made by Deskline itself."))
        super().save_model(request, obj, form, change)


# Organizations and teams ------------------------------------------------------------------


@admin.register(Organization)
class OrganizationAdmin(DeskAdminAccess, admin.ModelAdmin[Organization]):
    list_display = ("name", "time_zone", "member_count", "created_at")
    search_fields = ("name",)
    ordering = ("name",)
    fields = ("name", "time_zone")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        return super().get_queryset(request).annotate(member_count=Count("members"))

    def formfield_for_dbfield(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if db_field.name == "time_zone":
            return _time_zone_field(
                db_field,
                help_text=gettext("Business hours of the organization's requests follow it."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj: Organization) -> int:
        return int(getattr(obj, "member_count", 0))


@admin.register(Team)
class TeamAdmin(DeskAdminAccess, admin.ModelAdmin[Team]):
    list_display = ("name", "description", "member_count")
    search_fields = ("name", "description")
    ordering = ("name",)
    filter_horizontal = ("members",)
    fields = ("name", "description", "members")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return super().get_queryset(request).annotate(member_count=Count("members"))

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        if db_field.name == "members":
            # Teams are groups of agents; customers are never members.
            kwargs["queryset"] = User.objects.filter(role__in=AGENT_ROLES, is_active=True)
            kwargs["help_text"] = gettext(
                "Agents and admins of this team work on the requests of the desks it serves."
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj: Team) -> int:
        return int(getattr(obj, "member_count", 0))


# Site-wide --------------------------------------------------------------------------------


@admin.register(ApiToken)
class ApiTokenAdmin(SiteAdminAccess, admin.ModelAdmin[ApiToken]):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at")
    list_select_related = ("user",)
    readonly_fields = ("user", "name", "prefix", "token_hash", "created_at", "last_used_at")
    search_fields = ("user__email", "name")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # tokens are shown once, by `deskline token create`

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke (delete) and create a new one instead


@admin.register(SiteSettings)
class SiteSettingsAdmin(SiteAdminAccess, admin.ModelAdmin[SiteSettings]):
    list_display = ("__str__", "allow_self_signup", "help_center_title")
    fields = ("help_center_title", "allow_self_signup")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # There is one row: go straight to it.
        if not self.has_change_permission(request):
            return super().changelist_view(request, extra_context)
        settings = SiteSettings.current()
        return HttpResponseRedirect(
            reverse("admin:accounts_sitesettings_change", args=[settings.pk])
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # SiteSettings.current() makes the one row

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
