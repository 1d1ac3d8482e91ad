"""``safetynet manage worker``: the worker beside the web server. It is django-tasks-db's
``db_worker`` (same options: ``--batch`` runs what is queued and exits), which first marks failed
the runs a dead worker left "running", and sweeps again every minute while it waits."""

from __future__ import annotations

import logging
import threading

from django.db import DatabaseError, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorker

from safetynet.site.jobs import sweep_stale_runs

SWEEP_SECONDS = 60
logger = logging.getLogger(__name__)


def _sweep_every(seconds: float, stop: threading.Event) -> None:
    try:
        while not stop.wait(seconds):
            try:
                sweep_stale_runs()
            except DatabaseError:  # the database busy or away: the next sweep will do
                logger.warning("sweep of stale runs failed", exc_info=True)
    finally:
        connection.close()


class Command(DbWorker):
    help = "Run queued screenings, checks, imports and payrolls (db_worker, with the sweep of stale runs)"

    def handle(self, *args, **options) -> None:
        swept = sweep_stale_runs()
        if swept and options["verbosity"]:
            self.stdout.write(f"{swept} 个运行因后台任务进程中断已标记为失败")
        stop = threading.Event()
        if not options["batch"]:
            threading.Thread(target=_sweep_every, args=(SWEEP_SECONDS, stop), name="sweep-stale-runs",
                             daemon=True).start()  # fmt: skip
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
