"""A desk admin configures the desks their teams serve, and no other; a site admin, all of them.

Dana is a desk admin in Frontline, which serves IT. People serves HR. Every screen of the admin
shows her IT's rows only; HR's answer 404 and stay as they were, however she asks.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from deskline.accounts.models import Role, Team, User
from deskline.desks.models import Desk, RequestField, RequestType, ShortLink, Status
from deskline.sla.models import Calendar, Goal, Metric
from deskline.testing.admin_forms import form_data, signed_in
from deskline.testing.factories import make_ticket, make_user
from deskline.testing.scenario import Helpdesk
from deskline.testing.sla import make_calendar, make_first_response_metric

pytestmark = pytest.mark.django_db


@pytest.fixture
def dana(helpdesk: Helpdesk) -> User:
    return make_user(
        role=Role.DESK_ADMIN,
        email="dana@deskline.example",
        display_name="Dana",
        teams=[helpdesk.frontline],
    )


@pytest.fixture
def as_dana(dana: User) -> Client:
    return signed_in(dana)


@pytest.fixture
def setup(helpdesk: Helpdesk) -> dict[str, Any]:
    """Short links and service levels on both desks, and calendars each desk, both, or none use."""
    it_only = make_calendar("IT hours")
    hr_only = make_calendar("HR hours")
    shared = make_calendar("Shared hours")
    unused = make_calendar("Spare hours")
    return {
        "it_link": ShortLink.objects.create(slug="ithelp", desk=helpdesk.it),
        "hr_link": ShortLink.objects.create(slug="hrhelp", desk=helpdesk.hr),
        "it_metric": make_first_response_metric(
            helpdesk.it,
            it_only,
            goals=[
                {"target_minutes": 60, "calendar": it_only.pk},
                {"target_minutes": 90, "calendar": shared.pk, "priority": "high"},
            ],
        ),
        "hr_metric": make_first_response_metric(
            helpdesk.hr,
            hr_only,
            goals=[
                {"target_minutes": 60, "calendar": hr_only.pk},
                {"target_minutes": 90, "calendar": shared.pk, "priority": "high"},
            ],
        ),
        "it_only": it_only,
        "hr_only": hr_only,
        "shared": shared,
        "unused": unused,
    }


def everything() -> dict[str, Any]:
    """All the configuration the admin can change, to show a refusal changed nothing."""

    def rows(model: Any) -> list[dict[str, Any]]:
        return [model_to_dict(row) for row in model.objects.order_by("pk")]

    teams = [
        (team.name, sorted(team.members.values_list("pk", flat=True)))
        for team in Team.objects.order_by("pk")
    ]
    desks = [(row, sorted(Desk.objects.get(pk=row["id"]).teams.values_list("pk", flat=True)))
             for row in rows(Desk)]  # fmt: skip
    return {
        "desks": desks,
        "statuses": [(s.pk, s.key, s.name, s.is_initial) for s in Status.objects.order_by("pk")],
        "request_types": rows(RequestType),
        "fields": rows(RequestField),
        "short_links": rows(ShortLink),
        "metrics": rows(Metric),
        "goals": rows(Goal),
        "calendars": rows(Calendar),
        "teams": teams,
        "users": [
            (u.pk, u.email, u.role, u.password, u.is_active) for u in User.objects.order_by("pk")
        ],
    }


def listed(client: Client, name: str) -> list[str]:
    response = client.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200
    return [str(row) for row in response.context["cl"].result_list]


def test_every_list_shows_only_the_desk_admins_desks(
    as_dana: Client, helpdesk: Helpdesk, setup: dict[str, Any]
):
    assert listed(as_dana, "desks_desk") == [str(helpdesk.it)]
    assert set(listed(as_dana, "desks_requesttype")) == {
        str(helpdesk.laptop),
        str(helpdesk.password_reset),
    }
    assert listed(as_dana, "desks_shortlink") == [str(setup["it_link"])]
    assert listed(as_dana, "sla_metric") == [str(setup["it_metric"])]
    assert set(listed(as_dana, "sla_calendar")) == {"IT hours", "Shared hours", "Spare hours"}
    assert listed(as_dana, "accounts_team") == ["Frontline"]
    # The filters of the lists name no desk or team she cannot see either
    for name in ("desks_requesttype", "desks_shortlink", "sla_metric", "tickets_ticket"):
        page = as_dana.get(reverse(f"admin:{name}_changelist")).content.decode()
        assert "HR: People" not in page and "?desk__id__exact=" + str(helpdesk.hr.pk) not in page
    desks_page = as_dana.get(reverse("admin:desks_desk_changelist")).content.decode()
    assert f"teams__id__exact={helpdesk.people.pk}" not in desks_page


def test_a_site_admin_still_sees_every_desk(helpdesk: Helpdesk, setup: dict[str, Any]):
    admin = signed_in(helpdesk.admin)

    assert sorted(listed(admin, "desks_desk")) == sorted([str(helpdesk.it), str(helpdesk.hr)])
    assert len(listed(admin, "desks_shortlink")) == 2
    assert len(listed(admin, "sla_metric")) == 2
    assert len(listed(admin, "sla_calendar")) == 4
    assert sorted(listed(admin, "accounts_team")) == ["Frontline", "People"]
    url = reverse("admin:desks_desk_change", args=[helpdesk.hr.pk])
    assert admin.get(url).status_code == 200


def _other_desks_urls(helpdesk: Helpdesk, setup: dict[str, Any]) -> list[str]:
    rows = [
        ("desks_desk", helpdesk.hr.pk),
        ("desks_requesttype", helpdesk.onboarding.pk),
        ("desks_shortlink", setup["hr_link"].pk),
        ("sla_metric", setup["hr_metric"].pk),
        ("sla_calendar", setup["hr_only"].pk),
        ("accounts_team", helpdesk.people.pk),
    ]
    return [
        reverse(f"admin:{name}_{view}", args=[pk])
        for name, pk in rows
        for view in ("change", "delete", "history")
    ]


def test_another_desks_rows_answer_404_and_stay_as_they_were(
    as_dana: Client, helpdesk: Helpdesk, setup: dict[str, Any]
):
    before = everything()

    for url in _other_desks_urls(helpdesk, setup):
        assert as_dana.get(url).status_code == 404, url
        posted = as_dana.post(url, {"post": "yes", "name": "Taken over", "key": "HR"})
        assert posted.status_code == 404, url

    assert everything() == before


def test_a_forged_bulk_delete_of_another_desks_rows_deletes_nothing(
    as_dana: Client, helpdesk: Helpdesk, setup: dict[str, Any]
):
    before = everything()
    forged = [
        ("desks_desk", helpdesk.hr.pk),
        ("desks_requesttype", helpdesk.onboarding.pk),
        ("desks_shortlink", setup["hr_link"].pk),
        ("sla_metric", setup["hr_metric"].pk),
        ("accounts_team", helpdesk.people.pk),
    ]

    for name, pk in forged:
        as_dana.post(
            reverse(f"admin:{name}_changelist"),
            {"action": "delete_selected", "_selected_action": [str(pk)], "post": "yes"},
        )

    assert everything() == before


def test_new_rows_cannot_be_put_on_another_desk(
    as_dana: Client, helpdesk: Helpdesk, setup: dict[str, Any]
):
    before = everything()

    request_type = as_dana.post(
        reverse("admin:desks_requesttype_add"),
        {"desk": helpdesk.hr.pk, "name": "Payroll", "kind": "service_request", "position": "0",
         "translations": "{}", "fields-TOTAL_FORMS": "0", "fields-INITIAL_FORMS": "0"},
    )  # fmt: skip
    short_link = as_dana.post(
        reverse("admin:desks_shortlink_add"), {"slug": "payroll", "desk": helpdesk.hr.pk}
    )
    metric = as_dana.post(
        reverse("admin:sla_metric_add"),
        {"desk": helpdesk.hr.pk, "name": "Answer", "position": "0", "start_on": '["created"]',
         "pause_on": "[]", "stop_on": '["resolved"]', "translations": "{}",
         "goals-TOTAL_FORMS": "0", "goals-INITIAL_FORMS": "0"},
    )  # fmt: skip

    for response in (request_type, short_link, metric):
        assert response.status_code == 200
        assert "desk" in response.context["adminform"].form.errors
    assert everything() == before


def test_a_desk_admin_changes_their_own_desks_rows(
    as_dana: Client, helpdesk: Helpdesk, setup: dict[str, Any]
):
    url = reverse("admin:desks_shortlink_change", args=[setup["it_link"].pk])
    page = as_dana.get(url)
    desks = page.context["adminform"].form.fields["desk"].queryset
    assert list(desks) == [helpdesk.it]

    response = as_dana.post(url, {"slug": "it", "desk": helpdesk.it.pk})

    assert response.status_code == 302
    assert ShortLink.objects.get(pk=setup["it_link"].pk).slug == "it"
    assert (
        as_dana.get(reverse("admin:sla_metric_change", args=[setup["it_metric"].pk])).status_code
        == 200
    )
    assert as_dana.get(reverse("admin:desks_desk_change", args=[helpdesk.it.pk])).status_code == 200


def test_a_desk_keeps_one_of_the_admins_teams(as_dana: Client, helpdesk: Helpdesk):
    url = reverse("admin:desks_desk_change", args=[helpdesk.it.pk])
    page = as_dana.get(url)
    offered = set(page.context["adminform"].form.fields["teams"].queryset)
    data = form_data(page)
    data["teams"] = []
    before = everything()

    response = as_dana.post(url, data)

    assert offered == {helpdesk.frontline}
    assert response.status_code == 200
    assert "Keep at least one of your own teams" in str(
        response.context["adminform"].form.errors["teams"]
    )
    assert everything() == before


def test_a_desk_admin_adds_a_desk_their_team_serves(as_dana: Client, helpdesk: Helpdesk):
    url = reverse("admin:desks_desk_add")
    data = form_data(as_dana.get(url))
    data.update({"key": "fac", "name": "Facilities", "position": "3", "translations": "{}"})

    without_team = as_dana.post(url, data)
    assert without_team.status_code == 200
    assert not Desk.objects.filter(key="FAC").exists()

    data["teams"] = [str(helpdesk.frontline.pk)]
    with_team = as_dana.post(url, data)

    assert with_team.status_code == 302
    desk = Desk.objects.get(key="FAC")
    assert list(desk.teams.all()) == [helpdesk.frontline]
    assert str(desk) in listed(as_dana, "desks_desk")


def test_a_calendar_another_desk_uses_is_read_only(
    as_dana: Client, helpdesk: Helpdesk, setup: dict[str, Any]
):
    url = reverse("admin:sla_calendar_change", args=[setup["shared"].pk])
    page = as_dana.get(url)
    before = everything()

    response = as_dana.post(url, {"name": "Taken over", "time_zone": "UTC", "hours": "{}"})

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert response.status_code == 403
    assert everything() == before
    # Her own, and a calendar no desk uses yet, she changes
    assert signed_in_can_change(as_dana, setup["it_only"])
    assert signed_in_can_change(as_dana, setup["unused"])


def signed_in_can_change(client: Client, calendar: Calendar) -> bool:
    page = client.get(reverse("admin:sla_calendar_change", args=[calendar.pk]))
    return page.status_code == 200 and bool(page.context["has_change_permission"])


def test_goals_offer_only_the_calendars_the_admin_sees(
    as_dana: Client, helpdesk: Helpdesk, setup: dict[str, Any]
):
    page = as_dana.get(reverse("admin:sla_metric_change", args=[setup["it_metric"].pk]))
    goals = next(
        inline.formset for inline in page.context["inline_admin_formsets"]
        if inline.formset.prefix == "goals"
    )  # fmt: skip

    offered = {str(c) for c in goals.forms[0].fields["calendar"].queryset}

    assert offered == {"IT hours", "Shared hours", "Spare hours"}


def test_a_desk_admin_manages_only_the_teams_they_belong_to(
    as_dana: Client, helpdesk: Helpdesk, dana: User
):
    # Adding herself to People from Hana's or her own page is not possible
    before = everything()
    own_page = reverse("admin:accounts_user_change", args=[dana.pk])
    data = form_data(as_dana.get(own_page))
    memberships = as_dana.get(own_page).context["inline_admin_formsets"][0].formset
    offered = set(memberships.forms[0].fields["team"].queryset) if memberships.forms else set()
    prefix = memberships.prefix
    data[f"{prefix}-TOTAL_FORMS"] = str(int(data[f"{prefix}-TOTAL_FORMS"]) + 1)
    data[f"{prefix}-{int(data[f'{prefix}-TOTAL_FORMS']) - 1}-team"] = str(helpdesk.people.pk)

    response = as_dana.post(own_page, data)

    assert offered == {helpdesk.frontline}
    assert response.status_code == 200
    assert everything() == before
    assert not helpdesk.people.members.filter(pk=dana.pk).exists()


def test_a_desk_admin_cannot_take_over_an_agent_of_another_team(
    as_dana: Client, helpdesk: Helpdesk
):
    before = everything()
    change = reverse("admin:accounts_user_change", args=[helpdesk.hana.pk])
    password = reverse("admin:auth_user_password_change", args=[helpdesk.hana.pk])

    page = as_dana.get(change)
    changed = as_dana.post(change, {"email": "dana+hana@deskline.example", "role": "agent"})
    new_password = as_dana.post(
        password, {"password1": "a long passphrase", "password2": "a long passphrase"}
    )

    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert changed.status_code == 403
    assert new_password.status_code == 403
    assert everything() == before


def test_a_desk_admin_changes_a_colleague_and_keeps_their_other_teams(
    as_dana: Client, helpdesk: Helpdesk
):
    helpdesk.people.members.add(helpdesk.li)
    url = reverse("admin:accounts_user_change", args=[helpdesk.li.pk])
    page = as_dana.get(url)
    data = form_data(page)
    data["display_name"] = "Li Wei"
    shown = [form.instance.team for form in page.context["inline_admin_formsets"][0].formset.forms]

    response = as_dana.post(url, data)

    assert shown == [helpdesk.frontline]
    assert response.status_code == 302
    li = User.objects.get(pk=helpdesk.li.pk)
    assert li.display_name == "Li Wei"
    assert set(li.teams.all()) == {helpdesk.frontline, helpdesk.people}


def test_the_ticket_list_names_only_the_desks_she_serves(as_dana: Client, helpdesk: Helpdesk):
    make_ticket(desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset)
    make_ticket(desk=helpdesk.hr, reporter=helpdesk.alice, request_type=helpdesk.onboarding)

    page = as_dana.get(reverse("admin:tickets_ticket_changelist"))

    assert [ticket.desk_id for ticket in page.context["cl"].result_list] == [helpdesk.it.pk]
    assert f"desk__id__exact={helpdesk.hr.pk}" not in page.content.decode()
