from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "safetynet.notices"
    label = "notices"
    verbose_name = "公示"
