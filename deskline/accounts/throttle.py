"""Limits on guessing passwords and on sending e-mails to an address (docs/adr/0010).

Sign-in: django-axes counts failed sign-ins in the database, so every web process sees the same
counts, with or without Redis. A sign-in is refused for COOL_OFF after SIGN_IN_FAILURES_PER_ACCOUNT
failures on one account, or SIGN_IN_FAILURES_PER_ADDRESS from one client address (higher: a whole
office signs in from one address). Any address counts, whether it has an account or not, so the
pause says nothing about who has one.

E-mails: password-reset and sign-up mails to one address, and from one client, are counted in
Django's cache (Redis with REDIS_URL; else each process counts on its own).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum

SIGN_IN_FAILURES_PER_ADDRESS = 50
MAILS_PER_ADDRESS = 3
MAILS_PER_CLIENT = 20
MAIL_WINDOW = timedelta(hours=1)


def sign_in_failures_per_account() -> int:
    return int(settings.AXES_FAILURE_LIMIT)


def cool_off() -> timedelta:
    value: timedelta = settings.AXES_COOLOFF_TIME
    return value


def attempted_username(request: Any, credentials: dict[str, Any] | None = None) -> str:
    """The account a sign-in tried, as accounts store it: `Alice@Example.com ` and
    `alice@example.com` are one account, so they share one count."""
    if credentials:
        given = credentials.get("username")
    else:
        given = getattr(request, "POST", {}).get("username")
    return str(given or "").replace("\x00", "").strip().lower()[:255]


class SignInFailures(AxesDatabaseHandler):
    """django-axes' database handler with a limit per account and a higher one per address.

    Axes compares one number against one limit (AXES_FAILURE_LIMIT, the per-account limit); the
    failures of the client address are scaled so that reaching SIGN_IN_FAILURES_PER_ADDRESS
    reaches that limit too.
    """

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit = sign_in_failures_per_account()
        return max(by_account, by_address * limit // SIGN_IN_FAILURES_PER_ADDRESS)


@dataclass(frozen=True)
class MailRefused:
    """Why no e-mail is sent now."""

    reason: str  # "address" or "client"


def _count(key: str) -> int:
    """Count one more in the window that `key` started; the count so far, this one included."""
    seconds = int(MAIL_WINDOW.total_seconds())
    for _attempt in range(3):
        cache.add(key, 0, timeout=seconds)
        try:
            return int(cache.incr(key))
        except ValueError:  # the window ended between add and incr: start the next one
            continue
    return 1


def mail_allowed(*, email: str, client: str | None) -> MailRefused | None:
    """Count an e-mail asked for `email` by `client`; None when it may be sent.

    Counted before anyone looks the address up, so an address with an account and one without
    are limited alike.
    """
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    by_address = _count(f"deskline:mail:address:{digest}")
    by_client = _count(f"deskline:mail:client:{client}") if client else 0
    if by_address > MAILS_PER_ADDRESS:
        return MailRefused("address")
    if by_client > MAILS_PER_CLIENT:
        return MailRefused("client")
    return None
