"""System actors: Deskline acting by itself (the SLA clock, a mailbox, a rule) goes through the
same actions as people, and the audit trail says which one acted."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.test import Client
from django.utils import translation

from deskline.accounts.actions import api_token_create, customer_get_or_create
from deskline.accounts.actors import SLA, actor_name, system_actor
from deskline.accounts.models import Role, User
from deskline.core.errors import ValidationFailed
from deskline.testing.factories import make_ticket
from deskline.tickets.access import can_view, is_agent_of, visible_tickets
from deskline.tickets.actions import ticket_comment, ticket_transition, ticket_update
from deskline.tickets.models import TicketEvent

pytestmark = pytest.mark.django_db


def test_a_system_actor_is_made_once_and_renamed_when_its_name_changes():
    rule = system_actor("rule:12", name="Raise priority on warning")
    again = system_actor("rule:12")
    renamed = system_actor("rule:12", name="Raise  priority on SLA warning")

    assert rule.pk == again.pk == renamed.pk
    assert User.objects.get(pk=rule.pk).display_name == "Raise priority on SLA warning"
    assert (rule.role, rule.system_key, rule.has_usable_password()) == ("system", "rule:12", False)
    assert not (rule.is_agent or rule.is_desk_admin or rule.is_staff)


def test_a_system_actor_key_is_checked():
    for bad in ("", "Rule:1", "rule:", "rule 1", "x" * 30):
        with pytest.raises(ValueError):
            system_actor(bad)


def test_built_in_actors_are_named_in_the_readers_language():
    clock = system_actor(SLA)
    with translation.override("zh-hans"):
        assert actor_name(clock) == "服务级别"
    assert actor_name(clock) == "Service levels"
    assert actor_name(system_actor("mailbox:3", name="it@corp.example")) == "it@corp.example"


def test_a_system_actor_changes_tickets_of_any_desk_and_the_trail_names_it(helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    other_desk = make_ticket(desk=helpdesk.hr, reporter=helpdesk.alice)
    rule = system_actor("rule:7", name="Escalate printers")

    ticket_update(actor=rule, ticket=ticket, changes={"priority": "high"})
    ticket_transition(actor=rule, ticket=ticket, status="in_progress")
    ticket_comment(actor=rule, ticket=ticket, body="Routed to the printer team.", is_public=False)

    assert is_agent_of(rule, other_desk) and can_view(rule, other_desk)
    events = TicketEvent.objects.filter(ticket=ticket).exclude(kind="created")
    assert [(e.kind, e.actor_id) for e in events] == [
        ("changed", rule.pk),
        ("transitioned", rule.pk),
        ("commented", rule.pk),
    ]
    ticket.refresh_from_db()
    assert not ticket.participants.exists()  # acting made nobody a participant


def test_nobody_can_sign_in_as_a_system_actor_nor_get_a_token_or_a_reset(helpdesk):
    clock = system_actor(SLA)

    assert authenticate(username=clock.email, password="") is None
    assert authenticate(username=clock.email, password="!deskline-system-actor") is None
    response = Client().post("/accounts/login/", {"username": clock.email, "password": "anything"})
    assert response.status_code == 200 and "_auth_user_id" not in Client().session
    Client().post("/accounts/password-reset/", {"email": clock.email})
    assert mail.outbox == []
    with pytest.raises(ValidationFailed) as refused:
        api_token_create(user=clock)
    assert refused.value.code == "system_actor_token"
    assert not clock.api_tokens.exists()


def test_no_request_is_raised_for_a_system_actor(helpdesk):
    clock = system_actor(SLA)
    with pytest.raises(ValidationFailed) as refused:
        customer_get_or_create(email=clock.email)
    assert refused.value.code == "invalid_email"
    assert list(visible_tickets(clock)) == []  # it acts on tickets, it lists none
    assert User.objects.filter(role=Role.SYSTEM).count() == 1
