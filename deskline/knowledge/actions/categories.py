"""Categories: the shelves of a desk's knowledge page, or of the global one."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Locale, User
from deskline.core.errors import PermissionDenied
from deskline.core.text import unstorable_text_at
from deskline.desks.models import Desk
from deskline.knowledge.access import can_manage_categories
from deskline.knowledge.actions.checks import (
    CATEGORY_DESCRIPTION_MAX,
    CATEGORY_NAME_MAX,
    clean_body,
    clean_desk,
    clean_line,
)
from deskline.knowledge.errors import field_error
from deskline.knowledge.models import Category

CATEGORY_UPDATABLE = frozenset({"name", "description", "position", "translations", "desk"})
POSITION_MAX = 1_000_000


def _check_manager(actor: User, desk: Desk | None) -> None:
    if not can_manage_categories(actor, desk.pk if desk is not None else None):
        raise PermissionDenied(
            _("Only this desk's admins may change its categories."), code="category_write_denied"
        )


def _clean_position(position: Any) -> int:
    if (
        not isinstance(position, int)
        or isinstance(position, bool)
        or not 0 <= position <= POSITION_MAX
    ):
        raise field_error("position", _("Enter a whole number."), "invalid_position")
    return position


def _clean_translations(translations: Any) -> dict[str, dict[str, str]]:
    """{"zh-hans": {"name": "...", "description": "..."}}: known languages and attributes."""
    if translations is None:
        return {}
    problem = field_error("translations", _("This value is not valid."), "invalid_translations")
    if not isinstance(translations, dict) or unstorable_text_at(translations) is not None:
        raise problem
    cleaned: dict[str, dict[str, str]] = {}
    for language, values in translations.items():
        if language not in Locale.values or not isinstance(values, dict):
            raise problem
        entry: dict[str, str] = {}
        for attribute, text in values.items():
            if attribute not in ("name", "description") or not isinstance(text, str):
                raise problem
            limit = CATEGORY_NAME_MAX if attribute == "name" else CATEGORY_DESCRIPTION_MAX
            if len(text) > limit:
                raise problem
            if text.strip():
                entry[attribute] = text.strip()
        if entry:
            cleaned[language] = entry
    return cleaned


def category_create(
    *,
    actor: User,
    name: str,
    desk: Desk | str | int | None = None,
    description: str = "",
    position: int = 0,
    translations: dict[str, dict[str, str]] | None = None,
) -> Category:
    """A new category of a desk (its desk admins, site admins) or a global one (site admins)."""
    cleaned_desk = clean_desk(desk)
    _check_manager(actor, cleaned_desk)
    category = Category(
        desk=cleaned_desk,
        name=clean_line(name, "name", CATEGORY_NAME_MAX, required=True, code="name"),
        description=clean_body(
            description, field="description", limit=CATEGORY_DESCRIPTION_MAX
        ).strip(),
        position=_clean_position(position),
        translations=_clean_translations(translations),
    )
    with transaction.atomic():
        category.save()
    return category


def category_update(*, actor: User, category: Category, **changes: Any) -> Category:
    """Change a category's name, description, position, translations or desk. Moving it to
    another desk needs the right to manage both; its articles of the old desk then lose it."""
    unknown = sorted(set(changes) - CATEGORY_UPDATABLE)
    if unknown:
        raise field_error(unknown[0], _("This cannot be changed."), "not_updatable")
    _check_manager(actor, category.desk)
    values: dict[str, Any] = {}
    if "desk" in changes:
        values["desk"] = clean_desk(changes["desk"])
        _check_manager(actor, values["desk"])
    if "name" in changes:
        values["name"] = clean_line(
            changes["name"], "name", CATEGORY_NAME_MAX, required=True, code="name"
        )
    if "description" in changes:
        values["description"] = clean_body(
            changes["description"], field="description", limit=CATEGORY_DESCRIPTION_MAX
        ).strip()
    if "position" in changes:
        values["position"] = _clean_position(changes["position"])
    if "translations" in changes:
        values["translations"] = _clean_translations(changes["translations"])
    with transaction.atomic():
        moved = "desk" in values and (
            (values["desk"].pk if values["desk"] is not None else None) != category.desk_id
        )
        for attribute, value in values.items():
            setattr(category, attribute, value)
        category.save()
        if moved and category.desk_id is not None:
            # An article keeps only a category of its own desk or a global one.
            category.articles.exclude(desk_id=category.desk_id).update(category=None)
    return category
