"""Setting up desks and request types, and reading them back for the people who may use them."""

import pytest

from deskline.accounts.models import Role
from deskline.core.errors import NotFound, ValidationFailed
from deskline.desks.actions import DEFAULT_WORKFLOW, desk_create, request_type_create
from deskline.desks.models import Desk, RequestField, RequestType, Status
from deskline.desks.selectors import (
    desk_for_user,
    desks_for_user,
    request_types_for_desk,
    served_desk_ids,
    statuses_for_desk,
)
from deskline.testing.factories import make_team, make_user
from deskline.testing.scenario import Helpdesk

pytestmark = pytest.mark.django_db


def test_a_new_desk_gets_the_default_workflow():
    desk = desk_create(key="fac", name="Facilities")

    assert desk.key == "FAC"
    statuses = list(statuses_for_desk(desk))
    assert [(s.key, s.category, s.is_initial) for s in statuses] == [
        ("open", "new", True),
        ("in_progress", "in_progress", False),
        ("waiting_for_customer", "waiting", False),
        ("resolved", "done", False),
        ("closed", "done", False),
    ]
    transitions = {s.key: sorted(s.next_statuses.values_list("key", flat=True)) for s in statuses}
    assert transitions == {key: sorted(nexts) for key, *_rest, nexts in DEFAULT_WORKFLOW}
    assert statuses[0].translated("name", "zh-hans") == "待处理"
    assert statuses[0].translated("name", "en") == "Open"


@pytest.mark.parametrize("key", ["", "A", "1T", "IT-1", "TOOLONGKEY1", "I T", "ÄB"])
def test_a_desk_key_must_be_2_to_10_capitals_or_digits(key):
    with pytest.raises(ValidationFailed) as refused:
        desk_create(key=key, name="Bad")

    assert refused.value.code == "invalid_desk_key"
    assert list(refused.value.fields) == ["key"]
    assert Desk.objects.count() == 0
    assert Status.objects.count() == 0


def test_a_desk_key_is_taken_only_once():
    desk_create(key="IT", name="IT")

    with pytest.raises(ValidationFailed) as refused:
        desk_create(key="it", name="Another IT")

    assert refused.value.code == "desk_key_taken"
    assert Desk.objects.count() == 1
    assert Status.objects.count() == len(DEFAULT_WORKFLOW)


def test_a_request_type_gets_its_form_fields_in_order(helpdesk: Helpdesk):
    request_type = request_type_create(
        desk=helpdesk.hr,
        name="Leave",
        kind="service_request",
        fields=[
            {"key": "start", "label": "Start", "field_type": "date", "is_required": True},
            {"key": "days", "label": "Days", "field_type": "number"},
        ],
    )

    assert [(f.key, f.position, f.is_required) for f in request_type.fields.all()] == [
        ("start", 0, True),
        ("days", 1, False),
    ]
    assert request_type.position == 1  # after Onboarding


def test_a_request_type_with_an_unknown_kind_or_field_type_is_not_created(helpdesk: Helpdesk):
    before = (RequestType.objects.count(), RequestField.objects.count())

    with pytest.raises(ValidationFailed) as wrong_kind:
        request_type_create(desk=helpdesk.hr, name="Leave", kind="wish")
    with pytest.raises(ValidationFailed) as wrong_field:
        request_type_create(
            desk=helpdesk.hr,
            name="Leave",
            fields=[
                {"key": "start", "label": "Start", "field_type": "date"},
                {"key": "mood", "label": "Mood", "field_type": "emoji"},
            ],
        )

    assert (wrong_kind.value.code, wrong_field.value.code) == ("invalid_kind", "invalid_field_type")
    assert (RequestType.objects.count(), RequestField.objects.count()) == before


def test_everyone_may_use_active_desks_and_agents_also_the_inactive_ones_they_serve(
    helpdesk: Helpdesk,
):
    helpdesk.hr.is_active = False
    helpdesk.hr.save()

    assert sorted(d.key for d in desks_for_user(helpdesk.carol)) == ["IT"]
    assert sorted(d.key for d in desks_for_user(helpdesk.li)) == ["IT"]
    assert sorted(d.key for d in desks_for_user(helpdesk.hana)) == ["HR", "IT"]
    assert sorted(d.key for d in desks_for_user(helpdesk.admin)) == ["HR", "IT"]
    with pytest.raises(NotFound) as refused:
        desk_for_user(helpdesk.carol, "hr")
    assert refused.value.code == "unknown_desk"
    assert desk_for_user(helpdesk.hana, "hr") == helpdesk.hr


def test_an_agent_serves_the_desks_of_every_team_they_are_in(helpdesk: Helpdesk):
    both = make_user(role=Role.AGENT, teams=[helpdesk.frontline, helpdesk.people])
    nowhere = make_user(role=Role.AGENT, teams=[make_team("Bench")])

    assert served_desk_ids(both) == {helpdesk.it.pk, helpdesk.hr.pk}
    assert served_desk_ids(nowhere) == frozenset()
    assert served_desk_ids(helpdesk.admin) == {helpdesk.it.pk, helpdesk.hr.pk}


def test_a_customer_in_a_team_serves_no_desk(helpdesk: Helpdesk):
    helpdesk.frontline.members.add(helpdesk.carol)

    assert served_desk_ids(helpdesk.carol) == frozenset()


def test_request_types_for_a_desk_leave_out_retired_ones(helpdesk: Helpdesk):
    helpdesk.laptop.is_active = False
    helpdesk.laptop.save()

    assert list(request_types_for_desk(helpdesk.it)) == [helpdesk.password_reset]


def test_names_are_translated_when_a_translation_exists(helpdesk: Helpdesk):
    helpdesk.it.translations = {"zh-hans": {"name": "IT 服务台"}}

    assert helpdesk.it.translated("name", "zh-hans") == "IT 服务台"
    assert helpdesk.it.translated("name", "zh-Hans") == "IT 服务台"
    assert helpdesk.it.translated("name", "en") == "IT help"
    assert helpdesk.it.translated("description", "zh-hans") == "Laptops, accounts, printers"
