"""Drop the single-column indexes on ticket foreign keys that a composite index already starts
with (desk, reporter, organization, assignee, team): every create wrote each of them.

The indexes are dropped by name. Django's AlterField would rebuild the SQLite table, copying
every ticket and dropping the search triggers on it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Django's names for them (the same on SQLite and PostgreSQL).
INDEXES = {
    "tickets_ticket_assignee_id_3a5aa407": "assignee_id",
    "tickets_ticket_desk_id_69720b56": "desk_id",
    "tickets_ticket_organization_id_7128da48": "organization_id",
    "tickets_ticket_reporter_id_431a8f10": "reporter_id",
    "tickets_ticket_team_id_5a4e7469": "team_id",
}


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
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    f'CREATE INDEX "{name}" ON "tickets_ticket" ("{column}")',
                )
                for name, column in INDEXES.items()
            ],
        ),
    ]
