"""The mail app's models, one module per part of the e-mail channel: outbound (e-mails sent,
preferences) and inbound (mailboxes, messages received, addresses that bounce)."""

from deskline.mail.models.inbound import BouncingAddress, InboundMessage, Mailbox
from deskline.mail.models.outbound import EmailPreference, EmailStatus, OutboundEmail

__all__ = [
    "BouncingAddress",
    "EmailPreference",
    "EmailStatus",
    "InboundMessage",
    "Mailbox",
    "OutboundEmail",
]
