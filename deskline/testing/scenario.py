"""A small service desk shared by the specifications: two desks, their teams, agents, customers.

IT desk (served by Frontline: agent Li)      HR desk (served by People: agent Hana)
Acme organization: customers Alice and Bob   Carol: a customer without an organization
Admin: a site admin who serves no team but sees everything
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.forms.models import model_to_dict

from deskline.accounts.models import Organization, Role, Team, User
from deskline.desks.models import Desk, FieldType, RequestType
from deskline.sla.models import Cycle
from deskline.testing.factories import (
    make_desk,
    make_organization,
    make_request_type,
    make_team,
    make_user,
)
from deskline.tickets.models import Attachment, Comment, Notification, Ticket, TicketEvent

# One field of every type, so the form validation of each type can be exercised.
EVERY_FIELD_TYPE: list[dict[str, Any]] = [
    {"key": "asset_tag", "label": "Asset tag", "field_type": FieldType.SHORT_TEXT},
    {"key": "details", "label": "Details", "field_type": FieldType.LONG_TEXT},
    {"key": "quantity", "label": "Quantity", "field_type": FieldType.NUMBER},
    {"key": "needed_by", "label": "Needed by", "field_type": FieldType.DATE},
    {
        "key": "model",
        "label": "Model",
        "field_type": FieldType.SINGLE_SELECT,
        "options": ["ThinkPad", "MacBook"],
    },
    {
        "key": "extras",
        "label": "Extras",
        "field_type": FieldType.MULTI_SELECT,
        "options": ["Dock", "Mouse", "Headset"],
    },
    {"key": "urgent", "label": "Urgent", "field_type": FieldType.CHECKBOX},
    {"key": "manager", "label": "Manager", "field_type": FieldType.USER},
    {"key": "quote", "label": "Quote", "field_type": FieldType.ATTACHMENT},
    {
        "key": "location",
        "label": "Location",
        "field_type": FieldType.SHORT_TEXT,
        "is_required": True,
    },
]


@dataclass(frozen=True)
class Helpdesk:
    frontline: Team
    people: Team
    it: Desk
    hr: Desk
    laptop: RequestType  # IT, with a field of every type; `location` is required
    password_reset: RequestType  # IT, no fields
    onboarding: RequestType  # HR, no fields
    acme: Organization
    alice: User  # customer at Acme
    bob: User  # customer at Acme
    carol: User  # customer without an organization
    li: User  # agent in Frontline (IT)
    hana: User  # agent in People (HR)
    admin: User  # site admin, in no team


def build_helpdesk() -> Helpdesk:
    frontline = make_team("Frontline")
    people = make_team("People")
    it = make_desk(
        "IT", name="IT help", description="Laptops, accounts, printers", teams=[frontline]
    )
    hr = make_desk("HR", name="People", teams=[people])
    laptop = make_request_type(
        it, name="New laptop", kind="service_request", fields=EVERY_FIELD_TYPE
    )
    password_reset = make_request_type(it, name="Password reset", kind="incident", fields=[])
    onboarding = make_request_type(hr, name="Onboarding", fields=[])
    acme = make_organization("Acme")
    return Helpdesk(
        frontline=frontline,
        people=people,
        it=it,
        hr=hr,
        laptop=laptop,
        password_reset=password_reset,
        onboarding=onboarding,
        acme=acme,
        alice=make_user(email="alice@acme.example", display_name="Alice", organization=acme),
        bob=make_user(email="bob@acme.example", display_name="Bob", organization=acme),
        carol=make_user(email="carol@example.com", display_name="Carol"),
        li=make_user(
            role=Role.AGENT, email="li@deskline.example", display_name="Li", teams=[frontline]
        ),
        hana=make_user(
            role=Role.AGENT, email="hana@deskline.example", display_name="Hana", teams=[people]
        ),
        admin=make_user(role=Role.SITE_ADMIN, email="admin@deskline.example", display_name="Admin"),
    )


def row_counts() -> dict[str, int]:
    """How many rows every ticket table holds: compare before and after a refused request."""
    return {
        "tickets": Ticket.objects.count(),
        "events": TicketEvent.objects.count(),
        "comments": Comment.objects.count(),
        "attachments": Attachment.objects.count(),
        "claimed_attachments": Attachment.objects.filter(ticket__isnull=False).count(),
        "ticket_numbers": sum(Desk.objects.values_list("last_ticket_number", flat=True)),
        "notifications": Notification.objects.count(),
        "sla_cycles": Cycle.objects.count(),
    }


def ticket_state(ticket: Ticket) -> dict[str, Any]:
    """Everything stored on a ticket and its relations, to show that a refusal changed nothing."""
    fresh = Ticket.objects.get(pk=ticket.pk)
    state = model_to_dict(fresh, exclude=["labels", "participants"])
    state["labels"] = sorted(fresh.labels.values_list("name", flat=True))
    state["participants"] = sorted(fresh.participants.values_list("pk", flat=True))
    state["updated_at"] = fresh.updated_at
    state["created_at"] = fresh.created_at
    return state
