"""Statuses get a name for customers ("Waiting for you"); the statuses of the default workflow
that keep their default names get the default customer names, in English and Chinese."""

from typing import Any

from django.db import migrations, models

# The default workflow as desks were created with it: key, name, Chinese name, and the names
# for customers (as `desks.actions.DEFAULT_CUSTOMER_NAMES` has them when this was written).
DEFAULTS = (
    ("open", "Open", "待处理", "Received", "已收到"),
    ("in_progress", "In progress", "处理中", "Being worked on", "处理中"),
    ("waiting_for_customer", "Waiting for customer", "等待客户", "Waiting for you", "等待您的回复"),
    ("resolved", "Resolved", "已解决", "Resolved", "已解决"),
    ("closed", "Closed", "已关闭", "Closed", "已关闭"),
)


def default_customer_names(apps: Any, schema_editor: Any) -> None:
    Status = apps.get_model("desks", "Status")
    for key, name, _chinese, customer, customer_chinese in DEFAULTS:
        for status in Status.objects.filter(key=key, name=name, customer_name=""):
            translations = status.translations if isinstance(status.translations, dict) else {}
            zh = translations.setdefault("zh-hans", {})
            if isinstance(zh, dict):
                zh.setdefault("customer_name", customer_chinese)
            status.translations = translations
            status.customer_name = customer
            status.save(update_fields=["customer_name", "translations"])


class Migration(migrations.Migration):
    dependencies = [
        ("desks", "0003_field_options_with_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="status",
            name="customer_name",
            field=models.CharField(
                blank=True,
                help_text="What the help center calls this status; leave blank to use the name.",
                max_length=100,
                verbose_name="name for customers",
            ),
        ),
        migrations.RunPython(default_customer_names, migrations.RunPython.noop),
    ]
