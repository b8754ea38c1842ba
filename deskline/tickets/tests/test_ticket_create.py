"""ticket_create: what a new request looks like, its first audit event, and its safe description."""

import datetime

import pytest
import time_machine
from django.db import DatabaseError

from deskline.core.errors import PermissionDenied, ValidationFailed
from deskline.testing.factories import make_ticket
from deskline.testing.faults import event_writes_failing
from deskline.testing.markup import DANGEROUS_MARKDOWN, assert_safe
from deskline.testing.scenario import Helpdesk, row_counts
from deskline.tickets.actions import ticket_create
from deskline.tickets.models import Channel, TicketEvent

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 4, 1, 12, 0, tzinfo=datetime.UTC)


def test_a_new_request_starts_in_the_initial_status_with_the_form_values(helpdesk: Helpdesk):
    helpdesk.laptop.default_team = helpdesk.frontline
    helpdesk.laptop.save()

    with time_machine.travel(NOON, tick=False):
        ticket = ticket_create(
            actor=helpdesk.alice,
            desk=helpdesk.it,
            request_type=helpdesk.laptop,
            summary="New laptop",
            description="Mine is *slow*",
            fields={"location": "Shanghai", "quantity": 1},
            is_shared_with_organization=True,
        )

    ticket.refresh_from_db()
    assert (ticket.key, ticket.number, ticket.desk, ticket.request_type) == (
        "IT-1",
        1,
        helpdesk.it,
        helpdesk.laptop,
    )
    assert (ticket.status.key, ticket.status_category) == ("open", "new")
    assert (ticket.reporter, ticket.organization, ticket.is_shared_with_organization) == (
        helpdesk.alice,
        helpdesk.acme,
        True,
    )
    assert (ticket.priority, ticket.team, ticket.assignee) == ("medium", helpdesk.frontline, None)
    assert ticket.fields == {"location": "Shanghai", "quantity": 1}
    assert list(ticket.labels.all()) == []
    assert (ticket.channel, ticket.version) == (Channel.PORTAL, 1)
    assert ticket.created_at == ticket.updated_at == NOON
    assert ticket.resolved_at is None
    assert ticket.description_html == "<p>Mine is <em>slow</em></p>\n"


def test_creating_writes_one_created_event_at_the_same_moment(helpdesk: Helpdesk):
    with time_machine.travel(NOON, tick=False):
        ticket = make_ticket(
            desk=helpdesk.it,
            reporter=helpdesk.alice,
            request_type=helpdesk.password_reset,
            channel=Channel.EMAIL,
        )

    events = list(TicketEvent.objects.filter(ticket=ticket))
    assert len(events) == 1
    event = events[0]
    assert (event.kind, event.actor, event.field, event.old_value, event.new_value) == (
        "created",
        helpdesk.alice,
        "",
        None,
        {"channel": "email"},
    )
    assert (event.is_public, event.created_at) == (True, NOON)


def test_a_create_whose_event_cannot_be_written_leaves_nothing_behind(helpdesk: Helpdesk):
    before = row_counts()

    with event_writes_failing(), pytest.raises(DatabaseError, match="disk full"):
        make_ticket(desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset)

    assert row_counts() == before


def test_an_agent_raises_a_request_on_behalf_of_a_customer(helpdesk: Helpdesk):
    ticket = ticket_create(
        actor=helpdesk.li,
        desk=helpdesk.it,
        request_type=helpdesk.password_reset,
        summary="Bob called",
        reporter_email="bob@acme.example",
        channel=Channel.AGENT,
    )

    assert (ticket.reporter, ticket.organization) == (helpdesk.bob, helpdesk.acme)
    assert TicketEvent.objects.get(ticket=ticket).actor == helpdesk.li


def test_an_agent_of_another_desk_cannot_raise_on_behalf_of_someone(helpdesk: Helpdesk):
    before = row_counts()

    with pytest.raises(PermissionDenied) as refused:
        ticket_create(
            actor=helpdesk.hana,
            desk=helpdesk.it,
            request_type=helpdesk.password_reset,
            summary="For Bob",
            reporter_email="bob@acme.example",
        )

    assert refused.value.code == "on_behalf_not_allowed"
    assert row_counts() == before


def test_an_inactive_desk_takes_requests_only_from_its_agents(helpdesk: Helpdesk):
    helpdesk.it.is_active = False
    helpdesk.it.save()
    before = row_counts()

    with pytest.raises(PermissionDenied) as refused:
        make_ticket(desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset)

    assert refused.value.code == "desk_inactive"
    assert row_counts() == before
    by_agent = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.li, request_type=helpdesk.password_reset
    )
    assert by_agent.key == "IT-1"


@pytest.mark.parametrize(
    ("summary", "code"),
    [("", "summary_required"), ("  \n ", "summary_required"), (None, "summary_required"),
     ("x" * 256, "summary_too_long")],
)  # fmt: skip
def test_a_request_needs_a_short_summary(helpdesk: Helpdesk, summary, code):
    before = row_counts()

    with pytest.raises(ValidationFailed) as refused:
        make_ticket(
            desk=helpdesk.it,
            reporter=helpdesk.alice,
            request_type=helpdesk.password_reset,
            summary=summary,
        )

    assert refused.value.code == code
    assert row_counts() == before


def test_a_summary_of_exactly_255_characters_is_accepted(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.password_reset,
        summary="x" * 255,
    )

    assert len(ticket.summary) == 255


def test_an_unknown_channel_is_refused(helpdesk: Helpdesk):
    before = row_counts()

    with pytest.raises(ValidationFailed) as refused:
        make_ticket(
            desk=helpdesk.it,
            reporter=helpdesk.alice,
            request_type=helpdesk.password_reset,
            channel="fax",
        )

    assert refused.value.code == "invalid_channel"
    assert row_counts() == before


@pytest.mark.parametrize("markdown", DANGEROUS_MARKDOWN)
def test_a_description_never_renders_a_script_or_a_javascript_link(helpdesk: Helpdesk, markdown):
    ticket = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.password_reset,
        description=markdown,
    )

    assert ticket.description == markdown
    assert_safe(ticket.description_html)
    assert "<script" not in ticket.description_html.lower()


def test_a_description_keeps_ordinary_formatting_and_safe_links(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.password_reset,
        description="**Steps**\n\n1. Open [the wiki](https://wiki.example/vpn)\n2. Run `vpn up`",
    )

    markup = assert_safe(ticket.description_html)
    assert {"strong", "ol", "li", "a", "code"} <= markup.tags
    assert markup.urls == ["https://wiki.example/vpn"]
    assert 'rel="noopener noreferrer nofollow"' in ticket.description_html


def test_a_customer_names_only_colleagues_in_a_user_field_whatever_the_door(helpdesk: Helpdesk):
    before = row_counts()
    with pytest.raises(ValidationFailed) as refused:
        ticket_create(
            actor=helpdesk.alice,
            desk=helpdesk.it,
            request_type=helpdesk.laptop,
            summary="New laptop",
            fields={"location": "Shanghai", "manager": helpdesk.carol.email},
        )
    assert refused.value.code == "invalid_fields" and "fields.manager" in refused.value.fields
    assert row_counts() == before
    ticket = ticket_create(
        actor=helpdesk.alice,
        desk=helpdesk.it,
        request_type=helpdesk.laptop,
        summary="New laptop",
        fields={"location": "Shanghai", "manager": helpdesk.bob.email},
    )
    assert ticket.fields["manager"] == "bob@acme.example"
