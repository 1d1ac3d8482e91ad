"""The payroll's queued work, run by the worker (``safetynet manage worker``): a month's payroll
of every township of the user's area, started from the payroll page. Each township is computed
by ``services.run_payroll`` in its own transaction; one that is refused (approved already, a
month not begun) is named in the job's outcome and the others go on."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from safetynet.cases import programmes
from safetynet.policy.errors import PolicyError
from safetynet.registry.models import Area
from safetynet.registry.selectors import Forbidden, acting_user, staff_of
from safetynet.site.jobs import enqueue_on_commit, running
from safetynet.site.models import Job


def queue_payrolls(actor, *, month: date, townships: list[Area], programme: str) -> Job:
    """Queue the month's payroll of these townships for the worker; the page follows the job."""
    staff = staff_of(actor)
    if staff is None or staff.role not in ("approver", "city"):
        raise Forbidden(staff.get_role_display() if staff else "—", "编制发放名册")
    job = Job.objects.create(
        kind=Job.Kind.PAYROLL, area_code=staff.area_id, requested_by=acting_user(actor),
        title=f"编制发放名册：{month:%Y-%m} {programmes.label(programme)}，{len(townships)} 个乡镇（街道）",
        params={"month": month.isoformat(), "programme": programme, "townships": [t.code for t in townships]},
        next_url=reverse("payroll-index"),
    )  # fmt: skip
    enqueue_on_commit(compute_payrolls, job.pk)
    return job


@task()
def compute_payrolls(job_id: int) -> None:
    from safetynet.payments import services

    job = Job.objects.select_related("requested_by").get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return
    month, programme = date.fromisoformat(job.params["month"]), job.params["programme"]
    townships = list(Area.objects.filter(code__in=job.params["townships"]).order_by("code"))
    done, refused = 0, []
    with running(Job, job.pk):
        for n, township in enumerate(townships, start=1):
            try:
                services.run_payroll(job.requested_by, month=month, township=township, programme=programme)
                done += 1
            except (PolicyError, PermissionDenied) as exc:
                refused.append(f"{township.name}：{exc.message('zh') if isinstance(exc, PolicyError) else exc}")
            Job.objects.filter(pk=job.pk).update(progress=min(99, n * 100 // len(townships)))
        outcome = f"已编制 {done} 个乡镇（街道）的发放名册" + (f"；{len(refused)} 个未编制：" + "；".join(refused)
                                                            if refused else "")  # fmt: skip
        failed = refused and not done
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED if failed else Job.Status.DONE, progress=100, finished_at=timezone.now(),
            message="" if failed else outcome[:4000], error=outcome[:2000] if failed else "",
        )  # fmt: skip
