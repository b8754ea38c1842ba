"""Texts an admin writes in more than one language: the shape of a `translations` value.

A `translations` value maps a language code to texts of named attributes, e.g.
{"zh-hans": {"name": "IT 服务台"}}; the pages read it with `desks.models.translated_value`. The
configuration screens and the API's setup actions both check it here (no forms, no admin).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def translations_example(attributes: tuple[str, ...], mappings: tuple[str, ...] = ()) -> str:
    """The shape of a `translations` value, e.g. {"zh-hans": {"name": "…"}}; an attribute of
    `mappings` maps keys to texts, e.g. {"options": {"thinkpad": "…"}}."""
    texts: dict[str, Any] = dict.fromkeys(attributes, "…")
    texts.update({attribute: {"…": "…"} for attribute in mappings})
    return json.dumps({"zh-hans": texts}, ensure_ascii=False)


def validate_translations(
    value: Any, attributes: tuple[str, ...], mappings: tuple[str, ...] = ()
) -> dict[str, dict[str, Any]]:
    """`value` when it maps known language codes to {attribute: text}; else a ValidationError.

    An attribute of `mappings` holds an object of texts instead of one text (a select field's
    option labels by option value: {"options": {"thinkpad": "ThinkPad 笔记本"}}).

    The help center reads these with `translated_value`, which expects exactly this shape, so
    a malformed value must stop at the form instead of breaking a page later.
    """
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationError(
            _("Write an object such as %(example)s."),
            code="invalid_translations",
            params={"example": translations_example(attributes)},
        )
    known = language_codes()
    known_attributes = (*attributes, *mappings)
    for language, texts in value.items():
        if language not in known:
            raise ValidationError(
                _("Unknown language %(language)s; use one of: %(languages)s."),
                code="unknown_language",
                params={"language": language, "languages": ", ".join(known)},
            )
        if not isinstance(texts, dict):
            raise ValidationError(
                _("The value of %(language)s must be an object such as %(example)s."),
                code="invalid_translations",
                params={"language": language, "example": translations_example(attributes)},
            )
        for attribute, text in texts.items():
            if attribute in mappings:
                if not isinstance(text, dict) or not all(
                    isinstance(key, str) and isinstance(item, str) for key, item in text.items()
                ):
                    raise ValidationError(
                        _("The translations of %(attribute)s must be an object of texts."),
                        code="invalid_translations",
                        params={"attribute": attribute},
                    )
                continue
            if attribute not in attributes:
                raise ValidationError(
                    _("%(attribute)s cannot be translated here; use one of: %(attributes)s."),
                    code="unknown_attribute",
                    params={"attribute": attribute, "attributes": ", ".join(known_attributes)},
                )
            if not isinstance(text, str):
                raise ValidationError(
                    _("The translation of %(attribute)s must be text."),
                    code="invalid_translations",
                    params={"attribute": attribute},
                )
    return value
