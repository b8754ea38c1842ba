"""What core/inserts.py, core/postgresql/ and core/sqlite/ take from Django's private API.

These modules reach past Django's public API for speed (docs/adr/0005 to 0007). Each test here
names one thing they rely on, and fails with a message saying what changed and where, when a
Django upgrade changes it: a signature, an attribute, the shape of a result, or the source of a
method a module repeats. README.md ("Django internals") lists the modules and the Django
versions they were checked on; after checking a new version, add it there.
"""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.sqlite3 import base as sqlite_base
from django.db.backends.sqlite3 import creation as sqlite_creation
from django.db.models import Field, Model
from django.db.models.signals import pre_save
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLInsertCompiler
from django.db.models.sql.query import Query
from django.dispatch import Signal
from django.test.utils import CaptureQueriesContext

from deskline.accounts.models import Organization
from deskline.core import inserts
from deskline.testing.internals import assert_parameters, assert_source, changed
from deskline.tickets.models import Label, Ticket, TicketEvent

# core/inserts.py builds Django's own INSERT once per model and fills in the values itself.

INSERTS = "deskline/core/inserts.py"


def test_inserts_compile_through_djangos_insert_query_and_compiler():
    assert_parameters(InsertQuery.insert_values, ["self", "fields", "objs", "raw"], INSERTS)
    assert_parameters(Query.get_compiler, ["self", "using", "connection", "elide_empty"], INSERTS)
    assert_parameters(SQLInsertCompiler.as_sql, ["self"], INSERTS)
    assert hasattr(SQLInsertCompiler, "returning_fields"), changed(
        "SQLInsertCompiler.returning_fields", INSERTS, "the attribute is gone"
    )
    assert_parameters(Field.pre_save, ["self", "model_instance", "add"], INSERTS)
    assert_parameters(Field.get_db_prep_save, ["self", "value", "connection"], INSERTS)
    assert_parameters(Signal.has_listeners, ["self", "sender"], INSERTS)
    for model in (Ticket, TicketEvent):
        meta = model._meta
        for name in ("local_concrete_fields", "db_returning_fields", "auto_field"):
            assert hasattr(meta, name), changed(f"Options.{name}", INSERTS, "it is gone")
        assert all(hasattr(field, "generated") for field in meta.local_concrete_fields), changed(
            "Field.generated", INSERTS, "a concrete field has no `generated`"
        )
    state = Label()._state
    assert state.adding is True and state.db is None, changed(
        "Model._state", INSERTS, "a new object's state has no `adding` or `db`"
    )


def test_inserts_prepare_each_value_as_djangos_insert_compiler_does():
    # prepare_insert repeats SQLInsertCompiler's pre_save_val and prepare_value for each field.
    assert_source(
        SQLInsertCompiler.pre_save_val,
        "7e0aa1cfeb548c11d75e5f83b98ac60fad200c3aede04c0c6976b74f50270e52",
        INSERTS,
    )
    assert_source(
        SQLInsertCompiler.prepare_value,
        "7d932e0549f45636d5e1de5a9589a25d3f044dea6208659fdff727b0711b0e71",
        INSERTS,
    )


@pytest.mark.django_db
def test_a_prepared_insert_is_the_statement_and_values_django_compiles():
    organization = Organization(
        name="Acme 公司", time_zone="Asia/Shanghai", created_at=datetime.datetime.now(datetime.UTC)
    )
    prepared = inserts.prepare_insert(organization)

    meta = Organization._meta
    fields = [field for field in meta.local_concrete_fields if field is not meta.auto_field]
    query = InsertQuery(Organization)
    query.insert_values(fields, [organization])
    compiler = query.get_compiler(using="default")
    compiler.returning_fields = meta.db_returning_fields
    statements = compiler.as_sql()

    assert isinstance(statements, list) and len(statements) == 1, changed(
        "SQLInsertCompiler.as_sql()", INSERTS, f"{statements!r} is not a list of one statement"
    )
    sql, params = statements[0]
    assert (prepared.sql, prepared.params) == (sql, list(params)), changed(
        "the INSERT Django compiles", INSERTS, f"{sql} {params} against {prepared.sql}"
    )
    assert " RETURNING " in prepared.tail, changed(
        "the INSERT's RETURNING clause", INSERTS, f"no RETURNING in {sql}"
    )
    with transaction.atomic():
        saved = prepared.execute()
    assert saved.pk is not None and not saved._state.adding and saved._state.db == "default"
    assert Organization.objects.get(pk=saved.pk).name == "Acme 公司"


@pytest.mark.django_db
def test_the_save_signals_inserts_guards_against_are_the_ones_save_sends():
    # prepare_insert refuses a model with save receivers, since it never calls save().
    received: list[str] = []

    def receiver(sender: type[Model], instance: Label, **kwargs: Any) -> None:
        received.append(instance.name)

    pre_save.connect(receiver, sender=Label)
    try:
        with pytest.raises(TypeError, match="save signal receivers"):
            inserts.prepare_insert(Label(name="refused"))
        Label(name="saved").save()
    finally:
        pre_save.disconnect(receiver, sender=Label)

    assert received == ["saved"], changed(
        "pre_save", INSERTS, "Label.save() did not send it to the receiver prepare_insert saw"
    )


# core/sqlite/: the write lock is taken in Django's private transaction and cursor hooks.

SQLITE = "deskline/core/sqlite/base.py"


def test_the_sqlite_backend_overrides_methods_django_still_has():
    wrapper = sqlite_base.DatabaseWrapper
    for name in ("_start_transaction_under_autocommit", "_commit", "_rollback", "_close"):
        assert callable(getattr(wrapper, name, None)), changed(
            f"sqlite3 DatabaseWrapper.{name}", SQLITE, "the method is gone"
        )
        assert_parameters(getattr(wrapper, name), ["self"], SQLITE)
    assert_parameters(wrapper.get_new_connection, ["self", "conn_params"], SQLITE)
    assert_parameters(wrapper.create_cursor, ["self", "name"], SQLITE)
    assert_parameters(sqlite_base.SQLiteCursorWrapper.execute, ["self", "query", "params"], SQLITE)
    assert_parameters(
        sqlite_base.SQLiteCursorWrapper.executemany, ["self", "query", "param_list"], SQLITE
    )
    creation: Any = sqlite_creation.DatabaseCreation  # django-stubs leave the method out
    assert_parameters(
        creation._destroy_test_db,
        ["self", "test_database_name", "verbosity"],
        "deskline/core/sqlite/creation.py",
    )


def test_the_sqlite_cursor_is_djangos_made_with_a_factory():
    # The backend makes its cursors as Django's create_cursor does, with a subclass of its class.
    assert_source(
        sqlite_base.DatabaseWrapper.create_cursor,
        "5c3e4a272c024588f5a596cd0a63da6b2e9906cb7d4d677652804868cbe528c0",
        SQLITE,
    )


def _sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backend's")


@pytest.mark.django_db(transaction=True)
def test_django_begins_commits_rolls_back_and_closes_through_the_hooks_the_lock_uses():
    _sqlite_only()
    wrapper = type(connections[DEFAULT_DB_ALIAS])
    calls: list[str] = []

    def spy(name: str) -> Any:
        original = getattr(wrapper, name)

        def hook(self: Any) -> Any:
            calls.append(name)
            return original(self)

        return hook

    names = ["_start_transaction_under_autocommit", "_commit", "_rollback", "_close"]
    with mock.patch.multiple(wrapper, **{name: spy(name) for name in names}):
        with transaction.atomic():
            Label.objects.create(name="one")
        with pytest.raises(RuntimeError), transaction.atomic():
            Label.objects.create(name="two")
            raise RuntimeError
        connection.close()

    expected = [
        "_start_transaction_under_autocommit",
        "_commit",
        "_start_transaction_under_autocommit",
        "_rollback",
        "_close",
    ]
    assert calls == expected, changed(
        "how atomic() begins, commits and rolls back on SQLite, or how close() closes",
        SQLITE,
        f"the hooks were called as {calls}, not {expected}",
    )


@pytest.mark.django_db(transaction=True)
def test_the_lock_waits_as_long_as_sqlites_busy_timeout():
    _sqlite_only()
    wrapper: Any = connections[DEFAULT_DB_ALIAS]
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        busy_milliseconds = cursor.fetchone()[0]
    assert busy_milliseconds == wrapper.lock_timeout() * 1000, changed(
        "how OPTIONS['timeout'] reaches sqlite3.connect",
        SQLITE,
        f"busy_timeout is {busy_milliseconds} ms, the lock waits {wrapper.lock_timeout()} s",
    )
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        pass
    assert queries.captured_queries[0]["sql"] == "BEGIN IMMEDIATE", changed(
        "the transaction_mode option", SQLITE, f"atomic() began {queries.captured_queries}"
    )


# core/postgresql/: a health check without a round trip, psycopg's own timestamp loader.

POSTGRESQL = "deskline/core/postgresql/base.py"


def _postgresql_base() -> Any:
    pytest.importorskip("psycopg")
    from django.db.backends.postgresql import base

    return base


def test_the_postgresql_backend_overrides_methods_django_still_has():
    base = _postgresql_base()
    assert_parameters(base.DatabaseWrapper.get_new_connection, ["self", "conn_params"], POSTGRESQL)
    assert_parameters(base.DatabaseWrapper.create_cursor, ["self", "name"], POSTGRESQL)
    assert_parameters(base.DatabaseWrapper.is_usable, ["self"], POSTGRESQL)
    assert hasattr(base, "ServerSideCursor") and base.is_psycopg3, changed(
        "django.db.backends.postgresql.base.ServerSideCursor", POSTGRESQL, "it is gone"
    )


def test_the_postgresql_cursor_is_made_as_djangos_create_cursor_makes_it():
    # The backend repeats Django's create_cursor without its time zone loader check.
    assert_source(
        _postgresql_base().DatabaseWrapper.create_cursor,
        "8210108016843b5acc9097b0539d11c2531ea6c702429540590b686f9003f84c",
        POSTGRESQL,
    )


@pytest.mark.django_db
def test_djangos_health_check_asks_is_usable(monkeypatch):
    # The cheap check only matters while Django's health check goes through is_usable().
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend's")
    connection.ensure_connection()
    asked: list[bool] = []

    def is_usable(self: object) -> bool:
        asked.append(True)
        return True

    wrapper = connections[DEFAULT_DB_ALIAS]
    monkeypatch.setattr(type(wrapper), "is_usable", is_usable)
    monkeypatch.setattr(wrapper, "health_check_enabled", True)
    monkeypatch.setattr(wrapper, "health_check_done", False)

    wrapper.close_if_health_check_failed()

    assert asked == [True], changed(
        "DatabaseWrapper.close_if_health_check_failed", POSTGRESQL, "it did not call is_usable()"
    )


@pytest.mark.django_db
def test_django_reads_postgresql_in_utc_as_the_backend_expects():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend's")
    assert connection.timezone is datetime.UTC, changed(
        "DatabaseWrapper.timezone",
        POSTGRESQL,
        f"{connection.timezone!r} is not datetime.UTC, so psycopg's loader is never used",
    )
    wrapper: Any = connections[DEFAULT_DB_ALIAS]
    assert wrapper._psycopg_reads_utc()
