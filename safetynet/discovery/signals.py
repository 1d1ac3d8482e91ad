"""A screening run done: its findings of missed coverage become discovery tasks once it commits
(the verification centre's run is not changed: the task follows from its saved state)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from safetynet.verification.models import CheckRun


@receiver(post_save, sender=CheckRun, dispatch_uid="discovery-from-screening")
def screening_done(sender, instance: CheckRun, **kwargs) -> None:
    if instance.kind != CheckRun.Kind.SCREENING or instance.status != CheckRun.Status.DONE:
        return
    run_id = instance.pk

    def make() -> None:
        from safetynet.discovery.services import from_ledger
        from safetynet.supervision.models import LedgerItem

        from_ledger(None, LedgerItem.objects.filter(found_by_id=run_id))

    transaction.on_commit(make)
