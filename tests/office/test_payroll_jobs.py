"""The payroll of every township, started from the payroll page, is a job for the worker: the
request only queues it, its page follows the progress and then says what was computed."""

from __future__ import annotations

from datetime import date

from django.test import Client

from safetynet.payments import services
from safetynet.payments.models import PayrollRun
from safetynet.registry.models import Area
from safetynet.site.models import Job
from tests.office.test_payroll import approved_case

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_every_townships_payroll_is_a_job_followed_on_its_page(city, poor_household, settings,
                                                               django_capture_on_commit_callbacks):  # fmt: skip
    settings.TASKS = IMMEDIATE
    approved_case(city, poor_household)
    c = Client()
    c.force_login(city["city_admin"])
    assert 'value="all"' in c.get("/payroll/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs it once the request commits
        r = c.post("/payroll/compute/", {"township": "all", "month": "2024-04", "programme": "dibao"})
        job = Job.objects.get()
        assert r["Location"] == f"/jobs/{job.pk}/" and job.status == Job.Status.QUEUED
        assert not PayrollRun.objects.exists()  # nothing computed in the request
        page = c.get(f"/jobs/{job.pk}/").content.decode()
        assert 'data-status="queued"' in page and "hx-trigger" in page and "3 个乡镇（街道）" in page
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.progress == 100 and job.started_at and job.finished_at
    assert PayrollRun.objects.count() == 3  # 城关街道 and its neighbour in 任城区, one in 汶上县
    assert c.get(f"/jobs/{job.pk}/progress/")["HX-Refresh"] == "true"
    done = c.get(f"/jobs/{job.pk}/", follow=True)
    assert done.redirect_chain[-1][0] == "/payroll/" and "已编制 3 个乡镇（街道）的发放名册" in done.content.decode()

    # A township already approved is named and the others are computed again.
    township = Area.objects.get(code="370811001")
    services.approve_payroll(city["approver"], PayrollRun.objects.get(township=township))
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/payroll/compute/", {"township": "all", "month": "2024-04", "programme": "dibao"})
    again = Job.objects.get(pk=int(r["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert again.status == Job.Status.DONE, again.error
    assert "已编制 2 个乡镇（街道）的发放名册；1 个未编制：" + township.name in again.message


def test_only_the_city_computes_every_township_and_a_job_is_its_starters(city, settings):
    approver = Client()
    approver.force_login(city["approver"])
    assert 'value="all"' not in approver.get("/payroll/").content.decode()
    clerk = Client()
    clerk.force_login(city["clerk"])
    page = clerk.post("/payroll/compute/", {"township": "all", "month": "2024-04"}, follow=True).content.decode()
    assert "不能编制发放名册" in page and not Job.objects.exists()
    city_admin = Client()
    city_admin.force_login(city["city_admin"])
    r = city_admin.post("/payroll/compute/", {"township": "all", "month": "2024-04", "programme": "dibao"})
    job = Job.objects.get()
    assert r["Location"] == f"/jobs/{job.pk}/"
    assert approver.get(f"/jobs/{job.pk}/").status_code == 404
    assert approver.get(f"/jobs/{job.pk}/progress/").status_code == 404
    assert date.fromisoformat(job.params["month"]) == date(2024, 4, 1) and len(job.params["townships"]) == 3
