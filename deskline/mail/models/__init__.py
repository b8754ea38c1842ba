"""The mail app's models, one module per part: outbound (e-mails sent, preferences)."""

from deskline.mail.models.outbound import EmailPreference, EmailStatus, OutboundEmail

__all__ = ["EmailPreference", "EmailStatus", "OutboundEmail"]
