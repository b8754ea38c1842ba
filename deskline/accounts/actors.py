"""Who acts: a person, or a named system actor that acts for Deskline itself.

Every action takes an `actor` and records it on the audit trail. People are users; so are system
actors, in the way of Zulip's notification bot: one `User` row each, with role `system`, a
`system_key` that says which one ("sla" for the SLA clock, "mailbox:3" for a mailbox, "rule:12"
for an automation rule) and a name. Being rows, they can be the actor of an event and the author
of a comment like anyone; being `system`, they cannot sign in (no usable password, no token, no
password reset), never appear among a desk's agents, and act with the authority of an agent of
every desk (`desks.selectors.served_desk_ids`). See docs/adr/0008-system-actors.md.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Role, User
from deskline.core.errors import Message

# Their addresses are in a reserved top-level domain (RFC 2606): no mail can ever reach one.
SYSTEM_EMAIL_DOMAIN = "system.deskline.invalid"
SLA = "sla"
DESKLINE = "deskline"
# The system actors Deskline itself brings, with their names in the reader's language.
BUILT_IN: dict[str, Message] = {
    SLA: _("Service levels"),
    DESKLINE: _("Deskline"),
}
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,19}(?::[A-Za-z0-9_.@+-]{1,40})?$")
NAME_MAX = 150


def system_actor(key: str, *, name: str | None = None) -> User:
    """The system actor `key` (e.g. "sla", "rule:12"), made the first time it acts.

    `name` is what the audit trail shows for it (a rule's or a mailbox's own name; a built-in
    actor is named in the reader's language); given, it replaces the stored one when it changed.
    """
    if not KEY_PATTERN.match(key):
        raise ValueError(f"not a system actor key: {key!r}")
    wanted = " ".join((name or str(BUILT_IN.get(key, key))).split())[:NAME_MAX] or key
    actor = User.objects.filter(system_key=key).first() or _create(key, wanted)
    if name is not None and actor.display_name != wanted:
        actor.display_name = wanted
        actor.save(update_fields=["display_name"])
    return actor


def _create(key: str, name: str) -> User:
    actor = User(
        email=f"{key.replace(':', '.').lower()}@{SYSTEM_EMAIL_DOMAIN}",
        display_name=name,
        role=Role.SYSTEM,
        system_key=key,
    )
    actor.set_unusable_password()
    try:
        with transaction.atomic():
            actor.save()
    except IntegrityError:  # made by another process a moment ago
        return User.objects.get(system_key=key)
    return actor


def actor_name(user: User | None) -> str:
    """How the audit trail names who acted: a person's display name, a built-in system actor's
    name in the active language, another system actor's own name."""
    if user is None:
        return str(BUILT_IN[DESKLINE])
    if user.is_system and user.system_key in BUILT_IN:
        return str(BUILT_IN[user.system_key])
    return user.display_name or user.email
