from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "safetynet.care"
    label = "care"
    verbose_name = "特困人员供养服务"

    def ready(self) -> None:
        from safetynet.care import (
            decision,
            messages,  # noqa: F401 - registers the care messages
        )
        from safetynet.cases import programmes

        # The support mode is part of the tekun decision: the approval's part, the change step.
        decision.register()

        # The tekun case page: where the person is supported, the caregiver, the assessments.
        programmes.register_panel("care/_case_panel.html")
