from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_triggers(sender, using, **kwargs):
    # After every migrate (and every test flush, which ends with post_migrate): a table rebuilt by
    # SQLite, or triggers dropped to empty a test database, get their append-only triggers back.
    from django.db import connections

    from safetynet.supervision import dbtriggers

    dbtriggers.ensure(connections[using])


class SupervisionConfig(AppConfig):
    name = "safetynet.supervision"
    label = "supervision"
    verbose_name = "监督"

    def ready(self):
        post_migrate.connect(_ensure_triggers, sender=self, dispatch_uid="supervision_append_only_triggers")
