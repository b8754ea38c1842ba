"""Bearer tokens for API v1."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer

from deskline.accounts.actions import hash_token
from deskline.accounts.models import ApiToken, User
from deskline.core.time import now

LAST_USED_PRECISION = timedelta(minutes=10)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token or len(token) > 200:
            return None
        found_rows = (
            ApiToken.objects.select_related("user", "user__organization")
            .filter(token_hash=hash_token(token), user__is_active=True)
            .order_by()[:1]
        )
        found = next(iter(found_rows), None)
        if found is None:
            return None
        moment = now()
        # Record use at most every few minutes so reads stay reads.
        if found.last_used_at is None or moment - found.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=moment)
        request.user = found.user
        if "HTTP_ACCEPT_LANGUAGE" not in request.META:
            # Without a browser's preference, answer in the language the person chose.
            translation.activate(found.user.locale)
            request.LANGUAGE_CODE = found.user.locale
        return found.user


def caller(request: Any) -> User:
    user: User = request.auth
    return user
