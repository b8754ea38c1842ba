from django.contrib import admin
from django.http import HttpRequest

from deskline.mail.models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin[OutboundEmail]):
    """Every e-mail Deskline wrote, to look at; they are sent by the worker, never edited."""

    list_display = ("id", "to_address", "kind", "subject", "status", "attempts", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("to_address", "subject", "message_id", "ticket__key")
    list_select_related = ("ticket",)
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]
    ordering = ("-id",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False
