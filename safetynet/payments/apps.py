from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "safetynet.payments"
    label = "payments"
    verbose_name = "资金发放"

    def ready(self) -> None:
        from safetynet.payments import messages  # noqa: F401 - registers the payroll's messages
