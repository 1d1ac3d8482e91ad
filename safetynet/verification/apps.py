from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "safetynet.verification"
    label = "verification"
    verbose_name = "核对"
