from django.contrib import admin

from deskline.mail.models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Every e-mail Deskline wrote, to look at; they are sent by the worker, never edited."""

    list_display = ("id", "to_address", "kind", "subject", "status", "attempts", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("to_address", "subject", "message_id", "ticket__key")
    list_select_related = ("ticket",)
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]
    ordering = ("-id",)

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
