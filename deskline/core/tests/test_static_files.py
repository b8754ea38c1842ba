"""`deskline serve` collects the static files when any is missing or out of date, and only then."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from deskline.core import server
from deskline.core.server import collect_static_files, stale_static_files


@pytest.fixture
def static_root(settings, tmp_path) -> Path:
    settings.STATIC_ROOT = tmp_path / "static"
    return Path(settings.STATIC_ROOT)


def test_missing_static_files_are_collected(static_root):
    assert not static_root.exists()

    collected = collect_static_files()

    assert collected > 0
    assert (static_root / "deskline" / "app.css").is_file()
    assert (static_root / "vendor" / "htmx" / "htmx.min.js").is_file()  # a prefixed directory
    assert (static_root / "admin" / "css" / "base.css").is_file()
    assert stale_static_files() == []


def test_up_to_date_static_files_are_left_alone(static_root, monkeypatch):
    collect_static_files()

    def collectstatic(*args: object, **options: object) -> None:
        raise AssertionError("collectstatic ran with everything up to date")

    monkeypatch.setattr(server, "call_command", collectstatic)

    assert collect_static_files() == 0


def test_a_copy_older_than_its_source_or_missing_is_collected_again(static_root):
    collect_static_files()
    old = static_root / "deskline" / "app.css"
    os.utime(old, (0, 0))
    (static_root / "deskline" / "app.js").unlink()

    assert sorted(stale_static_files()) == ["deskline/app.css", "deskline/app.js"]
    assert collect_static_files() == 2
    assert old.stat().st_mtime > 0
    assert (static_root / "deskline" / "app.js").is_file()


def test_static_files_that_cannot_be_copied_say_what_to_run(static_root):
    static_root.parent.mkdir(exist_ok=True)
    static_root.write_text("a file where the folder should be")

    with pytest.raises(CommandError) as raised:
        collect_static_files()

    message = str(raised.value)
    assert str(static_root) in message
    assert "deskline collectstatic --noinput" in message
