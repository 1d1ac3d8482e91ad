from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_trigger(sender, using, **kwargs):
    # After every migrate and every test flush: a table SQLite rebuilt gets its trigger back.
    from django.db import connections

    from safetynet.funds import triggers

    triggers.ensure(connections[using])


class FundsConfig(AppConfig):
    name = "safetynet.funds"
    label = "funds"
    verbose_name = "临时救助备用金"

    def ready(self) -> None:
        from safetynet.funds import messages  # noqa: F401 - registers the fund's messages and audit words

        post_migrate.connect(_ensure_trigger, sender=self, dispatch_uid="funds_append_only_trigger")
