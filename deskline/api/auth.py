"""Bearer tokens for API v1."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from django.db import connection
from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer

from deskline.accounts.actions import hash_token
from deskline.accounts.models import ApiToken, Organization, User
from deskline.core.config import VERSION_QUERY, note_configuration_version
from deskline.core.time import as_utc, now

LAST_USED_PRECISION = timedelta(minutes=10)


# The token, its user and the user's organization in one hand-written query, run on a cursor.
# Through the ORM (select_related) building this query cost four times more than running it,
# and through `raw()` mapping its columns to fields cost as much again, on every request. It
# also reads the configuration version (core.config), which would be a query of its own.
_USER_FIELDS = User._meta.concrete_fields
_USER_NAMES = [field.attname for field in _USER_FIELDS]
_USER_COLUMNS = ", ".join(f'u."{field.column}"' for field in _USER_FIELDS)
_TOKEN_QUERY = (
    f"SELECT {_USER_COLUMNS}, t.id AS token_id, t.last_used_at AS token_last_used_at, "
    "o.name AS organization_name, o.time_zone AS organization_time_zone, "
    "o.created_at AS organization_created_at, "
    f"({VERSION_QUERY}) AS configuration_version "
    f"FROM {ApiToken._meta.db_table} t "
    f"JOIN {User._meta.db_table} u ON u.id = t.user_id "
    f"LEFT JOIN {Organization._meta.db_table} o ON o.id = u.organization_id "
    "WHERE t.token_hash = %s AND u.is_active "
    "AND (t.expires_at IS NULL OR t.expires_at > %s) LIMIT 1"
)
_converters: dict[str, Any] = {}


def _token_row(token_hash: str, moment: datetime) -> list[Any] | None:
    """The query's row, each user column converted as the ORM converts it (a SQLite date).

    None for an unknown token, a deactivated user, or a token expired at `moment`.
    """
    with connection.cursor() as cursor:
        # The moment as the database stores datetimes (SQLite compares its text form).
        cursor.execute(_TOKEN_QUERY, [token_hash, connection.ops.adapt_datetimefield_value(moment)])
        row = cursor.fetchone()
    if row is None:
        return None
    converters = _converters.get(connection.vendor)
    if converters is None:
        compiler = connection.ops.compiler("SQLCompiler")(
            User.objects.none().query, connection, None
        )
        columns: list[Any] = [field.get_col(User._meta.db_table) for field in _USER_FIELDS]
        converters = _converters[connection.vendor] = compiler.get_converters(columns)
    values = list(row)
    for position, (functions, expression) in converters.items():
        for function in functions:
            values[position] = function(values[position], expression, connection)
    return values


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token or len(token) > 200:
            return None
        moment = now()
        row = _token_row(hash_token(token), moment)
        if row is None:
            return None
        count = len(_USER_NAMES)
        user = User.from_db(connection.alias, _USER_NAMES, row[:count])
        token_id, token_last_used_at, name, time_zone, created_at, version = row[count:]
        note_configuration_version(version)
        if user.organization_id is not None:
            user.organization = Organization(
                id=user.organization_id,
                name=name,
                time_zone=time_zone,
                created_at=cast(datetime, as_utc(created_at)),
            )
        else:
            user.organization = None
        last_used_at = as_utc(token_last_used_at)
        # Record use at most every few minutes so reads stay reads.
        if last_used_at is None or moment - last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token_id).update(last_used_at=moment)
        request.user = user
        if "HTTP_ACCEPT_LANGUAGE" not in request.META:
            # Without a browser's preference, answer in the language the person chose.
            translation.activate(user.locale)
            request.LANGUAGE_CODE = user.locale
        return cast(User, user)


def caller(request: Any) -> User:
    user: User = request.auth
    return user
