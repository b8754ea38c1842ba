"""A desk admin manages people in the admin; site admins and site settings stay out of reach."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from deskline.accounts.actors import SLA, system_actor
from deskline.accounts.models import Organization, Role, SiteSettings, Team, User
from deskline.testing.admin_forms import form_data, signed_in
from deskline.testing.factories import make_user
from deskline.testing.scenario import Helpdesk, build_helpdesk

pytestmark = pytest.mark.django_db


@pytest.fixture
def helpdesk(db: None) -> Helpdesk:
    return build_helpdesk()


@pytest.fixture
def desk_admin(helpdesk: Helpdesk) -> User:
    return make_user(role=Role.DESK_ADMIN, email="dana@deskline.example", display_name="Dana")


def person(user: User) -> dict[str, Any]:
    """What the admin can change about a person, to show that a refusal changed nothing."""
    fresh = User.objects.get(pk=user.pk)
    return {
        "email": fresh.email,
        "display_name": fresh.display_name,
        "role": fresh.role,
        "is_active": fresh.is_active,
        "is_superuser": fresh.is_superuser,
        "password": fresh.password,
        "teams": sorted(fresh.teams.values_list("name", flat=True)),
    }


def test_a_desk_admin_opens_every_people_screen(desk_admin: User, helpdesk: Helpdesk):
    client = signed_in(desk_admin)
    pages = [
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_user_change", args=[helpdesk.li.pk]),
        reverse("admin:auth_user_password_change", args=[helpdesk.alice.pk]),
        reverse("admin:accounts_team_changelist"),
        reverse("admin:accounts_team_add"),
        reverse("admin:accounts_team_change", args=[helpdesk.frontline.pk]),
        reverse("admin:accounts_organization_changelist"),
        reverse("admin:accounts_organization_add"),
        reverse("admin:accounts_organization_change", args=[helpdesk.acme.pk]),
    ]

    for page in pages:
        assert client.get(page).status_code == 200, page

    people = client.get(reverse("admin:accounts_user_changelist"), {"role": "agent"})
    assert [user.display_name for user in people.context["cl"].result_list] == ["Hana", "Li"]


def test_a_desk_admin_creates_an_agent_in_a_team(desk_admin: User, helpdesk: Helpdesk):
    client = signed_in(desk_admin)
    url = reverse("admin:accounts_user_add")
    page = client.get(url)
    data = form_data(page)
    teams = page.context["inline_admin_formsets"][0].formset.prefix
    data.update(
        {
            "email": "  Mei@Deskline.example ",
            "display_name": "Mei",
            "role": Role.AGENT,
            "organization": str(helpdesk.acme.pk),
            "locale": "zh-hans",
            "time_zone": "Asia/Shanghai",
            "usable_password": "false",
            f"{teams}-TOTAL_FORMS": "1",
            f"{teams}-0-team": str(helpdesk.people.pk),
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    mei = User.objects.get(email="mei@deskline.example")
    assert (mei.role, mei.organization, mei.locale, mei.time_zone) == (
        Role.AGENT,
        helpdesk.acme,
        "zh-hans",
        "Asia/Shanghai",
    )
    assert list(mei.teams.all()) == [helpdesk.people]
    assert not mei.has_usable_password()


def test_a_desk_admin_changes_a_customer_into_an_agent(desk_admin: User, helpdesk: Helpdesk):
    client = signed_in(desk_admin)
    url = reverse("admin:accounts_user_change", args=[helpdesk.carol.pk])
    data = form_data(client.get(url))
    data.update(role=Role.AGENT, time_zone="Europe/Berlin")

    response = client.post(url, data)

    assert response.status_code == 302
    carol = User.objects.get(pk=helpdesk.carol.pk)
    assert (carol.role, carol.time_zone) == (Role.AGENT, "Europe/Berlin")


def test_a_desk_admin_cannot_make_a_site_admin(desk_admin: User, helpdesk: Helpdesk):
    client = signed_in(desk_admin)
    url = reverse("admin:accounts_user_change", args=[helpdesk.li.pk])
    page = client.get(url)
    data = form_data(page)
    data.update(role=Role.SITE_ADMIN, is_superuser="on")
    before = person(helpdesk.li)

    response = client.post(url, data)

    offered = [value for value, _label in page.context["adminform"].form.fields["role"].choices]
    assert offered == [Role.CUSTOMER, Role.AGENT, Role.DESK_ADMIN]
    assert "is_superuser" not in page.context["adminform"].form.fields
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert person(helpdesk.li) == before


def test_nobody_sees_edits_or_makes_system_actors_in_the_admin(helpdesk: Helpdesk):
    clock = system_actor(SLA)
    client = signed_in(helpdesk.admin)
    listing = client.get(reverse("admin:accounts_user_changelist"))
    page = client.get(reverse("admin:accounts_user_change", args=[helpdesk.li.pk]))
    data = form_data(page)
    data.update(role=Role.SYSTEM)
    before = person(helpdesk.li)

    response = client.post(reverse("admin:accounts_user_change", args=[helpdesk.li.pk]), data)

    assert clock.email not in listing.content.decode()
    assert client.get(reverse("admin:accounts_user_change", args=[clock.pk])).status_code == 302
    offered = [value for value, _label in page.context["adminform"].form.fields["role"].choices]
    assert Role.SYSTEM not in offered and Role.SITE_ADMIN in offered
    assert "role" in response.context["adminform"].form.errors
    assert person(helpdesk.li) == before


def test_a_desk_admin_cannot_create_a_site_admin(desk_admin: User, helpdesk: Helpdesk):
    client = signed_in(desk_admin)
    url = reverse("admin:accounts_user_add")
    data = form_data(client.get(url))
    data.update(
        email="eve@deskline.example",
        display_name="Eve",
        role=Role.SITE_ADMIN,
        time_zone="UTC",
        usable_password="false",
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert not User.objects.filter(email="eve@deskline.example").exists()


def test_a_desk_admin_cannot_edit_a_site_admin(desk_admin: User, helpdesk: Helpdesk):
    client = signed_in(desk_admin)
    url = reverse("admin:accounts_user_change", args=[helpdesk.admin.pk])
    before = person(helpdesk.admin)

    page = client.get(url)
    response = client.post(
        url,
        {
            "email": "admin@deskline.example",
            "display_name": "Demoted",
            "role": Role.CUSTOMER,
            "locale": "en",
            "time_zone": "UTC",
        },
    )
    password = client.post(
        reverse("admin:auth_user_password_change", args=[helpdesk.admin.pk]),
        {"password1": "a new long password", "password2": "a new long password"},
    )
    delete = client.post(
        reverse("admin:accounts_user_delete", args=[helpdesk.admin.pk]), {"post": "yes"}
    )

    assert page.status_code == 200  # shown read-only
    assert page.context["has_change_permission"] is False
    assert (response.status_code, password.status_code, delete.status_code) == (403, 403, 403)
    assert person(helpdesk.admin) == before


def test_a_site_admin_can_make_a_site_admin(helpdesk: Helpdesk):
    client = signed_in(helpdesk.admin)
    url = reverse("admin:accounts_user_change", args=[helpdesk.li.pk])
    data = form_data(client.get(url))
    data.update(role=Role.SITE_ADMIN)

    response = client.post(url, data)

    assert response.status_code == 302
    assert User.objects.get(pk=helpdesk.li.pk).role == Role.SITE_ADMIN


def test_a_desk_admin_sets_a_teams_members(desk_admin: User, helpdesk: Helpdesk):
    client = signed_in(desk_admin)
    url = reverse("admin:accounts_team_change", args=[helpdesk.frontline.pk])
    page = client.get(url)

    response = client.post(
        url,
        {
            "name": "Frontline",
            "description": "First line",
            "members": [str(helpdesk.li.pk), str(helpdesk.hana.pk)],
        },
    )

    offered = set(page.context["adminform"].form.fields["members"].queryset)
    assert offered == {helpdesk.li, helpdesk.hana, helpdesk.admin, desk_admin}
    assert response.status_code == 302
    assert set(Team.objects.get(pk=helpdesk.frontline.pk).members.all()) == {
        helpdesk.li,
        helpdesk.hana,
    }


def test_a_customer_cannot_join_a_team(desk_admin: User, helpdesk: Helpdesk):
    client = signed_in(desk_admin)
    url = reverse("admin:accounts_team_change", args=[helpdesk.frontline.pk])

    response = client.post(url, {"name": "Frontline", "members": [str(helpdesk.alice.pk)]})

    assert response.status_code == 200
    assert "members" in response.context["adminform"].form.errors
    assert list(Team.objects.get(pk=helpdesk.frontline.pk).members.all()) == [helpdesk.li]


def test_a_customer_cannot_join_a_team_from_their_own_page(desk_admin: User, helpdesk: Helpdesk):
    client = signed_in(desk_admin)
    url = reverse("admin:accounts_user_add")
    page = client.get(url)
    data = form_data(page)
    teams = page.context["inline_admin_formsets"][0].formset.prefix
    data.update(
        {
            "email": "mei@deskline.example",
            "display_name": "Mei",
            "role": Role.CUSTOMER,
            "time_zone": "UTC",
            "usable_password": "false",
            f"{teams}-TOTAL_FORMS": "1",
            f"{teams}-0-team": str(helpdesk.people.pk),
        }
    )

    response = client.post(url, data)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "Customers are not members of teams" in str(formset.non_form_errors())
    assert not User.objects.filter(email="mei@deskline.example").exists()
    assert list(helpdesk.people.members.all()) == [helpdesk.hana]


def test_an_agent_made_a_customer_leaves_their_teams_first(desk_admin: User, helpdesk: Helpdesk):
    client = signed_in(desk_admin)
    url = reverse("admin:accounts_user_change", args=[helpdesk.li.pk])
    data = form_data(client.get(url))
    data["role"] = Role.CUSTOMER
    before = person(helpdesk.li)

    refused = client.post(url, data)
    after_refusal = person(helpdesk.li)
    membership = next(name for name in data if name.endswith("-team"))
    data[membership.removesuffix("-team") + "-DELETE"] = "on"
    accepted = client.post(url, data)

    assert refused.status_code == 200
    assert before["teams"] == ["Frontline"]
    assert after_refusal == before
    assert accepted.status_code == 302
    li = User.objects.get(pk=helpdesk.li.pk)
    assert (li.role, list(li.teams.all())) == (Role.CUSTOMER, [])


def test_an_organization_needs_a_known_time_zone(desk_admin: User, helpdesk: Helpdesk):
    client = signed_in(desk_admin)

    wrong = client.post(
        reverse("admin:accounts_organization_add"), {"name": "Globex", "time_zone": "Mars/Base"}
    )
    right = client.post(
        reverse("admin:accounts_organization_add"),
        {"name": "Globex", "time_zone": "Asia/Shanghai"},
    )

    assert wrong.status_code == 200
    assert "time_zone" in wrong.context["adminform"].form.errors
    assert right.status_code == 302
    assert Organization.objects.get(name="Globex").time_zone == "Asia/Shanghai"


def test_only_a_site_admin_sees_site_settings(desk_admin: User, helpdesk: Helpdesk):
    client = signed_in(desk_admin)
    settings = SiteSettings.current()
    change = reverse("admin:accounts_sitesettings_change", args=[settings.pk])

    index = client.get(reverse("admin:index"))
    listed = {model["object_name"] for app in index.context["app_list"] for model in app["models"]}
    assert "SiteSettings" not in listed
    assert "ApiToken" not in listed
    assert {"User", "Team", "Organization", "Desk", "RequestType", "ShortLink"} <= listed
    assert client.get(reverse("admin:accounts_sitesettings_changelist")).status_code == 403
    assert client.get(change).status_code == 403
    assert client.post(change, {"allow_self_signup": "on"}).status_code == 403
    assert SiteSettings.current().allow_self_signup is False

    site_admin = signed_in(helpdesk.admin)
    assert site_admin.get(reverse("admin:accounts_sitesettings_changelist"))["Location"] == change
    response = site_admin.post(
        change, {"allow_self_signup": "on", "help_center_title": "Acme help"}
    )
    assert response.status_code == 302
    assert SiteSettings.current().allow_self_signup is True


@pytest.mark.parametrize("who", ["alice", "li"])
def test_customers_and_agents_get_no_admin(helpdesk: Helpdesk, who: str):
    user: User = getattr(helpdesk, who)
    client = signed_in(user)
    before = person(helpdesk.carol)

    pages = [
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[helpdesk.carol.pk]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("admin:login"))
    response = client.post(
        reverse("admin:accounts_user_change", args=[helpdesk.carol.pk]),
        {"email": "carol@example.com", "display_name": "Carol", "role": Role.SITE_ADMIN},
    )
    assert response.status_code == 302
    assert person(helpdesk.carol) == before
