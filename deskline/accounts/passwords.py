"""What follows a password change, wherever it happens.

Django tells every configured password validator when a password changes (`password_changed`):
a reset, the account page, an admin setting it, `deskline changepassword`. Only a real change
counts; the re-hashing Django does at sign-in when its hasher gets stronger does not.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from deskline.accounts.actions import api_tokens_revoke_all


class PasswordChangeRevokesApiTokens:
    """A token made while the old password was in use is revoked with it: whoever took over an
    account and made a token keeps no way in once the owner changes the password."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None and user.pk is not None:
            api_tokens_revoke_all(user=user)

    def get_help_text(self) -> str:
        return _("Changing the password also revokes every API token of the account.")
