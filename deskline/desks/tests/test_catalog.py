"""Each process keeps the desks' configuration in memory until any process changes it."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from deskline.accounts.models import Team
from deskline.core.config import configuration_version
from deskline.desks.actions import desk_create
from deskline.desks.catalog import catalog
from deskline.desks.models import Desk
from deskline.sla.actions import desk_metrics, metric_save
from deskline.testing.factories import make_user
from deskline.testing.sla import make_calendar, make_first_response_metric, sla_admin


def _elsewhere(work: Callable[[], object]) -> None:
    """Run `work` on another database connection, committed, as another process would."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # reported in the test's thread
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not failures, failures


def _rename_it(name: str) -> None:
    desk = Desk.objects.get(key="IT")
    desk.name = name
    desk.save()


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_elsewhere_is_seen_at_once():
    desk_create(key="IT", name="IT help")
    assert catalog().desk_of_key("IT").name == "IT help"  # type: ignore[union-attr]

    _elsewhere(lambda: _rename_it("Service desk"))

    assert catalog().desk_of_key("IT").name == "Service desk"  # type: ignore[union-attr]


@pytest.mark.django_db(transaction=True)
def test_the_catalogue_is_kept_until_the_version_changes():
    desk_create(key="IT", name="IT help")
    catalog()
    # A write that bypasses the models (and so the version) is not seen: the catalogue is
    # really kept, and really rebuilt only on a new version.
    _elsewhere(lambda: Desk.objects.filter(key="IT").update(name="Unannounced"))
    assert catalog().desk_of_key("IT").name == "IT help"  # type: ignore[union-attr]

    _elsewhere(lambda: _rename_it("Announced"))
    assert catalog().desk_of_key("IT").name == "Announced"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_a_change_rolled_back_leaves_nothing_behind():
    desk_create(key="IT", name="IT help")
    before = configuration_version()

    with pytest.raises(RuntimeError), transaction.atomic():
        _rename_it("Never committed")
        assert catalog().desk_of_key("IT").name == "Never committed"  # type: ignore[union-attr]
        raise RuntimeError

    assert configuration_version() == before
    assert catalog().desk_of_key("IT").name == "IT help"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_team_membership_and_desk_teams_change_the_desks_an_agent_serves():
    it = desk_create(key="IT", name="IT help")
    hr = desk_create(key="HR", name="People")
    frontline = Team.objects.create(name="Frontline")
    agent = make_user(role="agent")
    assert catalog().served_desk_ids(agent.pk) == frozenset()

    frontline.members.add(agent)
    it.teams.add(frontline)
    assert catalog().served_desk_ids(agent.pk) == {it.pk}

    frontline.desks.add(hr)  # the other side of the same table
    assert catalog().served_desk_ids(agent.pk) == {it.pk, hr.pk}

    agent.teams.clear()
    assert catalog().served_desk_ids(agent.pk) == frozenset()


@pytest.mark.django_db
def test_replaced_goals_are_seen_by_the_next_ticket():
    it = desk_create(key="IT", name="IT help")
    calendar = make_calendar()
    metric = make_first_response_metric(
        it, calendar, goals=[{"target_minutes": 240, "calendar": calendar.pk}]
    )
    assert [goal.target_minutes for goal in desk_metrics(it.pk)[0].goals.all()] == [240]

    # The old goals are deleted and the new ones written with bulk_create.
    metric_save(
        actor=sla_admin(),
        desk=it,
        metric=metric,
        data={},
        goals=[{"target_minutes": 60, "calendar": calendar.pk}],
    )

    assert [goal.target_minutes for goal in desk_metrics(it.pk)[0].goals.all()] == [60]
