from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "deskline.community"
    label = "community"
