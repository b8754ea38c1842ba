"""Participants get a reason: the plain many-to-many table becomes the Participant model (same
table, same columns: no change to the database), then gains `reason`. Everyone who is a
participant so far became one by commenting, so they all start as "commented"."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0007_event_actor_required"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Participant",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "ticket",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="tickets.ticket"
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "participant",
                        "verbose_name_plural": "participants",
                        "db_table": "tickets_ticket_participants",
                        "unique_together": {("ticket", "user")},
                    },
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="participants",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="participating_tickets",
                        through="tickets.Participant",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="participant",
            name="reason",
            field=models.CharField(
                choices=[
                    ("commented", "took part in the conversation"),
                    ("added", "added by the reporter or an agent"),
                ],
                default="commented",
                max_length=12,
                verbose_name="why",
            ),
        ),
    ]
