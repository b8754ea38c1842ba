"""Questions in the admin are read-only, for site admins: every change goes through the
actions (STYLE rule 1), which keep the search index and the counts in step."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from deskline.community.models import Question
from deskline.core.admin_site import SiteAdminAccess


@admin.register(Question)
class QuestionAdmin(SiteAdminAccess, admin.ModelAdmin[Question]):
    list_display = ("title", "desk", "language", "status", "is_hidden", "is_locked", "score")
    list_filter = ("status", "language", "is_hidden", "is_locked")
    search_fields = ("title",)
    list_select_related = ("desk",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
