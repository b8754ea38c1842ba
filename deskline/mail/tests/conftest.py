"""Fixtures of the mail tests: the real mail server (Postfix and Dovecot on loopback)."""

from deskline.testing.mailserver import mail_server  # noqa: F401  (a session fixture)
