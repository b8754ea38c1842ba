"""The worker announces SLA warnings and breaches exactly once per cycle, to the right people."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskline.accounts.models import Role
from deskline.sla.actions import metric_save
from deskline.sla.models import Cycle
from deskline.testing.factories import make_request_type, make_team, make_ticket, make_user
from deskline.testing.scenario import Helpdesk, build_helpdesk
from deskline.testing.sla import make_calendar, make_first_response_metric, sla_admin
from deskline.tickets.actions import ticket_transition, ticket_update
from deskline.tickets.models import Notification, Ticket, TicketEvent
from deskline.tickets.service_levels import sla_rebuild
from deskline.tickets.sla_alerts import sla_alerts_send

SLA_KINDS = ["sla_warning", "sla_breached"]  # besides them, the receipts of the requests
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def shanghai(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


def raise_ticket(helpdesk: Helpdesk) -> Ticket:
    """Monday 2 March 09:00; first response (4 h, warning 30 min left) due 13:00."""
    with time_machine.travel(shanghai(2, 9), tick=False):
        return make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )


@pytest.fixture
def with_sla(helpdesk: Helpdesk) -> Helpdesk:
    make_first_response_metric(helpdesk.it, make_calendar())
    return helpdesk


def sla_events(ticket: Ticket) -> list[tuple[str, str]]:
    events = TicketEvent.objects.filter(ticket=ticket, kind__startswith="sla_")
    # Announced by the SLA clock, a system actor of its own.
    assert {event.actor.system_key for event in events} <= {"sla"}
    return list(events.values_list("kind", "field"))


def test_nothing_is_announced_before_the_warning(with_sla):
    ticket = raise_ticket(with_sla)
    run = sla_alerts_send(at=shanghai(2, 12, 29))
    assert (run.warnings, run.breaches) == (0, 0)
    assert sla_events(ticket) == []


def test_the_warning_then_the_breach_are_announced_once_each(
    with_sla, django_capture_on_commit_callbacks
):
    helpdesk = with_sla
    ticket = raise_ticket(helpdesk)
    with time_machine.travel(shanghai(2, 9, 5), tick=False):
        ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li})

    with django_capture_on_commit_callbacks(execute=True):
        first = sla_alerts_send(at=shanghai(2, 12, 31))
        again = sla_alerts_send(at=shanghai(2, 12, 45))
        breach = sla_alerts_send(at=shanghai(2, 13, 1))
        later = sla_alerts_send(at=shanghai(3, 9))

    assert [(r.warnings, r.breaches) for r in (first, again, breach, later)] == [
        (1, 0),
        (0, 0),
        (0, 1),
        (0, 0),
    ]
    assert sla_events(ticket) == [
        ("sla_warning", "Time to first response"),
        ("sla_breached", "Time to first response"),
    ]
    notes = list(
        Notification.objects.filter(kind__in=SLA_KINDS)
        .order_by("id")
        .values_list("recipient__email", "kind")
    )
    assert notes == [
        ("li@deskline.example", "sla_warning"),
        ("li@deskline.example", "sla_breached"),
    ]
    assert [m.to for m in mail.outbox] == [["li@deskline.example"], ["li@deskline.example"]]
    assert mail.outbox[1].subject == f"[{ticket.key}] SLA breached: Time to first response"
    assert "2026-03-02 05:00 (UTC)" in mail.outbox[0].body  # 13:00 in Shanghai, in Li's zone
    cycle = Cycle.objects.get(ticket=ticket)
    assert cycle.next_alert_at is None


def test_an_unassigned_ticket_notifies_its_team_in_their_language(
    helpdesk: Helpdesk, django_capture_on_commit_callbacks
):
    make_first_response_metric(helpdesk.it, make_calendar())
    zh_agent = make_user(
        role=Role.AGENT,
        email="wang@deskline.example",
        teams=[helpdesk.frontline],
        locale="zh-hans",
        time_zone="Asia/Shanghai",
    )
    make_user(role=Role.AGENT, email="other@deskline.example", teams=[make_team("Elsewhere")])
    ticket = raise_ticket(helpdesk)

    with django_capture_on_commit_callbacks(execute=True):
        sla_alerts_send(at=shanghai(2, 13, 0))

    recipients = sorted(
        Notification.objects.filter(kind__in=SLA_KINDS).values_list("recipient__email", flat=True)
    )
    assert recipients == ["li@deskline.example", zh_agent.email]
    chinese = next(m for m in mail.outbox if m.to == [zh_agent.email])
    assert ticket.key in chinese.subject
    assert "2026-03-02 13:00" in chinese.body  # the due time in Wang's zone
    assert "SLA" in chinese.subject and "breached" not in chinese.subject


def test_a_met_or_paused_cycle_is_never_announced(with_sla):
    helpdesk = with_sla
    ticket = raise_ticket(helpdesk)
    with time_machine.travel(shanghai(2, 10), tick=False):
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="waiting_for_customer")
    assert sla_alerts_send(at=shanghai(6, 18)).breaches == 0
    other = raise_ticket(helpdesk)
    with time_machine.travel(shanghai(2, 10), tick=False):
        ticket_transition(actor=helpdesk.li, ticket=other, status="resolved")
    run = sla_alerts_send(at=shanghai(6, 18))
    assert (run.warnings, run.breaches) == (0, 0)
    assert TicketEvent.objects.filter(kind__startswith="sla_").count() == 0


def test_a_cycle_stopped_late_before_the_worker_ran_is_announced_as_breached(with_sla):
    helpdesk = with_sla
    ticket = raise_ticket(helpdesk)
    with time_machine.travel(shanghai(2, 15), tick=False):  # two hours late, worker was down
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="resolved")
    run = sla_alerts_send(at=shanghai(2, 15, 1))
    # The warning is moot once breached: only the breach is announced.
    assert (run.warnings, run.breaches) == (0, 1)
    assert sla_events(ticket) == [("sla_breached", "Time to first response")]


def test_the_worker_reads_only_due_cycles_through_the_index(with_sla, django_assert_num_queries):
    raise_ticket(with_sla)
    with django_assert_num_queries(1):
        run = sla_alerts_send(at=shanghai(2, 10))
    assert (run.warnings, run.breaches) == (0, 0)
    due = Cycle.objects.filter(next_alert_at__lte=shanghai(2, 10)).values("pk")
    sql, params = due.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        else:
            # On a handful of rows PostgreSQL would rightly scan; ask whether it can use it.
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
        if connection.vendor != "sqlite":
            cursor.execute("RESET enable_seqscan")
    assert "sla_cycle_next_alert" in plan, plan


WORKERS = 4


@pytest.mark.django_db(transaction=True)
def test_workers_racing_on_one_breach_announce_it_exactly_once():
    helpdesk = build_helpdesk()
    make_first_response_metric(helpdesk.it, make_calendar())
    tickets = [raise_ticket(helpdesk) for _ in range(5)]
    for ticket in tickets[:2]:
        ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li})
    start = threading.Barrier(WORKERS)
    runs = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait(timeout=30)
            runs.append(sla_alerts_send(at=shanghai(2, 14)))
        except BaseException as error:  # asserted on in the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sum(run.breaches for run in runs) == 5
    assert sum(run.warnings for run in runs) == 0
    for ticket in tickets:
        assert sla_events(ticket) == [("sla_breached", "Time to first response")]
    # Two assigned to Li, three notifying the Frontline team (Li alone): five notifications.
    assert Notification.objects.filter(kind__in=SLA_KINDS).count() == 5
    assert len([m for m in mail.outbox if "SLA" in m.subject]) == 5


def test_another_desk_type_without_metrics_has_no_cycles(helpdesk: Helpdesk):
    make_first_response_metric(helpdesk.it, make_calendar())
    request_type = make_request_type(helpdesk.hr, fields=[])
    ticket = make_ticket(desk=helpdesk.hr, reporter=helpdesk.alice, request_type=request_type)
    assert Cycle.objects.filter(ticket=ticket).count() == 0


def test_a_switched_off_metric_is_not_announced(helpdesk: Helpdesk):
    first = make_first_response_metric(helpdesk.it, make_calendar())
    ticket = raise_ticket(helpdesk)
    # When the desk admin switches first response off at 10:00, before it warns or breaches
    with time_machine.travel(shanghai(2, 10), tick=False):
        metric_save(actor=sla_admin(), desk=helpdesk.it, data={"is_active": False}, metric=first)
    # Then neither its warning (12:30) nor its breach (13:00) is announced
    run = sla_alerts_send(at=shanghai(2, 14))
    assert (run.warnings, run.breaches) == (0, 0)
    assert sla_events(ticket) == []


def test_a_larger_warning_threshold_warns_running_cycles_by_it(helpdesk: Helpdesk):
    first = make_first_response_metric(helpdesk.it, make_calendar())
    ticket = raise_ticket(helpdesk)  # due 13:00, warning 30 minutes before
    # When at 10:00 the admin asks for a warning two hours before the breach
    with time_machine.travel(shanghai(2, 10), tick=False):
        metric_save(
            actor=sla_admin(), desk=helpdesk.it, data={"warning_minutes": 120}, metric=first
        )
    # Then the running cycle warns at 11:00, once
    assert Cycle.objects.get(ticket=ticket).warn_at == shanghai(2, 11)
    runs = [sla_alerts_send(at=shanghai(2, 11)), sla_alerts_send(at=shanghai(2, 12, 31))]
    assert [(run.warnings, run.breaches) for run in runs] == [(1, 0), (0, 0)]
    assert sla_events(ticket) == [("sla_warning", "Time to first response")]


def test_a_rebuild_of_a_paused_cycle_does_not_warn_it_again(with_sla):
    helpdesk = with_sla
    ticket = raise_ticket(helpdesk)  # due 13:00, warns at 12:30
    assert sla_alerts_send(at=shanghai(2, 12, 35)).warnings == 1
    with time_machine.travel(shanghai(2, 12, 40), tick=False):
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="waiting_for_customer")
    # When its cycles are rebuilt while paused (after a policy change, say)
    with time_machine.travel(shanghai(2, 12, 50), tick=False):
        sla_rebuild(Ticket.objects.get(pk=ticket.pk))
    # and the ticket resumes at 14:00 with 20 minutes left (due 14:20)
    with time_machine.travel(shanghai(2, 14), tick=False):
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="in_progress")
    assert Cycle.objects.get(ticket=ticket).breach_at == shanghai(2, 14, 20)
    # Then the warning already sent is not sent again; the breach is announced once
    runs = [sla_alerts_send(at=shanghai(2, 14, 10)), sla_alerts_send(at=shanghai(2, 14, 21))]
    assert [(run.warnings, run.breaches) for run in runs] == [(0, 0), (0, 1)]
    assert sla_events(ticket) == [
        ("sla_warning", "Time to first response"),
        ("sla_breached", "Time to first response"),
    ]


def test_a_rebuild_locks_the_ticket_before_it_reads_what_was_announced(with_sla):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite locks the whole database for a write; no row lock to see")
    ticket = raise_ticket(with_sla)
    with CaptureQueriesContext(connection) as queries:
        sla_rebuild(Ticket.objects.get(pk=ticket.pk))
    sql = [query["sql"] for query in queries.captured_queries]
    lock = next(i for i, text in enumerate(sql) if "FOR UPDATE" in text)
    first_cycle_read = next(i for i, text in enumerate(sql) if '"sla_cycle"' in text)
    assert '"tickets_ticket"' in sql[lock]
    assert lock < first_cycle_read
