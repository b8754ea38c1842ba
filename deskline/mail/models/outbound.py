"""Outbound e-mail: every message Deskline writes, and what each person wants by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class OutboundEmail(models.Model):
    """One e-mail to one address, written when its notification was delivered and sent by the
    worker (`mail.sending`): queued, then sent, or failed after its last attempt.

    The message is kept whole (subject, both bodies, its ids) so that a retry sends exactly what
    the first attempt tried, and so that replies can be threaded back to the ticket by
    `message_id`. `next_attempt_at` is when a queued e-mail may next be tried; a worker claims
    it by moving that instant forward (`sending.outbound_send`).
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbound_emails",
    )
    to_address = models.EmailField(_("to"))
    kind = models.CharField(_("kind"), max_length=30)
    subject = models.CharField(_("subject"), max_length=998)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    # Without <>: "deskline.it-42.<random>@<domain>" (interfaces of issue 13).
    message_id = models.CharField(max_length=255, unique=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)  # ids without <>, space-separated, oldest first
    unsubscribe_url = models.URLField(max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("outbound e-mail")
        verbose_name_plural = _("outbound e-mails")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbound_email_due",
                condition=models.Q(status="queued"),
            ),
            models.Index(
                fields=["ticket", "-id"],
                name="outbound_email_failed",
                condition=models.Q(status="failed"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_address} ({self.status})"


class EmailPreference(models.Model):
    """Which notifications a person does not want by e-mail (every kind is on until turned
    off here, from the unsubscribe link of an e-mail or the help center's account page)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference"
    )
    muted_kinds = models.JSONField(default=list, blank=True)  # NotificationKind values
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")

    def __str__(self) -> str:
        return f"e-mail preferences of {self.user_id}"
