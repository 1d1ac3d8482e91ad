"""The verification centre's pages and API: each renders for the roles that may use it, shows
nothing of another area, answers garbage with a message, and runs its batches in the background."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from safetynet.cases import services as cases
from safetynet.registry.models import Area
from safetynet.supervision.models import AccessLog, LedgerItem
from safetynet.verification import services
from safetynet.verification.models import CheckRun
from tests.verification.conftest import DELIVERED, MONTH, client_for, wait_for, write_csv

EVERY_ROLE = ["clerk", "approver", "county", "city_admin", "verifier", "auditor"]
CENTRE = ["verifier", "city_admin", "auditor"]


@pytest.fixture
def records(centre, city_store, poor_household, tmp_path):
    """A delivery with rejections, a township re-check with a result, a county screening with its
    ledger items, and one person-level item in township 370811001."""
    path = write_csv(tmp_path / "deaths.csv", "id_number,death_date", ["370811194001010000,2026-09-01"])
    delivery, _ = services.import_delivery(centre["verifier"], path, "deaths", DELIVERED)
    township = Area.objects.get(code="370811001")
    check = services.check_households(centre["verifier"], [poor_household], month=MONTH, kind=CheckRun.Kind.TOWNSHIP,
                                      area=township)  # fmt: skip
    screening, _ = services.screen_population(centre["verifier"], month=MONTH, area=Area.objects.get(code="370811"))
    head = poor_household.members.get(relation="head")
    item = LedgerItem.objects.create(
        kind="owns_car", area=Area.objects.get(code="370811001001"), household_no="3708110019999999",
        id_number=head.id_number, programme="dibao", month=MONTH, evidence="登记机动车 1 辆：鲁H12345",
        sources="vehicles", found_by=screening,
    )  # fmt: skip
    return {"delivery": delivery, "check": check, "screening": screening, "item": item, "head": head}


def test_every_page_renders_for_the_roles_that_may_see_it(centre, records):
    d, check, item = records["delivery"], records["check"], records["item"]
    for who in EVERY_ROLE:
        c = client_for(centre[who])
        for url in [
            "/verification/runs/", f"/verification/runs/{check.pk}/", f"/verification/runs/{check.pk}/progress/",
            "/verification/ledger/", "/verification/ledger/?kind=owns_car&status=open&township=370811001&q=3708",
            "/verification/ledger.xlsx", "/verification/reports/", "/verification/reports/?year=2026",
        ]:  # fmt: skip
            assert c.get(url).status_code == 200, (who, url)
        for url in ["/verification/deliveries/", f"/verification/deliveries/{d.pk}/rejections/",
                    f"/verification/deliveries/{d.pk}/rejections.csv"]:  # fmt: skip
            assert c.get(url).status_code == (200 if who in CENTRE else 403), (who, url)
        nav = c.get("/desk/").content.decode()
        # The menu shows what the role does: the township approver starts no check (reads them on the case).
        assert ('href="/verification/runs/"' in nav) == (who != "approver") and 'href="/verification/ledger/"' in nav
        assert ('href="/verification/deliveries/"' in nav) == (who in CENTRE)
        assert (f'id="item-{item.pk}"' in c.get("/verification/ledger/").content.decode()) == (who != "other_clerk")
    forbidden = client_for(centre["clerk"]).get("/verification/deliveries/")
    assert "仅核对人员、市级管理员和审计人员可以查看" in forbidden.content.decode()


def test_the_forms_are_offered_to_those_who_may_use_them(centre, records):
    def page(who, url):
        return client_for(centre[who]).get(url).content.decode()

    assert 'id="upload"' in page("verifier", "/verification/deliveries/")
    assert 'id="upload"' not in page("auditor", "/verification/deliveries/")
    assert 'id="start-township"' in page("clerk", "/verification/runs/")
    assert 'id="start-screening"' not in page("clerk", "/verification/runs/")
    assert 'id="start-screening"' in page("verifier", "/verification/runs/")
    for who in ("auditor", "approver"):
        runs = page(who, "/verification/runs/")
        assert 'id="start-township"' not in runs and 'id="start-screening"' not in runs
    assert 'name="outcome"' in page("county", "/verification/ledger/")
    assert 'name="outcome"' not in page("auditor", "/verification/ledger/")
    # a township's clerk picks only its own township
    clerk_runs = page("clerk", "/verification/runs/")
    assert 'value="370811001"' in clerk_runs and 'value="370811002"' not in clerk_runs


def test_id_numbers_in_full_only_for_those_whose_work_needs_them(centre, records):
    number, item = records["head"].id_number, records["item"]
    masked = f"{number[:6]}********{number[-4:]}"
    for who in ("verifier", "clerk", "approver", "county", "city_admin", "auditor"):
        c = client_for(centre[who])
        full = who in ("verifier", "clerk", "approver")  # site.personal: the county supervisor too is masked
        page = c.get("/verification/ledger/").content.decode()
        assert (number in page) == full and (masked in page) == (not full), who
        sheet = load_workbook(io.BytesIO(c.get("/verification/ledger.xlsx").content)).active
        ids = {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
        in_file = who in ("verifier", "approver")  # files with whole numbers: a permission of their own
        assert (number if in_file else masked) in ids and (masked if in_file else number) not in ids, who
        api = c.get("/api/v1/verification/ledger", {"kind": "owns_car"}).json()
        assert [r["id_number"] for r in api["results"] if r["id"] == item.pk] == [number if full else masked]
    assert AccessLog.objects.filter(purpose="export", object_type="ledger").count() == 6


def test_the_ledger_filters_exports_and_closes(centre, records):
    item = records["item"]
    c = client_for(centre["clerk"])
    assert f'id="item-{item.pk}"' in c.get("/verification/ledger/", {"kind": "owns_car"}).content.decode()
    assert f'id="item-{item.pk}"' not in c.get("/verification/ledger/", {"kind": "deceased"}).content.decode()
    assert f'id="item-{item.pk}"' in c.get("/verification/ledger/", {"q": "0019999"}).content.decode()
    assert f'id="item-{item.pk}"' not in c.get("/verification/ledger/", {"status": "closed"}).content.decode()
    warned = c.get("/verification/ledger/", {"kind": "bogus"}).content.decode()
    assert "问题类型" in warned and "已忽略此筛选条件" in warned
    sheet = load_workbook(io.BytesIO(c.get("/verification/ledger.xlsx", {"kind": "owns_car"}).content)).active
    assert sheet.max_row == 2 and sheet["B2"].value == "救助家庭有机动车" and sheet["H2"].value.startswith("机动车登记")
    back = "/verification/ledger/?kind=owns_car"
    r = c.post(f"/verification/ledger/{item.pk}/close/", {"outcome": "车辆已过户，核实无误", "next": back})
    assert r.status_code == 302 and r["Location"] == back
    item.refresh_from_db()
    assert item.status == LedgerItem.Status.CLOSED and item.closed_by == centre["clerk"]
    again = c.post(f"/verification/ledger/{item.pk}/close/", {"outcome": "再次", "next": "//evil.example/"},
                   follow=True)  # fmt: skip
    assert again.redirect_chain[-1][0] == "/verification/ledger/" and "该问题已销号" in again.content.decode()
    api = client_for(centre["county"]).post(f"/api/v1/verification/ledger/{item.pk}/close",
                                            json.dumps({"outcome": "x"}), content_type="application/json")  # fmt: skip
    assert api.status_code == 422 and api.json()["detail"][0]["type"] == "ledger_closed"
    auditor = client_for(centre["auditor"]).post(
        f"/api/v1/verification/ledger/{records['item'].pk}/close",
        json.dumps({"outcome": "x"}),
        content_type="application/json",
    )
    assert auditor.status_code == 403 and "不能问题台账销号" in auditor.json()["detail"][0]["msg"]


def test_the_reports_count_batches_findings_and_missed_coverage(centre, records):
    LedgerItem.objects.filter(kind="missed_dibao").update(status=LedgerItem.Status.CLOSED, outcome="已纳入")
    page = client_for(centre["verifier"]).get("/verification/reports/").content.decode()
    # the township re-check and the county screening are this county's batches
    assert 'id="batches">2<' in page
    runs = CheckRun.objects.filter(pk__in=[records["check"].pk, records["screening"].pk])
    assert f'id="person-checks">{sum(r.person_checks for r in runs)}<' in page
    assert "漏保：符合低保条件未纳入" in page and "任城区" in page and "vendor/echarts-5.6.0.min.js" in page
    chart = page.split("data-chart='")[1].split("'")[0]
    assert "任城区" in chart
    empty = client_for(centre["wenshang_county"]).get("/verification/reports/").content.decode()
    assert 'id="batches">0<' in empty and "任城区" not in empty.split("data-chart='")[1].split("'")[0]


def test_the_progress_partial_polls_until_the_run_is_done(centre, records):
    queued = CheckRun.objects.create(kind=CheckRun.Kind.TOWNSHIP, area=Area.objects.get(code="370811001"), month=MONTH,
                                     progress=40, status=CheckRun.Status.RUNNING)  # fmt: skip
    c = client_for(centre["clerk"])
    partial = c.get(f"/verification/runs/{queued.pk}/progress/").content.decode()
    assert 'hx-trigger="every 2s"' in partial and "40%" in partial
    assert 'hx-trigger="every 2s"' in c.get("/verification/runs/").content.decode()
    done = c.get(f"/verification/runs/{records['check'].pk}/progress/?detail=1")
    assert "hx-trigger" not in done.content.decode() and done["HX-Refresh"] == "true"
    assert 'data-status="done"' in done.content.decode()


# ---- isolation -----------------------------------------------------------------------------

OUTSIDERS = ["wenshang_clerk", "wenshang_county", "wenshang_verifier", "other_clerk"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_another_area_sees_none_of_the_runs_results_and_items(centre, records, who):
    c = client_for(centre[who])
    check, item = records["check"], records["item"]
    hidden_runs = [check] if who == "other_clerk" else [check, records["screening"]]
    for run in hidden_runs:
        for url in (f"/verification/runs/{run.pk}/", f"/verification/runs/{run.pk}/progress/",
                    f"/api/v1/verification/runs/{run.pk}", f"/api/v1/verification/runs/{run.pk}/results"):  # fmt: skip
            assert c.get(url).status_code == 404, url
        assert f'href="/verification/runs/{run.pk}/"' not in c.get("/verification/runs/").content.decode()
        assert all(r["id"] != run.pk for r in c.get("/api/v1/verification/runs").json()["results"])
    assert f'id="item-{item.pk}"' not in c.get("/verification/ledger/").content.decode()
    searched = c.get("/verification/ledger/", {"q": item.household_no}).content.decode()
    assert f'id="item-{item.pk}"' not in searched and "共 0 条" in searched
    sheet = load_workbook(io.BytesIO(c.get("/verification/ledger.xlsx").content)).active
    assert item.household_no not in {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert all(r["id"] != item.pk for r in c.get("/api/v1/verification/ledger").json()["results"])
    assert c.post(f"/verification/ledger/{item.pk}/close/", {"outcome": "x"}).status_code == 404
    r = c.post(f"/api/v1/verification/ledger/{item.pk}/close", json.dumps({"outcome": "x"}),
               content_type="application/json")  # fmt: skip
    assert r.status_code == 404
    item.refresh_from_db()
    assert item.status == LedgerItem.Status.OPEN
    # nor can it start a re-check of a township outside its area
    outside = {"kind": "township", "township": "370811001", "month": "2026-11"}
    r = c.post("/api/v1/verification/runs", json.dumps(outside), content_type="application/json")
    assert r.status_code in (403, 404)
    assert not CheckRun.objects.filter(requested_by=centre[who]).exists()


def test_a_role_that_may_not_act_is_told_why(centre, records):
    auditor = client_for(centre["auditor"])
    r = auditor.post("/api/v1/verification/runs", json.dumps({"kind": "screening", "month": "2026-11"}),
                     content_type="application/json")  # fmt: skip
    assert (
        r.status_code == 403
        and "审计人员" in r.json()["detail"][0]["msg"]
        and "不能全人口筛查" in r.json()["detail"][0]["msg"]
    )
    r = client_for(centre["approver"]).post(
        "/api/v1/verification/runs",
        json.dumps({"kind": "township", "township": "370811001", "month": "2026-11"}),
        content_type="application/json",
    )
    assert r.status_code == 403 and "不能核对家庭经济状况" in r.json()["detail"][0]["msg"]
    page = client_for(centre["approver"]).post("/verification/runs/start/",
                                               {"kind": "township", "township": "370811001", "month": "2026-11"},
                                               follow=True)  # fmt: skip
    assert "不能核对家庭经济状况" in page.content.decode()
    bad = client_for(centre["verifier"]).post(
        "/api/v1/verification/runs", json.dumps({"kind": "audit", "month": "11/2026"}), content_type="application/json"
    )
    assert bad.status_code == 422 and {e["loc"] for e in bad.json()["detail"]} == {"kind", "month"}


def test_no_run_starts_before_any_department_data(centre, store):
    r = client_for(centre["verifier"]).post(
        "/api/v1/verification/runs",
        json.dumps({"kind": "screening", "month": "2026-11"}),
        content_type="application/json",
    )
    assert r.status_code == 422 and "尚未导入任何部门数据" in r.json()["detail"][0]["msg"]
    assert not CheckRun.objects.exists()


def test_runs_started_from_the_page_and_the_api_complete(centre, records, run_tasks):
    c = client_for(centre["verifier"])
    with run_tasks():
        r = c.post("/verification/runs/start/", {"kind": "township", "township": "370811001", "month": "2026-11"})
        run = CheckRun.objects.get(kind=CheckRun.Kind.TOWNSHIP, requested_by=centre["verifier"],
                                   pk__gt=records["check"].pk)  # fmt: skip
        assert run.status == CheckRun.Status.QUEUED  # the request only queued it
    run.refresh_from_db()
    assert r.status_code == 302 and r["Location"] == f"/verification/runs/{run.pk}/"
    assert run.status == CheckRun.Status.DONE and run.progress == 100  # no covered household yet: nothing to check
    with run_tasks():
        r = c.post("/api/v1/verification/runs", json.dumps({"kind": "screening", "month": "2026-11"}),
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 202
    status = c.get(f"/api/v1/verification/runs/{r.json()['id']}").json()
    assert status["status"] == "done" and status["progress"] == 100 and status["area"] == "370811"
    assert status["summary"]["kinds"] == records["screening"].summary["kinds"]
    listed = c.get("/api/v1/verification/runs", {"kind": "screening"}).json()
    assert listed["count"] == 2 and {x["kind"] for x in listed["results"]} == {"screening"}


# ---- garbage -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["clerk", "approver", "county", "auditor", "verifier", "city_admin"])
def test_garbage_in_any_form_or_query_is_never_a_server_error(centre, records, who):
    c = client_for(centre[who])
    d, run, item = records["delivery"], records["check"], records["item"]
    junk = {"page": "-1", "q": "'\"<>\x00", "kind": "x", "status": "??", "township": "999", "month": "0000-00",
            "year": "twenty", "item": "x", "delivered": "yesterday", "outcome": "", "next": "//evil.example/",
            "imported": "abc", "detail": "2"}  # fmt: skip
    clean = {k: v.replace("\x00", "") for k, v in junk.items()}
    big = {**clean, "page": "99999999999999999999", "year": "99999999999999999999", "imported": "99999999999999999999",
           "township": "3708110010010010", "month": "9999-99", "delivered": "0001-01-01", "q": "9" * 500}  # fmt: skip
    gets = ["/verification/deliveries/", f"/verification/deliveries/{d.pk}/rejections/",
            f"/verification/deliveries/{d.pk}/rejections.csv", f"/verification/deliveries/{d.pk}/rejections.xlsx",
            "/verification/runs/", f"/verification/runs/{run.pk}/", f"/verification/runs/{run.pk}/progress/",
            "/verification/runs/99999999999999999999/", "/verification/ledger/", "/verification/ledger.xlsx",
            "/verification/reports/", "/api/v1/verification/deliveries", "/api/v1/verification/runs",
            f"/api/v1/verification/runs/{run.pk}", f"/api/v1/verification/runs/{run.pk}/results",
            "/api/v1/verification/runs/99999999999999999999", "/api/v1/verification/ledger"]  # fmt: skip
    posts = ["/verification/deliveries/", "/verification/runs/start/", f"/verification/ledger/{item.pk}/close/",
             "/verification/ledger/99999999999999999999/close/", "/api/v1/verification/deliveries"]  # fmt: skip
    for params in (junk, clean, big):
        for url in gets:
            assert c.get(url, params).status_code < 500, (url, params)
        for url in posts:
            assert c.post(url, params).status_code < 500, (url, params)
    names = ["../../etc/passwd.csv", "x.exe", "noext", "a" * 300 + ".csv", "名单 (1).CSV", ".csv", "x.csv\x00.xlsx"]
    for name in names:
        for target in ("/verification/deliveries/", "/api/v1/verification/deliveries"):
            upload = SimpleUploadedFile(name, b"id_number,death_date\n\xff\xfe,\x00\n")
            r = c.post(target, {"item": "deaths", "delivered": "2026-10-31", "file": upload})
            assert r.status_code < 500, (name, target)
    bodies = ["not json", "[]", "null", json.dumps({"kind": 5, "township": None, "month": {"a": 1}}),
              json.dumps({"kind": "township", "township": "'; drop table x; --", "month": "2026-11"}),
              json.dumps({"kind": "screening", "month": "1800-01"}), json.dumps({"outcome": ["x"]})]  # fmt: skip
    for body in bodies:
        for url in ("/api/v1/verification/runs", f"/api/v1/verification/ledger/{item.pk}/close",
                    "/api/v1/verification/ledger/99999999999999999999/close"):  # fmt: skip
            assert c.post(url, body, content_type="application/json").status_code < 500, (url, body)
    assert c.get("/verification/ledger/", {"q": "张\x00"}).status_code == 400
    # the garbage changed nothing: no outcome, no closing; no run started
    item.refresh_from_db()
    assert item.status == LedgerItem.Status.OPEN
    assert (
        not CheckRun.objects.filter(requested_by=centre[who]).exclude(pk__in=[run.pk, records["screening"].pk]).exists()
    )


# ---- background ----------------------------------------------------------------------------


def covered_household(centre, household):
    """Take the household's dibao case to 保障中 (approved), dated in the past."""
    head = household.members.get(relation="head")
    clerk, approver = centre["clerk"], centre["approver"]
    c = cases.start_precheck(clerk, household=household, programme="dibao", applicant=head, on=date(2024, 3, 4))
    c = cases.accept(clerk, c, version=c.version, on=date(2024, 3, 4))
    c = cases.record_home_visit(clerk, c, version=c.version, on=date(2024, 3, 5), investigators=["甲", "乙"],
                                family_signed=True, findings="属实")  # fmt: skip
    c = cases.approve(approver, c, version=c.version, on=date(2024, 3, 6))
    return cases.close_notice(approver, c, version=c.version, on=date(2024, 3, 14))


def test_background_runs_finish_and_report_100(background, centre, city_store, poor_household):
    case = covered_household(centre, poor_household)
    assert case.state == "approved"
    c = client_for(centre["verifier"])
    r = c.post("/verification/runs/start/", {"kind": "township", "township": "370811001", "month": "2026-11"})
    run_id = int(r["Location"].rstrip("/").rsplit("/", 1)[1])
    run = wait_for(run_id)
    assert run.status == CheckRun.Status.DONE, run.error
    assert run.households == 1 and run.results.get().household_id == poor_household.pk
    assert c.get(f"/api/v1/verification/runs/{run_id}").json()["progress"] == 100
    page = c.get(f"/verification/runs/{run_id}/").content.decode()
    assert f'href="/households/{poor_household.pk}/"' in page and 'data-status="done"' in page
    assert "hx-trigger" not in c.get(f"/verification/runs/{run_id}/progress/").content.decode()

    r = c.post("/api/v1/verification/runs", json.dumps({"kind": "screening", "month": "2026-11"}),
               content_type="application/json")  # fmt: skip
    assert r.status_code == 202 and r.json()["status"] in ("queued", "running", "done")
    screening = wait_for(r.json()["id"])
    assert screening.status == CheckRun.Status.DONE, screening.error
    status = c.get(f"/api/v1/verification/runs/{screening.pk}").json()
    assert status["progress"] == 100 and status["findings"] == LedgerItem.objects.filter(found_by=screening).count() > 0


def test_a_days_applicants_are_checked_from_the_runs_page(centre, records, run_tasks):
    from safetynet.cases import services as cases
    from tests.office.conftest import TODAY

    household = records["check"].results.first().household
    cases.start_precheck(centre["clerk"], household=household, programme="dibao",
                         applicant=household.members.get(relation="head"), on=TODAY)  # fmt: skip
    c = client_for(centre["clerk"])
    assert 'id="start-applicants"' in c.get("/verification/runs/").content.decode()
    with run_tasks():
        page = c.post("/verification/runs/start/", {"kind": "applicants", "day": f"{TODAY}"}, follow=True)
    run = CheckRun.objects.filter(kind=CheckRun.Kind.APPLICANTS).get()
    assert run.status == CheckRun.Status.DONE and run.households == 1 and "当日申请核对" in page.content.decode()
    bad = c.post("/api/v1/verification/runs", json.dumps({"kind": "applicants", "day": "2024-02-30"}),
                 content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == "day"


def test_the_centres_pages_switch_to_english(centre, records):
    c = client_for(centre["verifier"])
    c.post("/i18n/setlang/", {"language": "en", "next": "/verification/runs/"})
    runs = c.get("/verification/runs/").content.decode()
    assert "Check runs" in runs and "Start the screening" in runs and "开始筛查" not in runs
    deliveries = c.get("/verification/deliveries/").content.decode()
    assert "Department deliveries" in deliveries and "部门数据交付" not in deliveries
