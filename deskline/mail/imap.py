"""The IMAP poller: a mailbox's new messages go to `inbound.receive()`, none lost, none twice.

A poll logs in (LOGIN with a password, or AUTHENTICATE XOAUTH2 with an access token that is
refreshed from the mailbox's token URL when the server turns it down), opens the folder
read-only (EXAMINE: messages stay unread), and fetches every message whose UID is above
`imap_last_uid`, oldest first. `imap_last_uid` moves past a message only after `receive()` has
stored it, so a crash between two messages fetches the rest next time and never skips one;
fetching one again is harmless because `receive()` is idempotent by Message-ID. When the
folder's UIDVALIDITY changes, its UIDs mean other messages: the poll
starts again from UID 1 (and `receive()` recognises what it already has).

Transport: "tls" is IMAP over TLS (993), "starttls" upgrades a plain connection before logging
in, "none" is allowed only to a loopback host (a relay on the same machine, tests).

Every poll records its outcome on the mailbox (`last_fetch_at`, `_ok`, `_error`, `_count`); an
error is a translated sentence without the secret, and never escapes to the worker.
"""

from __future__ import annotations

import imaplib
import ipaddress
import json
import logging
import re
import select
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from deskline.mail.models import InboundMessage, Mailbox

    Store = Callable[..., InboundMessage]

logger = logging.getLogger(__name__)

_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
_FETCH_UID = re.compile(rb"UID (\d+)")


class ImapError(Exception):
    """A poll or a connection test failed; `str()` is a translated sentence for admins."""


@dataclass(frozen=True)
class FetchResult:
    """What one poll of a mailbox did."""

    ok: bool
    stored: int  # messages handed to receive() and stored (new or already known)
    error: str = ""  # translated, empty when ok
    remaining: bool = False  # the poll stopped at its limit; more messages wait


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address) names this machine: an unencrypted connection to
    it never leaves it. The mailbox form refuses plain IMAP to any other host by it too."""
    name = (host or "").strip().strip("[]").lower()
    if name in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _ssl_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca_file = getattr(settings, "DESKLINE_IMAP_CA_FILE", "")
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def _timeout() -> float:
    return float(getattr(settings, "DESKLINE_IMAP_TIMEOUT", 60))


def _open(mailbox: Mailbox) -> imaplib.IMAP4:
    """A connection to the mailbox's server, encrypted as configured, not yet logged in."""
    host, port, security = mailbox.imap_host.strip(), int(mailbox.imap_port), mailbox.imap_security
    if not host:
        raise ImapError(_("The mailbox has no IMAP server."))
    try:
        if security == "tls":
            return imaplib.IMAP4_SSL(host, port, ssl_context=_ssl_context(), timeout=_timeout())
        if security == "starttls":
            connection = imaplib.IMAP4(host, port, timeout=_timeout())
            try:
                connection.starttls(ssl_context=_ssl_context())
            except (imaplib.IMAP4.error, ssl.SSLError, OSError):
                with suppress(Exception):
                    connection.shutdown()
                raise
            return connection
        if security == "none":
            if not is_loopback(host):
                raise ImapError(
                    _(
                        "An unencrypted IMAP connection is allowed only to this machine "
                        "(localhost); choose TLS or STARTTLS for %(host)s."
                    )
                    % {"host": host}
                )
            return imaplib.IMAP4(host, port, timeout=_timeout())
    except ssl.SSLError as error:
        raise ImapError(
            _("The TLS connection to %(host)s:%(port)s failed: %(reason)s")
            % {"host": host, "port": port, "reason": error.reason or error}
        ) from error
    except imaplib.IMAP4.error as error:
        raise ImapError(
            _("The IMAP server %(host)s:%(port)s refused: %(reason)s")
            % {"host": host, "port": port, "reason": _reason(error)}
        ) from error
    except (OSError, EOFError) as error:
        raise ImapError(
            _("Could not connect to the IMAP server %(host)s:%(port)s: %(reason)s")
            % {"host": host, "port": port, "reason": getattr(error, "strerror", None) or error}
        ) from error
    raise ImapError(_("Unknown IMAP security setting: %(value)s") % {"value": security})


def _reason(error: BaseException) -> str:
    text = str(error)
    if text.startswith("b'") or text.startswith('b"'):
        with suppress(Exception):
            text = bytes(text[2:-1], "ascii").decode("unicode_escape")
    return text[:500]


def _xoauth2(username: str, token: str) -> Callable[[bytes], bytes]:
    """The AUTHENTICATE XOAUTH2 answer; an empty answer to the server's error challenge."""
    sent = False

    def answer(_challenge: bytes) -> bytes:
        nonlocal sent
        if sent:
            return b""
        sent = True
        return f"user={username}\x01auth=Bearer {token}\x01\x01".encode()

    return answer


def refresh_access_token(mailbox: Mailbox) -> str:
    """A new OAuth2 access token from the mailbox's token URL (refresh-token grant), saved.

    The provider may also hand out a new refresh token; it replaces the old one."""
    if not (mailbox.oauth2_token_url and mailbox.oauth2_refresh_token):
        raise ImapError(
            _("The access token was refused and the mailbox has no token URL and refresh token.")
        )
    form = {
        "grant_type": "refresh_token",
        "refresh_token": mailbox.oauth2_refresh_token,
        "client_id": mailbox.oauth2_client_id,
    }
    if mailbox.oauth2_client_secret:
        form["client_secret"] = mailbox.oauth2_client_secret
    url = urllib.parse.urlsplit(mailbox.oauth2_token_url)
    if not (url.scheme == "https" or (url.scheme == "http" and is_loopback(url.hostname or ""))):
        raise ImapError(_("The OAuth 2.0 token URL must start with https://."))
    request = urllib.request.Request(  # noqa: S310 - https (or http to loopback) only, above
        mailbox.oauth2_token_url,
        data=urllib.parse.urlencode(form).encode(),
        headers={"Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=_timeout()) as response:  # noqa: S310
            answer = json.loads(response.read(1_000_000) or b"{}")
    except urllib.error.HTTPError as error:
        detail = ""
        with suppress(Exception):
            body = json.loads(error.read(100_000))
            detail = str(body.get("error_description") or body.get("error") or "")[:300]
        raise ImapError(
            _("The token URL refused to refresh the access token (HTTP %(status)s) %(detail)s")
            % {"status": error.code, "detail": detail}
        ) from error
    except (OSError, ValueError) as error:
        raise ImapError(
            _("Could not refresh the access token: %(reason)s") % {"reason": error}
        ) from error
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if not isinstance(token, str) or not token:
        raise ImapError(_("The token URL answered without an access token."))
    mailbox.imap_secret = token
    changed = ["imap_secret"]
    new_refresh = answer.get("refresh_token")
    if isinstance(new_refresh, str) and new_refresh:
        mailbox.oauth2_refresh_token = new_refresh
        changed.append("oauth2_refresh_token")
    type(mailbox).objects.filter(pk=mailbox.pk).update(
        **{name: getattr(mailbox, name) for name in changed}
    )
    return token


def _authenticate(connection: imaplib.IMAP4, mailbox: Mailbox) -> None:
    username = mailbox.imap_username or mailbox.address
    if mailbox.imap_auth == "xoauth2":
        if "AUTH=XOAUTH2" not in connection.capabilities:
            raise ImapError(_("The IMAP server does not offer XOAUTH2 sign-in."))
        token = mailbox.imap_secret
        if not token:
            token = refresh_access_token(mailbox)
        try:
            connection.authenticate("XOAUTH2", _xoauth2(username, token))
            return
        except imaplib.IMAP4.error:
            pass  # an expired or revoked access token: refresh it once and try again
        token = refresh_access_token(mailbox)
        try:
            connection.authenticate("XOAUTH2", _xoauth2(username, token))
        except imaplib.IMAP4.error as error:
            raise ImapError(
                _("The IMAP server refused the OAuth2 sign-in of %(user)s: %(reason)s")
                % {"user": username, "reason": _reason(error)}
            ) from error
        return
    if "LOGINDISABLED" in connection.capabilities:
        raise ImapError(_("The IMAP server does not allow a password sign-in here."))
    try:
        connection.login(username, mailbox.imap_secret)
    except imaplib.IMAP4.error as error:
        raise ImapError(
            _("The IMAP server refused the sign-in of %(user)s: %(reason)s")
            % {"user": username, "reason": _reason(error)}
        ) from error


@contextmanager
def imap_session(mailbox: Mailbox) -> Iterator[imaplib.IMAP4]:
    """A logged-in connection to the mailbox's server; logs out at the end."""
    connection = _open(mailbox)
    try:
        try:
            _authenticate(connection, mailbox)
        except (OSError, EOFError, imaplib.IMAP4.abort) as error:
            raise ImapError(
                _("The connection to the IMAP server broke: %(reason)s") % {"reason": error}
            ) from error
        yield connection
    finally:
        with suppress(Exception):
            connection.logout()


def _select(connection: imaplib.IMAP4, folder: str) -> tuple[int, int | None]:
    """EXAMINE the folder (read-only: the poller changes nothing on the server): how many
    messages it holds and its UIDVALIDITY."""
    status, data = connection.select(_quote(folder), readonly=True)
    if status != "OK":
        raise ImapError(
            _("The folder %(folder)s cannot be opened: %(reason)s")
            % {"folder": folder, "reason": _reason(Exception(data[0] if data else b""))}
        )
    count = int(data[0]) if data and data[0] else 0
    uidvalidity = None
    _typ, codes = connection.response("UIDVALIDITY")
    if codes and codes[0]:
        uidvalidity = int(codes[0])
    else:
        status, data = connection.status(_quote(folder), "(UIDVALIDITY)")
        match = _UIDVALIDITY.search(data[0] or b"") if status == "OK" and data else None
        uidvalidity = int(match.group(1)) if match else None
    return count, uidvalidity


def _quote(folder: str) -> str:
    if folder.upper() == "INBOX":
        return "INBOX"
    escaped = folder.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _new_uids(connection: imaplib.IMAP4, after: int) -> list[int]:
    status, data = connection.uid("SEARCH", f"UID {after + 1}:*")
    if status != "OK":
        raise ImapError(_("The IMAP server refused the search for new messages."))
    found = sorted({int(uid) for uid in (data[0] or b"").split()})
    # "n:*" includes the highest UID even when it is below n: only those above `after` are new.
    return [uid for uid in found if uid > after]


def _fetch_raw(connection: imaplib.IMAP4, uid: int) -> bytes | None:
    status, data = connection.uid("FETCH", str(uid), "(BODY.PEEK[])")
    if status != "OK":
        raise ImapError(_("The IMAP server refused to hand out message %(uid)s.") % {"uid": uid})
    for part in data:
        if isinstance(part, tuple) and len(part) == 2:
            header, raw = part
            match = _FETCH_UID.search(header)
            if match is None or int(match.group(1)) == uid:
                return bytes(raw)
    return None  # expunged in the meantime


def _record(mailbox: Mailbox, *, ok: bool, error: str, count: int) -> None:
    now = timezone.now()
    type(mailbox).objects.filter(pk=mailbox.pk).update(
        last_fetch_at=now, last_fetch_ok=ok, last_fetch_error=error, last_fetch_count=count
    )
    mailbox.last_fetch_at, mailbox.last_fetch_ok = now, ok
    mailbox.last_fetch_error, mailbox.last_fetch_count = error, count


def _default_store() -> Store:
    from deskline.mail.inbound import receive

    return receive


@dataclass
class _Progress:
    stored: int = 0


def fetch_folder(
    connection: imaplib.IMAP4,
    mailbox: Mailbox,
    *,
    store: Store | None = None,
    limit: int = 200,
    progress: _Progress | None = None,
) -> tuple[int, bool]:
    """Fetch the new messages of the mailbox's folder on a logged-in connection into `store`
    (`inbound.receive`): how many were stored, and whether more wait beyond `limit`."""
    store = store or _default_store()
    progress = progress if progress is not None else _Progress()
    _count, uidvalidity = _select(connection, mailbox.imap_folder or "INBOX")
    model = type(mailbox)
    if uidvalidity is not None and uidvalidity != mailbox.imap_uidvalidity:
        if mailbox.imap_uidvalidity is not None:
            logger.warning(
                "mailbox %s: UIDVALIDITY changed from %s to %s; fetching the folder again",
                mailbox.pk,
                mailbox.imap_uidvalidity,
                uidvalidity,
            )
        model.objects.filter(pk=mailbox.pk).update(imap_uidvalidity=uidvalidity, imap_last_uid=0)
        mailbox.imap_uidvalidity, mailbox.imap_last_uid = uidvalidity, 0
    uids = _new_uids(connection, mailbox.imap_last_uid)
    for uid in uids[:limit]:
        raw = _fetch_raw(connection, uid)
        if raw is not None:
            store(raw, mailbox=mailbox, source="imap", recipients=())
            progress.stored += 1
        # Only now, with the message stored, the mailbox moves past it (never backwards).
        model.objects.filter(pk=mailbox.pk, imap_last_uid__lt=uid).update(imap_last_uid=uid)
        mailbox.imap_last_uid = max(mailbox.imap_last_uid, uid)
    return progress.stored, len(uids) > limit


def mailbox_fetch(mailbox: Mailbox, *, store: Store | None = None, limit: int = 200) -> FetchResult:
    """Poll one IMAP mailbox once: fetch its new messages into `receive()` and record the outcome
    on the mailbox. Never raises for a server, network or sign-in problem: the result says it."""
    progress = _Progress()
    try:
        with imap_session(mailbox) as connection:
            _stored, remaining = fetch_folder(
                connection, mailbox, store=store, limit=limit, progress=progress
            )
    except ImapError as error:
        result = FetchResult(ok=False, stored=progress.stored, error=str(error))
    except (OSError, EOFError, imaplib.IMAP4.error, imaplib.IMAP4.abort) as error:
        result = FetchResult(
            ok=False,
            stored=progress.stored,
            error=_("The IMAP connection failed: %(reason)s") % {"reason": _reason(error)},
        )
    except Exception as error:  # storing failed (database down, a bug): retried next poll
        logger.exception("mailbox %s: fetch stopped", mailbox.pk)
        result = FetchResult(
            ok=False,
            stored=progress.stored,
            error=_("The fetch stopped on an unexpected error: %(reason)s")
            % {"reason": type(error).__name__},
        )
    else:
        result = FetchResult(ok=True, stored=progress.stored, remaining=remaining)
    _record(mailbox, ok=result.ok, error=result.error, count=result.stored)
    if not result.ok:
        logger.warning("mailbox %s: fetch failed: %s", mailbox.pk, result.error)
    return result


def imap_mailboxes() -> list[Mailbox]:
    """The active IMAP mailboxes, in a stable order."""
    from deskline.mail.models import Mailbox

    return list(Mailbox.objects.filter(is_active=True, kind="imap").order_by("pk"))


# A mailbox fetched this recently is left alone by the minute job: every worker process runs the
# job, and `deskline mail fetch --idle` may be watching the mailbox already.
CLAIM_SECONDS = 30


def _claim(mailbox: Mailbox) -> bool:
    """Take the mailbox's next poll (a conditional UPDATE: one worker wins); False when another
    worker or a watching `fetch --idle` fetched it within CLAIM_SECONDS."""
    now = timezone.now()
    recent = now - timedelta(seconds=CLAIM_SECONDS)
    claimed = (
        type(mailbox)
        .objects.filter(pk=mailbox.pk)
        .filter(Q(last_fetch_at__isnull=True) | Q(last_fetch_at__lt=recent))
        .update(last_fetch_at=now)
    )
    return claimed == 1


def mailboxes_fetch(*, store: Store | None = None) -> list[FetchResult]:
    """Poll every active IMAP mailbox once (the worker does, every minute), except those fetched
    in the last CLAIM_SECONDS. One mailbox's failure, even an unexpected one, is recorded on it
    and does not stop the others."""
    results = []
    for mailbox in imap_mailboxes():
        if not _claim(mailbox):
            continue
        try:
            results.append(mailbox_fetch(mailbox, store=store))
        except Exception as error:  # a bug must not stop the other mailboxes or the worker
            logger.exception("mailbox %s: fetch crashed", mailbox.pk)
            message = _("The fetch stopped on an unexpected error: %(reason)s") % {
                "reason": type(error).__name__
            }
            with suppress(Exception):
                _record(mailbox, ok=False, error=message, count=0)
            results.append(FetchResult(ok=False, stored=0, error=message))
    return results


def mailbox_test_connection(mailbox: Mailbox) -> tuple[bool, str]:
    """Sign in, open the folder and say how many messages it holds, or what went wrong
    (translated, never the secret). Changes nothing in the folder or in the fetch state
    (except a refreshed OAuth2 access token)."""
    folder = mailbox.imap_folder or "INBOX"
    try:
        with imap_session(mailbox) as connection:
            status, data = connection.select(_quote(folder), readonly=True)
            if status != "OK":
                raise ImapError(
                    _("The folder %(folder)s cannot be opened: %(reason)s")
                    % {"folder": folder, "reason": _reason(Exception(data[0] if data else b""))}
                )
            count = int(data[0]) if data and data[0] else 0
    except ImapError as error:
        return False, str(error)
    except (OSError, EOFError, imaplib.IMAP4.error, imaplib.IMAP4.abort) as error:
        return False, _("The IMAP connection failed: %(reason)s") % {"reason": _reason(error)}
    return True, ngettext(
        "Signed in; the folder %(folder)s holds %(count)s message.",
        "Signed in; the folder %(folder)s holds %(count)s messages.",
        count,
    ) % {"folder": folder, "count": count}


def wait_for_mail(connection: imaplib.IMAP4, *, timeout: float) -> bool:
    """IMAP IDLE on the selected folder until the server announces a new message (True) or
    `timeout` seconds pass (False). The caller checks `"IDLE" in connection.capabilities`."""
    tag = connection._new_tag()  # imaplib (3.11) has no IDLE: its tag counter, then our own I/O
    connection.send(tag + b" IDLE\r\n")
    first = connection.readline()
    if not first.startswith(b"+"):
        raise ImapError(_("The IMAP server refused IDLE: %(reason)s") % {"reason": first[:200]})
    sock: socket.socket = connection.sock
    deadline = time.monotonic() + timeout
    arrived = False
    try:
        while not arrived:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            # Wait on the socket, not in readline(): a timeout inside a buffered read may lose data.
            pending = isinstance(sock, ssl.SSLSocket) and sock.pending() > 0
            if not pending and not select.select([sock], [], [], left)[0]:
                break
            line = connection.readline()
            if not line:
                raise ImapError(_("The IMAP server closed the connection during IDLE."))
            arrived = b"EXISTS" in line.upper() or b"RECENT" in line.upper()
    finally:
        connection.send(b"DONE\r\n")
        while True:
            line = connection.readline()
            if not line or line.startswith(tag):
                break
    return arrived


def mailbox_watch(
    mailbox: Mailbox,
    *,
    idle: bool,
    idle_timeout: float = 300,
    rounds: int | None = None,
    store: Store | None = None,
    poll_interval: float = 60,
    on_result: Callable[[FetchResult], Any] | None = None,
) -> None:
    """`deskline mail fetch`: fetch the mailbox, then (with `idle`) wait with IMAP IDLE where the
    server has it, else sleep `poll_interval`, and fetch again; `rounds` fetches at most (None:
    until stopped). Errors are recorded and retried after `poll_interval`."""
    done = 0
    while rounds is None or done < rounds:
        waited = remaining = False
        try:
            with imap_session(mailbox) as connection:
                stored, remaining = fetch_folder(connection, mailbox, store=store)
                result = FetchResult(ok=True, stored=stored, remaining=remaining)
                _record(mailbox, ok=True, error="", count=stored)
                if on_result:
                    on_result(result)
                done += 1
                if idle and "IDLE" in connection.capabilities and not remaining:
                    if rounds is None or done < rounds:
                        wait_for_mail(connection, timeout=idle_timeout)
                    waited = True
        except Exception as error:  # recorded, and tried again after poll_interval
            if isinstance(error, ImapError):
                message = str(error)
            elif isinstance(error, (OSError, EOFError, imaplib.IMAP4.error, imaplib.IMAP4.abort)):
                message = _("The IMAP connection failed: %(reason)s") % {"reason": _reason(error)}
            else:
                logger.exception("mailbox %s: fetch stopped", mailbox.pk)
                message = _("The fetch stopped on an unexpected error: %(reason)s") % {
                    "reason": type(error).__name__
                }
            result = FetchResult(ok=False, stored=0, error=message)
            _record(mailbox, ok=False, error=message, count=0)
            if on_result:
                on_result(result)
            done += 1
        if not waited and not remaining and (rounds is None or done < rounds):
            time.sleep(poll_interval)
        mailbox.refresh_from_db()
