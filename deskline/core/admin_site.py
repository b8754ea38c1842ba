"""Shared pieces of the configuration screens (Django admin): access by role, translations.

Who may open a screen follows the user's role, not Django's per-model permission rows: desk
admins (and site admins) configure desks and people, only site admins the whole site. The
admin site itself lets in only `is_staff` users, and `User.is_staff` is "is a desk admin", so
customers and agents are sent to the admin's sign-in page.

This module is in `core`, below `accounts`, so it reads the role flags off `request.user`
without importing the user model.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _

from deskline.core.translations import language_codes, translations_example, validate_translations


def is_desk_admin(request: HttpRequest) -> bool:
    """True when the signed-in user is an active desk admin or site admin."""
    user = request.user
    return bool(user.is_active and getattr(user, "is_desk_admin", False))


def is_site_admin(request: HttpRequest) -> bool:
    """True when the signed-in user is an active site admin."""
    user = request.user
    return bool(user.is_active and getattr(user, "is_site_admin", False))


class DeskAdminAccess:
    """Mix into a ModelAdmin or an inline: desk admins may view, add, change and delete.

    Subclasses narrow one permission by overriding it (e.g. read-only screens return False
    from `has_change_permission`), or the whole screen by overriding `role_allows`.
    """

    def role_allows(self, request: HttpRequest) -> bool:
        return is_desk_admin(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.role_allows(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.role_allows(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.role_allows(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.role_allows(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.role_allows(request)


class SiteAdminAccess(DeskAdminAccess):
    """Mix into a ModelAdmin: only site admins see the screen at all."""

    def role_allows(self, request: HttpRequest) -> bool:
        return is_site_admin(request)


def translations_help(attributes: tuple[str, ...], mappings: tuple[str, ...] = ()) -> str:
    return _(
        "Text in other languages, as JSON: %(example)s. Languages: %(languages)s. "
        "Leave {} to show the English text everywhere."
    ) % {
        "example": translations_example(attributes, mappings),
        "languages": ", ".join(language_codes()),
    }


class TranslationsFormMixin(forms.ModelForm[Any]):
    """A model form whose `translations` JSON is checked and explained in its help text."""

    translation_attributes: tuple[str, ...] = ("name",)
    # Attributes translated as an object of texts, e.g. a select field's option labels.
    translation_mappings: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("translations")
        if field is not None:
            field.help_text = translations_help(
                self.translation_attributes, self.translation_mappings
            )
            field.widget.attrs.update({"rows": 2, "cols": 36})

    def clean_translations(self) -> dict[str, dict[str, Any]]:
        return validate_translations(
            self.cleaned_data.get("translations"),
            self.translation_attributes,
            self.translation_mappings,
        )
