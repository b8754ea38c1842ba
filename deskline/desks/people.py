"""Who a person may name in a form's "user" field, and the suggestions of its picker.

A customer may name the people of their own organization (only themselves when they have none),
so that neither the picker nor the form tells them who else has an account. An agent raising
or changing a request of a desk they serve may name anyone active: every active person may use
the desks, so the desk's customers are everybody. The form's refusal is the same for an address
nobody has and for a person outside the scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from deskline.accounts.models import User
from deskline.core.text import is_storable_text
from deskline.desks.models import Desk
from deskline.desks.selectors import served_desk_ids

SUGGESTION_LIMIT = 10
# Longer than any name or address worth searching for: refused before any query.
QUERY_MAX_LENGTH = 100


@dataclass(frozen=True)
class PeopleScope:
    """The people one person may name in the user fields of one desk's forms."""

    viewer_id: int
    organization_id: int | None
    is_everyone: bool

    def people(self) -> QuerySet[User]:
        """The active people of the scope."""
        active = User.objects.filter(is_active=True)
        if self.is_everyone:
            return active
        if self.organization_id is None:
            return active.filter(pk=self.viewer_id)
        return active.filter(organization_id=self.organization_id)


def people_scope(viewer: User, desk: Desk) -> PeopleScope:
    """Whom `viewer` may name in the user fields of `desk`'s forms (see the module's docstring)."""
    # An agent of the desk, or a system actor (a mailbox, a rule): served_desk_ids says.
    serves_desk = desk.pk in served_desk_ids(viewer)
    return PeopleScope(
        viewer_id=viewer.pk, organization_id=viewer.organization_id, is_everyone=serves_desk
    )


def find_person(value: Any, scope: PeopleScope | None = None) -> User | None:
    """The active person a user field's value names (an e-mail address, or an id), if they are
    in `scope` (any active person without one); None otherwise, whichever the reason."""
    people = scope.people() if scope is not None else User.objects.filter(is_active=True)
    if isinstance(value, str) and "@" in value:
        email = value.strip().lower()
        if len(email) > 254 or not is_storable_text(email):
            return None
        return people.filter(email=email).first()
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
        return people.filter(pk=value).first()
    return None


def suggest_people(scope: PeopleScope, query: str, limit: int = SUGGESTION_LIMIT) -> list[User]:
    """At most `limit` people of `scope` whose name contains `query` or whose e-mail address
    starts with it, by name; one query, none for an empty query."""
    text = query.strip()
    if not text:
        return []
    matches = scope.people().filter(Q(display_name__icontains=text) | Q(email__istartswith=text))
    return list(
        matches.only("id", "email", "display_name").order_by("display_name", "email")[:limit]
    )


def display_names(emails: set[str], known: dict[str, str] | None = None) -> dict[str, str]:
    """The display name (or the address itself) of each of `emails`; one query for the ones
    `known` (address to name) does not already give, none when it gives them all."""
    names = {email: name for email, name in (known or {}).items() if email in emails}
    missing = sorted(email for email in emails if email not in names)
    if missing:
        for email, name in User.objects.filter(email__in=missing).values_list(
            "email", "display_name"
        ):
            names[email] = name or email
    return {email: names.get(email) or email for email in emails}
