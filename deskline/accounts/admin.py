"""Configuration screens for people: users, organizations, teams, API tokens."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import ApiToken, Organization, SiteSettings, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("display_name",)
    list_display = ("display_name", "email", "role", "organization", "locale", "is_active")
    list_filter = ("role", "organization", "locale", "is_active")
    search_fields = ("email", "display_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "locale", "time_zone", "organization")}),
        (_("Access"), {"fields": ("role", "is_active", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("email", "display_name", "role", "password1", "password2")}),
    )  # fmt: skip
    filter_horizontal = ()


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ("name", "time_zone")
    search_fields = ("name",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ("name", "description")
    search_fields = ("name",)
    filter_horizontal = ("members",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at")
    readonly_fields = ("prefix", "token_hash", "created_at", "last_used_at")
    search_fields = ("user__email", "name")

    def has_add_permission(self, request: object) -> bool:
        return False  # tokens are shown once, by `deskline token create`


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin[SiteSettings]):
    list_display = ("__str__", "allow_self_signup")

    def has_add_permission(self, request: object) -> bool:
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
