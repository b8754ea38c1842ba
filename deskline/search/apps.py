from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "deskline.search"
    label = "search"
