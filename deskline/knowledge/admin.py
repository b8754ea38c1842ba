"""Configuration screens of the knowledge base: categories and articles.

Desk admins see the categories and articles of the desks their teams serve (desks.admin_scope);
site admins see everything, global ones included. Every write goes through the knowledge
actions, so these screens check exactly what the API and the workspace check, write a version
for each change of text, and keep the search index in step; a refusal shows on the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.core.admin_site import TranslationsFormMixin
from deskline.core.errors import DomainError
from deskline.desks.admin_scope import DeskScopedAccess
from deskline.knowledge import actions
from deskline.knowledge.models import Article, ArticleStatus, ArticleVersion, Category


def _form_errors(form: forms.BaseForm, error: DomainError) -> None:
    """Show a refusal of an action on the fields it names (else on the whole form)."""
    placed = False
    for name, messages in error.fields.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))


class CategoryForm(TranslationsFormMixin):
    saved: Category
    translation_attributes = ("name", "description")

    class Meta:
        model = Category
        fields = ("desk", "name", "description", "position", "translations")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.errors:
            return cleaned
        user: User = self.request.user  # type: ignore[attr-defined]  # set by get_form
        try:
            if self.instance.pk is None:
                self.saved = actions.category_create(actor=user, **cleaned)
            else:
                original = Category.objects.get(pk=self.instance.pk)
                self.saved = actions.category_update(actor=user, category=original, **cleaned)
        except DomainError as error:
            _form_errors(self, error)
        return cleaned


@admin.register(Category)
class CategoryAdmin(DeskScopedAccess, admin.ModelAdmin[Category]):
    form = CategoryForm
    list_display = ("name", "desk", "position")
    list_filter = ("desk",)
    search_fields = ("name",)
    ordering = ("desk__position", "position", "name")

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class WithRequest(form_class):  # type: ignore[misc,valid-type]
            def __init__(self, *args: Any, **inner: Any) -> None:
                super().__init__(*args, **inner)
                self.request = request

        return WithRequest

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        # The action wrote the row while the form was cleaned; the admin goes on with it.
        saved: Category = form.saved
        obj.pk = saved.pk
        obj._state.adding = False
        obj._state.db = saved._state.db


class ArticleForm(forms.ModelForm[Article]):
    saved: Article
    note = forms.CharField(
        label=_("what changed"), required=False, max_length=200, help_text=_("For the history.")
    )

    class Meta:
        model = Article
        fields = (
            "title",
            "body",
            "language",
            "desk",
            "category",
            "status",
            "translation_of",
            "owner",
            "review_on",
        )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.errors:
            return cleaned
        user: User = self.request.user  # type: ignore[attr-defined]  # set by get_form
        note = cleaned.pop("note", "")
        status = cleaned.pop("status")
        try:
            if self.instance.pk is None:
                self.saved = actions.article_create(actor=user, status=status, note=note, **cleaned)
            else:
                original = Article.objects.get(pk=self.instance.pk)
                cleaned.pop("translation_of", None)
                changes = {
                    name: value
                    for name, value in cleaned.items()
                    if getattr(original, name) != value
                }
                article = original
                if changes:
                    article = actions.article_update(
                        actor=user, article=original, note=note, **changes
                    )
                if status != article.status:
                    change_status = {
                        ArticleStatus.PUBLISHED: actions.article_publish,
                        ArticleStatus.ARCHIVED: actions.article_archive,
                        ArticleStatus.DRAFT: actions.article_restore_draft,
                    }[status]
                    article = change_status(actor=user, article=article)
                self.saved = article
        except DomainError as error:
            _form_errors(self, error)
        return cleaned


class VersionInline(admin.TabularInline[ArticleVersion, Article]):
    model = ArticleVersion
    fields = ("number", "title", "author", "note", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(DeskScopedAccess, admin.ModelAdmin[Article]):
    form = ArticleForm
    inlines = (VersionInline,)
    list_display = ("title", "language", "desk", "category", "status", "version", "updated_at")
    list_filter = ("status", "language", "desk", "is_outdated")
    search_fields = ("title",)
    raw_id_fields = ("translation_of", "owner")
    list_select_related = ("desk", "category")
    readonly_fields = ("version", "is_outdated", "outdated_reason", "view_count")

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class WithRequest(form_class):  # type: ignore[misc,valid-type]
            def __init__(self, *args: Any, **inner: Any) -> None:
                super().__init__(*args, **inner)
                self.request = request

        return WithRequest

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        # The actions wrote the rows while the form was cleaned; the admin goes on with them.
        saved: Article = form.saved
        obj.pk = saved.pk
        obj._state.adding = False
        obj._state.db = saved._state.db

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Articles are archived, not deleted: links, feedback and the index keep agreeing.
        return False
