"""Sending the e-mails `outbound` wrote: one attempt at a time, retried with backoff.

`outbound_send(email_id)` claims a queued e-mail that is due (a conditional UPDATE that moves
its `next_attempt_at` forward, so two workers never send it twice), builds the message
(multipart/alternative, text and HTML; Message-ID, In-Reply-To, References, Auto-Submitted,
List-Unsubscribe) and hands it to Django's mail backend. A refusal that the server says is
final (a 5xx reply, every recipient refused for good) fails the e-mail at once; anything else
(the server is away, a 4xx, a timeout) is tried again after 1, 5 and 30 minutes, then the
e-mail fails. A failed e-mail keeps its error and shows on the ticket in the workspace.
Nothing here raises: the worker runs on whatever the mail server does.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q

from deskline.core.time import now
from deskline.mail.addresses import desk_address
from deskline.mail.models import EmailStatus, OutboundEmail

logger = logging.getLogger(__name__)

# The waits after the first, second and third failed attempt; the fourth failure is final.
RETRY_DELAYS = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# How long a claimed e-mail stays claimed: a worker that died mid-send leaves it to the sweep.
CLAIM_LEASE = datetime.timedelta(minutes=10)
ERROR_MAX = 1000


@dataclass(frozen=True)
class Refusal:
    """Why an attempt did not send: `is_final` when trying again cannot help."""

    reason: str
    is_final: bool


def outbound_message(email: OutboundEmail) -> EmailMultiAlternatives:
    """The e-mail as it goes out: text and HTML alternatives with Deskline's headers."""
    sender = desk_address(email.ticket)
    headers = {
        "Message-ID": f"<{email.message_id}>",
        "Auto-Submitted": "auto-generated",
        # Out-of-office replies from Exchange and others stay away from notifications.
        "X-Auto-Response-Suppress": "All",
    }
    if email.in_reply_to:
        headers["In-Reply-To"] = f"<{email.in_reply_to}>"
    if email.references:
        headers["References"] = " ".join(f"<{item}>" for item in email.references.split())
    if email.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=sender,
        to=[email.to_address],
        reply_to=[sender],
        headers=headers,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def outbound_send(email_id: int, *, at: datetime.datetime | None = None) -> OutboundEmail | None:
    """Try to send the queued e-mail `email_id` if it is due at `at` (now); the row as it is
    afterwards (None when there is no such e-mail). Sent and failed e-mails, and one another
    worker has claimed, are left alone: running it twice sends nothing twice."""
    at = at or now()
    email = OutboundEmail.objects.select_related("ticket").filter(pk=email_id).first()
    if email is None or email.status != EmailStatus.QUEUED:
        return email
    claimed = (
        OutboundEmail.objects.filter(
            pk=email.pk, status=EmailStatus.QUEUED, attempts=email.attempts
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=at))
        .update(attempts=F("attempts") + 1, next_attempt_at=at + CLAIM_LEASE)
    )
    if not claimed:
        email.refresh_from_db()
        return email
    email.attempts += 1
    refusal = _attempt(email)
    if refusal is None:
        email.status = EmailStatus.SENT
        email.sent_at = now()
        email.next_attempt_at = None
        email.last_error = ""
    elif refusal.is_final or email.attempts >= MAX_ATTEMPTS:
        email.status = EmailStatus.FAILED
        email.next_attempt_at = None
        email.last_error = refusal.reason[:ERROR_MAX]
        logger.warning("E-mail %s to %s failed: %s", email.pk, email.to_address, refusal.reason)
    else:
        email.next_attempt_at = at + RETRY_DELAYS[email.attempts - 1]
        email.last_error = refusal.reason[:ERROR_MAX]
    email.save(update_fields=["status", "sent_at", "next_attempt_at", "last_error"])
    return email


def outbound_due(*, at: datetime.datetime | None = None, limit: int = 100) -> list[int]:
    """The queued e-mails whose next attempt is due, oldest first (the sweep's work)."""
    at = at or now()
    due = OutboundEmail.objects.filter(status=EmailStatus.QUEUED, next_attempt_at__lte=at)
    return list(due.order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])


def _attempt(email: OutboundEmail) -> Refusal | None:
    """Hand the e-mail to the mail backend; None when it took it, else why not."""
    try:
        message = outbound_message(email)
        message.connection = get_connection(fail_silently=False)
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        reasons = "; ".join(_reply(code, text) for code, text in error.recipients.values())
        return Refusal(reasons or str(error), is_final=bool(codes) and min(codes) >= 500)
    except smtplib.SMTPResponseException as error:
        return Refusal(_reply(error.smtp_code, error.smtp_error), is_final=error.smtp_code >= 500)
    except (smtplib.SMTPException, OSError) as error:
        return Refusal(f"{type(error).__name__}: {error}", is_final=False)
    except ValueError as error:  # a header the backend will never accept (BadHeaderError)
        return Refusal(f"{type(error).__name__}: {error}", is_final=True)
    except Exception as error:  # the worker goes on whatever the backend raises
        logger.exception("Unexpected error sending e-mail %s", email.pk)
        return Refusal(f"{type(error).__name__}: {error}", is_final=False)
    return None


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(words.split())}"
