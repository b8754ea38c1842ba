"""DATABASE_URL becomes Django's database settings, keeping what the URL asks for."""

from __future__ import annotations

from deskline.settings import _database


def test_postgresql_plans_joins_in_small_groups():
    config = _database("postgres://postgres@127.0.0.1:5432/deskline")

    assert config["OPTIONS"] == {"options": "-c join_collapse_limit=4"}


def test_options_given_in_the_url_are_kept():
    config = _database("postgres://postgres@db.example:5432/deskline?sslmode=require")

    options = config["OPTIONS"]
    assert isinstance(options, dict)
    assert options["sslmode"] == "require"
    assert options["options"] == "-c join_collapse_limit=4"
