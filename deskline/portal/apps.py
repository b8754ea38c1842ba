from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "deskline.portal"
    verbose_name = "Help center"
