"""Mail in: a message is stored as received, then becomes a ticket, a comment, or is set aside.

`receive` is the one way in for the IMAP poller, the SMTP receiver and `deskline mail ingest`:

1. **Stored first.** The bytes go to a file (`mail/raw/YYYY/MM/<sha256>.eml` in Django's
   default storage, like attachments: ADR 0011) and an `InboundMessage` row "received" is
   committed before anything is made of them. A second receive of the same message (by
   Message-ID, else by the SHA-256 of its bytes) returns the first row and does nothing more.
2. **Processed once, whole or not at all.** One transaction per message, which locks its row:
   a ticket or a comment with its files and the row's outcome commit together, or nothing does.
   A message that makes processing raise is marked "failed" with the reason (the worker never
   crashes) and `inbound_retry` processes it again once the cause is fixed; a row left
   "received" by a crash is finished by `inbound_unfinished_process` (`deskline mail retry`).

What a message becomes, in this order:

- **Set aside** ("ignored" or "refused", with a reason): a bounce (its failing addresses are
  marked in `BouncingAddress`, which outbound mail skips: `address_bounces`), an automatic reply
  or bulk mail, mail from a mailbox's own address or carrying a Message-ID of Deskline's own (a
  loop), a sender over the mailbox's hourly limit (not for files an operator ingests), no
  sender, an unknown sender where the mailbox refuses them, a deactivated account or a system
  address.
- **A comment** on the ticket it answers (`mail.threading`: In-Reply-To and References, then
  "[IT-42]" in the subject) when the sender may read that ticket (`tickets.access.can_view`):
  the reply's text without its quoted history (`parsed.reply_text`), as a public comment by
  the sender through `ticket_comment`, the help center's own action (so a customer's reply
  moves a waiting ticket back to work). An agent's mail to the mailbox's `+note` address is an
  internal note. A sender who may not read the ticket (a guessed key, another customer's
  thread) gets a new ticket of their own instead: nothing they wrote is lost, and they learn
  nothing of the ticket they named.
- **Else a new ticket** in the mailbox's desk, of its request type (or the desk's first active
  one with no required fields), reported by the sender, channel e-mail: the summary is the
  subject without "Re:"/"Fwd:"/"[KEY]", the description the whole text.

Files (attachments and inline images) go through `attachment_upload` with the foundation's
limits, as the sender's uploads claimed by the comment, or for a new ticket by the request type's
first file field (else by a first comment of the sender, "Files sent with the e-mail": the
ticket create action takes files only through form fields). A file refused by those limits (30
MB against 10, a program, a type that lies) is left out with its reason on the row (code
`attachments_refused`) and a line in the text; the rest of the message still becomes the
ticket or comment.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deskline.accounts.actions import customer_get_or_create, normalize_email
from deskline.accounts.models import User
from deskline.core.errors import DomainError, Message, ValidationFailed
from deskline.core.time import now
from deskline.desks.catalog import catalog
from deskline.desks.fields import ATTACHMENTS_MAX
from deskline.desks.models import FieldType, RequestType
from deskline.mail.models import BouncingAddress, InboundMessage, Mailbox
from deskline.mail.models.inbound import (
    MessageOutcome,
    MessageSource,
    MessageStatus,
    UnknownSenders,
)
from deskline.mail.parsing import ParsedAttachment, ParsedMessage, parse_message
from deskline.mail.threading import (
    clean_subject,
    dedupe_key,
    is_own_message_id,
    subject_ticket_key,
    thread_ids,
    ticket_for_message_ids,
    ticket_with_key,
)
from deskline.tickets.access import can_view, is_agent_of
from deskline.tickets.actions import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    SUMMARY_MAX,
    attachment_upload,
    ticket_comment,
    ticket_create,
)
from deskline.tickets.deliveries import deliveries_held_back
from deskline.tickets.models import Attachment, Channel, Comment, Ticket
from deskline.tickets.uploads import kept_only_on_success

logger = logging.getLogger(__name__)

NOTE_TAG = "note"
RATE_WINDOW = timedelta(hours=1)
# A row still "received" this long after it arrived was left by a crash (or a process that
# stopped): the retry job finishes it.
UNFINISHED_AFTER = timedelta(minutes=5)
RETRY_BATCH = 200
DISPLAY_NAME_MAX = 150  # User.display_name
REASON_MAX = 2000

# Why a message was set aside or failed, by code; the row keeps the code and the text.
REASONS: dict[str, Message] = {
    "no_mailbox": _("No active mailbox has this address."),
    "bounce": _("A delivery failure report (bounce); the failing addresses are marked."),
    "auto_submitted": _("An automatic reply, mailing list or bulk mail."),
    "loop": _("Mail from Deskline itself (a mail loop)."),
    "rate_limited": _("The sender sent more messages this hour than the mailbox takes."),
    "no_sender": _("The message has no sender address."),
    "invalid_sender": _("The sender address is not a valid e-mail address."),
    "unknown_sender": _("The sender has no account, and this mailbox refuses unknown senders."),
    "sender_inactive": _("The sender's account is deactivated."),
    "sender_not_allowed": _("Mail from this address is not accepted."),
    "note_without_ticket": _("An internal note must answer the e-mail of a ticket."),
    "empty_message": _("The message has no text and no files."),
    "no_request_type": _(
        "The desk has no active request type without required fields for new tickets."
    ),
    "new_ticket_instead": _(
        "The sender may not write on the ticket the message answers; it became a new ticket."
    ),
    "attachments_refused": _("Some files were left out."),
    "raw_missing": _("The stored message cannot be read."),
    "processing_error": _("Processing failed."),
}
_NOT_ATTACHED = _("Not attached: %(name)s (%(reason)s)")
_FILES_ONLY = _("(Files sent by e-mail.)")
_FILES_COMMENT = _("Files sent with the e-mail:")
_CUT = _("[The rest of the message is in the e-mail as received.]")
_NO_SUBJECT = _("(no subject)")
_TOO_MANY_FILES = _("at most %(count)d files are taken from one message")

_MESSAGE_ID_HEADER = re.compile(rb"^message-id[ \t]*:(.*(?:\r?\n[ \t].*)*)", re.I | re.M)
_BRACKETED = re.compile(rb"<([^<>]*)>")
_HEADER_END = re.compile(rb"\r?\n\r?\n")
HEADER_SCAN_MAX = 1 << 20


@dataclass
class _Result:
    """What processing made of a message, written on its row in the same transaction."""

    status: str
    code: str = ""
    detail: str = ""
    outcome: str = MessageOutcome.NONE
    ticket: Ticket | None = None
    comment: Comment | None = None
    notes: list[str] = field(default_factory=list)


def receive(
    raw: bytes,
    *,
    mailbox: Mailbox | None,
    source: str,
    recipients: Sequence[str] = (),
) -> InboundMessage:
    """Store the raw message first (its own transaction), then process it.

    Idempotent by Message-ID (the SHA-256 of the bytes when there is none): a message received
    again returns the existing row, and nothing is made twice. Never raises for bad mail: a
    failure is recorded on the row (status "failed" and the reason) and can be retried. Only a
    storage or database that cannot take the message at all raises, and then nothing is kept:
    the caller (the IMAP poller, the SMTP receiver) leaves the message where it was.

    `mailbox`: None when unknown; the recipients (envelope, then To and Cc) choose one.
    `source`: "imap" | "smtp" | "file". `recipients`: the envelope recipients when known.
    """
    message, stored_now = _store(raw, mailbox=mailbox, source=source, recipients=recipients)
    if not stored_now:  # received before (or by a concurrent receive a moment ago)
        return message
    return _process(message, raw, retryable=(MessageStatus.RECEIVED,))


def inbound_store(
    raw: bytes, *, mailbox: Mailbox | None, source: str, recipients: Sequence[str] = ()
) -> InboundMessage:
    """Only the first step of `receive`: the message stored and its row committed "received",
    or the row of the same message received before. Processing follows by `inbound_retry` (or
    the retry job), e.g. for a receiver that must answer its client at once."""
    return _store(raw, mailbox=mailbox, source=source, recipients=recipients)[0]


def inbound_retry(message: InboundMessage) -> InboundMessage:
    """Process a message again: one left "received" by a crash, one that failed (once its cause
    is fixed) or one refused (after the mailbox's settings changed). Ignored and processed
    messages are returned as they are; a message being processed right now is not touched
    twice (its row is locked)."""
    retryable = (MessageStatus.RECEIVED, MessageStatus.FAILED, MessageStatus.REFUSED)
    current = InboundMessage.objects.select_related("mailbox__desk").get(pk=message.pk)
    if current.status not in retryable:
        return current
    return _process(current, None, retryable=retryable)


def inbound_unfinished_process(
    *, include_failed: bool = False, limit: int = RETRY_BATCH
) -> list[InboundMessage]:
    """Finish the messages a crash left "received" (for longer than UNFINISHED_AFTER), oldest
    first, at most `limit`; with `include_failed`, retry the failed ones too. What the periodic
    job and `deskline mail retry` run; running it twice does no harm."""
    statuses = [MessageStatus.RECEIVED]
    if include_failed:
        statuses.append(MessageStatus.FAILED)
    ids = list(
        InboundMessage.objects.filter(status__in=statuses, received_at__lt=now() - UNFINISHED_AFTER)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    if include_failed:  # a failure is worth retrying at once; a fresh "received" row is not
        ids = sorted(
            {
                *ids,
                *InboundMessage.objects.filter(status=MessageStatus.FAILED)
                .order_by("id")
                .values_list("pk", flat=True)[:limit],
            }
        )[:limit]
    return [
        inbound_retry(message)
        for message in InboundMessage.objects.filter(pk__in=ids).order_by("id")
    ]


def mailbox_for_recipients(recipients: Sequence[str]) -> Mailbox | None:
    """The active mailbox of the first recipient that is one, by address (a "+tag" in the
    local part is ignored: desk+note@example.com is desk@example.com's)."""
    wanted = [base for item in recipients if (base := _base_address(item))]
    if not wanted:
        return None
    found = {
        mailbox.address.lower(): mailbox
        for mailbox in Mailbox.objects.filter(address__in=sorted(set(wanted)), is_active=True)
        .select_related("desk")
        .order_by("id")
    }
    return next((found[address] for address in wanted if address in found), None)


def address_bounces(address: str) -> bool:
    """True when mail to `address` bounced (and no admin cleared it): outbound mail skips it."""
    return BouncingAddress.objects.filter(address=(address or "").strip().lower()).exists()


def note_address(mailbox: Mailbox) -> str:
    """Where agents send internal notes: local+note@domain of the mailbox's address."""
    local, _at, domain = mailbox.address.lower().partition("@")
    return f"{local}+{NOTE_TAG}@{domain}"


def reason_text(code: str) -> str:
    """The readable reason for a code, in the active language ("" for no code)."""
    found = REASONS.get(code)
    return str(found) if found is not None else ""


def header_message_id(raw: bytes) -> str | None:
    """The Message-ID in the headers of `raw`, without <> and whitespace; None when absent.

    Read from the header block alone, before the message is stored and parsed: it is the key
    that makes storing idempotent, so it must not depend on parsing the whole message."""
    end = _HEADER_END.search(raw, 0, HEADER_SCAN_MAX)
    head = raw[: end.start()] if end else raw[:HEADER_SCAN_MAX]
    match = _MESSAGE_ID_HEADER.search(head)
    if match is None:
        return None
    value = match.group(1)
    bracketed = _BRACKETED.search(value)
    if bracketed is not None:
        value = bracketed.group(1)
    cleaned = "".join(value.decode("utf-8", "replace").split())
    return cleaned or None


# Storing --------------------------------------------------------------------------------


def _store(
    raw: bytes, *, mailbox: Mailbox | None, source: str, recipients: Sequence[str]
) -> tuple[InboundMessage, bool]:
    """The message's row, committed with its file; False when it was received before."""
    if source not in MessageSource.values:
        raise ValueError(f"unknown source {source!r}")
    digest = hashlib.sha256(raw).hexdigest()
    message_id = header_message_id(raw)
    key = dedupe_key(message_id, digest)
    # No look-up first: a message is new far more often than not, and the unique key refuses
    # the row of one received before (its file is then removed again).
    message = InboundMessage(
        mailbox=mailbox,
        source=source,
        sha256=digest,
        size=len(raw),
        message_id=(message_id or "")[:998],
        dedupe_key=key,
        recipients=[item.strip().lower() for item in recipients if item and item.strip()],
        received_at=now(),
    )
    # The bytes first, outside the transaction; the storage gives the file a name of its own.
    message.raw.save("message.eml", ContentFile(raw), save=False)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        message.raw.storage.delete(message.raw.name)
        existing = InboundMessage.objects.filter(dedupe_key=key).first()
        if existing is None:
            raise
        return existing, False
    except BaseException:
        message.raw.storage.delete(message.raw.name)
        raise
    return message, True


def _read_raw(message: InboundMessage) -> bytes:
    with message.raw.open("rb") as stored:
        return bytes(stored.read())


# Processing -----------------------------------------------------------------------------


class _ProcessedMeanwhile(Exception):
    """Another worker finished the message while this one worked on it: roll back."""


def _process(
    message: InboundMessage, raw: bytes | None, *, retryable: Sequence[str]
) -> InboundMessage:
    """Process the message once, in one transaction; a failure is recorded, never raised.

    The row is written last, by an UPDATE that holds only while its status is still one of
    `retryable`: of two workers processing the same message (a retry beside a slow receive),
    the second one's UPDATE waits for the first to commit, then matches nothing, and everything
    the second made rolls back. Returns the row as it is afterwards.
    """
    try:
        if raw is None:
            raw = _read_raw(message)
    except Exception as error:  # a file removed or unreadable: kept as failed, visible
        logger.exception("Cannot read the stored message %s", message.pk)
        _record_failure(message, None, "raw_missing", repr(error), retryable)
        return InboundMessage.objects.get(pk=message.pk)
    parsed = parse_message(raw)
    try:
        with kept_only_on_success() as uploaded:
            result = _decide(message, parsed, uploaded)
            _record(message, parsed, result, retryable)
    except _ProcessedMeanwhile:
        return InboundMessage.objects.get(pk=message.pk)
    except DomainError as error:
        logger.warning("Inbound message %s failed: %s (%s)", message.pk, error, error.code)
        _record_failure(message, parsed, error.code, _domain_error_text(error), retryable)
        return InboundMessage.objects.get(pk=message.pk)
    except Exception as error:  # processing must never take the worker down
        logger.exception("Inbound message %s failed", message.pk)
        detail = f"{type(error).__name__}: {error}"
        _record_failure(message, parsed, "processing_error", detail, retryable)
        return InboundMessage.objects.get(pk=message.pk)
    return message


def _record(
    message: InboundMessage, parsed: ParsedMessage, result: _Result, retryable: Sequence[str]
) -> None:
    """Write the outcome on the row (inside the processing transaction), and on `message`."""
    text = reason_text(result.code)
    if result.detail:
        text = f"{text} {result.detail}".strip()
    if result.notes:
        text = "\n".join([text, *result.notes]).strip()
    values = {
        "mailbox": message.mailbox,
        "status": result.status,
        "outcome": result.outcome,
        "reason_code": result.code,
        "reason": text[:REASON_MAX],
        "ticket": result.ticket,
        "comment": result.comment,
        "processed_at": now(),
        **_parsed_facts(parsed),
    }
    updated = InboundMessage.objects.filter(pk=message.pk, status__in=list(retryable)).update(
        attempts=F("attempts") + 1, **values
    )
    if not updated:
        raise _ProcessedMeanwhile
    for name, value in values.items():
        setattr(message, name, value)
    message.attempts += 1


def _record_failure(
    message: InboundMessage,
    parsed: ParsedMessage | None,
    code: str,
    detail: str,
    retryable: Sequence[str],
) -> None:
    base = reason_text(code)
    text = detail if not base or detail.startswith(base) else f"{base} {detail}"
    with transaction.atomic():
        # Not over the outcome of a worker that processed the message meanwhile.
        InboundMessage.objects.filter(pk=message.pk, status__in=list(retryable)).update(
            status=MessageStatus.FAILED,
            outcome=MessageOutcome.NONE,
            reason_code=code[:50],
            reason=text[:REASON_MAX],
            ticket=None,
            comment=None,
            attempts=F("attempts") + 1,
            processed_at=now(),
            **(_parsed_facts(parsed) if parsed is not None else {}),
        )


def _parsed_facts(parsed: ParsedMessage) -> dict[str, str]:
    return {"sender": (parsed.from_address or "")[:254], "subject": parsed.subject[:998]}


def _domain_error_text(error: DomainError) -> str:
    parts = [str(error.message)]
    for name, messages in error.fields.items():
        parts.extend(f"{name}: {item}" for item in messages if str(item) != parts[0])
    return " ".join(parts)


def _decide(locked: InboundMessage, parsed: ParsedMessage, uploaded: list[Attachment]) -> _Result:
    mailbox = locked.mailbox if locked.mailbox_id is not None else None
    if mailbox is None:
        mailbox = mailbox_for_recipients([*locked.recipients, *parsed.to, *parsed.cc])
        locked.mailbox = mailbox
    if mailbox is None or not mailbox.is_active:
        return _Result(MessageStatus.REFUSED, "no_mailbox")
    if parsed.bounce is not None:
        marked = _mark_bouncing(parsed.bounce.recipients, parsed.bounce.reason, locked)
        return _Result(MessageStatus.IGNORED, "bounce", ", ".join(marked))
    if parsed.auto_submitted:
        return _Result(MessageStatus.IGNORED, "auto_submitted")
    address = parsed.from_address
    if not address:
        return _Result(MessageStatus.REFUSED, "no_sender")
    if is_own_message_id(parsed.message_id) or _is_mailbox_address(address):
        return _Result(MessageStatus.IGNORED, "loop")
    # An operator's files (`deskline mail ingest`) are history, not a flood: no limit for them.
    if locked.source != MessageSource.FILE and _over_rate_limit(mailbox, address, locked):
        return _Result(MessageStatus.IGNORED, "rate_limited")
    sender = _sender(mailbox, address, parsed.from_name)
    if isinstance(sender, _Result):
        return sender
    to_note = note_address(mailbox) in _addressed_to(locked, parsed)

    notes: list[str] = []
    candidates = _candidates(parsed)
    # A Message-ID or a key is easily guessed: only a ticket the sender may read is answered.
    ticket = next((item for item in candidates if can_view(sender, item)), None)
    if ticket is None and candidates:
        notes.append(reason_text("new_ticket_instead"))
    if ticket is not None:
        return _comment(locked, parsed, sender, ticket, to_note, uploaded)
    if to_note and sender.is_agent:
        return _Result(MessageStatus.REFUSED, "note_without_ticket")
    result = _new_ticket(locked, parsed, sender, mailbox, uploaded)
    result.notes[:0] = notes
    return result


def _comment(
    locked: InboundMessage,
    parsed: ParsedMessage,
    sender: User,
    ticket: Ticket,
    to_note: bool,
    uploaded: list[Attachment],
) -> _Result:
    files, refused = _upload(sender, parsed.attachments, uploaded)
    body = parsed.reply_text.strip()
    if not body and not files:
        return _Result(MessageStatus.REFUSED, "empty_message", notes=refused)
    body = _with_refusals(body or str(_FILES_ONLY), refused, COMMENT_MAX)
    is_public = not (to_note and is_agent_of(sender, ticket))
    comment = ticket_comment(
        actor=sender,
        ticket=ticket,
        body=body,
        is_public=is_public,
        attachment_ids=[item.pk for item in files],
    )
    return _Result(
        MessageStatus.PROCESSED,
        "attachments_refused" if refused else "",
        outcome=MessageOutcome.COMMENT,
        ticket=ticket,
        comment=comment,
        notes=refused,
    )


def _new_ticket(
    locked: InboundMessage,
    parsed: ParsedMessage,
    sender: User,
    mailbox: Mailbox,
    uploaded: list[Attachment],
) -> _Result:
    request_type = mailbox_request_type(mailbox)
    if request_type is None:
        # The desk's configuration, not the message: failed (and nothing kept, not even a new
        # customer), to retry once it is fixed.
        raise DomainError(REASONS["no_request_type"], code="no_request_type")
    files, refused = _upload(sender, parsed.attachments, uploaded)
    summary = clean_subject(parsed.subject)[:SUMMARY_MAX].strip() or str(_NO_SUBJECT)
    description = _with_refusals(parsed.text.strip(), refused, DESCRIPTION_MAX)
    file_field = next(
        (item for item in request_type.fields.all() if item.field_type == FieldType.ATTACHMENT),
        None,
    )
    fields = {file_field.key: [item.pk for item in files]} if file_field and files else {}
    ticket = ticket_create(
        actor=sender,
        desk=mailbox.desk,
        request_type=request_type,
        summary=summary,
        description=description,
        fields=fields,
        channel=Channel.EMAIL,
    )
    comment = None
    if files and not fields:
        # The create action claims files through the form's file fields only; without one they
        # come with a first comment of the sender. Nobody is e-mailed about that comment (the
        # agents hear of the new ticket); the workspace still lists it as a reply.
        with deliveries_held_back():
            comment = ticket_comment(
                actor=sender,
                ticket=ticket,
                body=str(_FILES_COMMENT),
                attachment_ids=[item.pk for item in files],
            )
    return _Result(
        MessageStatus.PROCESSED,
        "attachments_refused" if refused else "",
        outcome=MessageOutcome.TICKET,
        ticket=ticket,
        comment=comment,
        notes=refused,
    )


def mailbox_request_type(mailbox: Mailbox) -> RequestType | None:
    """The request type of the mailbox's new tickets: its own while active and of its desk,
    else the desk's first active one; never one with required fields (mail cannot fill them)."""
    known = catalog()
    candidates = list(known.active_request_type_ids.get(mailbox.desk_id, ()))
    if mailbox.request_type_id in candidates:
        candidates.remove(mailbox.request_type_id)
        candidates.insert(0, mailbox.request_type_id)
    for request_type_id in candidates:
        request_type = known.request_types[request_type_id]
        if not any(item.is_required for item in request_type.fields.all()):
            return request_type
    return None


# The sender -----------------------------------------------------------------------------


def _sender(mailbox: Mailbox, address: str, name: str) -> User | _Result:
    """The account that wrote: an existing one by address (any case), else a new customer
    (or a refusal, as the mailbox says)."""
    # Every door stores addresses lower-cased (`accounts.actions.normalize_email`), and so does
    # the parser: an exact match is a match in any case.
    # With the organization, which a new ticket copies from its reporter.
    user = (
        User.objects.filter(email=address.lower()).select_related("organization").order_by().first()
    )
    if user is not None:
        if user.is_system:
            return _Result(MessageStatus.REFUSED, "sender_not_allowed")
        if not user.is_active:
            return _Result(MessageStatus.REFUSED, "sender_inactive")
        return user
    if mailbox.unknown_senders == UnknownSenders.REFUSE:
        return _Result(MessageStatus.REFUSED, "unknown_sender")
    try:
        return customer_get_or_create(
            email=address, display_name=" ".join(name.split())[:DISPLAY_NAME_MAX]
        )
    except ValidationFailed:
        return _Result(MessageStatus.REFUSED, "invalid_sender")


def _over_rate_limit(mailbox: Mailbox, address: str, locked: InboundMessage) -> bool:
    if not mailbox.sender_rate_limit:
        return False
    recent = (
        InboundMessage.objects.filter(
            sender=address[:254],
            processed_at__gte=now() - RATE_WINDOW,
            mailbox=mailbox,
            status=MessageStatus.PROCESSED,
        )
        .exclude(pk=locked.pk)
        .count()
    )
    return recent >= mailbox.sender_rate_limit


def _is_mailbox_address(address: str) -> bool:
    base = _base_address(address)
    return bool(base) and Mailbox.objects.filter(address=base).exists()


def _addressed_to(locked: InboundMessage, parsed: ParsedMessage) -> set[str]:
    return {item.strip().lower() for item in [*locked.recipients, *parsed.to, *parsed.cc] if item}


def _base_address(address: str) -> str:
    """`address` lower-cased without a "+tag" in its local part."""
    local, at, domain = (address or "").strip().strip("<>").lower().rpartition("@")
    if not at or not local or not domain:
        return ""
    return f"{local.split('+', 1)[0]}@{domain}"


# Threading ------------------------------------------------------------------------------


def _candidates(parsed: ParsedMessage) -> list[Ticket]:
    found: list[Ticket] = []
    by_ids = ticket_for_message_ids(thread_ids(parsed.in_reply_to, parsed.references))
    if by_ids is not None:
        found.append(by_ids)
    key = subject_ticket_key(parsed.subject)
    by_key = ticket_with_key(key) if key is not None else None
    if by_key is not None and all(item.pk != by_key.pk for item in found):
        found.append(by_key)
    return found


# Files ----------------------------------------------------------------------------------


def _upload(
    sender: User, attachments: Sequence[ParsedAttachment], uploaded: list[Attachment]
) -> tuple[list[Attachment], list[str]]:
    """Store the message's files as the sender's uploads (checked like any upload), and say
    which were left out and why."""
    files: list[Attachment] = []
    refused: list[str] = []
    for item in attachments:
        if len(files) >= ATTACHMENTS_MAX:
            reason = str(_TOO_MANY_FILES) % {"count": ATTACHMENTS_MAX}
            refused.append(str(_NOT_ATTACHED) % {"name": item.filename, "reason": reason})
            continue
        try:
            attachment = attachment_upload(actor=sender, filename=item.filename, content=item.data)
        except ValidationFailed as error:
            refused.append(
                str(_NOT_ATTACHED) % {"name": item.filename, "reason": str(error.message)}
            )
            continue
        uploaded.append(attachment)
        files.append(attachment)
    return files, refused


def _with_refusals(text: str, refused: Sequence[str], limit: int) -> str:
    tail = "\n".join(refused)
    room = limit - len(tail) - 2
    if len(text) > room:
        cut = str(_CUT)
        text = text[: max(room - len(cut) - 2, 0)].rstrip() + "\n\n" + cut
    return f"{text}\n\n{tail}".strip() if tail else text


# Bounces --------------------------------------------------------------------------------


def _mark_bouncing(recipients: Sequence[str], reason: str, message: InboundMessage) -> list[str]:
    """Mark each address the bounce names as failing; the addresses marked."""
    marked: list[str] = []
    at = now()
    for item in recipients:
        try:
            address = normalize_email(item)
        except ValidationFailed:
            continue
        if address in marked:
            continue
        updated = BouncingAddress.objects.filter(address=address).update(
            reason=reason[:REASON_MAX],
            bounces=F("bounces") + 1,
            last_bounced_at=at,
            last_message=message,
        )
        if not updated:
            try:
                with transaction.atomic():
                    BouncingAddress.objects.create(
                        address=address,
                        reason=reason[:REASON_MAX],
                        first_bounced_at=at,
                        last_bounced_at=at,
                        last_message=message,
                    )
            except IntegrityError:  # marked by a concurrent bounce a moment ago
                BouncingAddress.objects.filter(address=address).update(
                    bounces=F("bounces") + 1, last_bounced_at=at, last_message=message
                )
        marked.append(address)
    return marked


def describe(message: InboundMessage) -> str:
    """What became of a message, as `deskline mail ingest` prints it after the Message-ID:
    "ticket IT-42", "comment IT-42", "ignored <code>: <text>" or "failed <code>: <text>"."""
    if message.status == MessageStatus.PROCESSED and message.ticket_id is not None:
        key = message.ticket.key if message.ticket else ""
        return f"{message.outcome or 'ticket'} {key}"
    if message.status == MessageStatus.RECEIVED:
        return gettext("received (not processed yet)")
    word = "failed" if message.status == MessageStatus.FAILED else "ignored"
    text = " ".join((message.reason or reason_text(message.reason_code)).split())
    return f"{word} {message.reason_code}: {text}" if text else f"{word} {message.reason_code}"
