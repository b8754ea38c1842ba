"""Every write to accounts: users and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import ApiToken, Role, User
from deskline.core.errors import ValidationFailed

TOKEN_PREFIX = "dl_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create an API token for `user`; returns the row and the raw token, shown only once."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:10], token_hash=hash_token(raw)
    )
    return token, raw


def normalize_email(email: str, *, field: str = "email") -> str:
    """Lower-case and validate an e-mail address, raising a field error when it is not one."""
    cleaned = (email or "").strip().lower()
    try:
        validate_email(cleaned)
    except DjangoValidationError:
        raise ValidationFailed(
            _("Enter a valid e-mail address."),
            code="invalid_email",
            fields={field: [_("Enter a valid e-mail address.")]},
        ) from None
    return cleaned


@transaction.atomic
def customer_get_or_create(*, email: str, display_name: str = "") -> User:
    """The customer with this e-mail address, created without a password when new.

    A service desk takes requests from people it has not met yet (raised on their behalf or by
    e-mail); they can set a password later through a reset.
    """
    cleaned = normalize_email(email)
    user = User.objects.filter(email=cleaned).first()
    if user is not None:
        return user
    user = User(
        email=cleaned, display_name=display_name or cleaned.split("@")[0], role=Role.CUSTOMER
    )
    user.set_unusable_password()
    user.save()
    return user
