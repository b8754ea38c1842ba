"""Domain errors: what went wrong, as a stable code, a translated message and per-field details.

Actions raise these; the API maps them to `{"code", "message", "fields"}` with `status`, and the
web views show them next to the fields. A `DomainError` always means nothing was written: actions
raise before their first write or inside the transaction that is rolled back.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Message = str | Promise


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self,
        message: Message,
        *,
        code: str | None = None,
        fields: dict[str, list[Message]] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.fields: dict[str, list[Message]] = fields or {}

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {name: [str(m) for m in messages] for name, messages in self.fields.items()},
        }


class ValidationFailed(DomainError):
    status = 400
    code = "invalid_input"


class NotFound(DomainError):
    status = 404
    code = "not_found"

    def __init__(self, message: Message | None = None, *, code: str | None = None) -> None:
        super().__init__(message or _("Not found."), code=code)


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"

    def __init__(self, message: Message | None = None, *, code: str | None = None) -> None:
        super().__init__(message or _("You are not allowed to do that."), code=code)


class Conflict(DomainError):
    status = 409
    code = "conflict"
