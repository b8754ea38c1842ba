"""What api/auth.py takes from Django's private API to read a token's user from one query.

The user's columns are converted as the ORM converts them (the SQL compiler's `get_converters`)
and the row becomes a User through `Model.from_db`. These fail loudly when a Django upgrade
changes either; README.md ("Django internals") lists the versions checked.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from django.db import connection
from django.db.models import Field, Model
from django.db.models.sql.compiler import SQLCompiler

from deskline.accounts.actions import api_token_create, hash_token
from deskline.accounts.models import User
from deskline.api import auth
from deskline.core.time import now
from deskline.testing.factories import make_organization, make_user
from deskline.testing.internals import assert_parameters, changed

AUTH = "deskline/api/auth.py"


def test_the_token_query_compiles_converters_and_builds_the_user_as_django_does():
    assert_parameters(
        SQLCompiler.__init__, ["self", "query", "connection", "using", "elide_empty"], AUTH
    )
    assert_parameters(SQLCompiler.get_converters, ["self", "expressions"], AUTH)
    assert_parameters(Field.get_col, ["self", "alias", "output_field"], AUTH)
    assert_parameters(Model.from_db, ["db", "field_names", "values"], AUTH)
    assert isinstance(inspect.getattr_static(User, "from_db"), classmethod), changed(
        "Model.from_db", AUTH, "it is no longer a classmethod"
    )


@pytest.mark.django_db
def test_the_converters_are_a_mapping_of_position_to_functions_and_expression():
    compiler = connection.ops.compiler("SQLCompiler")(User.objects.none().query, connection, None)
    columns: list[Any] = [
        field.get_col(User._meta.db_table) for field in User._meta.concrete_fields
    ]
    converters = compiler.get_converters(columns)

    assert isinstance(converters, dict), changed(
        "SQLCompiler.get_converters()", AUTH, f"it returned {type(converters)}, not a dict"
    )
    for position, entry in converters.items():
        functions, expression = entry
        assert 0 <= position < len(columns) and expression is columns[position], changed(
            "SQLCompiler.get_converters()", AUTH, f"entry {position}: {entry!r}"
        )
        assert all(len(inspect.signature(f).parameters) == 3 for f in functions), changed(
            "the database converters", AUTH, "a converter does not take (value, expression, conn)"
        )


@pytest.mark.django_db
def test_a_user_read_with_the_token_equals_the_user_the_orm_reads():
    organization = make_organization("Acme 公司")
    user = make_user(email="li@deskline.example", organization=organization, locale="zh-hans")
    _token, raw = api_token_create(user=user)

    row = auth._token_row(hash_token(raw), now())
    assert row is not None
    built = User.from_db(connection.alias, auth._USER_NAMES, row[: len(auth._USER_NAMES)])

    read = User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        ours, orms = getattr(built, field.attname), getattr(read, field.attname)
        assert (ours, type(ours)) == (orms, type(orms)), changed(
            "how a row becomes a User", AUTH, f"{field.attname}: {ours!r} against {orms!r}"
        )
    assert not built._state.adding and built._state.db == connection.alias
