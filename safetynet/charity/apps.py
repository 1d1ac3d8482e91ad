from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_triggers(sender, using, **kwargs):
    # After every migrate and every test flush: a table SQLite rebuilt gets its triggers back.
    from django.db import connections

    from safetynet.charity import triggers

    triggers.ensure(connections[using])


class CharityConfig(AppConfig):
    name = "safetynet.charity"
    label = "charity"
    verbose_name = "社会力量参与"

    def ready(self) -> None:
        from safetynet.charity import messages  # noqa: F401 - registers the messages and audit words

        post_migrate.connect(_ensure_triggers, sender=self, dispatch_uid="charity_append_only_triggers")
