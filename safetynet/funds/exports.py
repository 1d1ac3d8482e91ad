"""The monthly statement as the township files it (备用金收支对账单), in Excel."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from safetynet.funds.models import FundEntry
from safetynet.funds.selectors import UNMATCHED_WHY, Statement
from safetynet.policy.money import fmt
from safetynet.site.sheets import append_row
from safetynet.supervision.services import record_access

KINDS = dict(FundEntry.Kind.choices)
HEADER = ["序号", "日期", "类别", "收入（元）", "支出（元）", "余额（元）", "案件", "领取人", "用途", "收据编号",
          "拨付文号", "说明", "经办人"]  # fmt: skip


def _yuan(fen: int) -> float:
    return float(fmt(fen))


def summary_rows(s: Statement) -> list[tuple[str, int]]:
    return [("期初余额", s.opening_fen), ("县级拨付", s.allocations_fen), ("退回", s.returns_fen),
            ("调增", s.adjust_in_fen), ("支出", s.draws_fen), ("调减", s.adjust_out_fen), ("期末余额", s.closing_fen)]


def statement_sheet(s: Statement, actor=None) -> bytes:
    """The statement: totals, the reconciliation, every entry (draws with case, payee and
    receipt), and the draws to explain. Who took it is logged (it names payees)."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"{s.month:%Y-%m}"
    append_row(ws, [f"{s.township.name} 临时救助备用金收支对账单 {s.month:%Y 年 %m 月}"])
    ws["A1"].font = Font(bold=True, size=13)
    for label, fen in summary_rows(s):
        append_row(ws, [label, _yuan(fen)])
    append_row(ws, ["对账结果", "相符" if s.reconciled else "不符，请核查"])
    append_row(ws, [])
    append_row(ws, HEADER)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    payees = set()
    for i, e in enumerate(s.entries, start=1):
        applicant = e.case.applicant if e.case_id else None
        if applicant is not None:
            payees.add(applicant.pk)
        append_row(ws, [
            i, e.on.isoformat(), str(KINDS[e.kind]), _yuan(e.amount_fen) if e.amount_fen > 0 else None,
            _yuan(-e.amount_fen) if e.amount_fen < 0 else None, _yuan(e.balance_after_fen),
            e.case_id, applicant.name if applicant else "", e.purpose, e.receipt, e.document, e.reason,
            e.recorded_by.get_username() if e.recorded_by_id else "",
        ])  # fmt: skip
    append_row(ws, ["合计", "", "", _yuan(s.in_fen), _yuan(s.out_fen), _yuan(s.closing_fen)])
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=6):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "0.00"
    for column, width in zip("ABCDEFGHIJKLM", (8, 12, 10, 12, 12, 12, 8, 10, 24, 14, 20, 24, 12), strict=True):
        ws.column_dimensions[column].width = width

    check = wb.create_sheet("待核对支出")
    append_row(check, ["序号", "日期", "支出（元）", "案件", "用途", "收据编号", "原因"])
    for i, (e, why) in enumerate(s.unmatched, start=1):
        append_row(check, [i, e.on.isoformat(), _yuan(e.out_fen), e.case_id, e.purpose, e.receipt,
                           UNMATCHED_WHY[why]])

    if actor is not None:
        record_access(actor, purpose="export", person_ids=payees, object_type="fund", object_id=s.township.code,
                      area_code=s.township.code, full_id=False)  # fmt: skip
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
