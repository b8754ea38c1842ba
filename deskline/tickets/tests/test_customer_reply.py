"""A customer's reply: a ticket waiting for them goes back to work, and the agents hear of it."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from deskline.accounts.models import Role
from deskline.core.errors import PermissionDenied, ValidationFailed
from deskline.desks.models import Status
from deskline.sla.models import Cycle
from deskline.testing.concurrency import run_together
from deskline.testing.factories import make_team, make_ticket, make_user
from deskline.testing.faults import event_writes_failing
from deskline.testing.scenario import Helpdesk, build_helpdesk, row_counts, ticket_state
from deskline.testing.sla import make_calendar, make_resolution_metric
from deskline.tickets.actions import ticket_comment, ticket_move, ticket_transition, ticket_update
from deskline.tickets.models import Comment, Notification, Ticket, TicketEvent

pytestmark = pytest.mark.django_db
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def shanghai(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """An instant of March 2026 in Shanghai; 9 March is a Monday."""
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


def waiting_ticket(helpdesk: Helpdesk, **extra) -> Ticket:
    """Alice's IT request, assigned to Li, who asked her something and waits for her."""
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset, **extra
    )
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li})
    ticket_comment(actor=helpdesk.li, ticket=ticket, body="Which laptop is it?")
    return ticket_transition(actor=helpdesk.li, ticket=ticket, status="waiting_for_customer")


def replies(ticket: Ticket) -> list[Notification]:
    return list(Notification.objects.filter(ticket=ticket, kind="customer_replied").order_by("id"))


def test_the_customers_reply_moves_a_waiting_ticket_back_to_work(helpdesk: Helpdesk):
    ticket = waiting_ticket(helpdesk)
    version = Ticket.objects.get(pk=ticket.pk).version

    comment = ticket_comment(actor=helpdesk.alice, ticket=ticket, body="The **ThinkPad**")

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status.key, fresh.status_category) == ("in_progress", "in_progress")
    assert fresh.version > version
    # The caller's ticket shows where it is now.
    assert (ticket.status.key, ticket.status_category) == ("in_progress", "in_progress")
    # The reply, then the transition it caused, both by the customer.
    commented, transitioned = TicketEvent.objects.filter(ticket=ticket).order_by("-id")[:2][::-1]
    assert (commented.kind, commented.actor, (commented.new_value or {})["id"]) == (
        "commented",
        helpdesk.alice,
        comment.pk,
    )
    assert (transitioned.kind, transitioned.actor, transitioned.field) == (
        "transitioned",
        helpdesk.alice,
        "status",
    )
    assert (transitioned.old_value, transitioned.new_value) == (
        "waiting_for_customer",
        "in_progress",
    )
    assert transitioned.created_at == commented.created_at


def test_a_participants_reply_moves_it_back_too(helpdesk: Helpdesk):
    ticket = waiting_ticket(helpdesk, is_shared_with_organization=True)

    ticket_comment(actor=helpdesk.bob, ticket=ticket, body="Alice is away; it is the ThinkPad")

    assert Ticket.objects.get(pk=ticket.pk).status.key == "in_progress"
    last = TicketEvent.objects.filter(kind="transitioned").order_by("id").last()
    assert last is not None and last.actor == helpdesk.bob


def test_an_agent_of_another_desk_replying_on_their_own_request_is_the_customer(
    helpdesk: Helpdesk,
):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.hana, request_type=helpdesk.password_reset
    )
    ticket_transition(actor=helpdesk.li, ticket=ticket, status="waiting_for_customer")

    ticket_comment(actor=helpdesk.hana, ticket=ticket, body="Here you are")

    assert Ticket.objects.get(pk=ticket.pk).status.key == "in_progress"


def test_the_paused_sla_clock_runs_again(helpdesk: Helpdesk):
    make_resolution_metric(helpdesk.it, make_calendar())
    with time_machine.travel(shanghai(9, 9), tick=False):
        ticket = waiting_ticket(helpdesk)  # Monday 09:00, waiting at once
    (cycle,) = Cycle.objects.filter(ticket=ticket)
    assert cycle.is_paused
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at.year == 9000  # no deadline while waiting

    with time_machine.travel(shanghai(9, 11), tick=False):
        ticket_comment(actor=helpdesk.alice, ticket=ticket, body="The ThinkPad")

    cycle.refresh_from_db()
    assert not cycle.is_paused
    # 16 business hours from 11:00 on Monday (nothing counted while waiting): 7 h on Monday,
    # 9 h on Tuesday.
    assert cycle.breach_at == shanghai(10, 18)
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == shanghai(10, 18)


def test_the_desk_may_move_it_to_a_status_of_its_choice(helpdesk: Helpdesk):
    helpdesk.it.customer_reply_status = Status.objects.get(desk=helpdesk.it, key="open")
    helpdesk.it.save()
    ticket = waiting_ticket(helpdesk)

    ticket_comment(actor=helpdesk.alice, ticket=ticket, body="The ThinkPad")

    assert Ticket.objects.get(pk=ticket.pk).status.key == "open"


def test_a_desk_that_does_not_reopen_leaves_it_waiting_but_still_tells_the_agent(
    helpdesk: Helpdesk,
):
    helpdesk.it.reopen_on_customer_reply = False
    helpdesk.it.save()
    ticket = waiting_ticket(helpdesk)

    ticket_comment(actor=helpdesk.alice, ticket=ticket, body="The ThinkPad")

    assert Ticket.objects.get(pk=ticket.pk).status.key == "waiting_for_customer"
    (notification,) = replies(ticket)
    assert (notification.data["status_from"], notification.data["status_to"]) == (None, None)


def test_an_agents_reply_leaves_it_waiting_and_tells_nobody(helpdesk: Helpdesk):
    ticket = waiting_ticket(helpdesk)
    state = ticket_state(ticket)["status"]

    ticket_comment(actor=helpdesk.li, ticket=ticket, body="Any news?")
    ticket_comment(actor=helpdesk.admin, ticket=ticket, body="Chasing too")
    ticket_comment(actor=helpdesk.li, ticket=ticket, body="Note", is_public=False)

    assert ticket_state(ticket)["status"] == state
    # No agent is told (the customer hears of the public replies: kind "agent_replied").
    assert Notification.objects.filter(kind="customer_replied").count() == 0


def test_the_assignee_is_told_who_replied_and_what(helpdesk: Helpdesk):
    ticket = waiting_ticket(helpdesk)
    at = shanghai(9, 11)

    with time_machine.travel(at, tick=False):
        comment = ticket_comment(
            actor=helpdesk.alice, ticket=ticket, body="It is the\n\nThinkPad " + "x" * 300
        )

    (notification,) = replies(ticket)
    in_progress = Status.objects.get(desk=helpdesk.it, key="in_progress")
    assert (notification.recipient, notification.created_at, notification.read_at) == (
        helpdesk.li,
        at,
        None,
    )
    assert notification.data == {
        "comment_id": comment.pk,
        "author": "Alice",
        "author_email": "alice@acme.example",
        "excerpt": ("It is the ThinkPad " + "x" * 300)[:199] + "…",
        "status_from": "waiting_for_customer",
        "status_to": "in_progress",
        "status_id": in_progress.pk,
    }


def test_every_reply_on_an_open_ticket_is_told_not_only_on_a_waiting_one(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li})

    ticket_comment(actor=helpdesk.alice, ticket=ticket, body="Also my phone")
    ticket_transition(actor=helpdesk.li, ticket=ticket, status="in_progress")
    ticket_comment(actor=helpdesk.alice, ticket=ticket, body="And my tablet")

    assert [n.data["excerpt"] for n in replies(ticket)] == ["Also my phone", "And my tablet"]
    assert all(n.data["status_to"] is None for n in replies(ticket))
    assert Ticket.objects.get(pk=ticket.pk).status.key == "in_progress"


def test_a_reply_on_a_resolved_ticket_is_not_told(helpdesk: Helpdesk):
    ticket = waiting_ticket(helpdesk)
    ticket_transition(actor=helpdesk.li, ticket=ticket, status="resolved")

    ticket_comment(actor=helpdesk.alice, ticket=ticket, body="Thanks!")

    assert Ticket.objects.get(pk=ticket.pk).status.key == "resolved"
    assert replies(ticket) == []


def test_without_an_assignee_the_team_is_told_and_without_a_team_the_desks_teams(
    helpdesk: Helpdesk,
):
    second = make_user(role=Role.AGENT, display_name="Second", teams=[helpdesk.frontline])
    night = make_team("Night shift")
    helpdesk.it.teams.add(night)
    owl = make_user(role=Role.AGENT, display_name="Owl", teams=[night])
    in_team = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    ticket_update(actor=helpdesk.li, ticket=in_team, changes={"team": "Frontline"})
    no_team = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )

    ticket_comment(actor=helpdesk.alice, ticket=in_team, body="Hello?")
    ticket_comment(actor=helpdesk.alice, ticket=no_team, body="Anyone?")

    assert {n.recipient for n in replies(in_team)} == {helpdesk.li, second}
    assert {n.recipient for n in replies(no_team)} == {helpdesk.li, second, owl}


def test_a_deactivated_assignee_is_passed_over_for_the_team(helpdesk: Helpdesk):
    ticket = waiting_ticket(helpdesk)
    ticket_update(actor=helpdesk.admin, ticket=ticket, changes={"team": "Frontline"})
    second = make_user(role=Role.AGENT, display_name="Second", teams=[helpdesk.frontline])
    helpdesk.li.is_active = False
    helpdesk.li.save()

    ticket_comment(actor=helpdesk.alice, ticket=ticket, body="The ThinkPad")

    assert [n.recipient for n in replies(ticket)] == [second]


def test_a_refused_reply_moves_nothing_and_tells_nobody(helpdesk: Helpdesk):
    ticket = waiting_ticket(helpdesk)
    before, state = row_counts(), ticket_state(ticket)

    with pytest.raises(ValidationFailed):
        ticket_comment(actor=helpdesk.alice, ticket=ticket, body="   ")
    with pytest.raises(PermissionDenied):
        ticket_comment(actor=helpdesk.alice, ticket=ticket, body="Psst", is_public=False)

    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_a_reply_that_cannot_be_written_moves_nothing_and_tells_nobody(helpdesk: Helpdesk):
    ticket = waiting_ticket(helpdesk)
    before, state = row_counts(), ticket_state(ticket)

    with event_writes_failing(), pytest.raises(Exception, match="disk full"):
        ticket_comment(actor=helpdesk.alice, ticket=ticket, body="The ThinkPad")

    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_customers_still_cannot_move_a_ticket_to_work_themselves(helpdesk: Helpdesk):
    ticket = waiting_ticket(helpdesk)
    before, state = row_counts(), ticket_state(ticket)

    with pytest.raises(PermissionDenied) as refused:
        ticket_transition(actor=helpdesk.alice, ticket=ticket, status="in_progress")

    assert refused.value.code == "transition_not_allowed_for_customer"
    assert row_counts() == before
    assert ticket_state(ticket) == state


# --- Concurrency --------------------------------------------------------------------------

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_replies_at_the_same_moment_all_land_and_move_it_back_once():
    helpdesk = build_helpdesk()
    mover = make_user(role=Role.AGENT, teams=[helpdesk.frontline, helpdesk.people])
    ticket = waiting_ticket(helpdesk, is_shared_with_organization=True)
    colleagues = [make_user(organization=helpdesk.acme) for _ in range(THREADS - 1)]

    def work(index: int) -> None:
        fresh = Ticket.objects.get(pk=ticket.pk)
        if index == 0:  # and someone moves it to HR meanwhile
            ticket_move(
                actor=mover, ticket=fresh, desk=helpdesk.hr, request_type=helpdesk.onboarding
            )
        else:
            ticket_comment(actor=colleagues[index - 1], ticket=fresh, body=f"Me too {index}")

    _results, errors = run_together(work, THREADS)

    # A reply waiting for the lock still finds the ticket after another reply (or the move)
    # changed its status: the lock reads the row alone, not joined to its old status.
    assert errors == [], [repr(error)[:300] for error in errors]
    assert Comment.objects.filter(ticket=ticket, author__in=colleagues).count() == THREADS - 1
    reopened = TicketEvent.objects.filter(
        ticket=ticket, kind="transitioned", new_value="in_progress"
    )
    assert reopened.count() <= 1
    assert TicketEvent.objects.filter(ticket=ticket, kind="moved").count() == 1
