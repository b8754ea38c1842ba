from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "deskline.core"
    label = "core"

    def ready(self) -> None:
        from deskline.core.config import watch_migrations

        watch_migrations(self)
