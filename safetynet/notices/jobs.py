"""A roster part's PDF as a background job (``site.Job``, kind ROSTER_PDF).

Laying out a part of up to ``PDF_PART_ROWS`` lines takes WeasyPrint tens of seconds, too long
for a request. The roster page's PDF link asks for the part: a part already laid out (kept as a
file by the digest of its HTML, ``notices.pdf``) is served at once; otherwise a job is queued
(or the user's unfinished one for the same part is followed) and the user waits on the job's
page, which goes on to the same link, now served from the kept file, once the worker is done.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from safetynet.notices import publication
from safetynet.registry.models import Area
from safetynet.site.jobs import enqueue_on_commit, running
from safetynet.site.models import Job

UNFINISHED = (Job.Status.QUEUED, Job.Status.RUNNING)


def roster_params(roster: publication.Roster, part: int, generated_on: date) -> dict:
    return {"area": roster.area.code, "quarter": roster.quarter.code, "village": roster.village_text, "part": part,
            "generated_on": generated_on.isoformat()}  # fmt: skip


def part_url(params: dict) -> str:
    query = {"quarter": params["quarter"], "area": params["area"], "village": params["village"],
             "part": params["part"]}  # fmt: skip
    return f"{reverse('notice-roster-pdf')}?{urlencode(query)}"


def queue_roster_pdf(user, roster: publication.Roster, part: int, parts: int, generated_on: date) -> Job:
    """The job laying out this part for ``user``: the user's own one already queued or running
    for the same part and day, else a new one queued for the worker."""
    from safetynet.notices import tasks

    params = roster_params(roster, part, generated_on)
    waiting = Job.objects.filter(kind=Job.Kind.ROSTER_PDF, requested_by=user, status__in=UNFINISHED,
                                 area_code=roster.area.code)  # fmt: skip
    job = next((j for j in waiting if j.params == params), None)  # JSON equality differs between databases
    if job is not None:
        return job
    of = f"第 {part} 册 / 共 {parts} 册" if parts > 1 else ""
    job = Job.objects.create(
        kind=Job.Kind.ROSTER_PDF, title=f"生成季度公示名册 PDF：{roster.title}{of}"[:200], area_code=roster.area.code,
        params=params, requested_by=user, next_url=part_url(params),
    )  # fmt: skip
    enqueue_on_commit(tasks.roster_pdf, job.pk)
    return job


def perform_roster_pdf(job_id: int) -> None:
    """The worker's side: lay the part out into its kept file; the job then leads to it."""
    job = Job.objects.filter(pk=job_id, kind=Job.Kind.ROSTER_PDF).first()
    if job is None or job.status != Job.Status.QUEUED:
        return
    p = job.params
    with running(Job, job.pk):
        roster = publication.Roster(Area.objects.get(code=p["area"]), publication.Quarter.parse(p["quarter"]),
                                    p["village"])  # fmt: skip
        html = publication.roster_part_html(roster, p["part"], generated_on=date.fromisoformat(p["generated_on"]))
        Job.objects.filter(pk=job.pk).update(progress=10)  # the lines are read; the layout is the rest
        publication.lay_out_roster_part(html)
        # no message: the job's page goes straight on to the file, a notice would wait for the next page
        Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, progress=100, finished_at=timezone.now())
