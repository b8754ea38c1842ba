"""Select fields' options become {"value", "label"} objects: tickets keep storing the value (the
old text, unchanged), and the label can change or be translated without touching them."""

from typing import Any

from django.db import migrations, models


def options_with_labels(apps: Any, schema_editor: Any) -> None:
    RequestField = apps.get_model("desks", "RequestField")
    for field in RequestField.objects.exclude(options=[]).only("pk", "options"):
        if not isinstance(field.options, list):
            continue
        field.options = [
            option if isinstance(option, dict) else {"value": str(option), "label": str(option)}
            for option in field.options
        ]
        field.save(update_fields=["options"])


def options_as_texts(apps: Any, schema_editor: Any) -> None:
    RequestField = apps.get_model("desks", "RequestField")
    for field in RequestField.objects.exclude(options=[]).only("pk", "options"):
        if not isinstance(field.options, list):
            continue
        field.options = [
            str(option.get("value", "")) if isinstance(option, dict) else option
            for option in field.options
        ]
        field.save(update_fields=["options"])


class Migration(migrations.Migration):
    dependencies = [
        ("desks", "0002_short_links"),
    ]

    operations = [
        migrations.AlterField(
            model_name="requestfield",
            name="options",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The choices of a select field, each a stored value and its label.",
                verbose_name="options",
            ),
        ),
        migrations.RunPython(options_with_labels, options_as_texts),
    ]
