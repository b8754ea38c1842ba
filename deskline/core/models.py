from django.db import models


class ConfigurationVersion(models.Model):
    """One row: a random number that every change of the desks' configuration replaces.

    Processes keep their configuration (desks, request types, statuses, teams, SLA metrics) in
    memory and rebuild it when this number is not the one they built it under; see `config.py`.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        db_table = "core_configurationversion"

    def __str__(self) -> str:
        return str(self.value)
