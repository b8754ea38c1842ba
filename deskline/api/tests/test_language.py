"""Every message exists in Simplified Chinese, and the API answers in the person's language."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from deskline.accounts.models import Locale
from deskline.testing.factories import ApiClient, make_ticket, make_user

PO_FILE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, is_fuzzy) of every entry but the header."""
    entries = []
    for block in re.split(r"\n\s*\n", text):
        msgid = "".join(
            json.loads(p)
            for p in re.findall(r'^(?:msgid )?("(?:[^"\\]|\\.)*")$', block.split("msgstr")[0], re.M)
        )
        # A plural entry has msgstr[0], msgstr[1]...: every form must be filled.
        forms = re.split(r"\nmsgstr(?:\[\d+\])? ", block)[1:]
        texts = [
            "".join(json.loads(p) for p in re.findall(r'("(?:[^"\\]|\\.)*")', form))
            for form in forms
        ]
        msgstr = "" if not texts or not all(t.strip() for t in texts) else "".join(texts)
        if "msgid" in block and msgid:
            entries.append((msgid, msgstr, "#, fuzzy" in block or ", fuzzy" in block))
    return entries


def test_the_chinese_catalogue_has_no_empty_or_fuzzy_entry():
    entries = _entries(PO_FILE.read_text(encoding="utf-8"))
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstr, fuzzy in entries if not msgstr.strip() or fuzzy]
    assert untranslated == []


@pytest.mark.django_db
def test_an_api_error_is_in_chinese_for_a_chinese_browser():
    client = ApiClient(make_user())
    response = client.get("/tickets/NOPE-1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    assert response.json()["message"] == "没有使用此编号的工单。"


@pytest.mark.django_db
def test_an_api_error_follows_the_users_language_when_the_client_sends_none():
    client = ApiClient(make_user(locale=Locale.SIMPLIFIED_CHINESE))
    response = client.post("/tickets", raw="{not json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "malformed_json",
        "message": "请求正文不是有效的 JSON。",
        "fields": {},
    }


@pytest.mark.django_db
def test_an_api_error_is_in_english_by_default():
    client = ApiClient(make_user())
    response = client.get("/tickets/NOPE-1")
    assert response.json()["message"] == "There is no ticket with this key."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/tickets?limit=" + "9" * 5000, "limit"),  # more digits than Python parses
        ("/sla/calendars/" + "9" * 5000, "calendar_id"),
    ],
)
def test_a_number_too_long_to_read_is_refused_in_chinese(path: str, field: str):
    client = ApiClient(make_user(locale=Locale.SIMPLIFIED_CHINESE))

    response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["fields"] == {field: ["请输入整数。"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("attachments", "fields"),
    [
        ([0], {"attachments.0": ["请输入不小于 1 的数字。"]}),
        ([2**63], {"attachments.0": ["请输入不大于 9223372036854775807 的数字。"]}),
        (list(range(1, 30)), {"attachments": ["最多提供 20 项。"]}),
    ],
)
def test_a_broken_bound_of_the_schema_is_explained_in_chinese(helpdesk, attachments, fields):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )

    response = ApiClient(helpdesk.alice).post(
        f"/tickets/{ticket.key}/comments",
        {"body": "附件", "attachments": attachments},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 400
    assert response.json() == {"code": "invalid_input", "message": "部分值无效。", "fields": fields}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Enter at most 20 characters."), ("zh-hans", "最多输入 20 个字符。")],
)
def test_a_text_longer_than_its_schema_bound_is_explained(helpdesk, language, message):
    response = ApiClient(helpdesk.alice).post(
        "/tickets",
        {"desk": "D" * 21, "request_type": helpdesk.password_reset.pk, "summary": "Locked out"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert response.json()["fields"] == {"desk": [message]}
