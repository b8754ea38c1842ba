"""Messages for the mail-in specifications, written as mail programs write them."""

from __future__ import annotations

import email.policy
import email.utils
from email.message import EmailMessage

from deskline.mail.models import Mailbox
from deskline.testing.scenario import Helpdesk


def make_mailbox(helpdesk: Helpdesk, **extra: object) -> Mailbox:
    """The IT desk's mailbox it@example.com, raising password resets."""
    values: dict[str, object] = {
        "desk": helpdesk.it,
        "name": "IT",
        "address": "it@example.com",
        "request_type": helpdesk.password_reset,
    }
    values.update(extra)
    return Mailbox.objects.create(**values)


def mail(
    *,
    sender: str = "Alice <alice@acme.example>",
    to: str = "it@example.com",
    subject: str = "Printer on the 3rd floor is jammed",
    body: str = "It shows error E42.\n",
    message_id: str | None = "<m1@acme.example>",
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
    cc: str | None = None,
) -> bytes:
    """One message as bytes. `message_id=None` leaves the header out."""
    message = EmailMessage(policy=email.policy.SMTP)
    if sender:
        message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(
        email.utils.parsedate_to_datetime("Tue, 03 Mar 2026 10:00:00 +0800")
    )
    if message_id is not None:
        message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def bounce(failed: str = "gone@acme.example", *, message_id: str = "<dsn1@mx.example>") -> bytes:
    """A delivery status notification (RFC 3464) as Postfix writes it."""
    return (
        "From: MAILER-DAEMON@mx.example (Mail Delivery System)\r\n"
        "To: it@example.com\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {message_id}\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n"
        "--B\r\n"
        "Content-Type: text/plain\r\n"
        "\r\n"
        "I'm sorry to have to inform you that your message could not be delivered.\r\n"
        "\r\n"
        "--B\r\n"
        "Content-Type: message/delivery-status\r\n"
        "\r\n"
        "Reporting-MTA: dns; mx.example\r\n"
        "\r\n"
        f"Final-Recipient: rfc822; {failed}\r\n"
        "Action: failed\r\n"
        "Status: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
        "\r\n"
        "--B--\r\n"
    ).encode()
