from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "safetynet.documents"
    label = "documents"
    verbose_name = "文书"
