"""Self sign-up without telling anyone which addresses have an account.

The sign-up page answers every valid request the same way ("check your inbox") and only the
address's mailbox learns more:

- an address without an account gets a link to finish signing up (choose a password); the link
  carries the name and address, signed and valid for PASSWORD_RESET_TIMEOUT, so nothing is
  stored until the person proves the mailbox is theirs;
- an address with an active account gets a note that someone tried to sign up with it, with a
  link to sign in and one to set a new password (the reset link, as a reset would send);
- a deactivated account gets nothing: its owner cannot sign in anyway.

Either way one e-mail or none is sent and the page, its status and its cookies are the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from deskline.accounts.models import Locale, User
from deskline.accounts.selectors import user_with_email
from deskline.core.links import absolute_url

SALT = "deskline.portal.sign-up"


@dataclass(frozen=True)
class SignUpClaim:
    """What the sign-up link says: who asked, for which address, in which language."""

    email: str
    display_name: str
    language: str


def sign_up_token(claim: SignUpClaim) -> str:
    """A signed, URL-safe token holding the claim (not secret: the person typed all of it)."""
    data = {"email": claim.email, "name": claim.display_name, "language": claim.language}
    return signing.dumps(data, salt=SALT, compress=True)


def read_sign_up_token(token: str) -> SignUpClaim | None:
    """The claim of a token this site signed less than PASSWORD_RESET_TIMEOUT ago; else None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.PASSWORD_RESET_TIMEOUT)
    except signing.BadSignature:  # also an expired one
        return None
    if not isinstance(data, dict):
        return None
    email, name, language = data.get("email"), data.get("name"), data.get("language")
    if not (isinstance(email, str) and isinstance(name, str) and isinstance(language, str)):
        return None
    return SignUpClaim(email=email, display_name=name, language=language)


def _send(template: str, context: dict[str, Any], to: str, language: str) -> None:
    with translation.override(language if language in Locale.values else Locale.ENGLISH):
        subject = render_to_string(f"portal/accounts/{template}_subject.txt", context)
        body = render_to_string(f"portal/accounts/{template}_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [to])


def send_sign_up_mail(claim: SignUpClaim) -> None:
    """Send the one e-mail (or none) that a sign-up request for `claim.email` calls for."""
    existing: User | None = user_with_email(claim.email)
    if existing is None:
        link = absolute_url(
            reverse("portal:signup_confirm", kwargs={"token": sign_up_token(claim)})
        )
        context = {"name": claim.display_name, "email": claim.email, "link": link}
        _send("signup_confirm", context, claim.email, claim.language)
        return
    if not existing.is_active:
        return
    reset_link = absolute_url(
        reverse(
            "portal:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(existing.pk)),
                "token": default_token_generator.make_token(existing),
            },
        )
    )
    context = {
        "name": existing.display_name,
        "email": existing.email,
        "sign_in_link": absolute_url(reverse("portal:login")),
        "reset_link": reset_link,
    }
    _send("signup_existing", context, existing.email, existing.locale)
