"""The knowledge base's bad input: a `ValidationFailed` (400) with a code, a message in the active
language and the fields it is about, like the ticket actions' errors."""

from __future__ import annotations

from typing import Any

from deskline.core.errors import ValidationFailed


class KnowledgeError(ValidationFailed):
    code = "invalid_article"


def field_error(
    field: str, message: Any, code: str, *, status: int | None = None
) -> KnowledgeError:
    return KnowledgeError(message, code=code, fields={field: [message]}, status=status)
