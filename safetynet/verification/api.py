"""/api/v1/verification: department deliveries, check runs and their results, the problem ledger.

Reads go through ``selectors`` (a record outside the caller's area is a 404), writes through
``services`` (a role that may not act is a 403 with the reason in Chinese); bad input is a 422
naming the field.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from safetynet.batch.feed_items import DEPARTMENTS, ITEMS
from safetynet.batch.feeds import FeedError
from safetynet.batch.screen import FINDING_KINDS
from safetynet.batch.verify import IMPACTS
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import fmt
from safetynet.verification import selectors, services
from safetynet.verification.models import CheckRun
from safetynet.verification.views import (
    import_upload,
    ledger_filtered,
    ledger_rows,
    results_seen,
    start_run,
    upload_errors,
)
from safetynet.web import clock
from safetynet.web.inputs import Errors
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


@router.post(
    "/deliveries",
    response={200: ImportOut, 201: ImportOut, 422: Errors},
    summary="导入一个部门数据文件（CSV、Excel、Parquet）",
    description="逐行校验；错误行列入拒收明细（前 200 条随响应返回），正确行照常导入。"
    "同一文件再次导入不重复写入（200，new 为 false）。",
)
def upload_delivery(request, item: Form[str] = "", delivered: Form[str] = "", file: File[UploadedFile | None] = None):
    errors, on = upload_errors(item, delivered, file)
    if errors:
        raise InputError(errors)
    try:
        delivery, new = import_upload(request.user, file, item, on)
    except FeedError as exc:
        raise InputError([FieldError("file", "feed_file", detail=exc.message)]) from None
    body = {**delivery_out(delivery), "new": new, "rejections": list(delivery.rejections[:200])}
    return Status(201 if new else 200, body)


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
