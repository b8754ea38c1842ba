"""access_ticket and visible_tickets: the one door to a ticket, and who it opens for."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from deskline.core.errors import NotFound, PermissionDenied
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk
from deskline.tickets.access import access_ticket, is_agent_of, parse_ticket_key, visible_tickets
from deskline.tickets.models import Ticket
from deskline.tickets.sharing import ticket_participant_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(helpdesk: Helpdesk) -> dict[str, Ticket]:
    """Alice's private IT request, Bob's shared IT request, Carol's HR request."""
    return {
        "alice": make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        ),
        "bob_shared": make_ticket(
            desk=helpdesk.it,
            reporter=helpdesk.bob,
            request_type=helpdesk.password_reset,
            is_shared_with_organization=True,
        ),
        "carol_hr": make_ticket(
            desk=helpdesk.hr, reporter=helpdesk.carol, request_type=helpdesk.onboarding
        ),
    }


def _visible(user) -> list[str]:
    return sorted(visible_tickets(user).values_list("key", flat=True))


def test_who_sees_which_ticket(helpdesk: Helpdesk, tickets):
    assert _visible(helpdesk.alice) == ["IT-1", "IT-2"]
    assert _visible(helpdesk.bob) == ["IT-2"]
    assert _visible(helpdesk.carol) == ["HR-1"]
    assert _visible(helpdesk.li) == ["IT-1", "IT-2"]
    assert _visible(helpdesk.hana) == ["HR-1"]
    assert _visible(helpdesk.admin) == ["HR-1", "IT-1", "IT-2"]
    assert _visible(AnonymousUser()) == []


def test_an_agent_also_sees_their_own_requests_to_other_desks(helpdesk: Helpdesk, tickets):
    own = make_ticket(desk=helpdesk.hr, reporter=helpdesk.li, request_type=helpdesk.onboarding)

    assert _visible(helpdesk.li) == ["HR-2", "IT-1", "IT-2"]
    assert access_ticket(helpdesk.li, own.key) == own
    assert is_agent_of(helpdesk.li, own) is False


def test_visible_tickets_of_one_desk_are_the_visible_tickets_on_that_desk(
    helpdesk: Helpdesk, tickets
):
    make_ticket(desk=helpdesk.hr, reporter=helpdesk.li, request_type=helpdesk.onboarding)
    ticket_participant_add(actor=helpdesk.carol, ticket=tickets["carol_hr"], person=helpdesk.alice)
    people = [helpdesk.alice, helpdesk.bob, helpdesk.carol, helpdesk.li, helpdesk.hana]

    everyone: list[Any] = [*people, helpdesk.admin, AnonymousUser()]
    for person in everyone:
        for desk in (helpdesk.it, helpdesk.hr):
            everywhere = visible_tickets(person).filter(desk_id=desk.pk)
            on_desk = visible_tickets(person, desk_id=desk.pk)
            assert sorted(on_desk.values_list("key", flat=True)) == sorted(
                everywhere.values_list("key", flat=True)
            ), (person, desk.key)
    # An agent's own request to a desk they do not serve, and a request one takes part in.
    assert list(visible_tickets(helpdesk.li, desk_id=helpdesk.hr.pk).values_list("key")) == [
        ("HR-2",)
    ]
    assert list(visible_tickets(helpdesk.alice, desk_id=helpdesk.hr.pk).values_list("key")) == [
        ("HR-1",)
    ]


def test_access_ticket_agrees_with_visible_tickets(helpdesk: Helpdesk, tickets):
    ticket_participant_add(actor=helpdesk.alice, ticket=tickets["alice"], person=helpdesk.carol)
    people = [helpdesk.alice, helpdesk.bob, helpdesk.carol, helpdesk.li, helpdesk.hana]

    for person in [*people, helpdesk.admin]:
        visible = set(visible_tickets(person).values_list("key", flat=True))
        for key in ("IT-1", "IT-2", "HR-1"):
            if key in visible:
                assert access_ticket(person, key).key == key
            else:
                with pytest.raises(NotFound):
                    access_ticket(person, key)


def test_a_colleague_loses_sight_when_a_request_is_no_longer_shared(helpdesk: Helpdesk, tickets):
    assert access_ticket(helpdesk.alice, "IT-2").key == "IT-2"

    Ticket.objects.filter(key="IT-2").update(is_shared_with_organization=False)

    with pytest.raises(NotFound):
        access_ticket(helpdesk.alice, "IT-2")


def test_a_deactivated_person_sees_nothing(helpdesk: Helpdesk, tickets):
    helpdesk.alice.is_active = False

    assert _visible(helpdesk.alice) == []
    with pytest.raises(NotFound):
        access_ticket(helpdesk.alice, "IT-1")


def test_a_hidden_ticket_is_refused_exactly_like_a_missing_one(helpdesk: Helpdesk, tickets):
    with pytest.raises(NotFound) as hidden:
        access_ticket(helpdesk.carol, "IT-1")
    with pytest.raises(NotFound) as missing:
        access_ticket(helpdesk.carol, "IT-99")

    assert hidden.value.as_dict() == missing.value.as_dict()
    assert hidden.value.code == "ticket_not_found"


def test_a_customer_cannot_write_to_a_request_of_an_inactive_desk(helpdesk: Helpdesk, tickets):
    helpdesk.it.is_active = False
    helpdesk.it.save()

    assert access_ticket(helpdesk.alice, "IT-1").key == "IT-1"
    with pytest.raises(PermissionDenied) as refused:
        access_ticket(helpdesk.alice, "IT-1", write=True)
    assert refused.value.code == "desk_inactive"
    assert access_ticket(helpdesk.li, "IT-1", write=True).key == "IT-1"


@pytest.mark.parametrize(
    ("key", "normalized"),
    [("IT-1", "IT-1"), ("it-42", "IT-42"), (" hr-7 ", "HR-7"), ("Ab12-3", "AB12-3")],
)
def test_a_ticket_key_is_normalized(key, normalized):
    assert parse_ticket_key(key) == normalized


@pytest.mark.parametrize(
    "key",
    ["", "IT", "IT-", "IT-0", "IT-01", "1T-1", "I-1", "ABCDEFGHIJK-1", "IT-12345678901", "IT_1",
     "IT-1-1", "IT--1", "IT-+1", "IT-\u0661", None],
)  # fmt: skip
def test_a_malformed_key_is_not_found(key):
    with pytest.raises(NotFound) as refused:
        parse_ticket_key(key)

    assert refused.value.code == "ticket_not_found"
