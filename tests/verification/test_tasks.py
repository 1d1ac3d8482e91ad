"""Long work runs outside the web process: a request only queues it (on commit), the real worker
(django-tasks-db's db_worker, as ``safetynet manage worker``) does it, one screening at a time,
and a run whose worker died is marked failed and says so."""

from __future__ import annotations

import json
import signal
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safetynet.policy.errors import PolicyError
from safetynet.registry.models import Area
from safetynet.site.jobs import running, sweep_stale_runs
from safetynet.site.models import Job
from safetynet.supervision.models import AuditEvent, LedgerItem
from safetynet.verification import services
from safetynet.verification.models import CheckRun
from tests.verification.conftest import MONTH, client_for, write_csv


@pytest.fixture
def worker(settings):
    """``safetynet manage worker --batch``: the real worker in this process, against the test
    database (a subprocess could not see SQLite's in-memory test database); it runs what is
    queued and exits. The worker takes over SIGINT and SIGTERM: they are given back after."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield lambda: call_command("worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0",
                               verbosity=0)  # fmt: skip
    for s, handler in saved.items():
        signal.signal(s, handler)


def run_id(response) -> int:
    return int(response["Location"].rstrip("/").rsplit("/", 1)[1])


def test_the_worker_runs_what_a_request_queued(committed, worker, centre, city_store, tmp_path):
    c = client_for(centre["verifier"])
    screening = run_id(c.post("/verification/runs/start/", {"kind": "screening", "month": "2026-11"}))
    check = run_id(c.post("/verification/runs/start/", {"kind": "township", "township": "370811001",
                                                         "month": "2026-11"}))  # fmt: skip
    upload = write_csv(tmp_path / "deaths.csv", "id_number,death_date", ["370811194001010000,2026-09-01"])
    with upload.open("rb") as f:
        job = run_id(c.post("/verification/deliveries/", {"item": "deaths", "delivered": "2026-10-31", "file": f}))
    api_upload = write_csv(tmp_path / "deaths-api.csv", "id_number,death_date", ["370811194202020000,2026-09-02"])
    with api_upload.open("rb") as f:
        api = c.post("/api/v1/verification/deliveries", {"item": "deaths", "delivered": "2026-10-31", "file": f})
    assert api.status_code == 202 and api.json()["status"] == "queued"
    # The requests returned with the work queued, not done: no web process runs it.
    assert set(CheckRun.objects.values_list("status", flat=True)) == {"queued"}
    assert Job.objects.get(pk=job).status == "queued" and not LedgerItem.objects.exists()
    assert DBTaskResult.objects.filter(status="READY").count() == 4
    page = c.get(f"/verification/runs/{screening}/progress/").content.decode()
    assert 'data-status="queued"' in page and "hx-trigger" in page  # the page keeps polling

    worker()

    run = CheckRun.objects.get(pk=screening)
    assert run.status == "done" and run.progress == 100, run.error
    assert run.findings == LedgerItem.objects.filter(found_by=run).count() > 0
    assert run.started_at and run.heartbeat_at and run.finished_at >= run.started_at
    assert CheckRun.objects.get(pk=check).status == "done"
    assert Job.objects.get(pk=job).status == "done"
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 4
    imported = c.get(api["Location"]).json()  # the API's client polls the job's URL
    assert imported["status"] == "done" and imported["delivery"]["rows_rejected"] == 1
    status = c.get(f"/api/v1/verification/runs/{screening}").json()
    assert status["status"] == "done" and status["progress"] == 100
    assert "hx-trigger" not in c.get(f"/verification/runs/{screening}/progress/").content.decode()
    assert "导入 0 行，拒收 1 行" in c.get(f"/jobs/{job}/", follow=True).content.decode()


def test_one_screening_at_a_time(centre, city_store):
    first = services.start_screening(centre["verifier"], month=MONTH)
    assert first.status == CheckRun.Status.QUEUED
    with pytest.raises(PolicyError) as exc:  # the city too, while the county's is queued
        services.start_screening(centre["city_admin"], month=MONTH)
    said = exc.value.message("zh")
    # who asked, by name (their role and area for an account without one), never by login
    assert f"批次 #{first.pk}" in said and "任城区" in said and "排队中" in said
    assert "核对人员（任城区）" in said and "verifier" not in said
    page = client_for(centre["city_admin"]).post("/verification/runs/start/", {"kind": "screening", "month": "2026-11"},
                                                 follow=True).content.decode()  # fmt: skip
    assert f"全人口筛查同一时间只能运行一次：批次 #{first.pk}" in page
    api = client_for(centre["verifier"]).post("/api/v1/verification/runs", json.dumps({"kind": "screening",
                                              "month": "2026-11"}), content_type="application/json")  # fmt: skip
    assert api.status_code == 422 and f"#{first.pk}" in api.json()["detail"][0]["msg"]
    with pytest.raises(PolicyError):  # the command line's screening as well
        services.screen_population(centre["city_admin"], month=MONTH, area=Area.objects.get(code="3708"))
    # Not a check then an insert: the database itself refuses a second one.
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckRun.objects.create(kind="screening", area=Area.objects.get(code="3708"), month=MONTH,
                                status=CheckRun.Status.RUNNING)  # fmt: skip
    assert CheckRun.objects.filter(kind="screening").count() == 1
    # Once it has ended, the next one may start; checks never wait for it.
    CheckRun.objects.filter(pk=first.pk).update(status=CheckRun.Status.FAILED)
    assert services.start_screening(centre["city_admin"], month=MONTH).status == CheckRun.Status.QUEUED
    township = Area.objects.get(code="370811001")
    assert services.start_township_check(centre["verifier"], township, month=MONTH).status == CheckRun.Status.QUEUED


def test_a_run_whose_worker_died_is_marked_failed(committed, worker, centre, city_store, settings):
    now = timezone.now()
    silent = now - timedelta(minutes=settings.RUN_STALE_MINUTES + 1)
    area = Area.objects.get(code="370811")
    dead = CheckRun.objects.create(kind="screening", area=area, month=MONTH, status="running", started_at=silent,
                                   heartbeat_at=silent, requested_by=centre["verifier"])  # fmt: skip
    alive = CheckRun.objects.create(kind="township", area=Area.objects.get(code="370811001"), month=MONTH,
                                    status="running", started_at=silent, heartbeat_at=now - timedelta(minutes=1))
    dead_job = Job.objects.create(kind="payroll", title="编制发放名册", status="running", heartbeat_at=silent,
                                  requested_by=centre["city_admin"], area_code="3708")  # fmt: skip
    c = client_for(centre["verifier"])
    assert 'id="run-stalled"' in c.get(f"/verification/runs/{dead.pk}/").content.decode()  # before the sweep

    worker()  # a worker starting sweeps first

    dead.refresh_from_db()
    assert dead.status == "failed" and dead.finished_at is not None
    assert "后台任务进程已中断" in dead.error and f"超过 {settings.RUN_STALE_MINUTES} 分钟没有心跳" in dead.error
    assert CheckRun.objects.get(pk=alive.pk).status == "running"
    assert Job.objects.get(pk=dead_job.pk).status == "failed"
    page = c.get(f"/verification/runs/{dead.pk}/").content.decode()
    assert 'id="run-error"' in page and "后台任务进程已中断" in page and 'id="run-stalled"' not in page
    job_page = client_for(centre["city_admin"]).get(f"/jobs/{dead_job.pk}/").content.decode()
    assert "运行失败" in job_page and "后台任务进程已中断" in job_page
    assert AuditEvent.objects.filter(action="run.stale").count() == 2
    # The dead screening no longer blocks the next; the periodic sweep finds nothing more to do.
    assert services.start_screening(centre["verifier"], month=MONTH).status == "queued"
    assert sweep_stale_runs() == 0
    call_command("sweep_stale_runs", stdout=open("/dev/null", "w"))  # by hand (or cron) as well
    assert CheckRun.objects.get(pk=alive.pk).status == "running"


def test_a_running_job_beats_and_a_failure_is_told(committed, settings):
    settings.RUN_HEARTBEAT_SECONDS = 0.05
    job = Job.objects.create(kind="import", title="导入部门数据")
    with running(Job, job.pk):
        job.refresh_from_db()
        first = job.heartbeat_at
        assert job.status == "running" and first is not None
        time.sleep(0.5)
    job.refresh_from_db()
    assert job.heartbeat_at > first  # beaten from its own thread while the work ran
    with running(Job, job.pk):
        raise PolicyError("no_feed_data")
    job.refresh_from_db()
    assert job.status == "failed" and job.error == "核对中心尚未导入任何部门数据，无法核对"
