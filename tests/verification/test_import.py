"""Importing a department's delivery: bad rows reported, good rows loaded, the same file once,
an unreadable file refused whole; by the service, the page and the API."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from safetynet.batch.feeds import FeedError
from safetynet.registry.selectors import Forbidden
from safetynet.site.models import Job
from safetynet.supervision.models import AuditEvent
from safetynet.verification import services
from safetynet.verification.models import FeedDelivery
from tests.verification.conftest import DELIVERED, client_for, person_id, write_csv

GOOD = [person_id(date(1940, 1, 1), 1), person_id(date(1941, 2, 2), 2)]


def deaths_csv(tmp_path, name="公安局-死亡-2026-10.csv"):
    """Two good rows, and three bad ones: a wrong check digit, a bad date, a date after delivery."""
    wrong = GOOD[0][:17] + ("0" if GOOD[0][17] != "0" else "1")
    rows = [f"{GOOD[0]},2026-09-01", f"{wrong},2026-09-02", f"{GOOD[1]},2026-13-01", f"{GOOD[1]},2026-10-05",
            f"{person_id(date(1942, 3, 3), 3)},2027-01-01"]  # fmt: skip
    return write_csv(tmp_path / name, "id_number,death_date", rows)


def store_files(store):
    return sorted((p.relative_to(store).as_posix(), p.stat().st_mtime_ns) for p in store.rglob("*") if p.is_file())


def test_bad_rows_are_reported_and_good_rows_load(city, store, tmp_path):
    delivery, new = services.import_delivery(city["verifier"], deaths_csv(tmp_path), "deaths", DELIVERED)
    assert new and delivery.rows_loaded == 2 and delivery.rows_rejected == 3
    assert delivery.file_name == "公安局-死亡-2026-10.csv" and delivery.department == "public_security"
    by_row = {r["row"]: r for r in delivery.rejections}
    assert by_row[3]["column"] == "id_number" and "校验码错误" in by_row[3]["reason"]
    assert by_row[4]["column"] == "death_date" and by_row[4]["value"] == "2026-13-01"
    assert "日期格式" in by_row[4]["reason"]
    assert "晚于交付日期" in by_row[6]["reason"] and by_row[6]["file"] == "公安局-死亡-2026-10.csv"
    (part,) = store.glob("department=public_security/item=deaths/delivery=2026-10-31/*.parquet")
    loaded = pl.read_parquet(part)
    assert sorted(loaded["id_number"].to_list()) == sorted([GOOD[0], GOOD[1]])
    assert loaded.schema["death_date"] == pl.Date
    (report,) = store.glob("_rejections/deaths/*.csv")
    assert pl.read_csv(report)["row"].to_list() == [3, 4, 6]


def test_the_same_file_imported_again_changes_nothing(city, store, tmp_path):
    path = deaths_csv(tmp_path)
    first, new = services.import_delivery(city["verifier"], path, "deaths", DELIVERED)
    files = store_files(store)
    events = AuditEvent.objects.filter(action="feed.import").count()
    again, new_again = services.import_delivery(city["city_admin"], path, "deaths", DELIVERED)
    assert new and not new_again and again.pk == first.pk
    assert FeedDelivery.objects.count() == 1 and store_files(store) == files
    assert AuditEvent.objects.filter(action="feed.import").count() == events
    # the same content delivered on another date is another delivery
    later, new_later = services.import_delivery(city["verifier"], path, "deaths", date(2026, 11, 1))
    assert new_later and later.pk != first.pk and FeedDelivery.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("wrong-columns.csv", "name,when\n张三,2026-01-01\n", "缺少列"),
        ("ragged.csv", "id_number,death_date\n1,2,3\n", "第 2 行有 3 列"),
        ("empty.csv", "", "文件为空"),
        ("broken.xlsx", "this is not a workbook", "文件无法读取"),
        ("broken.parquet", "PAR1 nonsense", "文件无法读取"),
        ("notes.txt", "id_number,death_date\n", "不支持的文件格式"),
    ],
)
def test_an_unreadable_file_is_refused_whole_with_a_clear_message(city, store, tmp_path, name, content, says):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(FeedError) as exc:
        services.import_delivery(city["verifier"], path, "deaths", DELIVERED)
    assert says in exc.value.message
    assert not FeedDelivery.objects.exists() and not any(store.rglob("*"))
    assert not AuditEvent.objects.filter(action="feed.import").exists()


def test_an_import_is_audited(city, store, tmp_path):
    delivery, _ = services.import_delivery(city["verifier"], deaths_csv(tmp_path), "deaths", DELIVERED)
    event = AuditEvent.objects.get(action="feed.import")
    assert event.actor_name == "verifier" and event.object_id == str(delivery.pk) and event.area_code == "370811"
    assert event.details["loaded"] == 2 and event.details["rejected"] == 3 and event.details["item"] == "deaths"


@pytest.mark.parametrize("who", ["clerk", "approver", "county", "auditor"])
def test_only_the_centre_imports(city, store, tmp_path, who):
    with pytest.raises(Forbidden) as exc:
        services.import_delivery(city[who], deaths_csv(tmp_path), "deaths", DELIVERED)
    assert "不能导入部门数据" in str(exc.value)
    assert not FeedDelivery.objects.exists()


def test_a_gbk_csv_from_an_office_spreadsheet_loads(city, store, tmp_path):
    path = write_csv(tmp_path / "存款.csv", "id_number,institution,balance,as_of",
                     [f"{GOOD[0]},济宁银行,1200.50,2026-10-31"], encoding="gb18030")  # fmt: skip
    delivery, _ = services.import_delivery(city["verifier"], path, "deposits", DELIVERED)
    assert delivery.rows_loaded == 1 and delivery.rows_rejected == 0


# ---- the page ------------------------------------------------------------------------------


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_the_page_imports_and_says_what_happened(city, store, tmp_path, settings, run_tasks):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    c = client_for(city["verifier"])
    content = deaths_csv(tmp_path).read_bytes()
    data = {"item": "deaths", "delivered": "2026-10-31"}

    def post(name: str, body: bytes):
        """Upload, see the job queued (nothing imported in the request), then follow its page."""
        with run_tasks():
            r = c.post("/verification/deliveries/", {**data, "file": upload(name, body)})
            job = Job.objects.get(pk=int(r["Location"].rstrip("/").rsplit("/", 1)[1]))
            assert r["Location"] == f"/jobs/{job.pk}/" and job.status == Job.Status.QUEUED
            assert "排队中" in c.get(r["Location"]).content.decode()
        return c.get(r["Location"], follow=True)

    page = post("死亡名单.csv", content)
    text = page.content.decode()
    assert page.status_code == 200 and "已导入" in text and "导入 2 行，拒收 3 行" in text
    assert 'id="latest-rejected">3<' in text and "死亡名单.csv" in text
    again = post("死亡名单.csv", content)
    assert "此前已导入" in again.content.decode() and FeedDelivery.objects.count() == 1
    delivery = FeedDelivery.objects.get()
    assert delivery.file_name == "死亡名单.csv"  # the saved upload keeps the original name
    broken = post("x.xlsx", b"garbage")
    assert broken.status_code == 200 and "导入失败" in broken.content.decode() and FeedDelivery.objects.count() == 1
    assert list((tmp_path / "uploads").iterdir()) == []  # each upload removed once imported (or refused)
    other = client_for(city["clerk"])  # a job is followed by the one who started it
    assert other.get(f"/jobs/{Job.objects.first().pk}/").status_code == 404
    missing = c.post("/verification/deliveries/", {"item": "nonsense", "delivered": "2026-02-30"}, follow=True)
    text = missing.content.decode()
    assert "数据项" in text and "交付日期" in text and "文件：必填" in text


def test_the_rejections_page_and_its_downloads(city, store, tmp_path):
    delivery, _ = services.import_delivery(city["verifier"], deaths_csv(tmp_path), "deaths", DELIVERED)
    c = client_for(city["auditor"])
    page = c.get(f"/verification/deliveries/{delivery.pk}/rejections/").content.decode()
    assert "校验码错误" in page and "2026-13-01" in page and "日期格式" in page
    csv_text = c.get(f"/verification/deliveries/{delivery.pk}/rejections.csv").content.decode("utf-8-sig")
    lines = csv_text.splitlines()
    assert (
        lines[0] == "文件,行号,列,值,原因"
        and len(lines) == 4
        and lines[1].startswith("公安局-死亡-2026-10.csv,3,id_number")
    )
    xlsx = c.get(f"/verification/deliveries/{delivery.pk}/rejections.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[1]] == ["文件", "行号", "列", "值", "原因"] and sheet.max_row == 4
    assert c.get(f"/verification/deliveries/{delivery.pk}/rejections.pdf").status_code == 404


# ---- the API -------------------------------------------------------------------------------


def test_the_api_queues_the_import_and_the_client_polls_its_job(city, store, tmp_path, settings, run_tasks):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    c = client_for(city["verifier"])
    content = deaths_csv(tmp_path).read_bytes()
    url = "/api/v1/verification/deliveries"
    data = {"item": "deaths", "delivered": "2026-10-31"}
    with run_tasks():
        r = c.post(url, {**data, "file": upload("deaths.csv", content)})
        # answered at once: queued, nothing imported in the request
        assert r.status_code == 202, r.content
        queued = r.json()
        assert r["Location"] == queued["url"] == f"{url}/jobs/{queued['id']}"
        assert queued["status"] == "queued" and queued["status_name"] == "排队中" and queued["delivery"] is None
        assert queued["file_name"] == "deaths.csv" and queued["delivered_on"] == "2026-10-31"
        assert not FeedDelivery.objects.exists() and c.get(queued["url"]).json()["status"] == "queued"
    done = c.get(queued["url"]).json()
    assert done["status"] == "done" and done["errors"] == [] and done["finished_at"]
    delivery = done["delivery"]
    assert delivery["new"] and delivery["rows_loaded"] == 2 and delivery["rows_rejected"] == 3
    assert delivery["file_name"] == "deaths.csv" and delivery["id"] == FeedDelivery.objects.get().pk
    assert {(x["row"], x["column"]) for x in delivery["rejections"]} >= {(3, "id_number"), (4, "death_date")}
    # the same file again: nothing queued, the delivery already imported
    again = c.post(url, {**data, "file": upload("deaths.csv", content)})
    assert again.status_code == 200 and again.json()["new"] is False and again.json()["id"] == delivery["id"]
    assert Job.objects.count() == 1 and list((tmp_path / "uploads").iterdir()) == []
    # a row the worker cannot read: the job fails, saying why, about the file
    ragged = content + f"{GOOD[0]},2026-09-01,extra\n".encode()
    with run_tasks():
        job_url = c.post(url, {**data, "file": upload("ragged.csv", ragged)}).json()["url"]
    failed = c.get(job_url).json()
    assert failed["status"] == "failed" and failed["delivery"] is None
    assert [(e["loc"], e["type"]) for e in failed["errors"]] == [("file", "import_failed")]
    assert "第 7 行有 3 列，表头有 2 列" in failed["errors"][0]["msg"]
    # a job is followed by the one who started it
    assert client_for(city["city_admin"]).get(job_url).status_code == 404
    assert c.get(f"{url}/jobs/99999999").status_code == 404


@pytest.mark.parametrize("name, content, said", [
    ("x.csv", b"a,b\n1,2\n", "缺少列"),
    ("x.csv", b"", "文件为空"),
    ("x.txt", b"id_number,death_date\n", "不支持的文件格式 .txt"),
    ("x.xlsx", b"garbage", "不是有效的 Excel"),
    ("x.parquet", b"garbage", "文件无法读取"),
])  # fmt: skip
def test_the_api_refuses_a_file_whose_format_or_header_is_wrong_at_once(city, store, tmp_path, settings, name,
                                                                          content, said):  # fmt: skip
    settings.UPLOAD_DIR = tmp_path / "uploads"
    r = client_for(city["verifier"]).post("/api/v1/verification/deliveries",
                                          {"item": "deaths", "delivered": "2026-10-31", "file": upload(name, content)})
    assert r.status_code == 422, r.content
    [error] = r.json()["detail"]
    assert error["loc"] == "file" and said in error["msg"]
    assert not Job.objects.exists() and list((tmp_path / "uploads").iterdir()) == []


def test_the_api_header_check_reads_what_the_importer_reads(city, store, tmp_path, settings, run_tasks):
    """A GBK CSV, an Excel workbook and a Parquet file with the item's columns all pass to the worker."""
    from openpyxl import Workbook

    settings.UPLOAD_DIR = tmp_path / "uploads"
    c = client_for(city["verifier"])
    book = Workbook()
    book.active.append(["id_number", "death_date"])
    book.active.append([GOOD[0], "2026-09-01"])
    xlsx = io.BytesIO()
    book.save(xlsx)
    parquet = io.BytesIO()
    pl.DataFrame({"id_number": [GOOD[1]], "death_date": [date(2026, 9, 2)]}).write_parquet(parquet)
    gbk = "id_number,death_date,备注\n".encode("gb18030") + f"{GOOD[0]},2026-09-01,死亡\n".encode("gb18030")
    for name, content in (("a.xlsx", xlsx.getvalue()), ("b.parquet", parquet.getvalue()), ("c.csv", gbk)):
        with run_tasks():
            r = c.post("/api/v1/verification/deliveries",
                       {"item": "deaths", "delivered": "2026-10-31", "file": upload(name, content)})  # fmt: skip
            assert r.status_code == 202, (name, r.content)
        assert c.get(r.json()["url"]).json()["status"] == "done", name


def test_the_api_names_the_fields_of_a_bad_upload_and_refuses_a_role_that_may_not_import(city, store, tmp_path,
                                                                                        settings):  # fmt: skip
    settings.UPLOAD_DIR = tmp_path / "uploads"
    url = "/api/v1/verification/deliveries"
    bad = client_for(city["verifier"]).post(url, {"item": "weather", "delivered": "31/10/2026"})
    assert bad.status_code == 422
    assert {e["loc"] for e in bad.json()["detail"]} == {"item", "delivered", "file"}
    assert all(e["msg"] for e in bad.json()["detail"])
    content = deaths_csv(tmp_path).read_bytes()
    clerk = client_for(city["clerk"]).post(url, {"item": "deaths", "delivered": "2026-10-31",
                                                 "file": upload("deaths2.csv", content)})  # fmt: skip
    assert clerk.status_code == 403 and "不能导入部门数据" in clerk.json()["detail"][0]["msg"]
    assert not Job.objects.exists() and not (tmp_path / "uploads").exists()  # refused before the file is kept
    assert client_for(city["clerk"]).get(url).json()["count"] == 0


def test_a_nul_character_in_a_cell_is_kept_visible_not_stored(city, store, tmp_path):
    """PostgreSQL's jsonb cannot hold NUL; the rejection shows it escaped instead."""
    path = tmp_path / "nul.csv"
    path.write_bytes(f"id_number,death_date\n{GOOD[0]},2026-09-01\n12\x0034,2026-09-01\n".encode())
    delivery, _ = services.import_delivery(city["verifier"], path, "deaths", DELIVERED)
    delivery.refresh_from_db()
    assert delivery.rows_loaded == 1 and delivery.rejections[0]["value"] == "12\\x0034"
