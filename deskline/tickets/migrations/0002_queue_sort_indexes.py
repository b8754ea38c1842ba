"""Queues sort through indexes: a priority rank column, and one index per queue and sort."""

from django.conf import settings
from django.db import migrations, models

# The ranks as they were when this migration was written; later changes need their own migration.
PRIORITY_RANKS = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def add_priority_rank_column(apps, schema_editor):
    """Add the column in place. For a NOT NULL column Django rebuilds a SQLite table, which
    would drop the search triggers on it and copy every ticket."""
    schema_editor.execute(
        'ALTER TABLE "tickets_ticket" ADD COLUMN "priority_rank" smallint'
        f"{' unsigned' if schema_editor.connection.vendor == 'sqlite' else ''}"
        ' NOT NULL DEFAULT 2 CHECK ("priority_rank" >= 0)'
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE "tickets_ticket" ALTER COLUMN "priority_rank" DROP DEFAULT'
        )


def drop_priority_rank_column(apps, schema_editor):
    schema_editor.execute('ALTER TABLE "tickets_ticket" DROP COLUMN "priority_rank"')


def fill_priority_rank(apps, schema_editor):
    """Give existing tickets the rank of their priority: one UPDATE per priority."""
    ticket_model = apps.get_model("tickets", "Ticket")
    for priority, rank in PRIORITY_RANKS.items():
        ticket_model.objects.filter(priority=priority).update(priority_rank=rank)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_site_settings"),
        ("desks", "0002_short_links"),
        ("tickets", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="ticket",
                    name="priority_rank",
                    field=models.PositiveSmallIntegerField(default=2, editable=False),
                ),
            ],
            database_operations=[
                migrations.RunPython(add_priority_rank_column, drop_priority_rank_column),
            ],
        ),
        migrations.RunPython(fill_priority_rank, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status_category", "done"), _negated=True),
                fields=["desk", "id"],
                name="ticket_open_desk_id",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status_category", "done"), _negated=True),
                fields=["desk", "updated_at", "id"],
                name="ticket_open_desk_updated",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status_category", "done"), _negated=True),
                fields=["desk", "priority_rank", "-id"],
                name="ticket_open_desk_priority",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    models.Q(("status_category", "done"), _negated=True),
                    ("assignee__isnull", False),
                ),
                fields=["assignee", "id"],
                name="ticket_open_assignee_id",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    models.Q(("status_category", "done"), _negated=True),
                    ("assignee__isnull", False),
                ),
                fields=["assignee", "updated_at", "id"],
                name="ticket_open_assignee_updated",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    models.Q(("status_category", "done"), _negated=True),
                    ("assignee__isnull", False),
                ),
                fields=["assignee", "priority_rank", "-id"],
                name="ticket_open_assignee_priority",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    models.Q(("status_category", "done"), _negated=True), ("assignee__isnull", True)
                ),
                fields=["desk", "id"],
                name="ticket_unassigned_id",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    models.Q(("status_category", "done"), _negated=True), ("assignee__isnull", True)
                ),
                fields=["desk", "updated_at", "id"],
                name="ticket_unassigned_updated",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    models.Q(("status_category", "done"), _negated=True), ("assignee__isnull", True)
                ),
                fields=["desk", "priority_rank", "-id"],
                name="ticket_unassigned_priority",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["desk", "status_category", "updated_at", "id"],
                name="ticket_desk_category_updated",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["desk", "status_category", "priority_rank", "-id"],
                name="ticket_desk_category_priority",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["desk", "status_category", "resolved_at", "id"],
                name="ticket_desk_category_resolved",
            ),
        ),
    ]
