"""ticket_move: an IT ticket that is really HR's goes to HR, and its old key still finds it."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable

import pytest
import time_machine
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from deskline.accounts.models import Role, User
from deskline.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from deskline.desks.models import Desk, FieldType, Status
from deskline.sla.models import Cycle
from deskline.testing.concurrency import run_together
from deskline.testing.factories import (
    make_desk,
    make_request_type,
    make_team,
    make_ticket,
    make_user,
)
from deskline.testing.faults import event_writes_failing
from deskline.testing.scenario import Helpdesk, row_counts, ticket_state
from deskline.testing.sla import make_calendar, make_first_response_metric, make_resolution_metric
from deskline.tickets.access import access_ticket
from deskline.tickets.actions import ticket_comment, ticket_move, ticket_transition, ticket_update
from deskline.tickets.models import Notification, Ticket, TicketEvent, TicketKeyAlias
from deskline.tickets.service_levels import sla_rebuild
from deskline.tickets.sla_alerts import sla_alerts_send

pytestmark = pytest.mark.django_db
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def shanghai(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """An instant of March 2026 in Shanghai; 9 March is a Monday."""
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def mover(helpdesk: Helpdesk) -> User:
    """Mei works on both desks (Frontline and People)."""
    return make_user(
        role=Role.AGENT,
        email="mei@deskline.example",
        display_name="Mei",
        teams=[helpdesk.frontline, helpdesk.people],
    )


def laptop_ticket(helpdesk: Helpdesk, **extra) -> Ticket:
    return make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.laptop,
        fields={"location": "Shanghai", "model": "ThinkPad", "quantity": 2},
        **extra,
    )


def aliases() -> list[tuple[str, int]]:
    return list(TicketKeyAlias.objects.order_by("id").values_list("key", "ticket_id"))


def test_an_agent_of_both_desks_moves_a_ticket(helpdesk: Helpdesk, mover):
    make_ticket(desk=helpdesk.hr, reporter=helpdesk.carol, request_type=helpdesk.onboarding)
    helpdesk.onboarding.default_team = helpdesk.people
    helpdesk.onboarding.save()
    ticket = laptop_ticket(helpdesk)
    ticket_update(
        actor=helpdesk.li,
        ticket=ticket,
        changes={"assignee": helpdesk.li, "team": "Frontline", "priority": "high"},
    )
    ticket = ticket_transition(actor=helpdesk.li, ticket=ticket, status="in_progress")
    version = ticket.version
    at = datetime.datetime(2026, 3, 9, 3, 0, tzinfo=datetime.UTC)

    with time_machine.travel(at, tick=False):
        moved = ticket_move(
            actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding
        )

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.desk, fresh.number, fresh.key, moved.key) == (helpdesk.hr, 2, "HR-2", "HR-2")
    assert fresh.request_type == helpdesk.onboarding
    assert (fresh.status, fresh.status_category) == (
        Status.objects.get(desk=helpdesk.hr, key="in_progress"),
        "in_progress",
    )
    # The request type's team; Li does not work on HR, so nobody is assigned.
    assert (fresh.team, fresh.assignee) == (helpdesk.people, None)
    assert (fresh.priority, fresh.reporter, fresh.fields) == ("high", helpdesk.alice, {})
    assert (fresh.version, fresh.updated_at) == (version + 1, at)
    assert Desk.objects.get(pk=helpdesk.hr.pk).last_ticket_number == 2
    assert Desk.objects.get(pk=helpdesk.it.pk).last_ticket_number == 1
    assert aliases() == [("IT-1", ticket.pk)]
    event = TicketEvent.objects.get(ticket=ticket, kind="moved")
    assert (event.actor, event.field, event.created_at, event.is_public) == (
        mover,
        "desk",
        at,
        True,
    )
    assert event.old_value == {
        "desk": "IT",
        "key": "IT-1",
        "request_type": {"id": helpdesk.laptop.pk, "name": "New laptop"},
        "status": "in_progress",
        "team": "Frontline",
        "assignee": "li@deskline.example",
        "fields": {"location": "Shanghai", "model": "ThinkPad", "quantity": 2},
    }
    assert event.new_value == {
        "desk": "HR",
        "key": "HR-2",
        "request_type": {"id": helpdesk.onboarding.pk, "name": "Onboarding"},
        "status": "in_progress",
        "team": "People",
        "assignee": None,
        "fields": {},
        "dropped_fields": {"location": "Shanghai", "model": "ThinkPad", "quantity": 2},
    }


def test_the_assignee_stays_when_they_work_on_the_new_desk(helpdesk: Helpdesk, mover):
    ticket = laptop_ticket(helpdesk)
    ticket_update(actor=mover, ticket=ticket, changes={"assignee": mover})

    ticket_move(actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding)

    assert Ticket.objects.get(pk=ticket.pk).assignee == mover


def test_site_admins_and_system_actors_move_any_ticket(helpdesk: Helpdesk):
    from deskline.accounts.actors import DESKLINE, system_actor

    first, second = laptop_ticket(helpdesk), laptop_ticket(helpdesk)

    ticket_move(
        actor=helpdesk.admin, ticket=first, desk=helpdesk.hr, request_type=helpdesk.onboarding
    )
    ticket_move(
        actor=system_actor(DESKLINE),
        ticket=second,
        desk=helpdesk.hr,
        request_type=helpdesk.onboarding,
    )

    assert list(Ticket.objects.order_by("id").values_list("key", flat=True)) == ["HR-1", "HR-2"]


def test_form_values_are_checked_against_the_new_form(helpdesk: Helpdesk, mover):
    relocation = make_request_type(
        helpdesk.hr,
        name="Relocation",
        fields=[
            {"key": "location", "label": "Where to", "field_type": FieldType.SHORT_TEXT},
            {"key": "model", "label": "Car", "field_type": FieldType.SINGLE_SELECT,
             "options": ["Sedan"]},
            {"key": "date", "label": "Date", "field_type": FieldType.DATE, "is_required": True},
        ],
    )  # fmt: skip
    ticket = laptop_ticket(helpdesk)

    ticket_move(actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=relocation)

    # `location` fits, `model` is not one of the new choices, the form has no `quantity`; the
    # new required `date` stays empty (the move is not the place to ask for it).
    assert Ticket.objects.get(pk=ticket.pk).fields == {"location": "Shanghai"}
    event = TicketEvent.objects.get(kind="moved")
    assert (event.new_value or {})["dropped_fields"] == {"model": "ThinkPad", "quantity": 2}
    assert (event.old_value or {})["fields"] == {
        "location": "Shanghai",
        "model": "ThinkPad",
        "quantity": 2,
    }


def test_a_status_category_the_new_desk_lacks_becomes_its_initial_status(helpdesk: Helpdesk, mover):
    Status.objects.filter(desk=helpdesk.hr, category="waiting").update(category="in_progress")
    helpdesk.hr.save()  # the configuration changed
    ticket = laptop_ticket(helpdesk)
    ticket = ticket_transition(actor=helpdesk.li, ticket=ticket, status="waiting_for_customer")

    ticket_move(actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding)

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status.key, fresh.status_category) == ("open", "new")


def test_a_resolved_ticket_stays_resolved(helpdesk: Helpdesk, mover):
    ticket = laptop_ticket(helpdesk)
    ticket = ticket_transition(actor=helpdesk.li, ticket=ticket, status="resolved")
    resolved_at = ticket.resolved_at

    ticket_move(actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding)

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status.key, fresh.resolved_at) == ("resolved", resolved_at)


def test_the_old_key_still_finds_the_ticket(helpdesk: Helpdesk, mover):
    ticket = laptop_ticket(helpdesk)
    ticket_move(actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding)

    for who in (helpdesk.alice, mover, helpdesk.hana, helpdesk.admin):
        found = access_ticket(who, "it-1")
        assert (found.pk, found.key, found.desk) == (ticket.pk, "HR-1", helpdesk.hr)
    # Li no longer works on it, and Bob never could: the old key is as unknown as any.
    for who in (helpdesk.li, helpdesk.bob):
        with pytest.raises(NotFound) as missing:
            access_ticket(who, "IT-1")
        assert missing.value.code == "ticket_not_found"


def test_the_alias_lookup_asks_one_more_query_only_for_a_key_no_ticket_has(
    helpdesk: Helpdesk, mover
):
    ticket = laptop_ticket(helpdesk)
    ticket_move(actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding)
    access_ticket(mover, "HR-1")  # the configuration's catalogue is read once per change

    def queries(key: str) -> list[str]:
        with CaptureQueriesContext(connection) as context, contextlib.suppress(NotFound):
            access_ticket(mover, key)
        return [query["sql"] for query in context.captured_queries]

    by_key, by_alias, by_neither = queries("HR-1"), queries("IT-1"), queries("IT-99")
    assert len(by_alias) == len(by_key) + 1
    assert [sql for sql in by_alias if TicketKeyAlias._meta.db_table in sql] == [by_alias[1]]
    assert len(by_neither) == 2  # the key, then the aliases: nothing else for an unknown key


def test_it_can_move_back_and_every_old_key_finds_it(helpdesk: Helpdesk, mover):
    ticket = laptop_ticket(helpdesk)
    moved = ticket_move(
        actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding
    )
    laptop_ticket(helpdesk)  # IT-2

    back = ticket_move(
        actor=mover, ticket=moved, desk=helpdesk.it, request_type=helpdesk.password_reset
    )

    assert back.key == "IT-3"
    assert aliases() == [("IT-1", ticket.pk), ("HR-1", ticket.pk)]
    assert access_ticket(mover, "IT-1").key == access_ticket(mover, "HR-1").key == "IT-3"


@pytest.fixture
def service_levels(helpdesk: Helpdesk):
    calendar = make_calendar()
    make_first_response_metric(helpdesk.it, calendar)
    make_resolution_metric(helpdesk.it, calendar)
    make_resolution_metric(helpdesk.hr, calendar, goals=[
        {"target_minutes": 8 * 60, "calendar": calendar.pk}
    ])  # fmt: skip


def test_the_old_desks_clocks_stop_and_the_new_desks_start(helpdesk, mover, service_levels):
    with time_machine.travel(shanghai(9, 9), tick=False):
        ticket = laptop_ticket(helpdesk)
    # Monday 09:00 + 4 business hours: first response due at 13:00, which it misses.
    with time_machine.travel(shanghai(9, 14), tick=False):
        ticket_move(actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding)

    cycles = {
        (cycle.metric.desk.key, cycle.metric.name): cycle
        for cycle in Cycle.objects.filter(ticket=ticket).select_related("metric__desk")
    }
    first = cycles["IT", "Time to first response"]
    assert (first.stopped_at, first.outcome, first.elapsed_seconds) == (
        shanghai(9, 14),
        "breached",
        5 * 3600,
    )
    assert (first.breach_at, first.next_alert_at) == (shanghai(9, 13), None)
    it_resolution = cycles["IT", "Time to resolution"]
    # Neither met nor missed: IT stopped measuring it.
    assert (it_resolution.stopped_at, it_resolution.outcome) == (shanghai(9, 14), "")
    assert (it_resolution.breach_at, it_resolution.warn_at, it_resolution.next_alert_at) == (
        None,
        None,
        None,
    )
    hr_resolution = cycles["HR", "Time to resolution"]
    # As a ticket raised on HR at 14:00: 8 business hours, 4 on Monday and 4 on Tuesday.
    assert (hr_resolution.number, hr_resolution.started_at, hr_resolution.stopped_at) == (
        1,
        shanghai(9, 14),
        None,
    )
    assert hr_resolution.breach_at == shanghai(10, 13)
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == shanghai(10, 13)

    # The worker tells nobody about IT's goals any more, only about HR's.
    with time_machine.travel(shanghai(10, 14), tick=False):
        run = sla_alerts_send()
    assert (run.warnings, run.breaches) == (0, 1)
    announced = Notification.objects.filter(kind__in=["sla_warning", "sla_breached"])
    assert {n.data["metric_id"] for n in announced} == {hr_resolution.metric_id}


def test_rebuilding_a_moved_tickets_cycles_starts_them_at_the_move(helpdesk, mover, service_levels):
    with time_machine.travel(shanghai(9, 9), tick=False):
        ticket = laptop_ticket(helpdesk)
    with time_machine.travel(shanghai(9, 14), tick=False):
        moved = ticket_move(
            actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding
        )
    before = sorted(Cycle.objects.filter(ticket=ticket).values_list("metric_id", "started_at"))

    with time_machine.travel(shanghai(9, 15), tick=False):
        sla_rebuild(Ticket.objects.select_related("status").get(pk=moved.pk))

    after = sorted(Cycle.objects.filter(ticket=ticket).values_list("metric_id", "started_at"))
    assert after == before
    hr_cycle = Cycle.objects.get(ticket=ticket, metric__desk=helpdesk.hr)
    assert hr_cycle.breach_at == shanghai(10, 13)


@pytest.mark.parametrize(
    ("who", "desk", "request_type", "code"),
    [
        ("alice", "hr", "onboarding", "move_not_allowed"),
        ("hana", "hr", "onboarding", "move_not_allowed"),
        ("li", "hr", "onboarding", "desk_not_served"),
        ("mover", "it", "password_reset", "same_desk"),
        ("mover", "hr", "password_reset", "unknown_request_type"),
        ("mover", "hr", "retired", "unknown_request_type"),
        ("mover", "closed", "closed_type", "desk_inactive"),
    ],
)
def test_a_refused_move_writes_nothing(helpdesk: Helpdesk, mover, who, desk, request_type, code):
    closed = make_desk("OLD", teams=[helpdesk.people])
    closed_type = make_request_type(closed, name="Old type", fields=[])
    closed.is_active = False
    closed.save()
    retired = make_request_type(helpdesk.hr, name="Retired", fields=[])
    retired.is_active = False
    retired.save()
    named = {"closed": closed, "closed_type": closed_type, "retired": retired, "mover": mover}
    ticket = laptop_ticket(helpdesk)
    before, state = row_counts(), ticket_state(ticket)

    def pick(name: str):
        return named.get(name) or getattr(helpdesk, name)

    with pytest.raises((PermissionDenied, ValidationFailed)) as refused:
        ticket_move(
            actor=pick(who), ticket=ticket, desk=pick(desk), request_type=pick(request_type)
        )

    assert refused.value.code == code
    assert 400 <= refused.value.status < 500
    assert row_counts() == before
    assert ticket_state(ticket) == state
    assert aliases() == []


def test_a_stale_version_moves_nothing(helpdesk: Helpdesk, mover):
    ticket = laptop_ticket(helpdesk)
    read = ticket.version
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"priority": "high"})
    before, state = row_counts(), ticket_state(ticket)

    with pytest.raises(Conflict) as refused:
        ticket_move(
            actor=mover,
            ticket=ticket,
            desk=helpdesk.hr,
            request_type=helpdesk.onboarding,
            expected_version=read,
        )

    assert (refused.value.code, refused.value.status) == ("version_conflict", 409)
    assert row_counts() == before
    assert ticket_state(ticket) == state
    assert aliases() == []


def test_a_move_whose_event_cannot_be_written_leaves_everything_as_it_was(
    helpdesk: Helpdesk, mover, service_levels
):
    ticket = laptop_ticket(helpdesk)
    before, state = row_counts(), ticket_state(ticket)
    cycles = list(Cycle.objects.filter(ticket=ticket).values())

    with event_writes_failing(), pytest.raises(DatabaseError, match="disk full"):
        ticket_move(actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding)

    assert row_counts() == before
    assert ticket_state(ticket) == state
    assert list(Cycle.objects.filter(ticket=ticket).values()) == cycles
    assert aliases() == []
    # No number was used up: the next HR ticket is HR-1.
    assert (
        make_ticket(desk=helpdesk.hr, reporter=helpdesk.carol, request_type=helpdesk.onboarding).key
        == "HR-1"
    )


def test_a_moved_ticket_is_worked_on_at_its_new_desk(helpdesk: Helpdesk, mover):
    ticket = laptop_ticket(helpdesk)
    moved = ticket_move(
        actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding
    )

    ticket_comment(actor=helpdesk.hana, ticket=moved, body="HR here: we will sort it out")
    ticket_transition(actor=helpdesk.hana, ticket=moved, status="resolved")

    with pytest.raises(PermissionDenied):
        ticket_update(actor=helpdesk.li, ticket=moved, changes={"priority": "low"})
    assert Ticket.objects.get(pk=ticket.pk).status.key == "resolved"


# --- Concurrency --------------------------------------------------------------------------

THREADS = 6


def _together(work: Callable[[int], object]) -> tuple[list[object], list[BaseException]]:
    return run_together(work, THREADS)


@pytest.fixture
def two_desks(transactional_db):
    frontline, people = make_team("Frontline"), make_team("People")
    it = make_desk("IT", teams=[frontline])
    hr = make_desk("HR", teams=[people])
    it_type = make_request_type(it, fields=[])
    hr_type = make_request_type(hr, fields=[])
    mover = make_user(role=Role.AGENT, teams=[frontline, people])
    return it, hr, it_type, hr_type, mover


def test_concurrent_moves_and_creates_get_unique_numbers_without_gaps(two_desks):
    it, hr, it_type, hr_type, mover = two_desks
    customer = make_user()
    tickets = [
        make_ticket(desk=it, reporter=customer, request_type=it_type) for _ in range(THREADS)
    ]

    def work(index: int) -> str:
        if index % 2:  # a new HR ticket at the same moment as the moves
            make_ticket(desk=hr, reporter=customer, request_type=hr_type)
        return ticket_move(
            actor=mover, ticket=tickets[index], desk=Desk.objects.get(pk=hr.pk),
            request_type=hr_type,
        ).key  # fmt: skip

    results, errors = _together(work)

    assert errors == []
    total = THREADS + THREADS // 2
    numbers = sorted(Ticket.objects.filter(desk=hr).values_list("number", flat=True))
    assert numbers == list(range(1, total + 1))
    assert Desk.objects.get(pk=hr.pk).last_ticket_number == total
    assert len(set(results)) == THREADS
    assert sorted(TicketKeyAlias.objects.values_list("key", flat=True)) == sorted(
        t.key for t in tickets
    )


def test_of_two_moves_of_one_ticket_exactly_one_wins(two_desks):
    it, hr, it_type, hr_type, mover = two_desks
    ticket = make_ticket(desk=it, reporter=make_user(), request_type=it_type)

    def work(index: int) -> str:
        # Each read the ticket on IT (as a page opened before the first move would have it).
        return ticket_move(actor=mover, ticket=ticket, desk=hr, request_type=hr_type).key

    results, errors = _together(work)

    assert results == ["HR-1"], [repr(error)[:200] for error in errors]
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, Conflict) and e.code == "version_conflict" for e in errors), [
        repr(e)[:300] for e in errors
    ]
    assert Desk.objects.get(pk=hr.pk).last_ticket_number == 1
    assert list(TicketKeyAlias.objects.values_list("key", flat=True)) == [ticket.key]
    assert TicketEvent.objects.filter(kind="moved").count() == 1


def test_the_admins_ticket_search_finds_it_by_its_old_key(helpdesk: Helpdesk, mover):
    from django.test import Client

    ticket = laptop_ticket(helpdesk)
    ticket_move(actor=mover, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding)
    client = Client()
    client.force_login(helpdesk.admin)

    response = client.get("/admin/tickets/ticket/", {"q": "IT-1"})

    assert [t.key for t in response.context["cl"].result_list] == ["HR-1"]
