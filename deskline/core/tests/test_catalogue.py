"""The Chinese catalogue holds every message of the code, translated, and nothing else.

`makemessages` is run on a copy of the source (so the committed catalogue is never rewritten by
a test): every message it finds must already be in the committed catalogue with a translation,
and the committed catalogue must hold no message the code no longer has.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

import deskline
from deskline.api.tests.test_language import PO_FILE, _entries

SOURCE = Path(deskline.__file__).resolve().parent


@pytest.mark.django_db
def test_every_message_of_the_code_is_in_the_chinese_catalogue(tmp_path, monkeypatch, settings):
    copy = tmp_path / "deskline"
    shutil.copytree(
        SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.png", "*.pyc")
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command(
        "makemessages", locale=["zh_Hans"], no_location=True, no_obsolete=True, verbosity=0
    )
    made = _entries((copy / PO_FILE.relative_to(SOURCE)).read_text(encoding="utf-8"))
    committed = _entries(PO_FILE.read_text(encoding="utf-8"))

    missing = sorted(msgid for msgid, msgstr, fuzzy in made if not msgstr.strip() or fuzzy)
    assert missing == [], "run `deskline makemessages -l zh_Hans --no-location` and translate"
    stale = sorted({m for m, _s, _f in committed} - {m for m, _s, _f in made})
    assert stale == [], "messages the code no longer has: run makemessages with --no-obsolete"
