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
    """Create an API token for `user`; returns the row and the raw token, shown only once.

    A system actor never gets one: nobody may sign in as Deskline itself.
    """
    if user.is_system:
        raise ValidationFailed(
            _("System actors cannot have API tokens."), code="system_actor_token"
        )
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
    if user is not None and user.is_system:  # no request is ever raised for Deskline itself
        raise ValidationFailed(
            _("Enter a valid e-mail address."),
            code="invalid_email",
            fields={"email": [_("Enter a valid e-mail address.")]},
        )
    if user is not None:
        return user
    user = User(
        email=cleaned, display_name=display_name or cleaned.split("@")[0], role=Role.CUSTOMER
    )
    user.set_unusable_password()
    user.save()
    return user


def customer_sign_up(
    *, email: str, display_name: str, password: str, locale: str = "", time_zone: str = ""
) -> User:
    """Create a customer account from the help center's sign-up page.

    Only when the site admin allows self sign-up. An address that already has an account (even
    one made for a request raised by e-mail) is refused: its owner sets a password by a reset,
    which proves they read that mailbox.
    """
    # Imported here so that this function is only appended to the module.
    from django.contrib.auth.password_validation import validate_password
    from django.db import IntegrityError

    from deskline.accounts.models import Locale, SiteSettings, validate_time_zone
    from deskline.core.errors import Message, PermissionDenied

    if not SiteSettings.current().allow_self_signup:
        raise PermissionDenied(
            _("This help center does not take new accounts."), code="signup_closed"
        )
    taken = _("An account with this e-mail address exists. Sign in, or reset its password.")
    errors: dict[str, list[Message]] = {}
    cleaned_email = ""
    try:
        cleaned_email = normalize_email(email)
    except ValidationFailed as error:
        errors.update(error.fields)
    cleaned_name = " ".join((display_name or "").split())
    if not cleaned_name:
        errors["display_name"] = [_("Enter your name.")]
    elif len(cleaned_name) > 150:
        errors["display_name"] = [_("Keep your name under 150 characters.")]
    candidate = User(email=cleaned_email, display_name=cleaned_name, role=Role.CUSTOMER)
    try:
        validate_password(password or "", user=candidate)
    except DjangoValidationError as error:
        errors["password"] = list(error.messages)
    if cleaned_email and User.objects.filter(email=cleaned_email).exists():
        errors["email"] = [taken]
    if errors:
        raise ValidationFailed(
            _("Some fields are not filled in correctly."), code="invalid_signup", fields=errors
        )
    candidate.locale = locale if locale in Locale.values else Locale.ENGLISH
    candidate.time_zone = "UTC"
    if time_zone:
        try:
            validate_time_zone(time_zone)
            candidate.time_zone = time_zone
        except DjangoValidationError:
            pass
    candidate.set_password(password)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        # Someone signed up with the same address a moment ago.
        raise ValidationFailed(taken, code="email_taken", fields={"email": [taken]}) from None
    return candidate
