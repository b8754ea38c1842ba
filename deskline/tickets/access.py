"""Who may see and change which ticket: the only way views and endpoints reach a ticket.

A customer sees the requests they reported, the requests the reporter or an agent added them to,
and their organization's requests while they are shared with it. An agent sees every ticket of
the desks their teams serve (and their own requests, like a customer). A site admin sees
everything.

Commenting on a colleague's shared request makes one a participant (`ticket_comment`), but only
one the reporter or an agent added (ParticipantReason.ADDED) reads the request because of it: a
colleague who saw it only because it was shared loses it when it is unshared, comments or not.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.core.errors import NotFound, PermissionDenied
from deskline.desks.catalog import catalog
from deskline.desks.selectors import served_desk_ids
from deskline.tickets.models import Participant, ParticipantReason, Ticket

TICKET_KEY_RE = re.compile(r"^([A-Za-z][A-Za-z0-9]{1,9})-([1-9][0-9]{0,9})$")


def _customer_q(user: User) -> Q:
    participating = Participant.objects.filter(
        user_id=user.pk, reason=ParticipantReason.ADDED
    ).values("ticket_id")
    condition = Q(reporter_id=user.pk) | Q(pk__in=participating)
    if user.organization_id is not None:
        condition |= Q(organization_id=user.organization_id, is_shared_with_organization=True)
    return condition


def visible_tickets(user: User, *, desk_id: int | None = None) -> QuerySet[Ticket]:
    """Every ticket `user` may read, as a queryset to filter further.

    With `desk_id`, only that desk's: for an agent who serves it, that is simply all of them,
    a condition PostgreSQL and SQLite walk one index for.
    """
    if not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    if desk_id is not None:
        if user.is_site_admin or is_agent_of(user, Ticket(desk_id=desk_id)):
            return Ticket.objects.filter(desk_id=desk_id)
        return visible_tickets(user).filter(desk_id=desk_id)
    if user.is_site_admin:
        return Ticket.objects.all()
    if user.is_agent:
        return Ticket.objects.filter(Q(desk_id__in=served_desk_ids(user)) | _customer_q(user))
    return Ticket.objects.filter(_customer_q(user))


def is_agent_of(user: User, ticket: Ticket) -> bool:
    """True when `user` works on `ticket`'s desk as an agent, or is a system actor (which acts
    with an agent's authority on every desk: accounts/actors.py)."""
    return (user.is_agent or user.is_system) and ticket.desk_id in served_desk_ids(user)


def can_view(user: User, ticket: Ticket) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if is_agent_of(user, ticket) or ticket.reporter_id == user.pk:
        return True
    if (
        ticket.is_shared_with_organization
        and user.organization_id is not None
        and ticket.organization_id == user.organization_id
    ):
        return True
    return Participant.objects.filter(
        ticket_id=ticket.pk, user_id=user.pk, reason=ParticipantReason.ADDED
    ).exists()


def attach_configuration(ticket: Ticket) -> Ticket:
    """Give the ticket its desk, request type, status and team from the process's catalogue
    (`desks.catalog`) instead of joining them in: shared objects, read them, never change them."""
    known = catalog()
    desk = known.desks.get(ticket.desk_id)
    request_type = known.request_types.get(ticket.request_type_id)
    status = known.statuses.get(ticket.status_id)
    if desk is not None:
        ticket.desk = desk
    if request_type is not None:
        ticket.request_type = request_type
    if status is not None:
        ticket.status = status
    if ticket.team_id is None:
        ticket.team = None
    elif (team := known.teams.get(ticket.team_id)) is not None:
        ticket.team = team
    return ticket


def parse_ticket_key(key: str) -> str:
    """Normalise a ticket key like `it-42` to `IT-42`; NotFound when it cannot be one."""
    match = TICKET_KEY_RE.match((key or "").strip())
    if match is None:
        raise NotFound(_("There is no ticket with this key."), code="ticket_not_found")
    return f"{match.group(1).upper()}-{match.group(2)}"


def _ticket_with_key(key: str) -> Ticket | None:
    found = (
        Ticket.objects.select_related("reporter", "assignee", "organization")
        .filter(key=key)
        .order_by()[:1]
    )
    return next(iter(found), None)


def _ticket_formerly_keyed(key: str) -> Ticket | None:
    """The ticket that had `key` before it moved to another desk (one more query, only for a
    key no ticket has now): it answers with its new key, to which pages redirect."""
    found = (
        Ticket.objects.select_related("reporter", "assignee", "organization")
        .filter(key_aliases__key=key)
        .order_by()[:1]
    )
    return next(iter(found), None)


def access_ticket(user: User, key: str, *, write: bool = False) -> Ticket:
    """The ticket with `key` if `user` may see it (and change it, with `write`).

    A key the ticket had before it moved to another desk finds it too (`TicketKeyAlias`); the
    ticket carries its current key. A ticket the user may not see answers exactly like one that
    does not exist, so keys of other desks or other people's requests reveal nothing.
    """
    normalized = parse_ticket_key(key)
    ticket = _ticket_with_key(normalized) or _ticket_formerly_keyed(normalized)
    if ticket is not None:
        attach_configuration(ticket)
    if ticket is None or not can_view(user, ticket):
        raise NotFound(_("There is no ticket with this key."), code="ticket_not_found")
    if write and not ticket.desk.is_active and not is_agent_of(user, ticket):
        raise PermissionDenied(_("This desk no longer takes requests."), code="desk_inactive")
    return ticket
