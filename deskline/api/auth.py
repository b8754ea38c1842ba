"""Bearer tokens for API v1."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer

from deskline.accounts.actions import hash_token
from deskline.accounts.models import ApiToken, Organization, User
from deskline.core.time import as_utc, now

LAST_USED_PRECISION = timedelta(minutes=10)


# The token, its user and the user's organization in one hand-written query. Through the ORM
# (select_related) building this query cost four times more than running it, on every request.
_USER_COLUMNS = ", ".join(f'u."{field.column}"' for field in User._meta.concrete_fields)
_TOKEN_QUERY = (
    f"SELECT {_USER_COLUMNS}, t.id AS token_id, t.last_used_at AS token_last_used_at, "
    "o.name AS organization_name, o.time_zone AS organization_time_zone, "
    "o.created_at AS organization_created_at "
    f"FROM {ApiToken._meta.db_table} t "
    f"JOIN {User._meta.db_table} u ON u.id = t.user_id "
    f"LEFT JOIN {Organization._meta.db_table} o ON o.id = u.organization_id "
    "WHERE t.token_hash = %s AND u.is_active LIMIT 1"
)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token or len(token) > 200:
            return None
        user: Any = next(iter(User.objects.raw(_TOKEN_QUERY, [hash_token(token)])), None)
        if user is None:
            return None
        if user.organization_id is not None:
            user.organization = Organization(
                id=user.organization_id,
                name=user.organization_name,
                time_zone=user.organization_time_zone,
                created_at=cast(datetime, as_utc(user.organization_created_at)),
            )
        else:
            user.organization = None
        moment = now()
        last_used_at = as_utc(user.token_last_used_at)
        # Record use at most every few minutes so reads stay reads.
        if last_used_at is None or moment - last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=user.token_id).update(last_used_at=moment)
        request.user = user
        if "HTTP_ACCEPT_LANGUAGE" not in request.META:
            # Without a browser's preference, answer in the language the person chose.
            translation.activate(user.locale)
            request.LANGUAGE_CODE = user.locale
        return cast(User, user)


def caller(request: Any) -> User:
    user: User = request.auth
    return user
