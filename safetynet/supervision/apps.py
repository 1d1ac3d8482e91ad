from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "safetynet.supervision"
    label = "supervision"
    verbose_name = "监督"
