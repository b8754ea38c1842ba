"""Tickets in the admin are read-only: every change goes through the actions (STYLE rule 1).

A desk admin sees the tickets they could open in the workspace (`visible_tickets`), no more.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from deskline.core.admin_site import DeskAdminAccess
from deskline.tickets.access import visible_tickets
from deskline.tickets.models import Label, Ticket


@admin.register(Ticket)
class TicketAdmin(DeskAdminAccess, admin.ModelAdmin[Ticket]):
    list_display = ("key", "summary", "status", "priority", "assignee", "created_at")
    # Only the desks of the tickets listed: the filter names no desk the admin cannot see.
    list_filter = (("desk", admin.RelatedOnlyFieldListFilter), "status_category", "priority")
    # A key it had before it moved to another desk finds it too.
    search_fields = ("key", "key_aliases__key")
    list_select_related = ("status", "assignee")
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ticket]:
        user: Any = request.user
        return super().get_queryset(request) & visible_tickets(user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Label)
class LabelAdmin(DeskAdminAccess, admin.ModelAdmin[Label]):
    list_display = ("name",)
    search_fields = ("name",)
    ordering = ("name",)
