"""The mail app's models, one module per part of the e-mail channel."""

from deskline.mail.models.inbound import BouncingAddress, InboundMessage, Mailbox  # noqa: F401
