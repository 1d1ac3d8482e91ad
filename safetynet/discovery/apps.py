from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "safetynet.discovery"
    label = "discovery"
    verbose_name = "主动发现"

    def ready(self) -> None:
        from safetynet.discovery import messages, signals  # noqa: F401 - the messages; screening findings to tasks
