from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "deskline.sla"
    label = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from deskline.core.config import watch
        from deskline.sla.models import Calendar, Goal, Metric

        watch(Calendar, Metric, Goal)  # `desk_metrics` keeps them in memory
