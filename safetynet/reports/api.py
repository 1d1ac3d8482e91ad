"""/api/v1/reports/temporary: the figures of the page "临时救助与转介统计" as JSON, the same numbers
(``reports.temporary``), amounts as strings in yuan ("1152500.00"), percentages as strings."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from safetynet.policy.money import fmt
from safetynet.reports import dashboard, figures, temporary
from safetynet.web import clock
from safetynet.web.inputs import Errors

router = Router(tags=["reports"])  # staff only: the API's default (safetynet.web.api)


class FiguresQuery(Schema):
    # "from" is a Python keyword: the field is named otherwise and answers to "from".
    start: str | None = Field(None, alias="from", max_length=20, description="起始月份 YYYY-MM（缺省为本年1月）")
    to: str | None = Field(None, max_length=20, description="终止月份 YYYY-MM（缺省为本月）")
    area: str | None = Field(None, max_length=12, description="辖区内的县级区划或乡镇（街道）代码（缺省为整个辖区）")


class FiguresTallyOut(Schema):
    households: int = Field(description="户次")
    persons: int = Field(description="人次：每案计救助时家庭人口数，个人救助计1人")
    fund: str = Field(description="备用金支出减退回（元）")
    payroll: str = Field(description="已审核名册发放（元）")
    amount: str = Field(description="合计（元）")


class FiguresKindOut(FiguresTallyOut):
    kind: str
    label: str


class FiguresCauseOut(FiguresTallyOut):
    kind: str
    cause: str
    label: str


class FiguresHelpFirstOut(Schema):
    due: int = Field(description="应先行救助：已先行救助与超时仍未救助之和")
    helped: int
    met: int = Field(description="时限（24小时）内先行救助")
    waiting_late: int = Field(description="超时仍未先行救助")
    rate: str | None = Field(description="时效达标率（%），met / due")
    papers_done: int
    papers_in_time: int
    papers_overdue: int
    papers_rate: str | None


class FiguresTownshipOut(FiguresTallyOut):
    township: str
    name: str
    help_first: FiguresHelpFirstOut


class FiguresMonthOut(FiguresTallyOut):
    month: str
    emergency: FiguresTallyOut
    spending: FiguresTallyOut


class FiguresTownshipMonthOut(FiguresTallyOut):
    township: str
    name: str
    month: str
    kind: str


class FiguresFundOut(Schema):
    township: str
    name: str
    opened: bool
    opening: str
    allocations: str
    draws: str
    returns: str
    adjustments: str
    closing: str
    balance: str = Field(description="当前余额")
    low_line: str = Field(description="余额预警线：近12个月拨付额的五分之一")
    low: bool


class FiguresFundMonthOut(Schema):
    month: str
    allocations: str
    draws: str
    returns: str
    adjustments: str


class FiguresReferralOut(Schema):
    department: str
    label: str
    states: dict[str, int]
    total: int
    open: int
    overdue: int
    answered: int
    median_days: str | None = Field(description="自转介至答复的自然日数中位数")


class FiguresReportOut(Schema):
    area: str
    name: str
    period: dict[str, str]
    total: FiguresTallyOut
    help_first: FiguresHelpFirstOut
    by_kind: list[FiguresKindOut]
    by_cause: list[FiguresCauseOut]
    by_township: list[FiguresTownshipOut]
    by_month: list[FiguresMonthOut]
    by_township_month: list[FiguresTownshipMonthOut]
    funds: list[FiguresFundOut]
    fund_months: list[FiguresFundMonthOut]
    low_funds: list[str]
    referrals: list[FiguresReferralOut]
    referrals_total: FiguresReferralOut


def tally(t: temporary.Tally) -> dict:
    return {"households": t.households, "persons": t.persons, "fund": fmt(t.fund_fen), "payroll": fmt(t.payroll_fen),
            "amount": fmt(t.amount_fen)}  # fmt: skip


def _str(value) -> str | None:
    return None if value is None else str(value)


def help_first(h: temporary.HelpFirst) -> dict:
    return {"due": h.due, "helped": h.helped, "met": h.met, "waiting_late": h.waiting_late, "rate": _str(h.rate),
            "papers_done": h.papers_done, "papers_in_time": h.papers_in_time, "papers_overdue": h.papers_overdue,
            "papers_rate": _str(h.papers_rate)}  # fmt: skip


def referral(r: temporary.ReferralFigures) -> dict:
    return {"department": r.department, "label": str(r.label), "states": {s: r.counts.get(s, 0)
            for s in temporary.STATE_LABELS}, "total": r.total, "open": r.open, "overdue": r.overdue,
            "answered": r.answered, "median_days": _str(r.median_days)}  # fmt: skip


def report_json(fig: temporary.Figures) -> dict:
    s, t = fig.scope, fig.temporary
    return {
        "area": s.area.code, "name": s.area.name, "period": {"from": f"{s.start:%Y-%m}", "to": f"{s.end:%Y-%m}"},
        "total": tally(t.total), "help_first": help_first(t.help_first_total),
        "by_kind": [{"kind": code, "label": label, **tally(x)} for code, label, x in t.by_kind()],
        "by_cause": [{"kind": kind, "cause": code, "label": label, **tally(x)}
                     for kind, _kind_label, code, label, x in t.by_cause()],
        "by_township": [{"township": code, "name": name, **tally(x), "help_first": help_first(h)}
                        for code, name, x, h in t.by_township()],
        "by_month": [{"month": f"{m:%Y-%m}", **tally(both), "emergency": tally(e), "spending": tally(p)}
                     for m, both, e, p in t.by_month()],
        "by_township_month": [{"township": code, "name": name, "month": f"{m:%Y-%m}", "kind": kind, **tally(x)}
                              for code, name, m, kind, _label, x in t.by_township_month()],
        "funds": [{"township": f.code, "name": f.name, "opened": f.opened, "opening": fmt(f.opening_fen),
                   "allocations": fmt(f.allocated_fen), "draws": fmt(f.drawn_fen), "returns": fmt(f.returned_fen),
                   "adjustments": fmt(f.adjusted_fen), "closing": fmt(f.closing_fen), "balance": fmt(f.balance_fen),
                   "low_line": fmt(f.line_fen), "low": f.low} for f in fig.funds],
        "fund_months": [{"month": f"{m.month:%Y-%m}", "allocations": fmt(m.allocated_fen), "draws": fmt(m.drawn_fen),
                         "returns": fmt(m.returned_fen), "adjustments": fmt(m.adjusted_fen)}
                        for m in fig.fund_months],
        "low_funds": [f.code for f in fig.low_funds],
        "referrals": [referral(r) for r in fig.referrals],
        "referrals_total": referral(fig.referral_total),
    }  # fmt: skip


@router.get("/temporary", response={200: FiguresReportOut, 422: Errors},
            summary="临时救助人次、户次、金额（按类型、原因、乡镇、月份），先行救助时效，备用金，转介（按部门、状态）")
def temporary_report(request, query: Query[FiguresQuery]):
    s = temporary.parse_scope(request.user, start=query.start, end=query.to, area=query.area, today=clock.today())
    return report_json(temporary.figures(request.user, s))


# ---- the dashboard ------------------------------------------------------------------------------------


class DashboardQuery(Schema):
    area: str | None = Field(None, max_length=12, description="辖区内的县级区划或乡镇（街道）代码（缺省为整个辖区）")
    as_of: str | None = Field(None, max_length=20, description="统计日期 YYYY-MM-DD（缺省为今天，不得晚于今天）")
    start: str | None = Field(None, alias="from", max_length=20,
                              description="起始月份 YYYY-MM（缺省为截至统计日期所在月的 12 个月）")
    to: str | None = Field(None, max_length=20, description="终止月份 YYYY-MM（晚于统计日期所在月的，截至该月）")


class ColumnOut(Schema):
    key: str
    label: str
    kind: str = Field(description="count 数量；fen 金额（以元为单位的字符串）；percent 百分比；yuan 元（字符串）")


class LineOut(Schema):
    label: str
    code: str = Field(description="区划代码、项目:城乡、月份或类型")
    values: dict[str, int | str | None]


class TableOut(Schema):
    key: str
    title: str
    head: str
    note: str
    columns: list[ColumnOut]
    lines: list[LineOut]
    total: LineOut | None = Field(description="合计行（时点走势表无合计）")


class SectionOut(Schema):
    key: str
    title: str
    empty: str = Field(description="尚不能给出该项统计时的说明（如供养方式尚未登记）；否则为空")
    tables: list[TableOut]


class DashboardOut(Schema):
    area: str
    name: str
    as_of: str
    period: dict[str, str]
    sections: list[SectionOut]


def _value(value, kind: str):
    if value is None or kind == "count":
        return value
    return fmt(int(value)) if kind == "fen" else str(value)


def _line(table, line) -> dict:
    return {"label": str(line.label), "code": line.code,
            "values": {c.key: _value(line.values.get(c.key), c.kind) for c in table.columns}}  # fmt: skip


def dashboard_json(board) -> dict:
    s = board.scope
    return {
        "area": s.area.code, "name": s.area.name, "as_of": s.as_of.isoformat(),
        "period": {"from": f"{s.start:%Y-%m}", "to": f"{s.end:%Y-%m}"},
        "sections": [{
            "key": section.key, "title": str(section.title), "empty": str(section.empty),
            "tables": [{
                "key": t.key, "title": str(t.title), "head": str(t.head), "note": str(t.note),
                "columns": [{"key": c.key, "label": str(c.label), "kind": c.kind} for c in t.columns],
                "lines": [_line(t, line) for line in t.lines],
                "total": _line(t, t.total) if t.total is not None else None,
            } for t in section.tables],
        } for section in board.sections],
    }  # fmt: skip


@router.get("/dashboard", response={200: DashboardOut, 422: Errors},
            summary="统计看板：保障对象（按统计日期，取自决定记录）、资金、标准与补助水平、建档立卡占比、集中供养、临时救助、"
                    "审核时效、核对、筛查问题、漏保纳入、价格补贴；与页面和 Excel 同一口径")  # fmt: skip
def dashboard_report(request, query: Query[DashboardQuery]):
    scope = figures.scope_for(request.user, area=query.area, as_of=query.as_of, start=query.start, end=query.to,
                              today=clock.today())  # fmt: skip
    return dashboard_json(dashboard.dashboard(scope))
