from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "deskline.knowledge"
    label = "knowledge"
