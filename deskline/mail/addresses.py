"""The addresses and message ids of Deskline's e-mails: the one place that says who writes.

`desk_address(ticket)` is the From and Reply-To of every e-mail about a ticket: the desk's
mailbox (DEFAULT_FROM_EMAIL for a desk without one), decided here and nowhere else.
Message ids (without <>) follow the interfaces of issue 13: each e-mail has its own
"deskline.<key>.<random>@<domain>", and each ticket a thread root "deskline.<key>@<domain>"
that every e-mail about it references, so that replies thread back to the ticket.
"""

from __future__ import annotations

import secrets
from email.utils import formataddr, parseaddr

from django.conf import settings

from deskline.tickets.models import Ticket

FALLBACK_DOMAIN = "deskline.invalid"


def desk_address(ticket: Ticket | None) -> str:
    """Who writes (From) and who gets the replies (Reply-To) for e-mails about `ticket`: the
    first active mailbox of its desk, named after it, so that replies come back to the desk's
    mailbox; DEFAULT_FROM_EMAIL for a desk without one."""
    if ticket is not None and ticket.desk_id is not None:
        from deskline.mail.models import Mailbox  # the models import this module's neighbours

        mailbox = (
            Mailbox.objects.filter(desk_id=ticket.desk_id, is_active=True)
            .order_by("id")
            .values_list("name", "address")
            .first()
        )
        if mailbox is not None:
            return formataddr(mailbox)
    return str(settings.DEFAULT_FROM_EMAIL)


def message_domain() -> str:
    """The right-hand side of Deskline's message ids: the domain of DEFAULT_FROM_EMAIL."""
    _name, address = parseaddr(str(settings.DEFAULT_FROM_EMAIL))
    _local, at, domain = address.rpartition("@")
    domain = domain.strip().lower()
    is_domain = bool(at) and ("." in domain or domain == "localhost")
    return domain if is_domain else FALLBACK_DOMAIN


def thread_root_id(ticket: Ticket) -> str:
    """The id every e-mail about the ticket refers to (References, In-Reply-To)."""
    return f"deskline.{ticket.key.lower()}@{message_domain()}"


def new_message_id(ticket: Ticket) -> str:
    """A fresh, unique Message-ID for one e-mail about the ticket."""
    return f"deskline.{ticket.key.lower()}.{secrets.token_hex(8)}@{message_domain()}"
