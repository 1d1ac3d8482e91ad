"""/api/v1/payrolls: compute, read, approve, cancel a month's payroll; /api/v1/price-indices."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from safetynet.payments import selectors, services
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.money import fmt
from safetynet.registry.models import Area
from safetynet.registry.selectors import areas_for
from safetynet.site.personal import sees_full_id, shown_id
from safetynet.supervision.services import record_access
from safetynet.web.lists import api_page

router = Router(tags=["payments"])  # staff only: the API's default (safetynet.web.api)


class RunOut(Schema):
    id: int
    month: str
    township: str
    programme: str
    status: str
    lines: int
    total: str
    cancel_reason: str


def run_out(run) -> dict:
    return {"id": run.pk, "month": f"{run.month:%Y-%m}", "township": run.township_id, "programme": run.programme,
            "status": run.status, "lines": run.lines, "total": fmt(run.total_fen), "cancel_reason": run.cancel_reason}


def _month(text: str, field: str = "month"):
    from safetynet.policy.household import parse_month

    try:
        return parse_month(text)
    except PolicyError as exc:
        raise InputError([FieldError(field, exc.code, **exc.params)]) from None


class LineOut(Schema):
    id: int
    case: int
    recipient_name: str
    recipient_id_number: str
    for_month: str
    kind: str
    amount: str
    reason: str
    decision_event: int | None
    bank_status: str


@router.get("/payrolls", response=list[RunOut], summary="辖区内的发放名册")
def list_runs(request, month: str | None = None):
    qs = selectors.runs_for(request.user)
    if month:
        qs = qs.filter(month=_month(month))
    return [run_out(r) for r in qs[:500]]


class ComputeIn(Schema):
    township: str
    month: str
    programme: str = "dibao"


@router.post("/payrolls", response={201: RunOut}, summary="编制（或重新编制）某月发放名册")
def compute(request, payload: ComputeIn):
    township = get_object_or_404(areas_for(request.user, Area.Level.TOWNSHIP), code=payload.township)
    run = services.run_payroll(request.user, month=_month(payload.month), township=township,
                               programme=payload.programme)
    return Status(201, run_out(run))


@router.get("/payrolls/{run_id}", response=RunOut)
def get_run(request, run_id: int):
    return run_out(selectors.run_for(request.user, run_id))


@router.get("/payrolls/{run_id}/lines", response=list[LineOut],
            summary="发放明细；每笔链接到所依据的决定（decision_event）与规则（reason）")
def lines(request, run_id: int, page: int = 1):
    run = selectors.run_for(request.user, run_id)
    _, rows = api_page(selectors.run_lines(run), page, 200)
    if rows and sees_full_id(request.user, run.township_id):  # whole numbers shown: whose (PIPL)
        record_access(request.user, purpose="list", person_ids=[p.recipient_id for p in rows], object_type="payroll",
                      object_id=run.pk, area_code=run.township_id)  # fmt: skip
    return [
        {"id": p.pk, "case": p.case_id, "recipient_name": p.recipient.name,
         "recipient_id_number": shown_id(request.user, p.recipient.id_number, run.township_id),
         "for_month": f"{p.for_month:%Y-%m}", "kind": p.kind, "amount": fmt(p.amount_fen), "reason": p.reason,
         "decision_event": p.decision_id, "bank_status": p.bank_status}
        for p in rows
    ]


@router.post("/payrolls/{run_id}/approve", response=RunOut,
             summary="审核发放名册（先按最新情况重算核对；有变化的行逐一列出，须重新编制）")
def approve(request, run_id: int):
    return run_out(services.approve_payroll(request.user, selectors.run_for(request.user, run_id)))


class CancelIn(Schema):
    reason: str


@router.post("/payrolls/{run_id}/cancel", response=RunOut,
             summary="作废发放名册（待审核，或已审核而银行文件尚未导出）；该月可重新编制")
def cancel(request, run_id: int, payload: CancelIn):
    return run_out(services.cancel_payroll(request.user, selectors.run_for(request.user, run_id), payload.reason))


class PriceIndexIn(Schema):
    month: str
    cpi_yoy: Decimal
    food_cpi_yoy: Decimal


@router.post("/price-indices", summary="录入某月的居民消费价格指数与食品价格指数同比涨幅（市级）")
def price_index(request, payload: PriceIndexIn):
    index = services.enter_price_index(request.user, month=_month(payload.month), cpi_yoy=payload.cpi_yoy,
                                       food_cpi_yoy=payload.food_cpi_yoy)
    return {"month": f"{index.month:%Y-%m}", "cpi_yoy": str(index.cpi_yoy), "food_cpi_yoy": str(index.food_cpi_yoy)}
