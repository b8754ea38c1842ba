"""The demo's plan is deterministic and never in the future; a taken name stops the load."""

from __future__ import annotations

import datetime
import random

import pytest
from django.core.management import CommandError, call_command

from deskline.accounts.models import User
from deskline.demo.loader import SEED, TICKET_COUNT
from deskline.demo.pace import OPEN_STATUSES, calendar_named, running_goals, status_at_end
from deskline.demo.plan import Planner, TicketPlan
from deskline.desks.models import Desk
from deskline.sla import clock
from deskline.sla.models import Calendar
from deskline.testing.factories import make_desk
from deskline.testing.sla import make_always_calendar
from deskline.tickets.models import Ticket

NOW = datetime.datetime(2026, 3, 18, 7, 30, tzinfo=datetime.UTC)


def _plan(now: datetime.datetime) -> list[TicketPlan]:
    return Planner(random.Random(SEED), now).plan(TICKET_COUNT)


def _content(plans: list[TicketPlan]) -> list[tuple[object, ...]]:
    """What the tickets say and who does what, leaving out the dates."""
    return sorted(
        (
            plan.desk,
            plan.request_type,
            plan.reporter,
            plan.summary,
            plan.priority,
            tuple(
                (s.action, s.actor, s.body, s.status, tuple(s.changes.items())) for s in plan.steps
            ),
        )
        for plan in plans
    )


def test_the_same_seed_plans_the_same_tickets() -> None:
    assert _plan(NOW) == _plan(NOW)


def test_the_tickets_are_the_same_whatever_the_day() -> None:
    assert _content(_plan(NOW)) == _content(_plan(NOW + datetime.timedelta(days=3, hours=5)))


def test_nothing_is_planned_in_the_future_and_steps_follow_each_other() -> None:
    plans = _plan(NOW)

    assert [p.created_at for p in plans] == sorted(p.created_at for p in plans)
    assert plans[0].created_at > NOW - datetime.timedelta(days=62)
    for plan in plans:
        moments = [plan.created_at, *(plan.step_time(step) for step in plan.steps)]
        assert moments == sorted(moments)
        assert moments[-1] < NOW


@pytest.mark.django_db
def test_the_demo_refuses_a_database_where_its_names_are_taken() -> None:
    make_desk("IT")

    with pytest.raises(CommandError, match="desk IT"):
        call_command("demo")

    assert not User.objects.exists()
    assert Desk.objects.count() == 1
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_the_demo_refuses_a_database_with_a_calendar_of_the_same_name() -> None:
    make_always_calendar("24x7")

    with pytest.raises(CommandError, match="calendar 24x7"):
        call_command("demo")

    assert list(User.objects.values_list("email", flat=True)) == ["sla-admin@deskline.example"]
    assert not Desk.objects.exists()
    assert list(Calendar.objects.values_list("name", flat=True)) == ["24x7"]


@pytest.mark.parametrize(
    "now",
    [
        datetime.datetime(2026, 3, 16, 1, 30, tzinfo=datetime.UTC),  # Monday 09:30 in Shanghai
        datetime.datetime(2026, 3, 22, 4, 0, tzinfo=datetime.UTC),  # a Sunday everywhere
        datetime.datetime(2026, 2, 18, 3, 0, tzinfo=datetime.UTC),  # Spring Festival in China
        datetime.datetime(2026, 12, 26, 2, 0, tzinfo=datetime.UTC),  # Boxing Day in Sydney
    ],
)
def test_the_open_tickets_are_mostly_within_their_goals_whatever_the_day(
    now: datetime.datetime,
) -> None:
    late: dict[str, int] = {}
    open_count = 0
    for plan in _plan(now):
        if status_at_end(plan) not in OPEN_STATUSES:
            continue
        open_count += 1
        # The business time since it was raised, on the calendar of each goal that still
        # counts, bounds the time spent (pauses only take time off)
        used = max(
            clock.business_seconds_between(calendar_named(calendar), plan.created_at, now)
            / (minutes * 60)
            for minutes, calendar in running_goals(plan)
        )
        if used > 1:
            late[plan.desk] = late.get(plan.desk, 0) + 1
        assert used < 1.7, plan.summary

    assert open_count >= 25
    assert 1 <= sum(late.values()) <= 3, late
    assert all(count <= 2 for count in late.values()), late
