from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from deskline.core.admin_site import SiteAdminAccess
from deskline.mail.models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(SiteAdminAccess, admin.ModelAdmin[OutboundEmail]):
    """Every e-mail Deskline wrote, for site admins to look at (why one failed, what it said);
    the worker sends them, nobody edits them."""

    list_display = ("id", "to_address", "kind", "subject", "status", "attempts", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("to_address", "subject", "message_id", "ticket__key")
    list_select_related = ("ticket",)
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]
    ordering = ("-id",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
