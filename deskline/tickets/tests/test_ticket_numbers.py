"""Ticket keys: each desk numbers its requests 1, 2, 3... with no gaps, even under concurrency."""

import threading

import pytest
from django.db import DatabaseError, connection

from deskline.desks.models import Desk
from deskline.testing.factories import make_desk, make_request_type, make_ticket, make_user
from deskline.testing.faults import event_writes_failing
from deskline.testing.scenario import Helpdesk, build_helpdesk
from deskline.tickets.actions import ticket_create
from deskline.tickets.models import Ticket, TicketEvent


@pytest.mark.django_db
def test_each_desk_numbers_its_tickets_from_one(helpdesk: Helpdesk):
    keys = [
        make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        ).key,
        make_ticket(
            desk=helpdesk.it, reporter=helpdesk.bob, request_type=helpdesk.password_reset
        ).key,
        make_ticket(
            desk=helpdesk.hr, reporter=helpdesk.alice, request_type=helpdesk.onboarding
        ).key,
        make_ticket(
            desk=helpdesk.it, reporter=helpdesk.carol, request_type=helpdesk.password_reset
        ).key,
        make_ticket(desk=helpdesk.hr, reporter=helpdesk.bob, request_type=helpdesk.onboarding).key,
    ]

    assert keys == ["IT-1", "IT-2", "HR-1", "IT-3", "HR-2"]
    assert list(Desk.objects.order_by("key").values_list("key", "last_ticket_number")) == [
        ("HR", 2),
        ("IT", 3),
    ]
    assert list(
        Ticket.objects.filter(desk=helpdesk.it).order_by("id").values_list("number", flat=True)
    ) == [1, 2, 3]


@pytest.mark.django_db
def test_a_refused_create_does_not_use_up_a_number(helpdesk: Helpdesk):
    make_ticket(desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset)
    with pytest.raises(Exception, match="Enter a valid e-mail address"):
        ticket_create(
            actor=helpdesk.li,
            desk=helpdesk.it,
            request_type=helpdesk.password_reset,
            summary="For someone",
            reporter_email="not an address",
        )

    second = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )

    assert second.key == "IT-2"


@pytest.mark.parametrize(
    "in_a_transaction",
    [
        pytest.param(True, marks=pytest.mark.django_db, id="in a transaction"),
        # Outside one, a create with nothing but the ticket is one statement on PostgreSQL.
        pytest.param(False, marks=pytest.mark.django_db(transaction=True), id="on its own"),
    ],
)
def test_a_create_that_fails_while_writing_leaves_no_gap(in_a_transaction: bool):
    helpdesk = build_helpdesk()
    make_ticket(desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset)
    assert connection.in_atomic_block is in_a_transaction

    with event_writes_failing(), pytest.raises(DatabaseError, match="disk full"):
        make_ticket(desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset)

    assert Ticket.objects.count() == 1
    assert TicketEvent.objects.count() == 1
    assert Desk.objects.get(pk=helpdesk.it.pk).last_ticket_number == 1
    assert (
        make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        ).key
        == "IT-2"
    )


THREADS = 8
TICKETS_PER_THREAD = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_get_unique_numbers_without_gaps():
    desk = make_desk("IT")
    other_desk = make_desk("HR")
    request_type = make_request_type(desk, fields=[])
    other_request_type = make_request_type(other_desk, fields=[])
    reporters = [make_user() for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def raise_tickets(reporter) -> None:
        try:
            start.wait(timeout=30)
            for _ in range(TICKETS_PER_THREAD):
                ticket_create(actor=reporter, desk=desk, request_type=request_type, summary="Busy")
            # A write to another desk at the same time must not disturb IT's numbers.
            ticket_create(
                actor=reporter, desk=other_desk, request_type=other_request_type, summary="Other"
            )
        except BaseException as error:  # collected and asserted on in the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=raise_tickets, args=(r,)) for r in reporters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    total = THREADS * TICKETS_PER_THREAD
    assert errors == []
    assert not any(thread.is_alive() for thread in threads)
    numbers = sorted(Ticket.objects.filter(desk=desk).values_list("number", flat=True))
    assert numbers == list(range(1, total + 1))
    assert sorted(Ticket.objects.filter(desk=desk).values_list("key", flat=True)) == sorted(
        f"IT-{n}" for n in range(1, total + 1)
    )
    assert Desk.objects.get(pk=desk.pk).last_ticket_number == total
    assert sorted(Ticket.objects.filter(desk=other_desk).values_list("number", flat=True)) == list(
        range(1, THREADS + 1)
    )
    assert Desk.objects.get(pk=other_desk.pk).last_ticket_number == THREADS
    assert TicketEvent.objects.filter(kind="created").count() == total + THREADS
