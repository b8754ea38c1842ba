"""Each ticket carries its next SLA deadline, for the "time remaining" sort."""

import datetime

from django.db import migrations, models

# sla.models.NO_DEADLINE as it was when this migration was written.
NO_DEADLINE = datetime.datetime(9000, 1, 1, tzinfo=datetime.UTC)


def add_sla_due_at_column(apps, schema_editor):
    """Add the column in place. For a NOT NULL column Django rebuilds a SQLite table, which
    would drop the search triggers on it and copy every ticket."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            'ALTER TABLE "tickets_ticket" ADD COLUMN "sla_due_at" datetime NOT NULL '
            "DEFAULT '9000-01-01 00:00:00'"
        )
    else:
        schema_editor.execute(
            'ALTER TABLE "tickets_ticket" ADD COLUMN "sla_due_at" timestamp with time zone '
            "NOT NULL DEFAULT '9000-01-01 00:00:00+00'"
        )
        schema_editor.execute('ALTER TABLE "tickets_ticket" ALTER COLUMN "sla_due_at" DROP DEFAULT')


def drop_sla_due_at_column(apps, schema_editor):
    schema_editor.execute('ALTER TABLE "tickets_ticket" DROP COLUMN "sla_due_at"')


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0003_unassigned_indexes_by_team"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="ticket",
                    name="sla_due_at",
                    field=models.DateTimeField(default=NO_DEADLINE, editable=False),
                ),
            ],
            database_operations=[
                migrations.RunPython(add_sla_due_at_column, drop_sla_due_at_column),
            ],
        ),
    ]
