from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "deskline.workspace"
    verbose_name = "Agent workspace"
