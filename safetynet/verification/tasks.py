"""The verification centre's queued work, run by the worker (``safetynet manage worker``): a
check run or a screening, and a department delivery uploaded from the page. Each task takes
the id of a row the request committed and leaves the work to ``services``."""

from __future__ import annotations

from django_tasks import task


@task()
def perform_run(run_id: int) -> None:
    from safetynet.verification import services

    services.perform_run(run_id)


@task()
def import_upload(job_id: int) -> None:
    from safetynet.verification import services

    services.perform_import(job_id)
