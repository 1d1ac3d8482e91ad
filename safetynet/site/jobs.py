"""Long work outside the web process: queued on commit, run by the worker with a heartbeat, and
marked failed when its worker died.

A run row (``verification.CheckRun``, ``site.Job``) is written by the request; its task
(``tasks.py`` of the app) is queued only once that row is committed, so the worker always finds
it. The worker (``safetynet manage worker``, Django's tasks API over ``django-tasks-db``) loads
the row by id and does the work, beating a heartbeat on it every ``RUN_HEARTBEAT_SECONDS``. A
row still "running" whose heartbeat is older than ``RUN_STALE_MINUTES`` lost its worker (killed,
out of memory, the machine restarted): ``sweep_stale_runs`` marks it failed and says so, at the
worker's start and every minute while it runs (and from ``safetynet manage sweep_stale_runs``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from safetynet.policy.errors import PolicyError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    """Queue ``task(*args)`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: task.enqueue(*args))


def failure_message(exc: BaseException) -> str:
    """What the user reads about a failed run: the refusal itself, never a traceback."""
    if isinstance(exc, PolicyError):
        return exc.message("zh")
    if isinstance(exc, PermissionDenied):
        return str(exc)
    return f"运行出错（{type(exc).__name__}）：{str(exc)[:500]}"


@contextmanager
def running(model, pk: int, *, reraise: bool = False) -> Iterator[None]:
    """Mark the row running and keep its heartbeat fresh from a thread while the work runs. A
    failure is recorded on the row (and logged when unexpected); raised again only if ``reraise``
    (a command-line run), since the worker has nobody to tell but the row."""
    now = timezone.now()
    model.objects.filter(pk=pk).update(status="running", started_at=now, heartbeat_at=now)
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.RUN_HEARTBEAT_SECONDS):
                try:
                    model.objects.filter(pk=pk, status="running").update(heartbeat_at=timezone.now())
                except DatabaseError:  # the database busy with the run's own writes: the next beat will do
                    pass
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"heartbeat-{model._meta.label_lower}-{pk}", daemon=True)
    thread.start()
    try:
        yield
    except Exception as exc:
        if not isinstance(exc, (PolicyError, PermissionDenied)):
            logger.exception("%s %s failed", model._meta.label, pk)
        model.objects.filter(pk=pk).update(
            status="failed", error=failure_message(exc)[:2000], finished_at=timezone.now()
        )
        if reraise:
            raise
    finally:
        stop.set()
        thread.join()


def stale_message(last: datetime) -> str:
    return (
        f"后台任务进程已中断：自 {timezone.localtime(last):%Y-%m-%d %H:%M} 起超过 {settings.RUN_STALE_MINUTES} "
        "分钟没有心跳（进程被终止或服务器重启），本次运行未完成，请重新发起"
    )


def sweep_stale_runs(now: datetime | None = None) -> int:
    """Mark failed every running check run and job whose worker stopped beating; their number."""
    from safetynet.site.models import Job
    from safetynet.supervision.services import record
    from safetynet.verification.models import CheckRun

    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.RUN_STALE_MINUTES)
    swept = 0
    for model, area in ((CheckRun, "area_id"), (Job, "area_code")):
        stale = (
            model.objects.filter(status="running")
            .annotate(last=Coalesce("heartbeat_at", "started_at", "requested_at"))
            .filter(last__lt=cutoff)
        )
        for row in stale:
            with transaction.atomic():
                # Only if it is still running: its worker may have finished it since the query.
                if not model.objects.filter(pk=row.pk, status="running").update(
                    status="failed", error=stale_message(row.last), finished_at=now
                ):
                    continue
                record(None, "run.stale", object_type=model._meta.model_name, object_id=row.pk,
                       area_code=getattr(row, area), details={"last_heartbeat": row.last.isoformat()})  # fmt: skip
            swept += 1
    return swept


def is_stale(row, now: datetime | None = None) -> bool:
    """Whether a row still said to be running has gone silent (before the sweep has marked it)."""
    last = row.heartbeat_at or row.started_at or row.requested_at
    now = now or timezone.now()
    return row.status == "running" and last is not None and last < now - timedelta(minutes=settings.RUN_STALE_MINUTES)
