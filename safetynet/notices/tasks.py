"""The notices' queued work, run by the worker (``safetynet manage worker``): a roster part's
PDF. The task takes the id of the job the request committed; the work is in ``notices.jobs``."""

from __future__ import annotations

from django_tasks import task


@task()
def roster_pdf(job_id: int) -> None:
    from safetynet.notices import jobs

    jobs.perform_roster_pdf(job_id)
