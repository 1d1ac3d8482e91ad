"""``safetynet manage sweep_stale_runs``: mark failed the runs whose worker stopped beating (the
worker does this itself at its start and every minute; this is for cron or by hand)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from safetynet.site.jobs import sweep_stale_runs


class Command(BaseCommand):
    help = "Mark failed the running check runs and jobs whose worker has stopped (RUN_STALE_MINUTES)"

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{sweep_stale_runs()} 个运行已标记为失败")
