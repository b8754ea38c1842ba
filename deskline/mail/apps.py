from django.apps import AppConfig


class MailConfig(AppConfig):
    """Outbound e-mail (`outbound.py` writes, `sending.py` and the worker send, `preferences.py`
    says who wants what); later also the mailboxes that become tickets."""

    name = "deskline.mail"
    label = "mail"
    verbose_name = "Mail"

    def ready(self) -> None:
        from deskline.mail.outbound import notifications_email
        from deskline.tickets.deliveries import delivery_register

        delivery_register(notifications_email)
