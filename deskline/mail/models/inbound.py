"""Mail in: the mailboxes a desk reads, every message they received, and addresses that bounce.

A message is stored as it arrived (its bytes in a file, `raw_message_path`) before anything is
made of it, so that nothing is lost to a crash or a bug; `mail.inbound` then processes it once,
idempotently by its Message-ID (the SHA-256 of its bytes when it has none: `dedupe_key`).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deskline.desks.models import Desk, RequestType
from deskline.tickets.models import Comment, Ticket


class UnknownSenders(models.TextChoices):
    CREATE = "create", _("Create a customer account for them")
    REFUSE = "refuse", _("Refuse their mail")


class MailboxKind(models.TextChoices):
    IMAP = "imap", _("IMAP mailbox Deskline polls")
    SMTP = "smtp", _("Delivered to Deskline (SMTP receiver or ingest)")


class ImapSecurity(models.TextChoices):
    TLS = "tls", _("TLS")
    STARTTLS = "starttls", _("STARTTLS")
    NONE = "none", _("None (loopback only)")


class ImapAuth(models.TextChoices):
    PASSWORD = "password", _("Password")
    XOAUTH2 = "xoauth2", _("OAuth 2.0 (XOAUTH2)")


class Mailbox(models.Model):
    """An address customers write to; its mail becomes the desk's tickets and replies.

    `local+note@domain` of the address is where agents send internal notes. The IMAP and
    OAuth 2.0 fields are read and written by the poller (part "server"); secrets are never
    shown back anywhere (`mail.admin`).
    """

    desk = models.ForeignKey(
        Desk, verbose_name=_("desk"), on_delete=models.CASCADE, related_name="mailboxes"
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.EmailField(_("address"), unique=True)
    request_type = models.ForeignKey(
        RequestType,
        verbose_name=_("request type for new tickets"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for the desk's first active request type."),
    )
    unknown_senders = models.CharField(
        _("mail from unknown senders"),
        max_length=10,
        choices=UnknownSenders.choices,
        default=UnknownSenders.CREATE,
    )
    is_active = models.BooleanField(_("active"), default=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=MailboxKind.choices, default=MailboxKind.SMTP
    )
    imap_host = models.CharField(_("IMAP host"), max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(
        _("IMAP security"), max_length=10, choices=ImapSecurity.choices, default=ImapSecurity.TLS
    )
    imap_username = models.CharField(_("IMAP user name"), max_length=255, blank=True)
    imap_auth = models.CharField(
        _("IMAP sign-in"), max_length=10, choices=ImapAuth.choices, default=ImapAuth.PASSWORD
    )
    # A password or an OAuth 2.0 access token: never shown back anywhere.
    imap_secret = models.TextField(_("IMAP password or access token"), blank=True)
    oauth2_token_url = models.URLField(_("OAuth 2.0 token URL"), blank=True)
    oauth2_client_id = models.CharField(_("OAuth 2.0 client id"), max_length=255, blank=True)
    oauth2_client_secret = models.TextField(_("OAuth 2.0 client secret"), blank=True)
    oauth2_refresh_token = models.TextField(_("OAuth 2.0 refresh token"), blank=True)
    imap_folder = models.CharField(_("IMAP folder"), max_length=255, default="INBOX")
    imap_uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    imap_last_uid = models.BigIntegerField(default=0, editable=False)
    last_fetch_at = models.DateTimeField(_("last fetch"), null=True, blank=True, editable=False)
    last_fetch_ok = models.BooleanField(_("last fetch succeeded"), null=True, editable=False)
    last_fetch_error = models.TextField(_("last fetch error"), blank=True, editable=False)
    last_fetch_count = models.PositiveIntegerField(
        _("messages in the last fetch"), default=0, editable=False
    )
    sender_rate_limit = models.PositiveIntegerField(
        _("messages per sender per hour"),
        default=30,
        help_text=_(
            "How many messages of one sender in an hour may become tickets or replies; the rest "
            "are kept but ignored. 0 turns the limit off."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["desk", "address"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class MessageSource(models.TextChoices):
    IMAP = "imap", _("IMAP")
    SMTP = "smtp", _("SMTP")
    FILE = "file", _("File")


class MessageStatus(models.TextChoices):
    RECEIVED = "received", _("Received, not processed yet")
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


class MessageOutcome(models.TextChoices):
    NONE = "", _("Nothing")
    TICKET = "ticket", _("New ticket")
    COMMENT = "comment", _("Comment on a ticket")


def raw_message_path(instance: InboundMessage, filename: str) -> str:
    """Where a message's bytes are stored: by the month it arrived and its SHA-256, as
    attachments are (`tickets.models.attachment_path`); never by anything the sender chose."""
    at = instance.received_at or timezone.now()
    return f"mail/raw/{at:%Y/%m}/{instance.sha256}.eml"


class InboundMessage(models.Model):
    """One message as received, stored before processing, and what became of it."""

    mailbox = models.ForeignKey(
        Mailbox,
        verbose_name=_("mailbox"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    source = models.CharField(_("source"), max_length=10, choices=MessageSource.choices)
    raw = models.FileField(_("raw message"), upload_to=raw_message_path, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True)
    # The Message-ID when it has one that fits, else "sha256:<hex>" of the bytes (or of a
    # Message-ID too long for the column): a message received again finds its first row.
    dedupe_key = models.CharField(max_length=255, unique=True)
    # The envelope recipients when known (SMTP RCPT TO), lower-cased.
    recipients = models.JSONField(default=list, blank=True)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.RECEIVED
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=MessageOutcome.choices, default="", blank=True
    )
    # Why it was ignored, refused or failed (also notes on a processed one, such as files left
    # out): a stable code and a readable text.
    reason_code = models.CharField(_("reason code"), max_length=50, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        indexes = [
            # The retry job's work: messages received but never processed, and failures.
            models.Index(
                fields=["status", "id"],
                name="inbound_unfinished",
                condition=models.Q(status__in=["received", "failed"]),
            ),
            # The per-sender rate limit counts a sender's recent messages.
            models.Index(fields=["sender", "processed_at"], name="inbound_sender_processed"),
        ]

    def __str__(self) -> str:
        return self.message_id or self.dedupe_key


class BouncingAddress(models.Model):
    """An address whose mail comes back undeliverable: outbound mail skips it until an admin
    removes the row (or the person's address changes)."""

    address = models.EmailField(_("address"), unique=True)
    reason = models.TextField(_("reason"), blank=True)
    bounces = models.PositiveIntegerField(_("bounces"), default=1)
    first_bounced_at = models.DateTimeField(_("first bounce"), default=timezone.now)
    last_bounced_at = models.DateTimeField(_("last bounce"), default=timezone.now)
    last_message = models.ForeignKey(
        InboundMessage,
        verbose_name=_("last bounce message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["address"]
        verbose_name = _("bouncing address")
        verbose_name_plural = _("bouncing addresses")

    def __str__(self) -> str:
        return self.address
