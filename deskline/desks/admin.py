"""Configuration screens for desk admins: desks with their statuses, request types with forms."""

from __future__ import annotations

from django.contrib import admin

from deskline.desks.models import Desk, RequestField, RequestType, ShortLink, Status


class StatusInline(admin.TabularInline[Status, Desk]):
    model = Status
    extra = 0
    fields = ("position", "key", "name", "category", "is_initial", "next_statuses", "translations")
    ordering = ("position",)


class RequestTypeInline(admin.TabularInline[RequestType, Desk]):
    model = RequestType
    extra = 0
    fields = ("position", "name", "kind", "default_team", "is_active")
    show_change_link = True
    ordering = ("position",)


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin[Desk]):
    list_display = ("key", "name", "is_active", "position")
    search_fields = ("key", "name")
    filter_horizontal = ("teams",)
    readonly_fields = ("last_ticket_number",)
    inlines = (StatusInline, RequestTypeInline)


class RequestFieldInline(admin.TabularInline[RequestField, RequestType]):
    model = RequestField
    extra = 0
    fields = ("position", "key", "label", "field_type", "is_required", "help_text", "options",
              "translations")  # fmt: skip
    ordering = ("position",)


@admin.register(RequestType)
class RequestTypeAdmin(admin.ModelAdmin[RequestType]):
    list_display = ("name", "desk", "kind", "default_team", "is_active")
    list_filter = ("desk", "kind", "is_active")
    search_fields = ("name",)
    inlines = (RequestFieldInline,)


@admin.register(ShortLink)
class ShortLinkAdmin(admin.ModelAdmin[ShortLink]):
    list_display = ("__str__", "desk", "request_type")
    list_select_related = ("desk", "request_type")
    autocomplete_fields = ("request_type",)
    search_fields = ("slug",)
