from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "safetynet.site"
    label = "site"
    verbose_name = "safetynet"
