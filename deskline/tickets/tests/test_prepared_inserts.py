"""core.inserts, on tickets: an INSERT compiled before the transaction writes what save() would."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from deskline.core.inserts import prepare_insert
from deskline.testing.scenario import Helpdesk
from deskline.tickets.models import Label, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=datetime.UTC)


def _ticket(helpdesk: Helpdesk, number: int) -> Ticket:
    return Ticket(
        desk=helpdesk.it,
        number=number,
        key=f"IT-{number}",
        request_type=helpdesk.password_reset,
        summary="Printer 打印机",
        description="It *jams*",
        description_html="<p>It <em>jams</em></p>",
        reporter=helpdesk.alice,
        organization=helpdesk.alice.organization,
        priority="high",
        priority_rank=1,
        status=helpdesk.it.statuses.get(is_initial=True),
        status_category="new",
        team=helpdesk.password_reset.default_team,
        fields={"floor": 3, "tags": ["a", "b"]},
        channel="api",
        created_at=AT,
        updated_at=AT,
    )


def test_a_prepared_ticket_row_equals_a_saved_one(helpdesk: Helpdesk):
    saved = _ticket(helpdesk, 901)
    saved.save(force_insert=True)
    prepared = prepare_insert(_ticket(helpdesk, 0), slots=("number", "key"))
    with transaction.atomic():
        inserted = prepared.execute(number=902, key="IT-902")

    assert isinstance(inserted, Ticket)
    assert inserted.pk is not None and inserted.pk != saved.pk
    assert (inserted.number, inserted.key) == (902, "IT-902")
    assert not inserted._state.adding
    rows = {
        row["id"]: {name: value for name, value in row.items() if name != "id"}
        for row in Ticket.objects.filter(pk__in=[saved.pk, inserted.pk]).values()
    }
    assert rows[inserted.pk] == {**rows[saved.pk], "number": 902, "key": "IT-902"}


def test_a_foreign_key_slot_takes_the_id(helpdesk: Helpdesk):
    ticket = _ticket(helpdesk, 903)
    ticket.save(force_insert=True)
    event = TicketEvent(ticket=None, actor=helpdesk.alice, kind="created", new_value={"a": 1})
    prepared = prepare_insert(event, slots=("ticket_id",))
    prepared.execute(ticket_id=ticket.pk)

    stored = TicketEvent.objects.get(pk=event.pk)
    assert (stored.ticket_id, stored.actor_id, stored.new_value) == (
        ticket.pk,
        helpdesk.alice.pk,
        {"a": 1},
    )


def test_every_slot_and_only_the_slots_must_be_given():
    prepared = prepare_insert(Label(name="vpn"), slots=("name",))
    with pytest.raises(TypeError):
        prepared.execute()
    with pytest.raises(TypeError):
        prepared.execute(name="vpn", id=5)
    assert not Label.objects.exists()


def test_a_model_with_save_receivers_is_refused():
    from deskline.desks.models import Desk  # configuration: core.config listens to its saves

    with pytest.raises(TypeError, match="signal receivers"):
        prepare_insert(Desk(key="XX", name="X"))
