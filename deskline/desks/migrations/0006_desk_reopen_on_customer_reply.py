"""Desks move a request back to work when its customer replies while it waits for them.

Every existing desk gets the setting on (AddField writes the default into each existing row),
with no status chosen: the desk's first status of category In progress.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("desks", "0005_number_field_bounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="desk",
            name="customer_reply_status",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty for the desk's first status of category In progress.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="desks.status",
                verbose_name="status after a customer reply",
            ),
        ),
        migrations.AddField(
            model_name="desk",
            name="reopen_on_customer_reply",
            field=models.BooleanField(
                default=True,
                help_text="When the customer replies to a request that waits for them, move it back to the status below, so that it is not left waiting with its SLA clock paused.",
                verbose_name="reopen on customer reply",
            ),
        ),
    ]
