"""Labels are the agents' own: only agents of the desk set them, at most 20 per ticket of at
most 50 characters each, whichever path they come by."""

import pytest

from deskline.core.errors import PermissionDenied, ValidationFailed
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk, row_counts, ticket_state
from deskline.tickets.actions import ticket_bulk_change, ticket_create, ticket_update
from deskline.tickets.labels import LABEL_MAX, LABELS_MAX, clean_labels
from deskline.tickets.models import Label, Ticket

pytestmark = pytest.mark.django_db

TWENTY = [f"label{n}" for n in range(LABELS_MAX)]


def _create(helpdesk: Helpdesk, actor, labels) -> Ticket:
    return ticket_create(
        actor=actor,
        desk=helpdesk.it,
        request_type=helpdesk.password_reset,
        summary="VPN drops",
        reporter=helpdesk.alice,
        labels=labels,
    )


def test_an_agent_sets_twenty_labels_of_fifty_characters(helpdesk: Helpdesk):
    longest = "x" * LABEL_MAX
    ticket = _create(helpdesk, helpdesk.li, [*TWENTY[:-1], longest])

    assert sorted(Ticket.objects.get(pk=ticket.pk).labels.values_list("name", flat=True)) == (
        sorted([*TWENTY[:-1], longest])
    )


def test_labels_are_stored_lower_case_once_each(helpdesk: Helpdesk):
    ticket = _create(helpdesk, helpdesk.li, ["Hardware", "hardware", " urgent "])

    assert sorted(ticket.labels.values_list("name", flat=True)) == ["hardware", "urgent"]


@pytest.mark.parametrize(
    ("labels", "code"),
    [
        ([*TWENTY, "one-more"], "too_many_labels"),
        ([f"label{n}" for n in range(20_000)], "too_many_labels"),
        (["x" * (LABEL_MAX + 1)], "invalid_labels"),
        (["two\twords"], "invalid_labels"),
        ("vpn", "invalid_labels"),
    ],
    ids=["21 labels", "20,000 labels", "51 characters", "two words", "a string"],
)
def test_too_many_or_too_long_labels_are_refused_on_create(helpdesk: Helpdesk, labels, code):
    before = row_counts()

    with pytest.raises(ValidationFailed) as refused:
        _create(helpdesk, helpdesk.li, labels)

    assert refused.value.code == code
    assert list(refused.value.fields) == ["labels"]
    assert row_counts() == before
    assert Label.objects.count() == 0


def test_the_limit_counts_the_labels_given(helpdesk: Helpdesk):
    # 21 given, 20 different: the API's schema counts what was sent, and so does every path.
    with pytest.raises(ValidationFailed) as refused:
        clean_labels([*TWENTY, "LABEL0"])

    assert refused.value.code == "too_many_labels"
    assert str(refused.value.fields["labels"][0]) == "Give at most 20 labels."


@pytest.mark.parametrize("who", ["alice", "hana"], ids=["a customer", "an agent of HR"])
def test_only_an_agent_of_the_desk_raises_a_request_with_labels(helpdesk: Helpdesk, who):
    before = row_counts()

    with pytest.raises(PermissionDenied) as refused:
        ticket_create(
            actor=getattr(helpdesk, who),
            desk=helpdesk.it,
            request_type=helpdesk.password_reset,
            summary="VPN drops",
            labels=["urgent"],
        )

    assert (refused.value.code, refused.value.status) == ("labels_not_allowed", 403)
    assert row_counts() == before
    assert Label.objects.count() == 0


def test_a_customer_raises_a_request_without_labels(helpdesk: Helpdesk):
    ticket = ticket_create(
        actor=helpdesk.alice, desk=helpdesk.it, request_type=helpdesk.password_reset, summary="VPN"
    )

    assert list(ticket.labels.all()) == []


@pytest.mark.parametrize(
    ("labels", "code"),
    [([*TWENTY, "one-more"], "too_many_labels"), (["x" * (LABEL_MAX + 1)], "invalid_labels")],
)
def test_too_many_or_too_long_labels_are_refused_on_update(helpdesk: Helpdesk, labels, code):
    ticket = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.password_reset,
        actor=helpdesk.li,
        labels=["vpn"],
    )
    before, state = row_counts(), ticket_state(ticket)

    with pytest.raises(ValidationFailed) as refused:
        ticket_update(actor=helpdesk.li, ticket=ticket, changes={"labels": labels})

    assert refused.value.code == code
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_a_customer_cannot_change_labels(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    before, state = row_counts(), ticket_state(ticket)

    with pytest.raises(PermissionDenied):
        ticket_update(actor=helpdesk.alice, ticket=ticket, changes={"labels": ["mine"]})

    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_a_bulk_change_cannot_set_labels(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    before, state = row_counts(), ticket_state(ticket)

    with pytest.raises(ValidationFailed) as refused:
        ticket_bulk_change(actor=helpdesk.li, tickets=[ticket], changes={"labels": TWENTY * 2})

    assert refused.value.code == "invalid_bulk_change"
    assert row_counts() == before
    assert ticket_state(ticket) == state
