"""The SLA preview: the goals a new ticket would get and when it would be due, hand-computed on
the Shanghai calendar (Mon-Fri 09:00-18:00, China's holidays)."""

from __future__ import annotations

import re

import pytest
import time_machine

from deskline.testing.scenario import Helpdesk
from deskline.testing.sla import make_calendar, make_first_response_metric, make_resolution_metric
from deskline.workspace.tests.conftest import shanghai, signed_in

pytestmark = pytest.mark.django_db
FRIDAY_4PM = shanghai(6, 16)


@pytest.fixture
def sla(helpdesk: Helpdesk) -> None:
    calendar = make_calendar()
    make_first_response_metric(
        helpdesk.it,
        calendar,
        goals=[
            {"priority": "critical", "target_minutes": 60, "calendar": calendar.pk},
            {"target_minutes": 240, "calendar": calendar.pk},
        ],
    )
    make_resolution_metric(helpdesk.it, calendar)  # 16 h


def preview(client, **asked: object):
    with time_machine.travel(FRIDAY_4PM, tick=False):
        return client.get("/agent/sla/preview/", asked)


def rows_of(html: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r'<tr class="sla-preview-row">.*?</tr>', html, flags=re.S)
    ]


def test_a_ticket_raised_on_friday_afternoon_is_due_on_monday(helpdesk, sla, viewer):
    response = preview(
        viewer, desk="IT", request_type=helpdesk.password_reset.pk, priority="medium"
    )

    assert response.status_code == 200
    first, resolution = rows_of(response.content.decode())
    # 4 h: 2 h on Friday (16:00-18:00) and 2 h on Monday (09:00-11:00)
    assert first == (
        "Time to first response Any ticket (the desk's fallback goal) "
        "Shanghai office (Asia/Shanghai) 4h "
        "A ticket of this type and priority raised now would be due at 9 Mar 2026, 11:00 "
        "(Asia/Shanghai)."
    )
    # 16 h: 2 h Friday, 9 h Monday, 5 h Tuesday
    assert resolution.endswith(
        "16h A ticket of this type and priority raised now would be "
        "due at 10 Mar 2026, 14:00 (Asia/Shanghai)."
    )


def test_the_first_matching_goal_wins(helpdesk, sla, viewer):
    response = preview(
        viewer, desk="IT", request_type=helpdesk.password_reset.pk, priority="critical"
    )

    first, _resolution = rows_of(response.content.decode())
    assert "Priority: Critical" in first
    assert " 1h " in first
    assert "would be due at 6 Mar 2026, 17:00 (Asia/Shanghai)." in first


def test_the_due_time_is_in_the_viewers_time_zone(helpdesk, sla):
    response = preview(
        signed_in(helpdesk.li), desk="IT", request_type=helpdesk.password_reset.pk, priority="low"
    )

    first, _resolution = rows_of(response.content.decode())
    assert "would be due at 9 Mar 2026, 03:00 (UTC)." in first


def test_an_organization_can_be_named(helpdesk, sla, viewer):
    response = preview(
        viewer,
        desk="IT",
        request_type=helpdesk.password_reset.pk,
        priority="medium",
        organization="Acme",
    )

    assert response.status_code == 200
    assert len(rows_of(response.content.decode())) == 2


def test_a_metric_without_a_matching_goal_has_no_deadline(helpdesk, viewer):
    calendar = make_calendar()
    make_first_response_metric(
        helpdesk.it,
        calendar,
        goals=[{"priority": "critical", "target_minutes": 60, "calendar": calendar.pk}],
    )

    response = preview(viewer, desk="IT", request_type=helpdesk.password_reset.pk, priority="low")

    (row,) = rows_of(response.content.decode())
    assert "No goal matches" in row


def test_the_empty_form_offers_the_served_desks_only(helpdesk, sla, viewer):
    response = viewer.get("/agent/sla/preview/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="IT"' in html
    assert '<option value="HR"' not in html
    assert f'<option value="{helpdesk.onboarding.pk}"' not in html
    assert "sla-preview-row" not in html


@pytest.mark.parametrize(
    ("asked", "field", "message"),
    [
        ({"desk": "ZZ"}, "desk", "Choose one of the desks you serve."),
        ({"desk": "HR"}, "desk", "Choose one of the desks you serve."),  # not Li's desk
        ({"request_type": "9" * 30}, "request_type", "Choose a request type of this desk."),
        # too many digits for int() to read at all
        ({"request_type": "9" * 5000}, "request_type", "Choose a request type of this desk."),
        ({"request_type": "-1"}, "request_type", "Choose a request type of this desk."),
        ({"request_type": "one"}, "request_type", "Choose a request type of this desk."),
        ({"request_type": "onboarding"}, "request_type", "Choose a request type of this desk."),
        ({"priority": "urgent"}, "priority", "Choose a priority from the list."),
        (
            {"organization": "Nobody Ltd"},
            "organization",
            "There is no organization with this name.",
        ),
        ({"organization": "x" * 5000}, "organization", "There is no organization with this name."),
    ],
)
def test_bad_input_is_shown_next_to_its_field(helpdesk, sla, viewer, asked, field, message):
    query = {"desk": "IT", "request_type": helpdesk.password_reset.pk, "priority": "medium"}
    query |= asked
    if query["request_type"] == "onboarding":  # a request type of another desk
        query["request_type"] = helpdesk.onboarding.pk

    response = preview(viewer, **query)

    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="preview-{field.replace("_", "-")}-error">{message}</p>' in html
    assert "sla-preview-row" not in html


def test_a_null_character_is_refused(helpdesk, sla, viewer):
    response = preview(viewer, desk="I\x00T", request_type=helpdesk.password_reset.pk)

    assert response.status_code == 400


def test_customers_may_not_preview(helpdesk, sla):
    response = signed_in(helpdesk.alice).get("/agent/sla/preview/")

    assert response.status_code == 403


def test_the_preview_is_linked_from_the_workspace(helpdesk, viewer):
    html = viewer.get("/agent/queues/mine/").content.decode()

    assert '<a href="/agent/sla/preview/"' in html
