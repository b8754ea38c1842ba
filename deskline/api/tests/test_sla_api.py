"""API v1's service levels: a ticket's SLA clocks, business calendars and policies.

Times are hand-computed on the Shanghai calendar (Mon-Fri 09:00-18:00, China's holidays).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _

from deskline.accounts.models import Locale, Role, User
from deskline.sla.actions import CALENDAR_MESSAGES, GOAL_MESSAGES
from deskline.sla.models import Calendar, Cycle, Goal, Metric
from deskline.testing.factories import ApiClient, make_ticket, make_user
from deskline.testing.scenario import Helpdesk
from deskline.testing.sla import (
    WEEKDAYS_9_TO_6,
    make_calendar,
    make_first_response_metric,
    make_resolution_metric,
)
from deskline.tickets.actions import ticket_comment

pytestmark = pytest.mark.django_db
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
HUGE = 10**30


def shanghai(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


def sla_rows() -> dict[str, Any]:
    """Everything stored about service levels, to show that a refused request changed nothing."""
    return {
        "calendars": list(Calendar.objects.order_by("id").values()),
        "metrics": list(Metric.objects.order_by("id").values()),
        "goals": list(Goal.objects.order_by("id").values()),
        "cycles": list(Cycle.objects.order_by("id").values()),
    }


def refused(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["message"], str)
    assert body["message"]
    if field is not None:
        assert field in body["fields"], body
    return body


@pytest.fixture
def desk_admin(helpdesk: Helpdesk) -> User:
    return make_user(
        role=Role.DESK_ADMIN, email="dana@deskline.example", teams=[helpdesk.frontline]
    )


@pytest.fixture
def as_desk_admin(desk_admin: User) -> ApiClient:
    return ApiClient(desk_admin)


@pytest.fixture
def shanghai_office(helpdesk: Helpdesk) -> Calendar:
    return make_calendar()


@pytest.fixture
def policies(helpdesk: Helpdesk, shanghai_office: Calendar) -> tuple[Metric, Metric]:
    """IT's first response (shown to customers) and resolution (agents only)."""
    first = make_first_response_metric(helpdesk.it, shanghai_office, is_shown_to_customers=True)
    resolution = make_resolution_metric(helpdesk.it, shanghai_office)
    return first, resolution


# --- GET /tickets/{key}/sla ---------------------------------------------------------------


def raised_on_friday(helpdesk: Helpdesk):
    with time_machine.travel(shanghai(6, 16), tick=False):
        return make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )


def test_an_agent_sees_every_metric_with_its_clock(helpdesk: Helpdesk, policies):
    first, resolution = policies
    ticket = raised_on_friday(helpdesk)

    # Monday 10:00: 2 h on Friday and 1 h on Monday have passed in business time.
    with time_machine.travel(shanghai(9, 10), tick=False):
        response = ApiClient(helpdesk.li).get(f"/tickets/{ticket.key}/sla")

    assert response.status_code == 200, response.content
    assert response.json() == {
        "metrics": [
            {
                "metric_id": first.pk,
                "name": "Time to first response",
                "cycles": [
                    {
                        "number": 1,
                        "started_at": "2026-03-06T08:00:00Z",
                        "stopped_at": None,
                        "is_paused": False,
                        "elapsed_seconds": 3 * 3600,
                        "remaining_seconds": 3600,
                        "target_seconds": 4 * 3600,
                        "breach_at": "2026-03-09T03:00:00Z",  # Monday 11:00 in Shanghai
                        "outcome": None,
                        "state": "running",
                    }
                ],
            },
            {
                "metric_id": resolution.pk,
                "name": "Time to resolution",
                "cycles": [
                    {
                        "number": 1,
                        "started_at": "2026-03-06T08:00:00Z",
                        "stopped_at": None,
                        "is_paused": False,
                        "elapsed_seconds": 3 * 3600,
                        "remaining_seconds": 13 * 3600,
                        "target_seconds": 16 * 3600,
                        "breach_at": "2026-03-10T06:00:00Z",  # Tuesday 14:00 in Shanghai
                        "outcome": None,
                        "state": "running",
                    }
                ],
            },
        ]
    }


def test_a_customer_sees_only_the_metrics_shown_in_the_help_center(helpdesk: Helpdesk, policies):
    ticket = raised_on_friday(helpdesk)

    with time_machine.travel(shanghai(9, 10, 45), tick=False):
        reporter = ApiClient(helpdesk.alice).get(f"/tickets/{ticket.key}/sla")

    assert reporter.status_code == 200, reporter.content
    (metric,) = reporter.json()["metrics"]
    assert metric["name"] == "Time to first response"
    (cycle,) = metric["cycles"]
    assert (cycle["remaining_seconds"], cycle["state"]) == (15 * 60, "warning")


def test_the_outcome_says_whether_the_goal_was_met_or_breached(helpdesk: Helpdesk, policies):
    met = raised_on_friday(helpdesk)
    breached = raised_on_friday(helpdesk)
    with time_machine.travel(shanghai(9, 10), tick=False):
        ticket_comment(actor=helpdesk.li, ticket=met, body="On it", is_public=True)
    with time_machine.travel(shanghai(9, 12), tick=False):
        ticket_comment(actor=helpdesk.li, ticket=breached, body="Sorry", is_public=True)
    client = ApiClient(helpdesk.li)

    with time_machine.travel(shanghai(9, 15), tick=False):
        first_of = {
            ticket.key: client.get(f"/tickets/{ticket.key}/sla").json()["metrics"][0]["cycles"][0]
            for ticket in (met, breached)
        }

    assert first_of[met.key]["outcome"] == "met"
    assert first_of[met.key]["stopped_at"] == "2026-03-09T02:00:00Z"
    assert first_of[met.key]["elapsed_seconds"] == 3 * 3600
    assert first_of[breached.key]["outcome"] == "breached"
    assert first_of[breached.key]["remaining_seconds"] == -3600


def test_a_ticket_without_metrics_has_an_empty_sla(helpdesk: Helpdesk):
    ticket = make_ticket(desk=helpdesk.hr, reporter=helpdesk.carol)

    response = ApiClient(helpdesk.carol).get(f"/tickets/{ticket.key}/sla")

    assert response.status_code == 200
    assert response.json() == {"metrics": []}


@pytest.mark.parametrize("who", ["carol", "hana"])
def test_someone_who_cannot_see_the_ticket_cannot_see_its_sla(helpdesk: Helpdesk, policies, who):
    ticket = raised_on_friday(helpdesk)

    response = ApiClient(getattr(helpdesk, who)).get(f"/tickets/{ticket.key}/sla")

    refused(response, 404, "ticket_not_found")


def test_the_sla_of_a_ticket_needs_a_token(helpdesk: Helpdesk, policies):
    ticket = raised_on_friday(helpdesk)

    refused(ApiClient(None).get(f"/tickets/{ticket.key}/sla"), 401, "not_authenticated")
    refused(ApiClient(helpdesk.li).get("/tickets/IT-999/sla"), 404, "ticket_not_found")
    refused(ApiClient(helpdesk.li).get("/tickets/%00/sla"), 400, "invalid_input")


def test_the_sla_of_a_ticket_reads_in_a_fixed_number_of_queries(
    helpdesk: Helpdesk, policies, django_assert_num_queries
):
    ticket = raised_on_friday(helpdesk)
    with time_machine.travel(shanghai(9, 10), tick=False):
        ticket_comment(actor=helpdesk.li, ticket=ticket, body="On it", is_public=True)
    client = ApiClient(helpdesk.li)
    client.get(f"/tickets/{ticket.key}/sla")  # records the token's use

    # the token (with the configuration version), the ticket, the cycles; the desks, metrics
    # and calendars come from the configuration kept in memory
    with django_assert_num_queries(3):
        response = client.get(f"/tickets/{ticket.key}/sla")

    assert len(response.json()["metrics"]) == 2


# --- Calendars: reading ---------------------------------------------------------------------

SHANGHAI_SPEC = {
    "tz": "Asia/Shanghai",
    "hours": {"0": [["09:00", "18:00"]], "2": [["09:00", "12:00"], ["13:00", "18:00"]]},
    "country": "CN",
    "subdiv": None,
    "holidays": ["2026-12-24", {"date": "2026-12-31", "start": "12:00", "end": "24:00"}],
    "workdays": ["2026-02-14"],
    "always": False,
}


def test_agents_list_calendars_with_their_spec(helpdesk: Helpdesk, shanghai_office: Calendar):
    response = ApiClient(helpdesk.li).get("/sla/calendars")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next_cursor"] is None
    (item,) = body["items"]
    assert item == {
        "id": shanghai_office.pk,
        "name": "Shanghai office",
        "time_zone": "Asia/Shanghai",
        "hours": WEEKDAYS_9_TO_6,
        "country": "CN",
        "subdivision": None,
        "holidays": [],
        "workdays": [],
        "is_always": False,
        "spec": {
            "tz": "Asia/Shanghai",
            "hours": WEEKDAYS_9_TO_6,
            "country": "CN",
            "subdiv": None,
            "holidays": [],
            "workdays": [],
            "always": False,
        },
        "translations": {},
        "updated_at": item["updated_at"],
    }
    assert item["updated_at"].endswith("Z")
    one = ApiClient(helpdesk.li).get(f"/sla/calendars/{shanghai_office.pk}")
    assert one.json() == item


def test_calendars_come_in_keyset_pages(helpdesk: Helpdesk, django_assert_num_queries):
    made = [make_calendar(f"Office {n}") for n in range(5)]
    client = ApiClient(helpdesk.li)
    client.get("/sla/calendars")  # records the token's use

    with django_assert_num_queries(2):  # token, calendars
        first = client.get("/sla/calendars", {"limit": 2})
    second = client.get("/sla/calendars", {"limit": 2, "cursor": first.json()["next_cursor"]})
    third = client.get("/sla/calendars", {"limit": 2, "cursor": second.json()["next_cursor"]})

    pages = [first.json(), second.json(), third.json()]
    assert [[item["id"] for item in page["items"]] for page in pages] == [
        [made[0].pk, made[1].pk],
        [made[2].pk, made[3].pk],
        [made[4].pk],
    ]
    assert third.json()["next_cursor"] is None


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"limit": 0}, "invalid_filter"),
        ({"limit": 201}, "invalid_filter"),
        ({"limit": HUGE}, "invalid_filter"),
        ({"limit": "ten"}, "invalid_input"),
        ({"cursor": "not-a-cursor"}, "invalid_cursor"),
        ({"cursor": "cDE"}, "invalid_cursor"),  # a policy list's cursor
        ({"cursor": "Yzk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"}, "invalid_cursor"),  # c and a huge id
    ],
)
def test_a_bad_page_of_calendars_is_refused(helpdesk: Helpdesk, query, code):
    refused(ApiClient(helpdesk.li).get("/sla/calendars", query), 400, code)


def test_customers_cannot_read_calendars(helpdesk: Helpdesk, shanghai_office: Calendar):
    client = ApiClient(helpdesk.alice)

    refused(client.get("/sla/calendars"), 403, "sla_agents_only")
    refused(client.get(f"/sla/calendars/{shanghai_office.pk}"), 403, "sla_agents_only")
    refused(ApiClient(None).get("/sla/calendars"), 401, "not_authenticated")


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/sla/calendars/999999", 404, "unknown_calendar"),
        (f"/sla/calendars/{HUGE}", 404, "unknown_calendar"),
        ("/sla/calendars/-1", 404, "unknown_calendar"),
        ("/sla/calendars/0", 404, "unknown_calendar"),
        ("/sla/calendars/one", 400, "invalid_input"),
        ("/sla/calendars/%00", 400, "invalid_input"),
        ("/sla/calendars/1/", 404, "unknown_endpoint"),
    ],
)
def test_a_calendar_that_does_not_exist(helpdesk: Helpdesk, path, status, code):
    admin = ApiClient(helpdesk.admin)
    before = sla_rows()

    refused(admin.get(path), status, code)
    refused(admin.patch(path, {"name": "Renamed"}), status, code)
    refused(admin.put(path, {"name": "Renamed", "spec": SHANGHAI_SPEC}), status, code)
    refused(admin.delete(path), status, code)

    assert sla_rows() == before


# --- Calendars: writing ---------------------------------------------------------------------


def test_a_desk_admin_adds_a_calendar_from_its_fields(helpdesk: Helpdesk, as_desk_admin):
    response = as_desk_admin.post(
        "/sla/calendars",
        {
            "name": "New York office",
            "time_zone": "America/New_York",
            "hours": {"0": [["09:00", "17:00"]], "4": [["09:00", "13:00"]]},
            "country": "us",
            "subdivision": "ny",
            "holidays": ["2026-12-24"],
        },
    )

    assert response.status_code == 201, response.content
    calendar = Calendar.objects.get(name="New York office")
    assert response.json()["id"] == calendar.pk
    assert response.json()["spec"] == {
        "tz": "America/New_York",
        "hours": {"0": [["09:00", "17:00"]], "4": [["09:00", "13:00"]]},
        "country": "US",
        "subdiv": "NY",
        "holidays": ["2026-12-24"],
        "workdays": [],
        "always": False,
    }
    assert calendar.clock().is_working(datetime.datetime(2026, 3, 2, 15, tzinfo=datetime.UTC))


def test_a_calendar_exported_as_a_spec_imports_as_the_same_calendar(
    helpdesk: Helpdesk, as_desk_admin
):
    created = as_desk_admin.post("/sla/calendars", {"name": "Shanghai", "spec": SHANGHAI_SPEC})
    assert created.status_code == 201, created.content
    exported = as_desk_admin.get(f"/sla/calendars/{created.json()['id']}").json()["spec"]

    copy = as_desk_admin.post("/sla/calendars", {"name": "Shanghai copy", "spec": exported})

    assert copy.status_code == 201, copy.content
    assert exported == SHANGHAI_SPEC
    assert copy.json()["spec"] == SHANGHAI_SPEC
    assert Calendar.objects.get(name="Shanghai copy").holidays == SHANGHAI_SPEC["holidays"]


def test_a_24x7_calendar_needs_only_a_name(helpdesk: Helpdesk, as_desk_admin):
    response = as_desk_admin.post("/sla/calendars", {"name": "Around the clock", "is_always": True})

    assert response.status_code == 201, response.content
    assert response.json()["spec"]["always"] is True
    assert response.json()["spec"]["tz"] == "UTC"


def test_patch_changes_only_the_fields_sent(
    helpdesk: Helpdesk, as_desk_admin, shanghai_office: Calendar
):
    response = as_desk_admin.patch(
        f"/sla/calendars/{shanghai_office.pk}", {"name": "Shanghai HQ", "workdays": ["2026-02-14"]}
    )

    assert response.status_code == 200, response.content
    shanghai_office.refresh_from_db()
    assert (shanghai_office.name, shanghai_office.workdays) == ("Shanghai HQ", ["2026-02-14"])
    assert (shanghai_office.time_zone, shanghai_office.country) == ("Asia/Shanghai", "CN")
    assert shanghai_office.hours == WEEKDAYS_9_TO_6


def test_a_spec_replaces_the_whole_working_time(
    helpdesk: Helpdesk, as_desk_admin, shanghai_office: Calendar
):
    spec = {"tz": "Europe/Berlin", "hours": {"0": [["08:00", "16:00"]]}}

    patched = as_desk_admin.patch(f"/sla/calendars/{shanghai_office.pk}", {"spec": spec})

    assert patched.status_code == 200, patched.content
    assert patched.json()["name"] == "Shanghai office"
    assert patched.json()["spec"] == {
        "tz": "Europe/Berlin",
        "hours": {"0": [["08:00", "16:00"]]},
        "country": None,
        "subdiv": None,
        "holidays": [],
        "workdays": [],
        "always": False,
    }


def test_put_replaces_the_calendar(helpdesk: Helpdesk, as_desk_admin, shanghai_office: Calendar):
    response = as_desk_admin.put(
        f"/sla/calendars/{shanghai_office.pk}",
        {"name": "Berlin", "time_zone": "Europe/Berlin", "hours": {"1": [["10:00", "14:00"]]}},
    )

    assert response.status_code == 200, response.content
    shanghai_office.refresh_from_db()
    assert (shanghai_office.name, shanghai_office.country, shanghai_office.hours) == (
        "Berlin",
        "",
        {"1": [["10:00", "14:00"]]},
    )
    no_name = as_desk_admin.put(f"/sla/calendars/{shanghai_office.pk}", {"is_always": True})
    refused(no_name, 400, "name_required", "name")


@pytest.mark.parametrize("who", ["li", "alice"])
def test_only_desk_admins_change_calendars(helpdesk: Helpdesk, shanghai_office: Calendar, who):
    client = ApiClient(getattr(helpdesk, who))
    before = sla_rows()
    url = f"/sla/calendars/{shanghai_office.pk}"
    code = "sla_admin_only"

    refused(client.post("/sla/calendars", {"name": "Mine", "is_always": True}), 403, code)
    refused(client.patch(url, {"name": "Mine"}), 403, code)
    refused(client.put(url, {"name": "Mine", "is_always": True}), 403, code)
    refused(client.delete(url), 403, code)
    refused(client.delete("/sla/calendars/999999"), 403, code)

    assert sla_rows() == before


GOOD_CALENDAR = {"name": "Berlin office", "time_zone": "Europe/Berlin", "hours": WEEKDAYS_9_TO_6}


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "calendar_unknown_time_zone", "time_zone"),
        ({"time_zone": ""}, "calendar_unknown_time_zone", "time_zone"),
        ({"time_zone": "x" * 500}, "calendar_unknown_time_zone", "time_zone"),
        ({"country": "XX"}, "calendar_unknown_country", "country"),
        ({"country": "DE", "subdivision": "ZZ"}, "calendar_unknown_subdivision", "subdivision"),
        ({"subdivision": "BY"}, "calendar_unknown_subdivision", "subdivision"),
        (
            {"hours": {"0": [["09:00", "13:00"], ["12:00", "18:00"]]}},
            "calendar_overlapping_hours",
            "hours",
        ),
        (
            {"hours": {"6": [["22:00", "10:00"]], "0": [["09:00", "18:00"]]}},
            "calendar_overlapping_hours",
            "hours",
        ),
        ({"hours": {"0": [["25:00", "26:00"]]}}, "calendar_invalid_hours", "hours"),
        ({"hours": {"7": [["09:00", "18:00"]]}}, "calendar_invalid_hours", "hours"),
        ({"hours": {}}, "calendar_invalid_hours", "hours"),
        ({"hours": {"0": "09:00-18:00"}}, "calendar_invalid_hours", "hours"),
        ({"holidays": ["2026-02-30"]}, "calendar_invalid_date", "holidays"),
        ({"holidays": ["24.12.2026"]}, "calendar_invalid_date", "holidays"),
        ({"workdays": [20260214]}, "calendar_invalid_date", "workdays"),
        ({"name": "   "}, "name_required", "name"),
        ({"name": "Shanghai office"}, "duplicate_name", "name"),
        ({"name": None}, "name_required", "name"),
        ({"time_zone": 8}, "invalid_input", "time_zone"),
        ({"hours": [["09:00", "18:00"]]}, "invalid_input", "hours"),
        ({"holidays": "2026-12-24"}, "invalid_input", "holidays"),
        ({"is_always": "sometimes"}, "invalid_input", "is_always"),
        ({"colour": "blue"}, "invalid_input", "colour"),
        ({"name": "Berlin\x00"}, "invalid_input", "name"),
        ({"hours": {"0\x00": [["09:00", "18:00"]]}}, "invalid_input", "hours.0\x00"),
        ({"holidays": ["2026-12-24\x00"]}, "invalid_input", "holidays"),
    ],
)
def test_a_bad_calendar_is_refused_and_nothing_is_written(
    helpdesk: Helpdesk, as_desk_admin, shanghai_office: Calendar, overrides, code, field
):
    before = sla_rows()

    created = as_desk_admin.post("/sla/calendars", GOOD_CALENDAR | overrides)
    refused(created, 400, code, field)
    if overrides.get("name") != "Shanghai office":  # its own name is no duplicate
        changed = as_desk_admin.patch(f"/sla/calendars/{shanghai_office.pk}", overrides)
        refused(changed, 400, code, field)

    assert sla_rows() == before


@pytest.mark.parametrize(
    ("spec", "code", "field"),
    [
        (SHANGHAI_SPEC | {"tz": "Asia/Atlantis"}, "calendar_unknown_time_zone", "spec.tz"),
        (SHANGHAI_SPEC | {"country": "QQ"}, "calendar_unknown_country", "spec.country"),
        (SHANGHAI_SPEC | {"subdiv": "XX"}, "calendar_unknown_subdivision", "spec.subdiv"),
        (
            SHANGHAI_SPEC | {"hours": {"1": [["09:00", "18:00"], ["17:00", "19:00"]]}},
            "calendar_overlapping_hours",
            "spec.hours",
        ),
        (SHANGHAI_SPEC | {"workdays": ["2026-12-24"]}, "calendar_invalid_date", "spec.workdays"),
        (SHANGHAI_SPEC | {"always": "no"}, "calendar_invalid_spec", "spec.always"),
        ({"hours": SHANGHAI_SPEC["hours"]}, "calendar_invalid_spec", "spec.tz"),
        ({"tz": "UTC"}, "calendar_invalid_spec", "spec.hours"),
        (SHANGHAI_SPEC | {"colour": "blue"}, "calendar_invalid_spec", "spec"),
        ([], "invalid_input", "spec"),
        (None, "invalid_input", "spec"),
        ("UTC", "invalid_input", "spec"),
    ],
)
def test_a_bad_spec_is_refused_and_nothing_is_written(
    helpdesk: Helpdesk, as_desk_admin, shanghai_office: Calendar, spec, code, field
):
    before = sla_rows()

    created = as_desk_admin.post("/sla/calendars", {"name": "Imported", "spec": spec})
    changed = as_desk_admin.patch(f"/sla/calendars/{shanghai_office.pk}", {"spec": spec})

    refused(created, 400, code, field)
    refused(changed, 400, code, field)
    assert sla_rows() == before


def test_a_spec_and_fields_together_are_refused(helpdesk: Helpdesk, as_desk_admin):
    before = sla_rows()

    response = as_desk_admin.post(
        "/sla/calendars", {"name": "Both", "spec": SHANGHAI_SPEC, "time_zone": "UTC"}
    )

    refused(response, 400, "spec_and_fields", "time_zone")
    assert sla_rows() == before


@pytest.mark.parametrize("raw", ["{not json", "", "[]", "null", '{"name": NaN}', "1" * 5000])
def test_a_calendar_body_that_is_not_an_object_is_refused(helpdesk: Helpdesk, as_desk_admin, raw):
    before = sla_rows()

    response = as_desk_admin.post("/sla/calendars", raw=raw)

    assert response.status_code == 400, response.content
    assert response.json()["code"] in {"malformed_json", "invalid_input"}
    assert sla_rows() == before


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"country": "ABCDEFGHIJKL"}, "calendar_unknown_country", "country"),
        ({"country": "XX"}, "calendar_unknown_country", "country"),
        ({"country": "DE", "subdivision": "X" * 40}, "calendar_unknown_subdivision", "subdivision"),
        ({"holidays": [None]}, "calendar_invalid_date", "holidays"),
        ({"workdays": ["someday"]}, "calendar_invalid_date", "workdays"),
        ({"hours": {"0": "all day"}}, "calendar_invalid_hours", "hours"),
        (
            {"spec": {"tz": "UTC", "always": True, "country": "X" * 30}},
            "calendar_unknown_country",
            "spec.country",
        ),
        (
            {"spec": {"tz": "UTC", "always": True, "holidays": [None]}},
            "calendar_invalid_date",
            "spec.holidays",
        ),
    ],
)
def test_a_24x7_calendar_keeps_only_what_it_could_count_on_later(
    helpdesk: Helpdesk, as_desk_admin, shanghai_office: Calendar, body, code, field
):
    # What a 24x7 calendar ignores comes back when it is switched off, and is shown and
    # exported meanwhile; PostgreSQL refused a long country with a 500.
    before = sla_rows()

    always: dict[str, Any] = {"name": "Always"}
    if "spec" not in body:
        always["is_always"] = True
    created = as_desk_admin.post("/sla/calendars", always | body)
    changed = as_desk_admin.patch(
        f"/sla/calendars/{shanghai_office.pk}",
        body if "spec" in body else {"is_always": True} | body,
    )

    refused(created, 400, code, field)
    refused(changed, 400, code, field)
    assert sla_rows() == before
    kept = as_desk_admin.post(
        "/sla/calendars", {"name": "Always", "is_always": True, "hours": WEEKDAYS_9_TO_6}
    )
    assert kept.status_code == 201, kept.content


@pytest.mark.parametrize("depth", [40, 500, 900, 980])
@pytest.mark.parametrize("field", ["hours", "holidays", "workdays", "spec"])
def test_json_nested_too_deeply_is_refused(
    helpdesk: Helpdesk, as_desk_admin, shanghai_office: Calendar, depth, field
):
    nested = "[" * depth + "]" * depth
    value = {"hours": f'{{"0": {nested}}}', "spec": f'{{"tz": "UTC", "hours": {nested}}}'}.get(
        field, nested
    )
    raw = f'{{"name": "Deep", "{field}": {value}}}'
    before = sla_rows()

    created = as_desk_admin.post("/sla/calendars", raw=raw, HTTP_ACCEPT_LANGUAGE="zh-hans")
    changed = as_desk_admin.patch(
        f"/sla/calendars/{shanghai_office.pk}", raw=raw, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    for response in (created, changed):
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["code"] in {"invalid_input", "malformed_json"}, body
        messages = [body["message"]] + [m for ms in body["fields"].values() for m in ms]
        for message in messages:
            assert "\u4e00" <= message[0] <= "\u9fff", body  # in Chinese
    assert sla_rows() == before


def test_a_desk_admin_deletes_an_unused_calendar(
    helpdesk: Helpdesk, as_desk_admin, shanghai_office: Calendar
):
    response = as_desk_admin.delete(f"/sla/calendars/{shanghai_office.pk}")

    assert response.status_code == 204, response.content
    assert response.content == b""
    assert not Calendar.objects.filter(pk=shanghai_office.pk).exists()


def test_a_calendar_in_use_cannot_be_deleted(
    helpdesk: Helpdesk, as_desk_admin, shanghai_office: Calendar, policies
):
    before = sla_rows()

    response = as_desk_admin.delete(f"/sla/calendars/{shanghai_office.pk}")

    refused(response, 409, "calendar_in_use")
    assert sla_rows() == before


def test_a_calendar_a_running_clock_counts_on_cannot_be_deleted(
    helpdesk: Helpdesk, as_desk_admin, shanghai_office: Calendar, policies
):
    raised_on_friday(helpdesk)
    always = as_desk_admin.post("/sla/calendars", {"name": "24x7", "is_always": True}).json()
    for policy in policies:  # the goals move to another calendar; the running cycles do not
        moved = as_desk_admin.patch(
            f"/sla/policies/{policy.pk}", {"goals": [{"target_minutes": 60, "calendar": "24x7"}]}
        )
        assert moved.status_code == 200, moved.content
    before = sla_rows()

    response = as_desk_admin.delete(f"/sla/calendars/{shanghai_office.pk}")

    refused(response, 409, "calendar_in_use")
    assert sla_rows() == before
    assert as_desk_admin.delete(f"/sla/calendars/{always['id']}").status_code == 409


# --- Policies -----------------------------------------------------------------------------


def test_agents_list_policies_with_their_goals_in_order(
    helpdesk: Helpdesk, shanghai_office: Calendar
):
    metric = make_first_response_metric(
        helpdesk.it,
        shanghai_office,
        goals=[
            {"priority": "critical", "target_minutes": 30, "calendar": shanghai_office.pk},
            {
                "request_type": helpdesk.laptop.pk,
                "organization": "Acme",
                "label": "vip",
                "field_key": "model",
                "field_value": "MacBook",
                "target_minutes": 60,
                "calendar": "Shanghai office",
            },
            {"target_minutes": 240, "calendar": shanghai_office.pk},
        ],
    )
    goals = list(metric.goals.order_by("position"))

    response = ApiClient(helpdesk.li).get("/sla/policies")

    assert response.status_code == 200, response.content
    calendar = {"id": shanghai_office.pk, "name": "Shanghai office"}
    assert response.json() == {
        "items": [
            {
                "id": metric.pk,
                "desk": "IT",
                "name": "Time to first response",
                "position": 1,
                "start_on": ["created"],
                "pause_on": ["category:waiting"],
                "stop_on": ["public_agent_reply", "resolved"],
                "warning_minutes": 30,
                "warning_percent": None,
                "is_shown_to_customers": False,
                "is_active": True,
                "translations": {},
                "goals": [
                    {
                        "id": goals[0].pk,
                        "position": 0,
                        "request_type": None,
                        "priority": "critical",
                        "organization": None,
                        "label": None,
                        "field_key": None,
                        "field_value": None,
                        "target_minutes": 30,
                        "calendar": calendar,
                    },
                    {
                        "id": goals[1].pk,
                        "position": 1,
                        "request_type": {"id": helpdesk.laptop.pk, "name": "New laptop"},
                        "priority": None,
                        "organization": {"id": helpdesk.acme.pk, "name": "Acme"},
                        "label": "vip",
                        "field_key": "model",
                        "field_value": "MacBook",
                        "target_minutes": 60,
                        "calendar": calendar,
                    },
                    {
                        "id": goals[2].pk,
                        "position": 2,
                        "request_type": None,
                        "priority": None,
                        "organization": None,
                        "label": None,
                        "field_key": None,
                        "field_value": None,
                        "target_minutes": 240,
                        "calendar": calendar,
                    },
                ],
            }
        ],
        "next_cursor": None,
    }
    assert ApiClient(helpdesk.hana).get(f"/sla/policies/{metric.pk}").json()["goals"][2] == {
        **response.json()["items"][0]["goals"][2]
    }


def test_policies_filter_by_desk_and_come_in_pages(
    helpdesk: Helpdesk, shanghai_office: Calendar, django_assert_num_queries
):
    it_first, it_resolution = (
        make_first_response_metric(helpdesk.it, shanghai_office),
        make_resolution_metric(helpdesk.it, shanghai_office),
    )
    hr_first = make_first_response_metric(helpdesk.hr, shanghai_office)
    client = ApiClient(helpdesk.li)
    client.get("/sla/policies")  # records the token's use

    with django_assert_num_queries(3):  # token, metrics with desks, goals with their rows
        everything = client.get("/sla/policies")
    it_page = client.get("/sla/policies", {"desk": "it", "limit": 1})
    it_rest = client.get(
        "/sla/policies", {"desk": "IT", "limit": 1, "cursor": it_page.json()["next_cursor"]}
    )

    assert [item["id"] for item in everything.json()["items"]] == [
        it_first.pk,
        it_resolution.pk,
        hr_first.pk,
    ]
    assert [item["id"] for item in it_page.json()["items"]] == [it_first.pk]
    assert [item["id"] for item in it_rest.json()["items"]] == [it_resolution.pk]
    assert it_rest.json()["next_cursor"] is None


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"desk": "NOPE"}, "unknown_desk"),
        ({"desk": "x" * 300}, "unknown_desk"),
        ({"desk": "IT\x00"}, "invalid_input"),
        ({"limit": 500}, "invalid_filter"),
        ({"cursor": "!!"}, "invalid_cursor"),
    ],
)
def test_a_bad_policy_filter_is_refused(helpdesk: Helpdesk, query, code):
    refused(ApiClient(helpdesk.li).get("/sla/policies", query), 400, code)


def test_customers_cannot_read_policies(helpdesk: Helpdesk, policies):
    client = ApiClient(helpdesk.alice)

    refused(client.get("/sla/policies"), 403, "sla_agents_only")
    refused(client.get(f"/sla/policies/{policies[0].pk}"), 403, "sla_agents_only")


@pytest.mark.parametrize(
    "path", ["/sla/policies/999999", f"/sla/policies/{HUGE}", f"/sla/policies/-{HUGE}"]
)
def test_a_policy_that_does_not_exist(helpdesk: Helpdesk, path):
    admin = ApiClient(helpdesk.admin)
    before = sla_rows()

    refused(admin.get(path), 404, "unknown_policy")
    refused(admin.patch(path, {"name": "Renamed"}), 404, "unknown_policy")
    refused(admin.delete(path), 404, "unknown_policy")

    assert sla_rows() == before


def first_response(calendar: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "desk": "IT",
        "name": "First response",
        "start_on": ["created"],
        "pause_on": ["status:waiting_for_customer"],
        "stop_on": ["public_agent_reply", "category_entered:done"],
        "warning_percent": 20,
        "is_shown_to_customers": True,
        "translations": {"zh-hans": {"name": "首次响应"}},
        "goals": [
            {"priority": "critical", "target_minutes": 30, "calendar": calendar},
            {"target_minutes": 240, "calendar": calendar},
        ],
    } | overrides


def test_a_desk_admin_adds_a_policy_with_goals(
    helpdesk: Helpdesk, as_desk_admin, shanghai_office: Calendar
):
    response = as_desk_admin.post("/sla/policies", first_response(shanghai_office.pk))

    assert response.status_code == 201, response.content
    metric = Metric.objects.get(name="First response")
    body = response.json()
    assert (body["id"], body["desk"], body["position"]) == (metric.pk, "IT", 1)
    assert body["stop_on"] == ["public_agent_reply", "category_entered:done"]
    assert [(g["priority"], g["target_minutes"]) for g in body["goals"]] == [
        ("critical", 30),
        (None, 240),
    ]
    assert metric.translated("name", "zh-hans") == "首次响应"
    # and a ticket raised now gets its clock
    ticket = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.password_reset,
        priority="critical",
    )
    assert Cycle.objects.get(ticket=ticket, metric=metric).target_seconds == 30 * 60


def test_patch_with_goals_replaces_them_and_without_keeps_them(
    helpdesk: Helpdesk, as_desk_admin, shanghai_office: Calendar, policies
):
    first, _resolution = policies
    url = f"/sla/policies/{first.pk}"

    renamed = as_desk_admin.patch(url, {"name": "First reply", "warning_minutes": None})
    regoaled = as_desk_admin.patch(
        url,
        {
            "goals": [
                {
                    "request_type": "Password reset",
                    "target_minutes": 15,
                    "calendar": "Shanghai office",
                },
                {"target_minutes": 120, "calendar": shanghai_office.pk},
            ]
        },
    )

    assert renamed.status_code == 200, renamed.content
    assert renamed.json()["name"] == "First reply"
    assert renamed.json()["warning_minutes"] is None
    assert [g["target_minutes"] for g in renamed.json()["goals"]] == [240]
    assert regoaled.status_code == 200, regoaled.content
    assert regoaled.json()["name"] == "First reply"
    assert [
        (g["request_type"] and g["request_type"]["name"], g["target_minutes"])
        for g in regoaled.json()["goals"]
    ] == [("Password reset", 15), (None, 120)]
    assert list(
        Goal.objects.filter(metric=first).order_by("position").values_list("target_minutes")
    ) == [(15,), (120,)]


@pytest.mark.parametrize("who", ["li", "alice"])
def test_only_desk_admins_change_policies(
    helpdesk: Helpdesk, shanghai_office: Calendar, policies, who
):
    client = ApiClient(getattr(helpdesk, who))
    before = sla_rows()
    code = "sla_admin_only"

    refused(client.post("/sla/policies", first_response(shanghai_office.pk)), 403, code)
    refused(client.patch(f"/sla/policies/{policies[0].pk}", {"name": "Mine"}), 403, code)
    refused(client.delete(f"/sla/policies/{policies[0].pk}"), 403, code)

    assert sla_rows() == before


def test_deleting_a_policy_deletes_its_goals_and_clocks(
    helpdesk: Helpdesk, as_desk_admin, policies
):
    first, resolution = policies
    ticket = raised_on_friday(helpdesk)

    response = as_desk_admin.delete(f"/sla/policies/{first.pk}")

    assert response.status_code == 204, response.content
    assert not Metric.objects.filter(pk=first.pk).exists()
    assert not Goal.objects.filter(metric_id=first.pk).exists()
    assert list(Cycle.objects.filter(ticket=ticket).values_list("metric_id", flat=True)) == [
        resolution.pk
    ]


def _goal(**overrides: Any) -> dict[str, Any]:
    return {"target_minutes": 60, "calendar": "Shanghai office"} | overrides


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"goals": [_goal(calendar=None)]}, "calendar_required", "goals.0.calendar"),
        ({"goals": [{"target_minutes": 60}]}, "calendar_required", "goals.0.calendar"),
        ({"goals": [_goal(), _goal(calendar="")]}, "calendar_required", "goals.1.calendar"),
        ({"goals": [_goal(calendar=999_999)]}, "unknown_calendar", "goals.0.calendar"),
        ({"goals": [_goal(calendar=HUGE)]}, "unknown_calendar", "goals.0.calendar"),
        ({"goals": [_goal(calendar=-1)]}, "unknown_calendar", "goals.0.calendar"),
        ({"goals": [_goal(calendar="Mars base")]}, "unknown_calendar", "goals.0.calendar"),
        ({"goals": [_goal(target_minutes=0)]}, "invalid_target", "goals.0.target_minutes"),
        ({"goals": [_goal(target_minutes=-30)]}, "invalid_target", "goals.0.target_minutes"),
        ({"goals": [_goal(target_minutes=None)]}, "invalid_target", "goals.0.target_minutes"),
        ({"goals": [_goal(target_minutes=HUGE)]}, "invalid_target", "goals.0.target_minutes"),
        ({"goals": [_goal(target_minutes=1.5)]}, "invalid_input", "goals.0.target_minutes"),
        ({"goals": [_goal(target_minutes="soon")]}, "invalid_input", "goals.0.target_minutes"),
        ({"goals": [_goal(request_type=999_999)]}, "unknown_request_type", "goals.0.request_type"),
        ({"goals": [_goal(request_type=HUGE)]}, "unknown_request_type", "goals.0.request_type"),
        (
            {"goals": [_goal(request_type="Onboarding")]},
            "unknown_request_type",
            "goals.0.request_type",
        ),
        ({"goals": [_goal(organization=HUGE)]}, "unknown_organization", "goals.0.organization"),
        ({"goals": [_goal(organization=-HUGE)]}, "unknown_organization", "goals.0.organization"),
        (
            {"goals": [_goal(organization="Initech")]},
            "unknown_organization",
            "goals.0.organization",
        ),
        ({"goals": [_goal(priority="urgent")]}, "invalid_priority", "goals.0.priority"),
        ({"goals": [_goal(label="x" * 51)]}, "invalid_input", "goals.0.label"),
        ({"goals": [_goal(field_value="MacBook")]}, "invalid_input", "goals.0.field_key"),
        ({"goals": [_goal(colour="blue")]}, "invalid_input", "goals.0.colour"),
        ({"goals": [_goal(label="vip\x00")]}, "invalid_input", "goals.label"),
        ({"goals": ["fast"]}, "invalid_input", "goals.0"),
        ({"goals": None}, "invalid_input", "goals"),
        ({"goals": {"0": _goal()}}, "invalid_input", "goals"),
        ({"start_on": ["whenever"]}, "invalid_condition", "start_on"),
        ({"start_on": []}, "invalid_condition", "start_on"),
        ({"start_on": ["status_entered:nowhere"]}, "invalid_condition", "start_on"),
        ({"stop_on": ["category_entered:limbo"]}, "invalid_condition", "stop_on"),
        ({"pause_on": ["created"]}, "invalid_condition", "pause_on"),
        ({"start_on": "created"}, "invalid_input", "start_on"),
        ({"start_on": [5]}, "invalid_input", "start_on.0"),
        ({"stop_on": None}, "invalid_condition", "stop_on"),
        ({"warning_percent": 101}, "invalid_number", "warning_percent"),
        ({"warning_percent": -1}, "invalid_number", "warning_percent"),
        ({"warning_minutes": 10}, "invalid_input", "warning_minutes"),  # and warning_percent
        ({"warning_percent": None, "warning_minutes": HUGE}, "invalid_number", "warning_minutes"),
        ({"position": 2**40}, "invalid_number", "position"),
        ({"is_active": "perhaps"}, "invalid_input", "is_active"),
        ({"is_active": None}, "invalid_boolean", "is_active"),
        (
            {"translations": {"fr": {"name": "Première réponse"}}},
            "invalid_translations",
            "translations",
        ),
        ({"translations": {"zh-hans": {"colour": "蓝"}}}, "invalid_translations", "translations"),
        ({"translations": {"zh-hans": "首次响应"}}, "invalid_input", "translations.zh-hans"),
        ({"name": ""}, "name_required", "name"),
        ({"name": None}, "name_required", "name"),
        ({"name": "Time to resolution"}, "duplicate_name", "name"),
        ({"name": "First\x00response"}, "invalid_input", "name"),
        ({"colour": "blue"}, "invalid_input", "colour"),
        ({"desk": "NOPE"}, "unknown_desk", "desk"),
        ({"desk": ""}, "invalid_input", "desk"),
        ({"desk": None}, "invalid_input", "desk"),
    ],
)
def test_a_bad_policy_is_refused_and_nothing_is_written(
    helpdesk: Helpdesk, as_desk_admin, shanghai_office: Calendar, policies, overrides, code, field
):
    before = sla_rows()
    first, _resolution = policies
    change = {k: v for k, v in overrides.items() if k != "desk"}

    created = as_desk_admin.post("/sla/policies", first_response("Shanghai office") | overrides)

    refused(created, 400, code, field)
    if change and change != {"warning_minutes": 10}:  # first response already warns by minutes
        refused(as_desk_admin.patch(f"/sla/policies/{first.pk}", change), 400, code, field)
    assert sla_rows() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"goals": [_goal(calendar=True)]}, "goals.0.calendar"),
        ({"goals": [_goal(request_type=True)]}, "goals.0.request_type"),
        ({"goals": [_goal(organization=True)]}, "goals.0.organization"),
        ({"goals": [_goal(target_minutes=True)]}, "goals.0.target_minutes"),
        ({"goals": [_goal(target_minutes="60")]}, "goals.0.target_minutes"),
        ({"goals": [_goal(target_minutes=1e30)]}, "goals.0.target_minutes"),
        ({"position": True}, "position"),
        ({"position": 2.0}, "position"),
        ({"warning_percent": True}, "warning_percent"),
        ({"warning_minutes": "10", "warning_percent": None}, "warning_minutes"),
        ({"is_active": "yes"}, "is_active"),
        ({"is_shown_to_customers": 1}, "is_shown_to_customers"),
    ],
)
def test_a_value_of_the_wrong_json_type_is_not_taken_for_another(
    helpdesk: Helpdesk, as_desk_admin, shanghai_office: Calendar, policies, overrides, field
):
    # `true` was calendar #1, "60" sixty minutes and "yes" true; 1e30 answered in English.
    first, _resolution = policies
    before = sla_rows()
    chinese = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

    created = as_desk_admin.post(
        "/sla/policies", first_response("Shanghai office") | overrides, **chinese
    )
    changed = as_desk_admin.patch(f"/sla/policies/{first.pk}", overrides, **chinese)

    for response in (created, changed):
        body = refused(response, 400, "invalid_input", field)
        with translation.override("zh-hans"):
            known = {str(_(text)) for text in ("Enter a whole number.", "Enter text.",
                                               "Enter true or false.")}  # fmt: skip
        assert set(body["fields"][field]) <= known, body
    assert sla_rows() == before


@pytest.mark.parametrize("value", [True, "yes", 1])
def test_a_calendar_flag_must_be_true_or_false(
    helpdesk: Helpdesk, as_desk_admin, shanghai_office: Calendar, value
):
    before = sla_rows()

    response = as_desk_admin.post("/sla/calendars", {"name": "Flag", "is_always": value})

    if value is True:
        assert response.status_code == 201, response.content
    else:
        refused(response, 400, "invalid_input", "is_always")
        assert sla_rows() == before


def test_a_goal_its_calendar_could_not_reach_is_refused(
    helpdesk: Helpdesk, as_desk_admin, shanghai_office: Calendar, policies
):
    # One working minute a week: ten years of business minutes would end after the year 9998,
    # and raising a ticket then failed with a 500.
    first, _resolution = policies
    tiny = make_calendar("One minute a week", hours={"0": [["09:00", "09:01"]]}, country="")
    huge = {"goals": [{"target_minutes": 10 * 365 * 24 * 60, "calendar": tiny.pk}]}
    before = sla_rows()

    created = as_desk_admin.post(
        "/sla/policies", first_response(tiny.pk) | huge, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    changed = as_desk_admin.patch(f"/sla/policies/{first.pk}", huge)

    body = refused(created, 400, "invalid_target", "goals.0.target_minutes")
    with translation.override("zh-hans"):
        assert body["message"] == str(GOAL_MESSAGES["unreachable_target"])
    assert body["message"].startswith("按此日历")
    refused(changed, 400, "invalid_target", "goals.0.target_minutes")
    assert sla_rows() == before

    # Ten years fit in office hours, but then the office calendar may not shrink under them.
    office = {"target_minutes": 10 * 365 * 24 * 60, "calendar": shanghai_office.pk}
    assert as_desk_admin.patch(f"/sla/policies/{first.pk}", {"goals": [office]}).status_code == 200
    before = sla_rows()
    shrunk = as_desk_admin.patch(
        f"/sla/calendars/{shanghai_office.pk}",
        {"hours": {"0": [["09:00", "09:01"]]}, "country": None},
    )
    refused(shrunk, 400, "calendar_goals_unreachable", "hours")
    assert sla_rows() == before
    reachable = as_desk_admin.patch(
        f"/sla/policies/{first.pk}",
        {"goals": [{"target_minutes": 60, "calendar": tiny.pk}]},
    )
    assert reachable.status_code == 200, reachable.content
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    assert ApiClient(helpdesk.li).get(f"/tickets/{ticket.key}/sla").status_code == 200


@pytest.mark.parametrize("raw", ["{", '{"desk": "IT",}', "[]", "\x00", '{"goals": [{]}'])
def test_a_policy_body_that_is_not_json_is_refused(helpdesk: Helpdesk, as_desk_admin, raw):
    before = sla_rows()

    response = as_desk_admin.post("/sla/policies", raw=raw)

    assert response.status_code == 400, response.content
    assert response.json()["code"] in {"malformed_json", "invalid_input"}
    assert sla_rows() == before


# --- Language and documentation -------------------------------------------------------------


def test_sla_errors_are_in_the_callers_language(helpdesk: Helpdesk, as_desk_admin):
    chinese = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

    malformed = as_desk_admin.post("/sla/calendars", raw="{not json", **chinese)
    bad_zone = as_desk_admin.post(
        "/sla/calendars", GOOD_CALENDAR | {"time_zone": "Mars/Base"}, **chinese
    )

    assert malformed.json()["message"] == "请求正文不是有效的 JSON。"
    with translation.override("zh-hans"):
        expected = str(CALENDAR_MESSAGES["unknown_time_zone"])
    assert bad_zone.json()["message"] == expected
    assert bad_zone.json()["fields"] == {"time_zone": [expected]}


def test_sla_errors_follow_the_users_language_without_a_header(helpdesk: Helpdesk):
    client = ApiClient(make_user(locale=Locale.SIMPLIFIED_CHINESE))

    response = client.get("/tickets/IT-404/sla")

    assert response.json()["message"] == "没有使用此编号的工单。"


def test_the_openapi_document_lists_the_sla_endpoints(db):
    document = json.loads(Client().get("/api/v1/openapi.json").content)

    expected = {
        "/api/v1/tickets/{key}/sla": {"get"},
        "/api/v1/sla/calendars": {"get", "post"},
        "/api/v1/sla/calendars/{calendar_id}": {"get", "patch", "put", "delete"},
        "/api/v1/sla/policies": {"get", "post"},
        "/api/v1/sla/policies/{policy_id}": {"get", "patch", "delete"},
    }
    for path, methods in expected.items():
        assert set(document["paths"][path]) == methods, path
    cycle = document["components"]["schemas"]["CycleOut"]["properties"]
    assert {"started_at", "is_paused", "elapsed_seconds", "remaining_seconds", "breach_at",
            "outcome"} <= set(cycle)  # fmt: skip


def test_a_calendar_is_named_in_other_languages_through_the_api(as_desk_admin: ApiClient):
    created = as_desk_admin.post(
        "/sla/calendars",
        {
            "name": "Shanghai office",
            "spec": {"tz": "Asia/Shanghai", "hours": WEEKDAYS_9_TO_6},
            "translations": {"zh-hans": {"name": "上海办公室"}},
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["translations"] == {"zh-hans": {"name": "上海办公室"}}
    calendar_id = created.json()["id"]

    renamed = as_desk_admin.patch(
        f"/sla/calendars/{calendar_id}", {"translations": {"zh-hans": {"name": "上海办公时间"}}}
    )
    refused = as_desk_admin.patch(
        f"/sla/calendars/{calendar_id}", {"translations": {"fr": {"name": "Bureau"}}}
    )

    assert renamed.status_code == 200
    assert Calendar.objects.get(pk=calendar_id).translated("name", "zh-hans") == "上海办公时间"
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_translations"
    assert Calendar.objects.get(pk=calendar_id).translations == {
        "zh-hans": {"name": "上海办公时间"}
    }
