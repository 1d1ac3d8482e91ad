"""/api/v1/verification: department deliveries, check runs and their results, the problem ledger.

Reads go through ``selectors`` (a record outside the caller's area is a 404), writes through
``services`` (a role that may not act is a 403 with the reason in Chinese); bad input is a 422
naming the field. A delivery is imported by the worker, as from the page: the upload answers 202
with its job's URL, which the client polls.
"""

from __future__ import annotations

import csv
import io
import shutil
import uuid
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import polars as pl
from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from safetynet.batch import feeds
from safetynet.batch.feed_items import DEPARTMENTS, ITEMS
from safetynet.batch.feeds import FeedError
from safetynet.batch.screen import FINDING_KINDS
from safetynet.batch.verify import IMPACTS
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import fmt
from safetynet.site.jobs import is_stale, stale_message
from safetynet.site.models import Job
from safetynet.verification import selectors, services
from safetynet.verification.models import CheckRun, FeedDelivery
from safetynet.verification.views import (
    ledger_filtered,
    ledger_rows,
    results_seen,
    start_run,
    upload_errors,
    upload_name,
)
from safetynet.web import clock
from safetynet.web.inputs import ErrorItem, Errors
from safetynet.web.lists import api_page

router = Router(tags=["verification"])  # staff only: the API's default (safetynet.web.api)
PAGE = 50


def _page(qs, page: int) -> tuple[int, list]:
    return api_page(qs, page, PAGE)


class DeliveryOut(Schema):
    id: int
    item: str
    item_name: str
    department: str
    department_name: str
    delivered_on: date
    file_name: str
    rows_loaded: int
    rows_rejected: int
    imported_by: str | None
    imported_at: datetime


class Rejection(Schema):
    file: str
    row: int
    column: str
    value: str | None
    reason: str


class ImportOut(DeliveryOut):
    new: bool
    rejections: list[Rejection]


class DeliveryPage(Schema):
    count: int
    page: int
    results: list[DeliveryOut]


def delivery_out(d) -> dict:
    return {
        "id": d.pk, "item": d.item, "item_name": ITEMS[d.item].name, "department": d.department,
        "department_name": DEPARTMENTS.get(d.department, d.department), "delivered_on": d.delivered_on,
        "file_name": d.file_name, "rows_loaded": d.rows_loaded, "rows_rejected": d.rows_rejected,
        "imported_by": d.imported_by.username if d.imported_by else None, "imported_at": d.imported_at,
    }  # fmt: skip


@router.get("/deliveries", response=DeliveryPage, summary="部门数据交付记录（核对中心）")
def list_deliveries(request, page: int = 1):
    qs = selectors.deliveries_for(request.user)
    page, rows = _page(qs, page)
    return {"count": qs.count(), "page": page, "results": [delivery_out(d) for d in rows]}


class DeliveryImportJob(Schema):
    id: int
    url: str  # this job's status, to poll
    status: str  # queued | running | done | failed
    status_name: str
    item: str
    delivered_on: date
    file_name: str
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    delivery: ImportOut | None  # once done: what was loaded, and the rejected rows by row and column
    errors: list[ErrorItem]  # once failed: why, by field


# How much of a CSV is read for its header: the header row of any real delivery fits.
HEADER_BYTES = 1 << 16


def _csv_header(path: Path) -> list[str]:
    with path.open("rb") as f:
        head = f.read(HEADER_BYTES)
        more = bool(f.read(1))
    if more and b"\n" in head:  # whole lines only: a character cut in two would not decode
        head = head[: head.rindex(b"\n") + 1]
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = head.decode("gb18030", errors="replace")  # offices' spreadsheets save CSV in GBK
    header = next(csv.reader(io.StringIO(text)), [])
    if not any(h.strip() for h in header):
        raise FeedError(f"文件为空（{path.name}）")
    return [h.strip() for h in header]


def _xlsx_header(path: Path) -> list[str]:
    from openpyxl import load_workbook

    feeds.check_xlsx_size(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # not a workbook, whatever openpyxl says about it
        raise FeedError(f"文件无法读取（{path.name}）：{str(exc).splitlines()[0][:200]}") from None
    try:
        first = next(book.worksheets[0].iter_rows(values_only=True, max_row=1), ()) if book.worksheets else ()
    finally:
        book.close()
    header = [str(h).strip() if h is not None else "" for h in first]
    if not any(header):
        raise FeedError(f"工作表为空（{path.name}）")
    return header


def _parquet_header(path: Path) -> list[str]:
    try:
        return list(pl.read_parquet_schema(path))
    except Exception as exc:  # not a Parquet file
        raise FeedError(f"文件无法读取（{path.name}）：{str(exc).splitlines()[0][:200]}") from None


def header_error(path: Path, item: str, delivered: date) -> FieldError | None:
    """What can be told of a delivery before importing it (its format, its header's columns), in
    the importer's own words; the rows are the worker's."""
    suffix = path.suffix.lower().lstrip(".")
    try:
        if suffix not in feeds.FORMATS:
            feeds.read_table(path)  # refuses the format before reading anything
        columns = {"csv": _csv_header, "xlsx": _xlsx_header, "parquet": _parquet_header}[suffix](path)
        # the importer's check of the columns, on the header alone
        feeds.validate(ITEMS[item], pl.DataFrame(schema=dict.fromkeys(columns, pl.String)), 2, path.name, delivered)
    except FeedError as exc:
        return FieldError("file", "feed_file", detail=exc.message)
    return None


def _save_upload(upload) -> Path:
    """The upload in a folder of its own under UPLOAD_DIR with its own name (the importer reads
    the format from the suffix); the worker removes the folder once it has imported it."""
    folder = Path(settings.UPLOAD_DIR) / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / upload_name(upload.name)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def _job_url(job: Job) -> str:
    return reverse("api-v1:delivery_job", kwargs={"job_id": job.pk})


def _delivery_of(job: Job) -> FeedDelivery | None:
    """The delivery a finished import names (its page's link carries it)."""
    found = parse_qs(urlsplit(job.next_url).query).get("imported", [""])[0]
    return FeedDelivery.objects.filter(pk=found).first() if found.isdigit() else None


def import_out(delivery: FeedDelivery, new: bool) -> dict:
    return {**delivery_out(delivery), "new": new, "rejections": list(delivery.rejections[:200])}


def job_out(job: Job) -> dict:
    status, errors, delivery = job.status, [], None
    if is_stale(job):  # its worker died: the sweep will say so too
        status, job.error = Job.Status.FAILED, stale_message(job.heartbeat_at or job.started_at or job.requested_at)
    if status == Job.Status.DONE and (found := _delivery_of(job)):
        # new unless the same file had been imported before this job was asked for
        delivery = import_out(found, new=found.imported_at >= job.requested_at)
    if status == Job.Status.FAILED:
        # the reader's refusal is about the file; anything else (a lost worker, a lost role) is the job's
        loc = "file" if job.error.startswith("导入失败") else ""
        errors = [{"loc": loc, "type": "import_failed", "msg": job.error}]
    params = job.params
    return {
        "id": job.pk, "url": _job_url(job), "status": status, "status_name": Job.Status(status).label,
        "item": params.get("item", ""), "delivered_on": params.get("delivered"),
        "file_name": params.get("file_name", ""), "requested_at": job.requested_at, "started_at": job.started_at,
        "finished_at": job.finished_at, "delivery": delivery, "errors": errors,
    }  # fmt: skip


@router.post(
    "/deliveries",
    response={200: ImportOut, 202: DeliveryImportJob, 422: Errors},
    summary="导入一个部门数据文件（CSV、Excel、Parquet），在后台运行",
    description="格式与表头当即校验（422，指明字段）；其余由后台任务逐行校验并导入：立即返回 202 与任务地址"
    "（url，响应头 Location 亦同），以 GET 查询状态（queued 排队中、running 运行中、done 完成、failed 失败）。"
    "完成后 delivery 为导入结果，错误行列入拒收明细（按行号与列，前 200 条），正确行照常导入；"
    "失败时 errors 说明原因。同一文件已导入过的，不再排队，直接返回 200 与原记录（new 为 false）。",
)
def upload_delivery(request, response: HttpResponse, item: Form[str] = "", delivered: Form[str] = "",
                    file: File[UploadedFile | None] = None):  # fmt: skip
    errors, on = upload_errors(item, delivered, file)
    if errors:
        raise InputError(errors)
    services._importer(request.user)  # a role that may not import learns nothing of the file
    path = _save_upload(file)
    try:
        if error := header_error(path, item, on):
            raise InputError([error])
        existing = FeedDelivery.objects.filter(item=item, delivered_on=on, sha256=feeds.sha256_of(path)).first()
        if existing:
            shutil.rmtree(path.parent, ignore_errors=True)
            return Status(200, import_out(existing, new=False))
        job = services.queue_import(request.user, path, item, on, path.name)
    except BaseException:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    response["Location"] = _job_url(job)
    return Status(202, job_out(job))


@router.get("/deliveries/jobs/{job_id}", response=DeliveryImportJob, url_name="delivery_job",
            summary="一次数据文件导入的状态与结果（本人发起的）")  # fmt: skip
def get_delivery_job(request, job_id: int):
    job = Job.objects.filter(pk=job_id, kind=Job.Kind.IMPORT, requested_by=request.user).first()
    if job is None:
        raise Http404("job")
    return job_out(job)


class RunIn(Schema):
    kind: str = ""  # township | applicants | screening
    township: str = ""
    month: str = ""
    day: str = ""  # YYYY-MM-DD, for a day's applicants


class RunStarted(Schema):
    id: int
    status: str
    progress: int


class CheckRunOut(Schema):
    id: int
    kind: str
    area: str
    month: str
    status: str
    progress: int
    households: int
    person_checks: int
    findings: int
    summary: dict
    error: str
    requested_by: str | None
    requested_at: datetime
    finished_at: datetime | None


class RunPage(Schema):
    count: int
    page: int
    results: list[CheckRunOut]


def run_out(run) -> dict:
    return {
        "id": run.pk, "kind": run.kind, "area": run.area_id, "month": f"{run.month:%Y-%m}", "status": run.status,
        "progress": run.progress, "households": run.households, "person_checks": run.person_checks,
        "findings": run.findings, "summary": run.summary, "error": run.error,
        "requested_by": run.requested_by.username if run.requested_by else None, "requested_at": run.requested_at,
        "finished_at": run.finished_at,
    }  # fmt: skip


def _run(request, run_id: int) -> CheckRun:
    run = selectors.runs_for(request.user).filter(pk=run_id).first()
    if run is None:
        raise Http404("run")
    return run


@router.get("/runs", response={200: RunPage, 422: Errors}, summary="辖区内的核对批次")
def list_runs(request, kind: str = "", status: str = "", page: int = 1):
    qs = selectors.runs_for(request.user)
    errors = []
    if kind and kind not in CheckRun.Kind.values:
        errors.append(FieldError("kind", "choice", value=kind[:40], choices=", ".join(CheckRun.Kind.values)))
    if status and status not in CheckRun.Status.values:
        errors.append(FieldError("status", "choice", value=status[:40], choices=", ".join(CheckRun.Status.values)))
    if errors:
        raise InputError(errors)
    qs = qs.filter(**({"kind": kind} if kind else {}), **({"status": status} if status else {}))
    page, rows = _page(qs, page)
    return {"count": qs.count(), "page": page, "results": [run_out(r) for r in rows]}


@router.post(
    "/runs",
    response={202: RunStarted, 422: Errors},
    summary="发起乡镇复核（kind=township）或全人口筛查（kind=screening），在后台运行",
    description="立即返回 202 与批次编号；以 GET /verification/runs/{id} 查询进度（progress 为 100 时完成）。",
)
def create_run(request, payload: RunIn):
    run = start_run(request.user, payload.kind, payload.township, payload.month, payload.day)
    return Status(202, {"id": run.pk, "status": run.status, "progress": run.progress})


@router.get("/runs/{run_id}", response=CheckRunOut, summary="一个核对批次：状态、进度与汇总")
def get_run(request, run_id: int):
    return run_out(_run(request, run_id))


class CheckLineOut(Schema):
    id_number: str
    line: str
    label: str
    declared: str | None
    found: str | None
    departments: str


class ResultOut(Schema):
    household: int
    village: str
    impact: str
    impact_name: str
    declared_amount: str
    verified_amount: str
    differences: list[CheckLineOut]


class ResultPage(Schema):
    count: int
    page: int
    results: list[ResultOut]


@router.get("/runs/{run_id}/results", response=ResultPage, summary="核对批次的逐户结果")
def run_results(request, run_id: int, page: int = 1):
    run = _run(request, run_id)
    qs = selectors.results_for(request.user, run).order_by("id")
    page, rows = _page(qs, page)
    return {"count": qs.count(), "page": page, "results": [
        {"household": r.household_id, "village": r.household.village_id, "impact": r.impact,
         "impact_name": IMPACTS.get(r.impact, r.impact), "declared_amount": fmt(r.declared_amount_fen),
         "verified_amount": fmt(r.verified_amount_fen), "differences": lines}
        for r, lines in results_seen(request.user, run, rows)
    ]}  # fmt: skip


class LedgerOut(Schema):
    id: int
    kind: str
    kind_name: str
    area: str
    household_no: str
    id_number: str
    programme: str
    month: str
    evidence: str
    sources: str
    status: str
    closed_on: date | None
    outcome: str
    found_by: int | None


class LedgerPage(Schema):
    count: int
    page: int
    results: list[LedgerOut]


def ledger_out(item, id_number: str) -> dict:
    return {
        "id": item.pk, "kind": item.kind, "kind_name": FINDING_KINDS.get(item.kind, (item.kind,))[0],
        "area": item.area_id, "household_no": item.household_no, "id_number": id_number,
        "programme": item.programme, "month": f"{item.month:%Y-%m}", "evidence": item.evidence,
        "sources": item.sources, "status": item.status, "closed_on": item.closed_on, "outcome": item.outcome,
        "found_by": item.found_by_id,
    }  # fmt: skip


@router.get("/ledger", response={200: LedgerPage, 422: Errors}, summary="辖区内的问题台账")
def list_ledger(request, kind: str = "", status: str = "", township: str = "", q: str = "", page: int = 1):
    qs, _chosen, errors = ledger_filtered(request.user, {"kind": kind, "status": status, "township": township, "q": q})
    if errors:
        raise InputError(errors)
    page, rows = _page(qs, page)
    shown = ledger_rows(request.user, rows)
    return {"count": qs.count(), "page": page, "results": [ledger_out(i, number) for i, number in shown]}


class CloseIn(Schema):
    outcome: str = ""


@router.post("/ledger/{item_id}/close", response={200: LedgerOut, 422: Errors}, summary="问题销号")
def close_item(request, item_id: int, payload: CloseIn):
    item = selectors.ledger_for(request.user).filter(pk=item_id).first()
    if item is None:
        raise Http404("ledger item")
    item = services.close_ledger_item(request.user, item, outcome=payload.outcome, on=clock.today())
    [(item, number)] = ledger_rows(request.user, [item], purpose="view")
    return ledger_out(item, number)
