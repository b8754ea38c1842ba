"""Drop indexes that every ticket create wrote and no query needs:

- the single-column indexes on foreign keys that a composite index already starts with
  (ticket: desk, reporter, organization, assignee, team; event: ticket);
- on PostgreSQL, the `LIKE` index Django adds beside the unique ticket key: keys are only ever
  looked up whole.

The indexes are dropped by name. Django's AlterField would rebuild the SQLite table, copying
every ticket and dropping the search triggers on it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Django's names for them (the same on SQLite and PostgreSQL): name -> (table, column).
INDEXES = {
    "tickets_ticket_assignee_id_3a5aa407": ("tickets_ticket", "assignee_id"),
    "tickets_ticket_desk_id_69720b56": ("tickets_ticket", "desk_id"),
    "tickets_ticket_organization_id_7128da48": ("tickets_ticket", "organization_id"),
    "tickets_ticket_reporter_id_431a8f10": ("tickets_ticket", "reporter_id"),
    "tickets_ticket_team_id_5a4e7469": ("tickets_ticket", "team_id"),
    "tickets_ticketevent_ticket_id_b572d14b": ("tickets_ticketevent", "ticket_id"),
}
KEY_LIKE_INDEX = "tickets_ticket_key_edf00f47_like"  # PostgreSQL only


def drop_indexes(apps, schema_editor):
    for name in [*INDEXES, KEY_LIKE_INDEX]:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_indexes(apps, schema_editor):
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX "{name}" ON "{table}" ("{column}")')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX "{KEY_LIKE_INDEX}" ON "tickets_ticket" ("key" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_site_settings"),
        ("desks", "0002_short_links"),
        ("tickets", "0005_notifications_and_sla_due_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ticket",
                    name="assignee",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="assigned_tickets",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="desk",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tickets",
                        to="desks.desk",
                    ),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="organization",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="tickets",
                        to="accounts.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="reporter",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reported_tickets",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="team",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="tickets",
                        to="accounts.team",
                    ),
                ),
                migrations.AlterField(
                    model_name="ticketevent",
                    name="ticket",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="tickets.ticket",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
        ),
    ]
