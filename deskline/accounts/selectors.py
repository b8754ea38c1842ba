"""Reads of accounts: people by address, API tokens."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import ApiToken, User
from deskline.core.errors import NotFound


def user_with_email(email: str) -> User | None:
    """The account of this address (stored lower-case), active or not; None when there is none."""
    return User.objects.filter(email=email.strip().lower()).first()


def api_token_list(*, user: User | None = None) -> QuerySet[ApiToken]:
    """Tokens, newest first, with their owner; only `user`'s when given. Never the token itself:
    only its hash is stored."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    if user is not None:
        tokens = tokens.filter(user_id=user.pk)
    return tokens


def api_token_of(*, user: User, token_id: int) -> ApiToken:
    """`user`'s token with this id; NotFound for anyone else's, as for one that does not exist."""
    # A number past the id column's range names nothing (and SQLite cannot compare it).
    token = (
        ApiToken.objects.filter(pk=token_id, user_id=user.pk).first()
        if 0 < token_id < 2**63
        else None
    )
    if token is None:
        raise NotFound(_("There is no such token."), code="token_not_found")
    return token
