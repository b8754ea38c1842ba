"""Text a database cannot store, found before it reaches one.

Two kinds of character pass JSON, forms and Python strings but no database: a NUL character
(PostgreSQL's text types refuse it) and a lone surrogate, half of a UTF-16 pair such as the
JSON escape "\\ud800" (neither database can encode it as UTF-8). Both would be a server error
at the first query; every door that takes text from outside asks this module first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from deskline.core.errors import ValidationFailed


def is_storable_text(text: str) -> bool:
    """Whether both databases can store `text`: no NUL character and no lone surrogate."""
    if "\x00" in text:
        return False
    if text.isascii():
        return True
    try:
        # UTF-8 encodes every character but a lone surrogate; the databases store UTF-8.
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_text_at(value: Any, where: str = "") -> str | None:
    """Where unstorable text hides in `value` (text, or lists and mappings of it), if anywhere.

    The answer names the place as a dotted path from `where`: a mapping's key is a step, a list
    item is not (`fields.extras` for `{"fields": {"extras": ["ok", "\\x00"]}}`). A mapping's
    key that cannot be stored is itself the place. Anything that is not text is storable.
    """
    # A loop rather than recursion: a value nested a thousand levels deep is bad input too,
    # not a RecursionError.
    pending: list[tuple[Any, str, Any]] = [(value, where, None)]
    while pending:
        item, place, key = pending.pop()
        if isinstance(key, str) and not is_storable_text(key):
            return place
        if isinstance(item, str):
            if not is_storable_text(item):
                return place
        elif isinstance(item, Mapping):
            pending.extend(
                (inner, f"{place}.{name}" if place else str(name), name)
                for name, inner in reversed(list(item.items()))
            )
        elif isinstance(item, list | tuple | set | frozenset):
            pending.extend((inner, place, None) for inner in reversed(list(item)))
    return None


def check_storable_text(value: Any, where: str = "") -> None:
    """Refuse `value` when text a database cannot store hides in it: ValidationFailed
    (`invalid_input`) on the place `unstorable_text_at` names. The one guard of every door:
    the API's bodies, queries and paths, the workspace's forms, the setup actions' JSON."""
    place = unstorable_text_at(value, where)
    if place is not None:
        raise ValidationFailed(
            _("Some values are not valid."),
            code="invalid_input",
            fields={place or "body": [_("This value is not valid.")]},
        )
