"""DATABASE_URL becomes Django's database settings, keeping what the URL asks for."""

from __future__ import annotations

import pytest
from django.db import connection

from deskline.accounts.models import User
from deskline.settings import _database


def test_postgresql_plans_joins_in_small_groups_and_binds_parameters_on_the_server():
    config = _database("postgres://postgres@127.0.0.1:5432/deskline")

    assert config["OPTIONS"] == {
        "options": "-c join_collapse_limit=4",
        "server_side_binding": True,
        "prepare_threshold": 5,
    }


def test_options_given_in_the_url_are_kept():
    config = _database("postgres://postgres@db.example:5432/deskline?sslmode=require")

    options = config["OPTIONS"]
    assert isinstance(options, dict)
    assert options["sslmode"] == "require"
    assert options["options"] == "-c join_collapse_limit=4"


@pytest.mark.django_db
def test_a_query_run_again_and_again_is_prepared_once_per_connection():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    # The same lookup for different people: one text, so one prepared statement.
    for number in range(8):
        list(User.objects.filter(email=f"person{number}@deskline.example"))

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "accounts_user" WHERE "accounts_user"."email" = $1%'],
        )
        assert cursor.fetchone() == (1,)


def test_prepared_statements_can_be_turned_off_for_a_pooler(monkeypatch):
    monkeypatch.setenv("DESKLINE_DB_PREPARE_THRESHOLD", "0")

    config = _database("postgres://postgres@127.0.0.1:5432/deskline")

    assert config["OPTIONS"]["prepare_threshold"] is None  # type: ignore[index]
