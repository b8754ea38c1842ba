from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "deskline.demo"
    label = "demo"
