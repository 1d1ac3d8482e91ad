"""The page of a job queued from another page (an import, every township's payroll): its
progress, polled with htmx; once done it goes on to where the work's result is shown."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from safetynet.site.jobs import is_stale
from safetynet.site.models import Job

FINISHED = (Job.Status.DONE, Job.Status.FAILED)


def _job(request, job_id: int) -> Job:
    """Only the one who started a job follows it."""
    job = Job.objects.filter(pk=job_id, requested_by=request.user).first()
    if job is None:
        raise Http404("job")
    return job


@login_required
def job(request, job_id: int):
    job = _job(request, job_id)
    if job.status == Job.Status.DONE and job.next_url:
        if job.message:
            messages.success(request, job.message)
        return redirect(job.next_url)
    return render(request, "site/job.html", {"job": job, "stale": is_stale(job)})


@login_required
def job_progress(request, job_id: int):
    """The job's status for htmx to poll; a finished job reloads its page."""
    job = _job(request, job_id)
    response = render(request, "site/_job_progress.html", {"job": job})
    if job.status in FINISHED:
        response["HX-Refresh"] = "true"
    return response
