"""A desk admin sets up business calendars and SLA metrics with their goals in the admin, which
refuses what the API would refuse."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from deskline.accounts.models import Role, User
from deskline.sla.actions import CALENDAR_MESSAGES, GOAL_MESSAGES
from deskline.sla.admin import GoalForm
from deskline.sla.models import Calendar, Cycle, Goal, Metric
from deskline.testing.admin_forms import form_data, signed_in
from deskline.testing.factories import make_ticket, make_user
from deskline.testing.scenario import Helpdesk, build_helpdesk
from deskline.testing.sla import WEEKDAYS_9_TO_6, make_calendar, make_first_response_metric

pytestmark = pytest.mark.django_db


@pytest.fixture
def helpdesk(db: None) -> Helpdesk:
    return build_helpdesk()


@pytest.fixture
def desk_admin(helpdesk: Helpdesk) -> User:
    # Dana configures the desks her teams serve.
    return make_user(
        role=Role.DESK_ADMIN,
        email="dana@deskline.example",
        display_name="Dana",
        teams=[helpdesk.frontline],
    )


@pytest.fixture
def as_desk_admin(desk_admin: User) -> Client:
    return signed_in(desk_admin)


@pytest.fixture
def shanghai_office(helpdesk: Helpdesk) -> Calendar:
    return make_calendar()


def sla_rows() -> dict[str, Any]:
    """Everything stored about service levels, to show that a refused save changed nothing."""
    return {
        "calendars": list(Calendar.objects.order_by("id").values()),
        "metrics": list(Metric.objects.order_by("id").values()),
        "goals": list(Goal.objects.order_by("id").values()),
    }


def errors_of(response: Any) -> str:
    """Every error the page shows: the main form's and each inline row's and formset's."""
    if response.context is None:
        return f"status {response.status_code}"
    found = [str(response.context["adminform"].form.errors)]
    for inline in response.context["inline_admin_formsets"]:
        found += [str(errors) for errors in inline.formset.errors if errors]
        found += [str(error) for error in inline.formset.non_form_errors()]
    return " ".join(found)


def field_errors(response: Any, name: str) -> list[str]:
    return list(response.context["adminform"].form.errors.get(name, []))


# Calendars --------------------------------------------------------------------------------


def test_a_desk_admin_opens_every_sla_screen(
    as_desk_admin: Client, helpdesk: Helpdesk, shanghai_office: Calendar
):
    metric = make_first_response_metric(helpdesk.it, shanghai_office)
    pages = [
        reverse("admin:sla_calendar_changelist"),
        reverse("admin:sla_calendar_add"),
        reverse("admin:sla_calendar_change", args=[shanghai_office.pk]),
        reverse("admin:sla_metric_changelist"),
        reverse("admin:sla_metric_add"),
        reverse("admin:sla_metric_change", args=[metric.pk]),
    ]

    for page in pages:
        assert as_desk_admin.get(page).status_code == 200, page

    calendars = as_desk_admin.get(reverse("admin:sla_calendar_changelist"))
    (row,) = calendars.context["cl"].result_list
    assert (row.name, row.time_zone, row.country, row.is_always, row.goal_count) == (
        "Shanghai office",
        "Asia/Shanghai",
        "CN",
        False,
        1,
    )


def calendar_form(client: Client, **values: str) -> dict[str, Any]:
    data = form_data(client.get(reverse("admin:sla_calendar_add")))
    data.update(
        {
            "name": "Berlin office",
            "time_zone": "Europe/Berlin",
            "hours": json.dumps({"0": [["09:00", "17:00"]], "1": [["09:00", "17:00"]]}),
            "country": "de",
            "subdivision": "by",
            "holidays": '["2026-12-24", {"date": "2026-12-31", "start": "12:00", "end": "24:00"}]',
            "workdays": "[]",
        }
        | values
    )
    return data


def test_a_desk_admin_adds_a_calendar(as_desk_admin: Client, helpdesk: Helpdesk):
    response = as_desk_admin.post(reverse("admin:sla_calendar_add"), calendar_form(as_desk_admin))

    assert response.status_code == 302, errors_of(response)
    calendar = Calendar.objects.get(name="Berlin office")
    assert calendar.spec() == {
        "tz": "Europe/Berlin",
        "hours": {"0": [["09:00", "17:00"]], "1": [["09:00", "17:00"]]},
        "country": "DE",
        "subdiv": "BY",
        "holidays": ["2026-12-24", {"date": "2026-12-31", "start": "12:00", "end": "24:00"}],
        "workdays": [],
        "always": False,
    }


def test_a_desk_admin_changes_a_calendar(
    as_desk_admin: Client, helpdesk: Helpdesk, shanghai_office: Calendar
):
    url = reverse("admin:sla_calendar_change", args=[shanghai_office.pk])
    data = form_data(as_desk_admin.get(url))
    data["workdays"] = '["2026-02-14"]'

    response = as_desk_admin.post(url, data)

    assert response.status_code == 302, errors_of(response)
    shanghai_office.refresh_from_db()
    assert (shanghai_office.name, shanghai_office.workdays) == ("Shanghai office", ["2026-02-14"])
    assert shanghai_office.hours == WEEKDAYS_9_TO_6


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "unknown_time_zone"),
        (
            {"hours": '{"0": [["09:00", "13:00"], ["12:00", "18:00"]]}'},
            "hours",
            "overlapping_hours",
        ),
        ({"hours": '{"0": [["9am", "5pm"]]}'}, "hours", "invalid_hours"),
        ({"hours": "[]"}, "hours", "invalid_hours"),
        ({"country": "XX"}, "country", "unknown_country"),
        ({"subdivision": "ZZ"}, "subdivision", "unknown_subdivision"),
        ({"holidays": '["Christmas"]'}, "holidays", "invalid_date"),
        ({"workdays": '"2026-02-14"'}, "workdays", "invalid_date"),
    ],
)
def test_a_bad_calendar_is_refused_with_the_message_and_nothing_is_saved(
    as_desk_admin: Client, helpdesk: Helpdesk, values, field, code
):
    before = sla_rows()

    response = as_desk_admin.post(
        reverse("admin:sla_calendar_add"), calendar_form(as_desk_admin, **values)
    )

    assert response.status_code == 200
    assert field_errors(response, field) == [str(CALENDAR_MESSAGES[code])]
    assert sla_rows() == before


def test_the_refusal_is_in_the_readers_language(as_desk_admin: Client, helpdesk: Helpdesk):
    response = as_desk_admin.post(
        reverse("admin:sla_calendar_add"),
        calendar_form(as_desk_admin, time_zone="Mars/Base"),
        headers={"accept-language": "zh-hans"},
    )

    with translation.override("zh-hans"):
        expected = str(CALENDAR_MESSAGES["unknown_time_zone"])
    assert field_errors(response, "time_zone") == [expected]


def test_a_24x7_calendar_ignores_hours_but_not_their_shape(
    as_desk_admin: Client, helpdesk: Helpdesk
):
    url = reverse("admin:sla_calendar_add")

    good = as_desk_admin.post(
        url, calendar_form(as_desk_admin, name="Always", is_always="on", hours="{}")
    )
    bad = as_desk_admin.post(
        url, calendar_form(as_desk_admin, name="Never", is_always="on", hours='"all day"')
    )

    assert good.status_code == 302, errors_of(good)
    assert Calendar.objects.get(name="Always").clock().to_spec()["always"] is True
    assert bad.status_code == 200
    assert field_errors(bad, "hours") == [str(CALENDAR_MESSAGES["invalid_hours"])]
    assert not Calendar.objects.filter(name="Never").exists()


def test_a_24x7_calendar_still_needs_a_country_the_holidays_package_knows(
    as_desk_admin: Client, helpdesk: Helpdesk
):
    before = sla_rows()

    response = as_desk_admin.post(
        reverse("admin:sla_calendar_add"),
        calendar_form(as_desk_admin, name="Always", is_always="on", country="XX"),
    )

    assert response.status_code == 200
    assert field_errors(response, "country") == [str(CALENDAR_MESSAGES["unknown_country"])]
    assert sla_rows() == before


NESTED = "[" * 600 + "]" * 600


@pytest.mark.parametrize(
    "values",
    [
        {"hours": '{"0": ' + NESTED + "}"},
        {"hours": "[" * 5000 + "]" * 5000},
        {"holidays": "[" * 100_000 + "]" * 100_000},
        {"hours": '{"0": ' + "9" * 5000 + "}"},  # more digits than Python converts
    ],
)
def test_json_too_deep_or_too_long_a_number_is_refused_not_a_500(
    as_desk_admin: Client, helpdesk: Helpdesk, values
):
    before = sla_rows()

    response = as_desk_admin.post(
        reverse("admin:sla_calendar_add"), calendar_form(as_desk_admin, **values)
    )

    assert response.status_code == 200
    (field,) = values
    assert field_errors(response, field) == ["Enter a valid JSON."]
    assert sla_rows() == before


def test_a_calendar_in_use_cannot_be_deleted(
    as_desk_admin: Client, helpdesk: Helpdesk, shanghai_office: Calendar
):
    make_first_response_metric(helpdesk.it, shanghai_office)
    unused = make_calendar("Unused")

    in_use = as_desk_admin.post(
        reverse("admin:sla_calendar_delete", args=[shanghai_office.pk]), {"post": "yes"}
    )
    deleted = as_desk_admin.post(
        reverse("admin:sla_calendar_delete", args=[unused.pk]), {"post": "yes"}
    )

    assert in_use.status_code == 403
    assert Calendar.objects.filter(pk=shanghai_office.pk).exists()
    assert deleted.status_code == 302
    assert not Calendar.objects.filter(pk=unused.pk).exists()


# Metrics and goals ------------------------------------------------------------------------


def metric_form(client: Client, helpdesk: Helpdesk, calendar: Calendar) -> dict[str, Any]:
    data = form_data(client.get(reverse("admin:sla_metric_add")))
    data.update(
        {
            "desk": str(helpdesk.it.pk),
            "name": "Time to first response",
            "position": "1",
            "start_on": '["created"]',
            "pause_on": '["category:waiting"]',
            "stop_on": '["public_agent_reply", "status_entered:resolved"]',
            "warning_percent": "25",
            "is_active": "on",
            "is_shown_to_customers": "on",
            "translations": '{"zh-hans": {"name": "首次响应时间"}}',
            "goals-TOTAL_FORMS": "2",
            "goals-0-position": "1",
            "goals-0-target_minutes": "240",
            "goals-0-calendar": str(calendar.pk),
            "goals-1-position": "0",
            "goals-1-priority": "critical",
            "goals-1-request_type": str(helpdesk.password_reset.pk),
            "goals-1-target_minutes": "30",
            "goals-1-calendar": str(calendar.pk),
        }
    )
    return data


def test_a_desk_admin_adds_a_metric_with_goals(
    as_desk_admin: Client, helpdesk: Helpdesk, shanghai_office: Calendar
):
    data = metric_form(as_desk_admin, helpdesk, shanghai_office)

    response = as_desk_admin.post(reverse("admin:sla_metric_add"), data)

    assert response.status_code == 302, errors_of(response)
    metric = Metric.objects.get(desk=helpdesk.it, name="Time to first response")
    assert (metric.start_on, metric.pause_on, metric.stop_on) == (
        ["created"],
        ["category:waiting"],
        ["public_agent_reply", "status_entered:resolved"],
    )
    assert (metric.warning_percent, metric.is_shown_to_customers) == (25, True)
    assert metric.translated("name", "zh-hans") == "首次响应时间"
    goals = list(metric.goals.order_by("position"))
    assert [(g.position, g.priority, g.request_type_id, g.target_minutes) for g in goals] == [
        (0, "critical", helpdesk.password_reset.pk, 30),
        (1, "", None, 240),
    ]
    # and a new critical password reset gets the 30 minute goal
    ticket = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.password_reset,
        priority="critical",
    )
    assert Cycle.objects.get(ticket=ticket, metric=metric).target_seconds == 30 * 60


def test_a_desk_admin_changes_a_metric_and_its_goals(
    as_desk_admin: Client, helpdesk: Helpdesk, shanghai_office: Calendar
):
    metric = make_first_response_metric(helpdesk.it, shanghai_office)
    url = reverse("admin:sla_metric_change", args=[metric.pk])
    page = as_desk_admin.get(url)
    data = form_data(page)
    (goal_row,) = [
        f for f in page.context["inline_admin_formsets"][0].formset.forms if f.instance.pk
    ]
    prefix = goal_row.prefix

    data["name"] = "First reply"
    data[f"{prefix}-target_minutes"] = "120"
    renamed = as_desk_admin.post(url, data)

    assert renamed.status_code == 302, errors_of(renamed)
    metric.refresh_from_db()
    assert metric.name == "First reply"
    assert list(metric.goals.values_list("target_minutes", flat=True)) == [120]


def test_an_unchanged_goal_list_keeps_its_rows(
    as_desk_admin: Client, helpdesk: Helpdesk, shanghai_office: Calendar
):
    metric = make_first_response_metric(helpdesk.it, shanghai_office)
    goal_ids = list(metric.goals.values_list("id", flat=True))
    url = reverse("admin:sla_metric_change", args=[metric.pk])
    data = form_data(as_desk_admin.get(url))
    data["warning_minutes"] = "15"

    response = as_desk_admin.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert list(metric.goals.values_list("id", flat=True)) == goal_ids
    metric.refresh_from_db()
    assert metric.warning_minutes == 15


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"start_on": '["whenever"]'}, "start_on", "whenever is not a condition"),
        ({"start_on": "[]"}, "start_on", "Give at least one condition."),
        ({"stop_on": '["status_entered:limbo"]'}, "stop_on", "This desk has no status limbo."),
        ({"pause_on": '["created"]'}, "pause_on", "created is not a condition"),
        ({"pause_on": '"category:waiting"'}, "pause_on", "Give a list of conditions."),
        ({"warning_minutes": "30"}, "warning_minutes", "not both"),
        ({"translations": '{"fr": {"name": "x"}}'}, "translations", "Unknown language fr"),
        ({"name": "Time to resolution"}, "name", "already has a metric with this name"),
    ],
)
def test_a_bad_metric_is_refused_with_the_message_and_nothing_is_saved(
    as_desk_admin: Client, helpdesk: Helpdesk, shanghai_office: Calendar, values, field, message
):
    make_first_response_metric(helpdesk.it, shanghai_office, name="Time to resolution")
    before = sla_rows()
    data = metric_form(as_desk_admin, helpdesk, shanghai_office) | values

    response = as_desk_admin.post(reverse("admin:sla_metric_add"), data)

    assert response.status_code == 200
    assert message in " ".join(field_errors(response, field)), errors_of(response)
    assert sla_rows() == before


def goal_errors(response: Any, row: int) -> dict[str, list[str]]:
    formset = response.context["inline_admin_formsets"][0].formset
    return {name: list(errors) for name, errors in formset.forms[row].errors.items()}


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"goals-0-calendar": ""}, "calendar", "This field is required."),
        ({"goals-0-target_minutes": "0"}, "target_minutes", "positive number"),
        ({"goals-0-target_minutes": "-5"}, "target_minutes", ""),
        ({"goals-0-target_minutes": ""}, "target_minutes", "This field is required."),
        ({"goals-0-target_minutes": str(10**7)}, "target_minutes", "at most ten years"),
        ({"goals-0-field_value": "MacBook"}, "field_key", "Name the form field"),
    ],
)
def test_a_bad_goal_is_refused_with_the_message_and_nothing_is_saved(
    as_desk_admin: Client, helpdesk: Helpdesk, shanghai_office: Calendar, values, field, message
):
    before = sla_rows()
    data = metric_form(as_desk_admin, helpdesk, shanghai_office) | values

    response = as_desk_admin.post(reverse("admin:sla_metric_add"), data)

    assert response.status_code == 200
    errors = goal_errors(response, 0)
    assert field in errors, errors_of(response)
    assert message in " ".join(errors[field])
    assert sla_rows() == before


@pytest.mark.parametrize(
    "values",
    [
        {"start_on": NESTED},
        {"translations": '{"zh-hans": ' + NESTED + "}"},
        {"pause_on": "[" + "9" * 5000 + "]"},
    ],
)
def test_a_metric_with_json_too_deep_is_refused_not_a_500(
    as_desk_admin: Client, helpdesk: Helpdesk, shanghai_office: Calendar, values
):
    before = sla_rows()
    data = metric_form(as_desk_admin, helpdesk, shanghai_office) | values

    response = as_desk_admin.post(reverse("admin:sla_metric_add"), data)

    assert response.status_code == 200
    (field,) = values
    assert field_errors(response, field) == ["Enter a valid JSON."], errors_of(response)
    assert sla_rows() == before


def test_a_goal_its_calendar_could_not_reach_is_refused(
    as_desk_admin: Client, helpdesk: Helpdesk, shanghai_office: Calendar
):
    tiny = make_calendar("One minute a week", hours={"0": [["09:00", "09:01"]]}, country="")
    before = sla_rows()
    data = metric_form(as_desk_admin, helpdesk, shanghai_office) | {
        "goals-0-calendar": str(tiny.pk),
        "goals-0-target_minutes": str(10 * 365 * 24 * 60),
    }

    response = as_desk_admin.post(reverse("admin:sla_metric_add"), data)

    assert response.status_code == 200
    assert goal_errors(response, 0)["target_minutes"] == [
        str(GOAL_MESSAGES["unreachable_target"])
    ], errors_of(response)
    assert sla_rows() == before


def test_a_goal_for_another_desks_request_type_is_refused(
    as_desk_admin: Client, helpdesk: Helpdesk, shanghai_office: Calendar
):
    before = sla_rows()
    data = metric_form(as_desk_admin, helpdesk, shanghai_office)
    data["goals-1-request_type"] = str(helpdesk.onboarding.pk)  # an HR form

    response = as_desk_admin.post(reverse("admin:sla_metric_add"), data)

    assert response.status_code == 200
    # The row offers only IT's request types, so the choice itself is refused.
    assert goal_errors(response, 1)["request_type"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert sla_rows() == before


def test_the_goal_rows_offer_only_the_desks_request_types(
    as_desk_admin: Client, helpdesk: Helpdesk, shanghai_office: Calendar
):
    metric = make_first_response_metric(helpdesk.it, shanghai_office)

    page = as_desk_admin.get(reverse("admin:sla_metric_change", args=[metric.pk]))

    offered = page.context["inline_admin_formsets"][0].formset.forms[0].fields["request_type"]
    assert set(offered.queryset) == {helpdesk.laptop, helpdesk.password_reset}


def test_a_desk_admin_deletes_a_metric(
    as_desk_admin: Client, helpdesk: Helpdesk, shanghai_office: Calendar
):
    metric = make_first_response_metric(helpdesk.it, shanghai_office)

    response = as_desk_admin.post(
        reverse("admin:sla_metric_delete", args=[metric.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Metric.objects.exists()
    assert not Goal.objects.exists()


# Who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "li"])
def test_customers_and_agents_cannot_open_the_sla_screens(
    helpdesk: Helpdesk, shanghai_office: Calendar, who: str
):
    client = signed_in(getattr(helpdesk, who))
    metric = make_first_response_metric(helpdesk.it, shanghai_office)
    before = sla_rows()

    for url in (
        reverse("admin:sla_calendar_changelist"),
        reverse("admin:sla_calendar_add"),
        reverse("admin:sla_calendar_change", args=[shanghai_office.pk]),
        reverse("admin:sla_metric_changelist"),
        reverse("admin:sla_metric_change", args=[metric.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login"))
    response = client.post(
        reverse("admin:sla_calendar_add"),
        {"name": "Sneaky", "time_zone": "UTC", "is_always": "on", "hours": "{}"},
    )
    assert response.status_code == 302
    assert sla_rows() == before


def test_a_site_admin_may_set_up_slas_too(helpdesk: Helpdesk, shanghai_office: Calendar):
    client = signed_in(helpdesk.admin)

    response = client.post(
        reverse("admin:sla_calendar_add"), calendar_form(client, name="Site admin's")
    )

    assert response.status_code == 302, errors_of(response)
    assert Calendar.objects.filter(name="Site admin's").exists()


def test_a_goals_priority_is_offered_with_the_tickets_translated_names():
    with translation.override("zh-hans"):
        offered = GoalForm().fields["priority"].widget.choices  # what the select shows
        choices = [(value, str(label)) for value, label in offered]

    assert choices == [
        ("", "任意"),
        ("critical", "紧急"),
        ("high", "高"),
        ("medium", "中"),
        ("low", "低"),
    ]


def test_a_desk_admin_translates_a_calendars_name(
    as_desk_admin: Client, helpdesk: Helpdesk, shanghai_office: Calendar
):
    url = reverse("admin:sla_calendar_change", args=[shanghai_office.pk])
    data = form_data(as_desk_admin.get(url))
    data["translations"] = '{"zh-hans": {"name": "上海办公时间"}}'

    response = as_desk_admin.post(url, data)

    assert response.status_code == 302, errors_of(response)
    shanghai_office.refresh_from_db()
    assert shanghai_office.translated("name", "zh-hans") == "上海办公时间"
    assert shanghai_office.translated("name", "en") == "Shanghai office"


def test_a_bad_translation_of_a_calendar_is_refused(
    as_desk_admin: Client, helpdesk: Helpdesk, shanghai_office: Calendar
):
    url = reverse("admin:sla_calendar_change", args=[shanghai_office.pk])
    data = form_data(as_desk_admin.get(url))
    data["translations"] = '{"zh-hans": {"hours": "九点"}}'

    response = as_desk_admin.post(url, data)

    assert response.status_code == 200
    assert "hours cannot be translated here" in errors_of(response)
    shanghai_office.refresh_from_db()
    assert shanghai_office.translations == {}
