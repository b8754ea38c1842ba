"""Which notifications a person gets by e-mail, and the signed links that change it.

An unsubscribe link carries a token signed with SECRET_KEY (`django.core.signing`) that names
the person (by id and address) and the kind of e-mail it came with: whoever holds the e-mail
may turn that person's e-mails off, and nobody can write a token for someone else. A token
whose address is no longer the person's (they changed it) is refused.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.core.errors import DomainError
from deskline.core.time import now
from deskline.mail.models import EmailPreference
from deskline.tickets.models import NotificationKind

TOKEN_SALT = "deskline.mail.unsubscribe"

# The kinds a person may turn off, in the order the preferences page lists them.
CUSTOMER_KINDS = (
    NotificationKind.REQUEST_RECEIVED,
    NotificationKind.AGENT_REPLIED,
    NotificationKind.WAITING_FOR_CUSTOMER,
    NotificationKind.RESOLVED,
)
AGENT_KINDS = (
    NotificationKind.ASSIGNED,
    NotificationKind.CUSTOMER_REPLIED,
    NotificationKind.SLA_WARNING,
    NotificationKind.SLA_BREACHED,
)


class InvalidLink(DomainError):
    """An unsubscribe link that is not one Deskline wrote, or no longer anyone's."""


def kinds_for(user: User) -> tuple[str, ...]:
    """The kinds of e-mail `user` can get: an agent's and a customer's (an agent may raise
    requests too), a customer's alone."""
    return (*AGENT_KINDS, *CUSTOMER_KINDS) if user.is_agent else CUSTOMER_KINDS


def unsubscribe_token(user: User, kind: str) -> str:
    """The signed token of the unsubscribe link in an e-mail of `kind` to `user`."""
    return signing.dumps({"u": user.pk, "e": user.email, "k": kind}, salt=TOKEN_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[User, str]:
    """The person and kind a token names; InvalidLink when it was tampered with, signed for
    something else, or names nobody (anymore)."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise InvalidLink(
            _("This link is not valid. Open the newest e-mail and use its link."),
            code="invalid_unsubscribe_link",
        ) from None
    user_id, email, kind = (data.get(name) if isinstance(data, dict) else None for name in "uek")
    user = (
        User.objects.filter(pk=user_id, email=email, is_active=True).first()
        if isinstance(user_id, int) and isinstance(email, str)
        else None
    )
    if user is None or user.is_system or kind not in NotificationKind.values:
        raise InvalidLink(
            _("This link belongs to an address that no longer receives our e-mails."),
            code="unknown_unsubscribe_link",
            status=404,
        )
    return user, str(kind)


def muted_kinds(user: User) -> set[str]:
    """The kinds `user` turned off."""
    preference = EmailPreference.objects.filter(user_id=user.pk).first()
    return set(preference.muted_kinds) if preference else set()


def muted_kinds_of(user_ids: Iterable[int]) -> dict[int, set[str]]:
    """The kinds each of these people turned off (one query; absent: none)."""
    rows = EmailPreference.objects.filter(user_id__in=sorted(set(user_ids)))
    return {row.user_id: set(row.muted_kinds) for row in rows.only("user_id", "muted_kinds")}


def email_preferences_set(*, user: User, wanted: Iterable[str]) -> set[str]:
    """Keep e-mailing `user` the kinds in `wanted` and turn off the other kinds they can get;
    the kinds now off. Kinds they cannot get are ignored."""
    wanted_kinds = set(wanted)
    muted = sorted(kind for kind in kinds_for(user) if kind not in wanted_kinds)
    with transaction.atomic():
        EmailPreference.objects.update_or_create(
            user=user, defaults={"muted_kinds": muted, "updated_at": now()}
        )
    return set(muted)


def email_kind_mute(*, user: User, kind: str) -> set[str]:
    """Turn off the e-mails of `kind` for `user` (the unsubscribe link); the kinds now off."""
    with transaction.atomic():
        preference, _created = EmailPreference.objects.select_for_update().get_or_create(user=user)
        muted = set(preference.muted_kinds)
        if kind not in muted:
            muted.add(kind)
            preference.muted_kinds = sorted(muted)
            preference.updated_at = now()
            preference.save(update_fields=["muted_kinds", "updated_at"])
    return muted
