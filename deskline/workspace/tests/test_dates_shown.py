"""The workspace writes every date-time one way per language, in the agent's time zone: the
queue's Updated column and its due-time tooltip, the ticket page, the SLA panel."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from deskline.testing.scenario import Helpdesk
from deskline.testing.sla import make_always_calendar, make_first_response_metric
from deskline.workspace.tests.conftest import it_ticket

pytestmark = pytest.mark.django_db
# Thursday 3 December 2026, 14:05 in Shanghai; 24x7 first response of 4 h: due 18:05.
RAISED = datetime.datetime(2026, 12, 3, 6, 5, tzinfo=datetime.UTC)
WRITTEN = {
    "en": ("3 Dec 2026, 14:05", "3 Dec 2026, 18:05"),
    "zh-hans": ("2026年12月3日 14:05", "2026年12月3日 18:05"),
}


@pytest.fixture
def ticket(helpdesk: Helpdesk):
    make_first_response_metric(helpdesk.it, make_always_calendar())
    with time_machine.travel(RAISED, tick=False):
        return it_ticket(helpdesk)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_queue_writes_updated_and_due_times_the_languages_way(language, ticket, viewer):
    with time_machine.travel(RAISED, tick=False):
        html = viewer.get("/agent/queues/desk-it/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    raised, due = WRITTEN[language]
    assert f'<time datetime="2026-12-03T14:05:00+08:00">{raised}</time>' in html
    assert f'<time datetime="2026-12-03T18:05:00+08:00" title="{due}">' in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_ticket_page_and_its_sla_panel_write_times_the_languages_way(language, ticket, viewer):
    with time_machine.travel(RAISED, tick=False):
        html = viewer.get(
            f"/agent/tickets/{ticket.key}/", HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()

    raised, due = WRITTEN[language]
    # The description, the requester panel's Created and Updated, and the history.
    assert html.count(f'<time datetime="2026-12-03T14:05:00+08:00">{raised}</time>') >= 4
    assert f'<time datetime="2026-12-03T18:05:00+08:00">{due}</time>' in html
    assert "2026-12-03 14:05" not in html
