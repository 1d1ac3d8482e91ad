"""/api/v1/funds: every township's standby fund, a month's statement, and the county's
allocations (and the township's returns, the county's adjustments). Amounts are strings in yuan."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from safetynet.cases.models import Case
from safetynet.funds import selectors, services
from safetynet.funds.models import FundEntry
from safetynet.policy.money import fmt
from safetynet.web import clock
from safetynet.web.inputs import Day, Id, text

router = Router(tags=["funds"])  # staff only: the API's default (safetynet.web.api)


class FundOut(Schema):
    township: str
    name: str
    balance: str
    allocated_last_12_months: str
    last_draw_on: str | None
    last_draw_amount: str | None
    low: bool


class EntryOut(Schema):
    id: int
    on: str
    kind: str
    amount: str  # signed: a draw is negative
    balance_after: str
    case: int | None
    payee: str
    purpose: str
    receipt: str
    document: str
    reason: str


class UnmatchedOut(Schema):
    entry: int
    why: str


class StatementOut(Schema):
    township: str
    name: str
    month: str
    opening: str
    allocations: str
    draws: str
    returns: str
    adjustments_in: str
    adjustments_out: str
    closing: str
    reconciled: bool
    entries: list[EntryOut]
    unmatched_draws: list[UnmatchedOut]


def entry_out(e: FundEntry, *, payee: bool = False) -> dict:
    return {"id": e.pk, "on": e.on.isoformat(), "kind": e.kind, "amount": fmt(e.amount_fen),
            "balance_after": fmt(e.balance_after_fen), "case": e.case_id,
            "payee": e.case.applicant.name if payee and e.case_id else "", "purpose": e.purpose,
            "receipt": e.receipt, "document": e.document, "reason": e.reason}  # fmt: skip


@router.get("/", response=list[FundOut],
            summary="辖区内各乡镇（街道）的临时救助备用金：余额、近12个月拨付、最近一笔支出、余额不足提示")
def list_funds(request):
    return [
        {"township": r.township.code, "name": r.township.name, "balance": fmt(r.balance_fen),
         "allocated_last_12_months": fmt(r.allocated_fen),
         "last_draw_on": r.last_draw.on.isoformat() if r.last_draw else None,
         "last_draw_amount": fmt(r.last_draw.out_fen) if r.last_draw else None, "low": r.low}
        for r in selectors.fund_rows(request.user, clock.today())
    ]  # fmt: skip


@router.get("/{township}/statement", response=StatementOut,
            summary="某乡镇（街道）某月的备用金收支对账单（month=YYYY-MM，缺省为本月）")
def statement(request, township: str, month: str | None = None):
    area = selectors.township_for(request.user, township)
    s = selectors.statement(area, selectors.statement_month(month, clock.today()))
    return {
        "township": area.code, "name": area.name, "month": f"{s.month:%Y-%m}", "opening": fmt(s.opening_fen),
        "allocations": fmt(s.allocations_fen), "draws": fmt(s.draws_fen), "returns": fmt(s.returns_fen),
        "adjustments_in": fmt(s.adjust_in_fen), "adjustments_out": fmt(s.adjust_out_fen),
        "closing": fmt(s.closing_fen), "reconciled": s.reconciled,
        "entries": [entry_out(e, payee=True) for e in s.entries],
        "unmatched_draws": [{"entry": e.pk, "why": why} for e, why in s.unmatched],
    }  # fmt: skip


class AllocationIn(Schema):
    amount: text(20)
    on: Day
    document: text(60)


@router.post("/{township}/allocations", response={201: EntryOut}, summary="县级拨付备用金（县级民政部门）")
def allocations(request, township: str, payload: AllocationIn):
    area = selectors.township_for(request.user, township)
    entry = services.allocate(request.user, township_code=area.code, amount_fen=services.parse_yuan(payload.amount),
                              on=payload.on, document=payload.document)
    return Status(201, entry_out(entry))


class ReturnIn(Schema):
    amount: text(20)
    on: Day
    reason: text(200)
    case: Id | None = None
    receipt: text(40, required=False) = ""


@router.post("/{township}/returns", response={201: EntryOut}, summary="登记退回备用金的款项（乡镇）")
def returns(request, township: str, payload: ReturnIn):
    area = selectors.township_for(request.user, township)
    case = None
    if payload.case is not None:
        case = get_object_or_404(Case.objects.filter(area_code__startswith=area.code), pk=payload.case)
    entry = services.return_to_fund(request.user, township_code=area.code,
                                    amount_fen=services.parse_yuan(payload.amount), on=payload.on,
                                    reason=payload.reason, case=case, receipt=payload.receipt)
    return Status(201, entry_out(entry))


class AdjustmentIn(Schema):
    amount: text(20)  # signed: "-50.00" takes money off
    on: Day
    reason: text(200)


@router.post("/{township}/adjustments", response={201: EntryOut},
             summary="调整备用金余额（县级，须说明原因；amount 为负数表示调减）")
def adjustments(request, township: str, payload: AdjustmentIn):
    area = selectors.township_for(request.user, township)
    entry = services.adjust(request.user, township_code=area.code,
                            amount_fen=services.parse_yuan(payload.amount, signed=True), on=payload.on,
                            reason=payload.reason)
    return Status(201, entry_out(entry))
