"""The temporary-assistance figures as the bureau files them: one Excel workbook, one sheet per
table of the page (and the township-by-month detail), amounts in yuan as numbers to two decimals."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook

from safetynet.policy.money import fen_to_yuan
from safetynet.reports.temporary import STATE_LABELS, Figures, HelpFirst, Tally
from safetynet.site.sheets import save, write_sheet

MONEY_FORMAT = "0.00"
TALLY_HEADER = ["户次", "人次", "备用金支出（元）", "名册发放（元）", "救助金额合计（元）"]


def yuan(fen: int) -> Decimal:
    """Exact yuan: openpyxl writes a Decimal as a number."""
    return fen_to_yuan(fen)


def tally_cells(t: Tally) -> list:
    return [t.households, t.persons, yuan(t.fund_fen), yuan(t.payroll_fen), yuan(t.amount_fen)]


def help_cells(h: HelpFirst) -> list:
    return [h.due, h.helped, h.met, h.waiting_late, h.rate, h.papers_done, h.papers_in_time, h.papers_overdue]


HELP_HEADER = ["应先行救助", "已先行救助", "其中24小时内", "超时未救助", "24小时内救助率（%）", "已补齐材料",
               "其中在期限内", "超期未补齐"]  # fmt: skip


FUND_HEADER = ["乡镇（街道）代码", "乡镇（街道）", "期初余额（元）", "县级拨付（元）", "支出（元）", "退回（元）",
               "调整（元）", "期末余额（元）", "当前余额（元）", "余额预警线（元）", "低于预警线"]  # fmt: skip


def _sheet(wb, title: str, header: list[str], rows: list[list], *, bold_last: bool = False):
    """A sheet of the write-only workbook ``wb`` (``site.sheets.write_sheet``): a bold header,
    every column 16 wide, Decimals to two decimals, the totals line bold when ``bold_last``."""
    return write_sheet(wb, title, header, rows, 16, money_format=MONEY_FORMAT, bold_last=bold_last)


def workbook(fig: Figures) -> bytes:
    s, t = fig.scope, fig.temporary
    period = f"{s.start:%Y-%m} 至 {s.end:%Y-%m}"
    wb = Workbook(write_only=True)
    total = t.total
    _sheet(wb, "总计", ["区划", "统计期间", *TALLY_HEADER], [[s.area.name, period, *tally_cells(total)]])
    _sheet(wb, "按救助类型", ["救助类型", *TALLY_HEADER],
           [[label, *tally_cells(tally)] for _code, label, tally in t.by_kind()])
    _sheet(wb, "按致困原因", ["救助类型", "致困原因", *TALLY_HEADER],
           [[kind, cause, *tally_cells(tally)] for _k, kind, _c, cause, tally in t.by_cause()])
    _sheet(wb, "按乡镇", ["乡镇（街道）代码", "乡镇（街道）", *TALLY_HEADER, *HELP_HEADER],
           [[code, name, *tally_cells(tally), *help_cells(h)] for code, name, tally, h in t.by_township()]
           + [["", "合计", *tally_cells(total), *help_cells(t.help_first_total)]])
    _sheet(wb, "按月份", ["月份", *TALLY_HEADER, "急难型户次", "急难型人次", "急难型金额（元）", "支出型户次",
                          "支出型人次", "支出型金额（元）"],
           [[f"{m:%Y-%m}", *tally_cells(both), e.households, e.persons, yuan(e.amount_fen), p.households, p.persons,
             yuan(p.amount_fen)] for m, both, e, p in t.by_month()])
    _sheet(wb, "乡镇月份明细", ["乡镇（街道）代码", "乡镇（街道）", "月份", "救助类型", *TALLY_HEADER],
           [[code, name, f"{m:%Y-%m}", kind, *tally_cells(tally)] for code, name, m, _k, kind, tally in
            t.by_township_month()])
    _sheet(wb, "备用金", FUND_HEADER,
           [[f.code, f.name, yuan(f.opening_fen), yuan(f.allocated_fen), yuan(f.drawn_fen), yuan(f.returned_fen),
             yuan(f.adjusted_fen), yuan(f.closing_fen), yuan(f.balance_fen), yuan(f.line_fen),
             ("是" if f.low else "否") if f.opened else "未建立"] for f in fig.funds])
    _sheet(wb, "备用金按月", ["月份", "县级拨付（元）", "支出（元）", "退回（元）", "调整（元）"],
           [[f"{m.month:%Y-%m}", yuan(m.allocated_fen), yuan(m.drawn_fen), yuan(m.returned_fen),
             yuan(m.adjusted_fen)] for m in fig.fund_months])
    rows = [*fig.referrals, fig.referral_total]
    _sheet(wb, "转介", ["协办部门", *map(str, STATE_LABELS.values()), "合计", "未办结", "超期", "已答复",
                        "答复用时中位数（天）"],
           [[r.label, *r.cells, r.total, r.open, r.overdue, r.answered, r.median_days] for r in rows])
    return save(wb)
