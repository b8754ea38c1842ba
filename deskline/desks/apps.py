from django.apps import AppConfig


class DesksConfig(AppConfig):
    name = "deskline.desks"
    label = "desks"

    def ready(self) -> None:
        from deskline.accounts.models import Team
        from deskline.core.config import watch
        from deskline.desks.models import Desk, RequestField, RequestType, Status

        # What `desks.catalog` keeps in memory: a change to any of it is seen by every process.
        watch(
            Desk,
            Desk.teams.through,
            RequestType,
            RequestField,
            Status,
            Status.next_statuses.through,
            Team,
            Team.members.through,
        )
