"""Outbound e-mail: each notification to its recipient, in their language and time zone.

The domain records notifications and hands their ids to the registered deliveries once its
transaction commits (`tickets/deliveries.py`); `notifications_email` is the e-mail one
(registered in `apps.py`). It writes each e-mail here, whole (subject, text and HTML bodies,
Message-ID and thread references, unsubscribe link), as an `OutboundEmail` row, and queues the
worker job that sends it (`mail.tasks`, `mail.sending`): the request that did the change does
not wait for the mail server, and a server that is away is tried again. Links come from
`core.links.absolute_url` (DESKLINE_BASE_URL, else the request that started the work, else the
default address), so they are built here, while that request is known.

Nobody gets an e-mail of a kind they turned off (`mail.preferences`), system actors and
deactivated people get none, and nothing is written for a notification of a kind that has no
e-mail.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from deskline.core.links import absolute_url
from deskline.core.time import now
from deskline.desks.catalog import catalog
from deskline.mail.addresses import new_message_id, thread_root_id
from deskline.mail.models import BouncingAddress, EmailStatus, OutboundEmail
from deskline.mail.preferences import muted_kinds_of, unsubscribe_token
from deskline.sla.models import Metric
from deskline.tickets.models import Comment, Notification, NotificationKind
from deskline.tickets.notifications import (
    notification_breach_at,
    notification_metric_id,
    notification_status_name,
)

logger = logging.getLogger(__name__)
SLA_KINDS = {NotificationKind.SLA_WARNING, NotificationKind.SLA_BREACHED}
CUSTOMER_KINDS = {
    NotificationKind.REQUEST_RECEIVED,
    NotificationKind.AGENT_REPLIED,
    NotificationKind.WAITING_FOR_CUSTOMER,
    NotificationKind.RESOLVED,
}
EMAILED_KINDS = {*SLA_KINDS, *CUSTOMER_KINDS, NotificationKind.CUSTOMER_REPLIED,
                 NotificationKind.ASSIGNED}  # fmt: skip


@dataclass
class Letter:
    """What an e-mail says, in the recipient's language; both bodies are rendered from it."""

    subject: str
    paragraphs: list[str]
    action_label: str
    url: str
    quote: str = ""
    quote_author: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)


def notifications_email(notification_ids: Sequence[int]) -> int:
    """Write the e-mail of each of these notifications that has one and queue its sending; how
    many were queued. A fixed number of queries whatever the count: the notifications with their
    recipients and tickets, their metrics, the replies they quote, the recipients' preferences,
    and the insert."""
    notifications = list(
        Notification.objects.filter(id__in=sorted(notification_ids))
        .select_related("recipient", "ticket", "ticket__status")
        .order_by("id")
    )
    wanted = [
        item
        for item in notifications
        if item.kind in EMAILED_KINDS
        and item.recipient.is_active
        and not item.recipient.is_system
        and item.recipient.email
    ]
    if not wanted:
        return 0
    metric_ids = sorted(
        {found for item in wanted if (found := notification_metric_id(item)) is not None}
    )
    metrics = (
        {metric.pk: metric for metric in Metric.objects.filter(id__in=metric_ids)}
        if metric_ids
        else {}
    )
    comment_ids = sorted(
        {
            item.data["comment_id"]
            for item in wanted
            if item.kind == NotificationKind.AGENT_REPLIED
            and isinstance(item.data.get("comment_id"), int)
        }
    )
    comments = (
        dict(Comment.objects.filter(id__in=comment_ids).values_list("id", "body"))
        if comment_ids
        else {}
    )
    muted = muted_kinds_of(item.recipient_id for item in wanted)
    emails = []
    for notification in wanted:
        if notification.kind in muted.get(notification.recipient_id, set()):
            continue
        try:
            emails.append(_email_for(notification, metrics, comments))
        except Exception:  # one notification that cannot be written must not stop the others
            logger.exception("Could not write the e-mail of notification %s", notification.pk)
    if not emails:
        return 0
    _refuse_bouncing(emails)
    with transaction.atomic():
        created = OutboundEmail.objects.bulk_create(emails)
        ids = [email.pk for email in created if email.status == EmailStatus.QUEUED]
        transaction.on_commit(lambda: outbound_enqueue(ids))
    return len(ids)


def _refuse_bouncing(emails: list[OutboundEmail]) -> None:
    """An e-mail to an address whose mail comes back (mail.inbound marks it from the bounce) is
    recorded as failed with the bounce's reason, shown on the ticket, and never sent."""
    addresses = {email.to_address.strip().lower() for email in emails}
    bouncing = dict(
        BouncingAddress.objects.filter(address__in=sorted(addresses)).values_list(
            "address", "reason"
        )
    )
    if not bouncing:
        return
    for email in emails:
        reason = bouncing.get(email.to_address.strip().lower())
        if reason is not None:
            email.status = EmailStatus.FAILED
            email.last_error = _("Mail to this address comes back: %(reason)s") % {
                "reason": reason or _("no reason given")
            }


def outbound_enqueue(email_ids: Sequence[int]) -> None:
    """Hand each e-mail to the worker; one the queue refuses is sent by the periodic sweep."""
    from deskline.mail.tasks import outbound_email_send  # the tasks import the sending code

    for email_id in email_ids:
        try:
            outbound_email_send(email_id)
        except Exception:  # the queue is away: `outbound_emails_due` picks it up
            logger.exception("Could not queue e-mail %s; the sweep will send it", email_id)


def _email_for(
    notification: Notification, metrics: dict[int, Metric], comments: dict[int, str]
) -> OutboundEmail:
    user = notification.recipient
    ticket = notification.ticket
    zone = _zone(user.time_zone)
    with translation.override(user.locale or settings.LANGUAGE_CODE), timezone.override(zone):
        letter = _letter(notification, metrics, comments, zone)
        token = unsubscribe_token(user, notification.kind)
        unsubscribe_url = absolute_url(reverse("mail:unsubscribe", args=[token]))
        context = {
            "letter": letter,
            "user": user,
            "name": user.display_name or user.email,
            "ticket": ticket,
            "when": timezone.localtime(notification.created_at, zone),
            "zone": zone,
            "kind_name": NotificationKind(notification.kind).label,
            "unsubscribe_url": unsubscribe_url,
            "language": translation.get_language(),
        }
        text = render_to_string("mail/notification.txt", context)
        html = render_to_string("mail/notification.html", context)
    root = thread_root_id(ticket)
    return OutboundEmail(
        ticket=ticket,
        recipient=user,
        to_address=user.email,
        kind=notification.kind,
        subject=" ".join(letter.subject.split())[:998],
        text_body=text,
        html_body=html,
        message_id=new_message_id(ticket),
        in_reply_to=root,
        references=root,
        unsubscribe_url=unsubscribe_url,
        status=EmailStatus.QUEUED,
        next_attempt_at=now(),
    )


def _letter(
    notification: Notification,
    metrics: dict[int, Metric],
    comments: dict[int, str],
    zone: datetime.tzinfo,
) -> Letter:
    """The words of the e-mail, in the active language."""
    ticket = notification.ticket
    data = notification.data
    names = {"key": ticket.key, "summary": ticket.summary}
    agent_url = absolute_url(reverse("workspace:ticket", args=[ticket.key]))
    customer_url = absolute_url(reverse("portal:request", args=[ticket.key]))
    kind = notification.kind
    if kind in SLA_KINDS:
        metric = metrics.get(notification_metric_id(notification) or 0)
        # A metric deleted since keeps the name it had when the notification was made.
        name = metric.translated("name") if metric else str(data.get("metric", ""))
        breach_at = notification_breach_at(notification)
        when = (
            {"when": timezone.localtime(breach_at, zone).strftime("%Y-%m-%d %H:%M"), "zone": zone}
            if breach_at
            else None
        )
        if kind == NotificationKind.SLA_BREACHED:
            subject = _("[%(key)s] SLA breached: %(metric)s") % {**names, "metric": name}
            lines = [_("%(metric)s of %(key)s has breached its goal.") % {**names, "metric": name}]
            if when:
                lines.append(_("It was due at %(when)s (%(zone)s).") % when)
        else:
            subject = _("[%(key)s] SLA warning: %(metric)s") % {**names, "metric": name}
            lines = [
                _("%(metric)s of %(key)s is about to breach its goal.") % {**names, "metric": name}
            ]
            if when:
                lines.append(_("It is due at %(when)s (%(zone)s).") % when)
        return Letter(subject, lines, _("Open the request"), agent_url)
    if kind == NotificationKind.CUSTOMER_REPLIED:
        author = str(data.get("author") or "")
        comment_id = data.get("comment_id")
        anchor = f"#c{comment_id}" if isinstance(comment_id, int) else ""
        lines = [_("%(author)s replied on %(key)s:") % {**names, "author": author}]
        reopened_to = notification_status_name(notification)
        after = (
            [_("The request is back in %(reopened_to)s.") % {"reopened_to": reopened_to}]
            if reopened_to
            else []
        )
        letter = Letter(
            _("[%(key)s] %(author)s replied: %(summary)s") % {**names, "author": author},
            lines,
            _("Open the request"),
            agent_url + anchor,
            quote=str(data.get("excerpt") or ""),
            quote_author=author,
        )
        letter.paragraphs.extend(after)
        return letter
    if kind == NotificationKind.ASSIGNED:
        by = str(data.get("by") or "")
        return Letter(
            _("[%(key)s] Assigned to you: %(summary)s") % names,
            [_("%(by)s assigned %(key)s to you.") % {**names, "by": by}],
            _("Open the request"),
            agent_url,
            details=[(_("Priority"), ticket.get_priority_display())],
        )
    if kind == NotificationKind.REQUEST_RECEIVED:
        return Letter(
            _("[%(key)s] Request received: %(summary)s") % names,
            [
                _("We have received your request %(key)s and will get back to you.") % names,
                _("You can follow it, and add to it, in the help center."),
            ],
            _("View your request"),
            customer_url,
        )
    if kind == NotificationKind.AGENT_REPLIED:
        author = str(data.get("author") or "")
        comment_id = data.get("comment_id")
        body = comments.get(comment_id) if isinstance(comment_id, int) else None
        anchor = f"#c{comment_id}" if isinstance(comment_id, int) else ""
        return Letter(
            _("[%(key)s] %(author)s replied: %(summary)s") % {**names, "author": author},
            [_("%(author)s replied on %(key)s:") % {**names, "author": author}],
            _("Reply in the help center"),
            customer_url + anchor,
            quote=body if body is not None else str(data.get("excerpt") or ""),
            quote_author=author,
        )
    status_id = data.get("status_id")
    status = catalog().statuses.get(status_id if isinstance(status_id, int) else 0)
    status_name = (status or ticket.status).customer_facing_name()
    if kind == NotificationKind.WAITING_FOR_CUSTOMER:
        return Letter(
            _("[%(key)s] Waiting for your reply: %(summary)s") % names,
            [_("The service desk needs your reply to go on with %(key)s.") % names],
            _("Reply in the help center"),
            customer_url,
            details=[(_("Status"), status_name)] if status_name else [],
        )
    # NotificationKind.RESOLVED
    return Letter(
        _("[%(key)s] Resolved: %(summary)s") % names,
        [
            _("%(key)s has been resolved.") % names,
            _("If something is still not right, reopen it in the help center."),
        ],
        _("View your request"),
        customer_url,
        details=[(_("Status"), status_name)] if status_name else [],
    )


def _zone(name: str) -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC
