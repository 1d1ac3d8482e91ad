from django.apps import AppConfig


class FuneralsConfig(AppConfig):
    name = "safetynet.funerals"
    label = "funerals"
    verbose_name = "基本殡葬服务费用减免"

    def ready(self) -> None:
        from safetynet.funerals import messages  # noqa: F401 - registers the funerals' messages
