"""Number fields get an optional minimum, maximum and step."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("desks", "0004_status_customer_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="requestfield",
            name=name,
            field=models.DecimalField(
                blank=True, decimal_places=6, max_digits=22, null=True, verbose_name=label
            ),
        )
        for name, label in (
            ("number_min", "minimum"),
            ("number_max", "maximum"),
            ("number_step", "step"),
        )
    ]
