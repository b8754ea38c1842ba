"""Calendars get translated names, like desks: {"zh-hans": {"name": "上海办公时间"}}."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendar",
            name="translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="translations"),
        ),
    ]
