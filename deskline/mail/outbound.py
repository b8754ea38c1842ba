"""Outbound e-mail: each notification to its recipient, in their language and time zone.

The domain records notifications and hands their ids to the registered deliveries once its
transaction commits (`tickets/deliveries.py`); `notifications_email` is the e-mail one
(registered in `apps.py`). The text is written here, from the facts the notification keeps,
with links from `core.links.absolute_url` (DESKLINE_BASE_URL, else the request that started the
work, else the default address).
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from deskline.core.links import absolute_url
from deskline.sla.models import Metric
from deskline.tickets.models import Notification, NotificationKind
from deskline.tickets.notifications import (
    notification_breach_at,
    notification_metric_id,
    notification_status_name,
)

logger = logging.getLogger(__name__)
SLA_KINDS = {NotificationKind.SLA_WARNING, NotificationKind.SLA_BREACHED}


def notifications_email(notification_ids: Sequence[int]) -> int:
    """E-mail each of these notifications to its recipient; how many went out. Two queries (the
    notifications with their recipients and tickets, and their metrics)."""
    notifications = list(
        Notification.objects.filter(id__in=sorted(notification_ids))
        .select_related("recipient", "ticket")
        .order_by("id")
    )
    metric_ids = sorted(
        {found for item in notifications if (found := notification_metric_id(item)) is not None}
    )
    metrics = {metric.pk: metric for metric in Metric.objects.filter(id__in=metric_ids)}
    sent = 0
    for notification in notifications:
        recipient = notification.recipient
        if recipient.is_system or not recipient.is_active:
            continue
        if notification.kind in SLA_KINDS:
            metric = metrics.get(notification_metric_id(notification) or 0)
            subject, body = _sla_alert(notification, metric)
        elif notification.kind == NotificationKind.CUSTOMER_REPLIED:
            subject, body = _customer_replied(notification)
        else:
            continue  # nothing to say by e-mail (yet)
        try:
            send_mail(subject, body, None, [recipient.email])
        except Exception:  # one unreachable mailbox must not stop the others
            logger.exception(
                "Could not send the %s e-mail for %s to %s",
                notification.kind,
                notification.ticket.key,
                recipient.email,
            )
        else:
            sent += 1
    return sent


def _sla_alert(notification: Notification, metric: Metric | None) -> tuple[str, str]:
    """The subject and body of an SLA warning or breach, in the recipient's language and zone."""
    user = notification.recipient
    ticket = notification.ticket
    zone = _zone(user.time_zone)
    with translation.override(user.locale or settings.LANGUAGE_CODE), timezone.override(zone):
        # A metric deleted since keeps the name it had when the notification was made.
        name = metric.translated("name") if metric else str(notification.data.get("metric", ""))
        breach_at = notification_breach_at(notification)
        context = {
            "user": user,
            "ticket": ticket,
            "metric": name,
            "is_breach": notification.kind == NotificationKind.SLA_BREACHED,
            "breach_at": timezone.localtime(breach_at, zone) if breach_at else None,
            "zone": zone,
            "url": absolute_url(f"/agent/tickets/{ticket.key}/"),
        }
        subject = (
            _("[%(key)s] SLA breached: %(metric)s")
            if context["is_breach"]
            else _("[%(key)s] SLA warning: %(metric)s")
        ) % {"key": ticket.key, "metric": name}
        body = render_to_string("mail/sla_alert.txt", context)
    return subject, body


def _customer_replied(notification: Notification) -> tuple[str, str]:
    """The subject and body telling an agent that the customer replied, in their language."""
    user = notification.recipient
    ticket = notification.ticket
    data = notification.data
    with translation.override(user.locale or settings.LANGUAGE_CODE):
        author = str(data.get("author") or "")
        comment_id = data.get("comment_id")
        anchor = f"#c{comment_id}" if isinstance(comment_id, int) else ""
        context = {
            "user": user,
            "ticket": ticket,
            "author": author,
            "excerpt": str(data.get("excerpt") or ""),
            "reopened_to": notification_status_name(notification),
            "url": absolute_url(f"/agent/tickets/{ticket.key}/{anchor}"),
        }
        subject = _("[%(key)s] %(author)s replied: %(summary)s") % {
            "key": ticket.key,
            "author": author,
            "summary": ticket.summary,
        }
        body = render_to_string("mail/customer_replied.txt", context)
    return subject, body


def _zone(name: str) -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC
