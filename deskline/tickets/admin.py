"""Tickets in the admin are read-only: every change goes through the actions (STYLE rule 1)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from deskline.tickets.models import Label, Ticket


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin[Ticket]):
    list_display = ("key", "summary", "status", "priority", "assignee", "created_at")
    list_filter = ("desk", "status_category", "priority")
    search_fields = ("key",)
    list_select_related = ("status", "assignee")
    show_full_result_count = False

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin[Label]):
    search_fields = ("name",)
