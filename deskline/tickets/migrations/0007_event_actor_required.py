"""Every audit event names who acted: the SLA worker's events (recorded without an actor until
now) become the "Service levels" system actor's, any other event without one Deskline's."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SYSTEM_DOMAIN = "system.deskline.invalid"
NAMES = {"sla": "Service levels", "deskline": "Deskline"}


def _actor(User, key):
    found = User.objects.filter(system_key=key).first()
    if found is None:
        # An unusable password, as set_unusable_password() makes it ("!" and random text).
        found = User.objects.create(
            email=f"{key}@{SYSTEM_DOMAIN}",
            display_name=NAMES[key],
            role="system",
            system_key=key,
            password="!deskline-system-actor",
        )
    return found


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    unnamed = TicketEvent.objects.filter(actor__isnull=True)
    sla_kinds = ("sla_warning", "sla_breached")
    if unnamed.filter(kind__in=sla_kinds).exists():
        unnamed.filter(kind__in=sla_kinds).update(actor=_actor(User, "sla"))
    if unnamed.exists():
        unnamed.update(actor=_actor(User, "deskline"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_system_actor"),
        ("tickets", "0006_ticket_drop_redundant_fk_indexes"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="ticketevent",
            name="actor",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
