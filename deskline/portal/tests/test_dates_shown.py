"""The help center writes every date-time one way per language, in the customer's time zone:
"3 Dec 2026, 14:05" and "2026年12月3日 14:05" (never "p.m.." before a full stop)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk
from deskline.testing.sla import make_calendar, make_first_response_metric

pytestmark = pytest.mark.django_db
# Thursday 3 December 2026, 14:05 in Shanghai.
RAISED = datetime.datetime(2026, 12, 3, 6, 5, tzinfo=datetime.UTC)
WRITTEN = {"en": "3 Dec 2026, 14:05", "zh-hans": "2026年12月3日 14:05"}


@pytest.fixture
def alice(helpdesk: Helpdesk):
    helpdesk.alice.time_zone = "Asia/Shanghai"
    helpdesk.alice.save(update_fields=["time_zone"])
    return helpdesk.alice


@pytest.fixture
def request_of_alice(helpdesk: Helpdesk, alice):
    with time_machine.travel(RAISED, tick=False):
        return make_ticket(desk=helpdesk.it, reporter=alice, request_type=helpdesk.password_reset)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_request_page_and_the_list_write_the_creation_time_the_languages_way(
    language, request_of_alice, alice, signed_in
):
    client = signed_in(alice)

    page = client.get(f"/requests/{request_of_alice.key}/", HTTP_ACCEPT_LANGUAGE=language)
    listing = client.get("/requests/", HTTP_ACCEPT_LANGUAGE=language)

    expected = f'<time datetime="2026-12-03T14:05:00+08:00">{WRITTEN[language]}</time>'
    assert expected in page.content.decode()
    assert expected in listing.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_request_form_says_when_a_request_sent_now_would_be_due_without_a_double_full_stop(
    language, helpdesk, alice, signed_in
):
    make_first_response_metric(helpdesk.it, make_calendar(), is_shown_to_customers=True)

    with time_machine.travel(RAISED, tick=False):
        html = (
            signed_in(alice)
            .get(f"/desks/IT/new/{helpdesk.password_reset.pk}/", HTTP_ACCEPT_LANGUAGE=language)
            .content.decode()
        )

    # Four working hours from Thursday 14:05 (Mon-Fri 09:00-18:00): Friday 09:05.
    due = {"en": "4 Dec 2026, 09:05", "zh-hans": "2026年12月4日 09:05"}[language]
    assert f'<time datetime="2026-12-04T09:05:00+08:00">{due}</time>' in html
    assert ".." not in html.replace("...", "")
    assert "p.m." not in html
