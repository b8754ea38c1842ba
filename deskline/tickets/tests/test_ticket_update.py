"""ticket_update: each changed value is audited with its old and new value, in one transaction."""

import datetime

import pytest
import time_machine

from deskline.core.errors import Conflict, PermissionDenied, ValidationFailed
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk, row_counts, ticket_state
from deskline.tickets.actions import attachment_upload, ticket_update
from deskline.tickets.models import Attachment, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

CREATED = datetime.datetime(2026, 4, 1, 9, 0, tzinfo=datetime.UTC)
CHANGED = datetime.datetime(2026, 4, 1, 10, 30, tzinfo=datetime.UTC)


@pytest.fixture
def ticket(helpdesk: Helpdesk) -> Ticket:
    with time_machine.travel(CREATED, tick=False):
        return make_ticket(
            desk=helpdesk.it,
            reporter=helpdesk.alice,
            request_type=helpdesk.laptop,
            summary="Laptop",
            fields={"location": "Shanghai", "model": "MacBook"},
            labels=["hardware"],
            actor=helpdesk.li,  # only agents set labels
        )


def _changes(ticket: Ticket) -> list[tuple]:
    return list(
        TicketEvent.objects.filter(ticket=ticket, kind="changed")
        .order_by("id")
        .values_list("actor__email", "field", "old_value", "new_value", "created_at")
    )


def test_every_changed_value_gets_an_event_with_old_and_new(helpdesk: Helpdesk, ticket):
    with time_machine.travel(CHANGED, tick=False):
        updated = ticket_update(
            actor=helpdesk.li,
            ticket=ticket,
            changes={
                "summary": "Laptop for Dana",
                "priority": "high",
                "assignee": "li@deskline.example",
                "team": "Frontline",
                "fields": {"model": "ThinkPad"},
                "labels": ["onboarding", "hardware"],
                "is_shared_with_organization": True,
            },
        )

    li = "li@deskline.example"
    assert _changes(ticket) == [
        (li, "summary", "Laptop", "Laptop for Dana", CHANGED),
        (li, "priority", "medium", "high", CHANGED),
        (li, "assignee", None, "li@deskline.example", CHANGED),
        (li, "team", None, "Frontline", CHANGED),
        (li, "is_shared_with_organization", False, True, CHANGED),
        (
            li,
            "fields",
            {"location": "Shanghai", "model": "MacBook"},
            {"location": "Shanghai", "model": "ThinkPad"},
            CHANGED,
        ),
        (li, "labels", ["hardware"], ["hardware", "onboarding"], CHANGED),
    ]
    assert (updated.version, updated.updated_at, updated.created_at) == (2, CHANGED, CREATED)
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.summary, fresh.priority, fresh.assignee, fresh.team) == (
        "Laptop for Dana",
        "high",
        helpdesk.li,
        helpdesk.frontline,
    )
    assert fresh.fields == {"location": "Shanghai", "model": "ThinkPad"}
    assert sorted(fresh.labels.values_list("name", flat=True)) == ["hardware", "onboarding"]


def test_clearing_values_is_audited(helpdesk: Helpdesk, ticket):
    ticket_update(
        actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li, "team": "Frontline"}
    )

    ticket_update(
        actor=helpdesk.li,
        ticket=ticket,
        changes={"assignee": None, "team": "", "fields": {"model": None}, "labels": []},
    )

    assert [(field, old, new) for _actor, field, old, new, _at in _changes(ticket)[2:]] == [
        ("assignee", "li@deskline.example", None),
        ("team", "Frontline", None),
        ("fields", {"location": "Shanghai", "model": "MacBook"}, {"location": "Shanghai"}),
        ("labels", ["hardware"], []),
    ]


def test_a_change_to_the_same_values_writes_nothing(helpdesk: Helpdesk, ticket):
    before, state = row_counts(), ticket_state(ticket)

    unchanged = ticket_update(
        actor=helpdesk.li,
        ticket=ticket,
        changes={
            "summary": "Laptop",
            "priority": "medium",
            "assignee": None,
            "labels": ["HARDWARE"],
            "fields": {"model": "MacBook"},
        },
    )

    assert unchanged.version == 1
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_only_agents_of_the_desk_change_a_request(helpdesk: Helpdesk, ticket):
    before, state = row_counts(), ticket_state(ticket)

    for outsider in (helpdesk.alice, helpdesk.bob, helpdesk.hana):
        with pytest.raises(PermissionDenied):
            ticket_update(actor=outsider, ticket=ticket, changes={"priority": "critical"})

    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_a_site_admin_may_change_any_request_and_be_assigned(helpdesk: Helpdesk, ticket):
    updated = ticket_update(
        actor=helpdesk.admin, ticket=ticket, changes={"assignee": "admin@deskline.example"}
    )

    assert updated.assignee == helpdesk.admin


def test_a_deactivated_agent_cannot_be_assigned(helpdesk: Helpdesk, ticket):
    helpdesk.li.is_active = False
    helpdesk.li.save()
    before, state = row_counts(), ticket_state(ticket)

    with pytest.raises(ValidationFailed) as refused:
        ticket_update(actor=helpdesk.admin, ticket=ticket, changes={"assignee": helpdesk.li})

    assert refused.value.code == "invalid_assignee"
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_only_known_things_can_be_changed(helpdesk: Helpdesk, ticket):
    before, state = row_counts(), ticket_state(ticket)

    with pytest.raises(ValidationFailed) as refused:
        ticket_update(
            actor=helpdesk.li, ticket=ticket, changes={"status": "closed", "reporter": "x"}
        )

    assert refused.value.code == "unknown_fields"
    assert set(refused.value.fields) == {"reporter", "status"}
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_a_stale_version_changes_nothing(helpdesk: Helpdesk, ticket):
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"priority": "low"}, expected_version=1)
    before, state = row_counts(), ticket_state(ticket)

    with pytest.raises(Conflict) as refused:
        ticket_update(
            actor=helpdesk.admin, ticket=ticket, changes={"priority": "high"}, expected_version=1
        )

    assert (refused.value.code, refused.value.status) == ("version_conflict", 409)
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_the_current_version_is_accepted(helpdesk: Helpdesk, ticket):
    first = ticket_update(
        actor=helpdesk.li, ticket=ticket, changes={"priority": "low"}, expected_version=1
    )
    second = ticket_update(
        actor=helpdesk.li, ticket=ticket, changes={"priority": "high"}, expected_version=2
    )

    assert (first.version, second.version, second.priority) == (2, 3, "high")


def test_a_change_whose_event_cannot_be_written_is_rolled_back(
    helpdesk: Helpdesk, ticket, monkeypatch
):
    before, state = row_counts(), ticket_state(ticket)

    def broken_bulk_create(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(TicketEvent.objects, "bulk_create", broken_bulk_create)
    with pytest.raises(RuntimeError):
        ticket_update(
            actor=helpdesk.li,
            ticket=ticket,
            changes={"priority": "high", "labels": ["other"], "summary": "Changed"},
        )

    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_an_attachment_field_claims_the_agents_new_upload(helpdesk: Helpdesk, ticket):
    quote = attachment_upload(actor=helpdesk.li, filename="quote.txt", content=b"1 x ThinkPad")

    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"fields": {"quote": [quote.pk]}})

    assert Attachment.objects.get(pk=quote.pk).ticket == ticket
    assert Ticket.objects.get(pk=ticket.pk).fields["quote"] == [quote.pk]


def test_an_attachment_field_cannot_claim_someone_elses_upload(helpdesk: Helpdesk, ticket):
    foreign = attachment_upload(actor=helpdesk.carol, filename="quote.txt", content=b"mine")
    before, state = row_counts(), ticket_state(ticket)

    with pytest.raises(ValidationFailed) as refused:
        ticket_update(actor=helpdesk.li, ticket=ticket, changes={"fields": {"quote": [foreign.pk]}})

    assert refused.value.code == "invalid_attachment"
    assert row_counts() == before
    assert ticket_state(ticket) == state
    assert Attachment.objects.get(pk=foreign.pk).ticket is None
