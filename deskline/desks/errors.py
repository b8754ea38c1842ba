"""The one error for a desk key that names no desk the caller may use."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from deskline.core.errors import DomainError, NotFound, ValidationFailed

UNKNOWN_DESK = _("There is no desk with this key.")


def unknown_desk(*, field: str | None = None) -> DomainError:
    """`unknown_desk`: a 404 for a desk named by the address, a 400 on `field` for one named
    by a form, a body or a filter. A desk the caller may not use answers exactly the same."""
    if field is None:
        return NotFound(UNKNOWN_DESK, code="unknown_desk")
    return ValidationFailed(UNKNOWN_DESK, code="unknown_desk", fields={field: [UNKNOWN_DESK]})
