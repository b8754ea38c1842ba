"""Which ticket a message belongs to: by the Message-IDs it answers, else by the key in its subject.

1. In-Reply-To, then References (newest first), against the Message-IDs of the messages Deskline
   received (`InboundMessage`) and the ids Deskline writes itself: "deskline.<key>.<x>@<domain>"
   on each e-mail and "deskline.<key>@<domain>", the thread root every e-mail of a ticket
   refers to (`ticket_for_message_ids`).
2. A ticket key in the subject: "[IT-42] ...", "Re: [IT-42] ..." (`subject_ticket_key`).

Either way the caller decides whether the sender may write on the ticket (`mail.inbound`): a
Message-ID or a key is easily guessed, so finding a ticket gives no access to it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

from deskline.mail.models import InboundMessage
from deskline.tickets.access import TICKET_KEY_RE
from deskline.tickets.models import Ticket, TicketKeyAlias

# A dedupe key must fit its column; a longer Message-ID is known by its hash.
DEDUPE_KEY_MAX = 255
# Ids Deskline writes: "deskline.it-42@example.com" (the thread root) and
# "deskline.it-42.<random>@example.com" (one e-mail).
_OWN_ID = re.compile(r"^deskline\.([a-z][a-z0-9]{1,9}-[1-9][0-9]{0,9})(?:\.[^@\s]+)?@\S+$", re.I)
# "[IT-42]" anywhere in the subject; the first one counts.
_SUBJECT_KEY = re.compile(r"\[\s*([A-Za-z][A-Za-z0-9]{1,9}-[1-9][0-9]{0,9})\s*\]")
# Reply and forward prefixes of the mail programs people use, in English, Chinese, German,
# French, Spanish, Dutch, Scandinavian and more, as they lead a subject (possibly repeated).
_PREFIX = re.compile(
    r"^\s*(?:(?:re|fw|fwd|aw|wg|tr|rv|sv|vs|antw|doorst|r|回复|回覆|答复|答覆|转发|轉寄|转寄)"
    r"\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)


def dedupe_key(message_id: str | None, sha256: str) -> str:
    """How a message is known once received: its Message-ID, "sha256:<hex>" of its bytes when
    it has none, or of the id itself when the id is too long to be a key."""
    if not message_id:
        return f"sha256:{sha256}"
    if len(message_id) > DEDUPE_KEY_MAX:
        return "sha256:" + hashlib.sha256(message_id.encode("utf-8", "surrogateescape")).hexdigest()
    return message_id


def own_message_ticket_key(message_id: str) -> str | None:
    """The ticket key in a Message-ID that Deskline wrote ("deskline.it-42.x@..." gives
    "IT-42"), or None for anyone else's id."""
    match = _OWN_ID.match(message_id.strip())
    return match.group(1).upper() if match else None


def is_own_message_id(message_id: str | None) -> bool:
    """True for a Message-ID of Deskline's own making (a notification that came back)."""
    return bool(message_id) and own_message_ticket_key(message_id or "") is not None


def ticket_for_message_ids(ids: Sequence[str]) -> Ticket | None:
    """The ticket of the first of `ids` (most relevant first: In-Reply-To, then References from
    the newest) that Deskline knows: a message it received and made a ticket or comment of, or
    a Message-ID of its own writing, which names the ticket's key.

    Integration point: once Deskline records the e-mails it sends (`OutboundEmail` of part
    "out"), look their `message_id` up here too, in the same order. Two queries at most.
    """
    wanted = [item for item in _unique(ids) if item]
    if not wanted:
        return None
    keys = {dedupe_key(item, ""): item for item in wanted}
    received = dict(
        InboundMessage.objects.filter(dedupe_key__in=list(keys), ticket__isnull=False)
        .order_by("id")
        .values_list("dedupe_key", "ticket_id")
    )
    ticket_ids = {keys[key]: ticket_id for key, ticket_id in received.items()}
    for item in wanted:
        if item in ticket_ids:
            return Ticket.objects.filter(pk=ticket_ids[item]).first()
        key = own_message_ticket_key(item)
        if key is not None and (ticket := ticket_with_key(key)) is not None:
            return ticket
    return None


def subject_ticket_key(subject: str) -> str | None:
    """The ticket key in brackets in a subject ("Re: [it-42] Printer" gives "IT-42")."""
    match = _SUBJECT_KEY.search(subject or "")
    if match is None:
        return None
    key = match.group(1)
    found = TICKET_KEY_RE.match(key)
    return f"{found.group(1).upper()}-{found.group(2)}" if found else None


def ticket_with_key(key: str) -> Ticket | None:
    """The ticket with `key`, or the one that had it before it moved to another desk."""
    ticket = Ticket.objects.filter(key=key).first()
    if ticket is None:
        alias = TicketKeyAlias.objects.filter(key=key).select_related("ticket").first()
        ticket = alias.ticket if alias is not None else None
    return ticket


def clean_subject(subject: str) -> str:
    """A subject as a ticket's summary: without reply and forward prefixes ("Re:", "Fwd:",
    "回复：") and bracketed ticket keys, whitespace collapsed."""
    text = _SUBJECT_KEY.sub(" ", subject or "")
    previous = None
    while previous != text:  # "Re: [IT-4] Fwd: x": prefixes again after a key is taken out
        previous = text
        text = _PREFIX.sub("", text)
    return " ".join(text.split())


def thread_ids(in_reply_to: Iterable[str], references: Sequence[str]) -> list[str]:
    """The ids a reply answers, most relevant first: In-Reply-To, then References newest first."""
    return _unique([*in_reply_to, *reversed(list(references))])


def _unique(ids: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in ids:
        cleaned = (item or "").strip().strip("<>").strip()
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)
