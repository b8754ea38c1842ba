"""`{% load outbound_mail %}{% failed_emails ticket %}`: the e-mails about a ticket that could
not be sent, for the workspace's ticket page (a template tag, so that the workspace needs no
import of the mail app)."""

from __future__ import annotations

from django import template

from deskline.mail.models import EmailStatus, OutboundEmail
from deskline.tickets.models import Ticket

register = template.Library()
SHOWN = 10


@register.inclusion_tag("mail/_failed_emails.html")
def failed_emails(ticket: Ticket) -> dict[str, object]:
    """The ticket's latest failed e-mails (one query, the partial index of failures)."""
    failed = list(
        OutboundEmail.objects.filter(ticket_id=ticket.pk, status=EmailStatus.FAILED)
        .only("id", "to_address", "last_error", "kind")
        .order_by("-id")[:SHOWN]
    )
    return {"failed": failed}
