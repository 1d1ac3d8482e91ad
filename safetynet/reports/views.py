"""The bureau's figures: coverage, the registered-poor share, funds paid; Excel for filing."""

from __future__ import annotations

import io
import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from openpyxl import Workbook

from safetynet.cases import programmes
from safetynet.policy.money import fen_to_yuan, fmt
from safetynet.reports import exports, selectors, temporary
from safetynet.reports.filters import FiguresFilter, FundsFilter
from safetynet.site.lists import filtered, paginate
from safetynet.site.sheets import append_row

HUKOU = {"urban": "城市", "rural": "农村"}


def _funds(request):
    """The funds paid under the page's filters (township, programme, period: this year so far
    unless said; a month outside 1900-2100, ?to=9999-12, is a field error and the default stands)."""
    f, payments = filtered(FundsFilter, request, selectors.payments_for(request.user))
    start, end = f.period()
    return f, selectors.funds_of(payments), start, end


@login_required
def index(request):
    f, funds, start, end = _funds(request)
    rural, poor = selectors.registered_poor_share(request.user)
    return render(request, "reports/index.html", {
        # a few hundred grouped rows at most: grouped once, then paged (no second COUNT of the grouping)
        "coverage": selectors.coverage(request.user), "funds": paginate(request, list(funds)), "filter": f,
        "export_url": reverse("reports-funds-xlsx"),
        "rural": rural, "poor": poor, "share": f"{poor / rural:.2%}" if rural else "—",
        "start": start, "end": end, "programmes": dict(programmes.choices()), "hukou": HUKOU,
        "oversight": selectors.decision_oversight(request.user, start, end),
    })


@login_required
def funds_xlsx(request):
    _f, funds, start, end = _funds(request)
    wb = Workbook()
    ws = wb.active
    ws.title = "资金发放"
    append_row(ws, ["月份", "救助项目", "乡镇（街道）代码", "乡镇（街道）", "笔数", "金额（元）", "其中补发（元）",
                    "其中价格补贴（元）"])
    for row in funds:
        append_row(ws, [f"{row['month']:%Y-%m}", programmes.label(row["programme"]), row["run__township_id"],
                        row["run__township__name"], row["lines"], float(fmt(row["total_fen"] or 0)),
                        float(fmt(row["back_pay_fen"] or 0)), float(fmt(row["subsidy_fen"] or 0))])
    cover = wb.create_sheet("保障对象")
    append_row(cover, ["县级区划", "救助项目", "城乡", "户数", "人数"])
    for r in selectors.coverage(request.user):
        append_row(cover, [r.area.name, programmes.label(r.programme), HUKOU[r.hukou], r.households, r.persons])
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="funds-{start:%Y-%m}-{end:%Y-%m}.xlsx"'
    return response


# ---- temporary assistance, standby funds, referrals (临时救助与转介统计) ----------------------------


def _figures(request):
    """The figures under the page's filters (period and area; a bad value is shown beside its
    field and its default stands). A role that does not read them: 403."""
    temporary.reader(request.user)
    f = FiguresFilter(request.GET or None, request=request)
    start, end, area = f.chosen()
    s = temporary.scope(request.user, start=start, end=end, area=area, today=f.today)
    return f, temporary.figures(request.user, s)


def _chart(fig) -> str:
    """What the two charts draw: the months (户次, 人次, amount) and the townships (amount by kind)."""
    months = fig.temporary.by_month()
    townships = fig.temporary.by_township()
    by_kind, zero = fig.temporary.roll(lambda t, m, k, c: (t, k)), temporary.Tally()
    return json.dumps({
        "months": [f"{m:%Y-%m}" for m, *_rest in months],
        "households": [both.households for _m, both, _e, _p in months],
        "persons": [both.persons for _m, both, _e, _p in months],
        "yuan": [fmt(both.amount_fen) for _m, both, _e, _p in months],
        "townships": [name for _code, name, _t, _h in townships],
        "emergency": [fmt(by_kind.get((code, "emergency"), zero).amount_fen) for code, _n, _t, _h in townships],
        "spending": [fmt(by_kind.get((code, "spending"), zero).amount_fen) for code, _n, _t, _h in townships],
    }, ensure_ascii=False)


@login_required
def temporary_index(request):
    f, fig = _figures(request)
    return render(request, "reports/temporary.html", {
        "filter": f, "fig": fig, "t": fig.temporary, "s": fig.scope, "total": fig.temporary.total,
        "wan": fen_to_yuan(fig.temporary.total.amount_fen) / 10000, "chart": _chart(fig),
        "export_url": reverse("reports-temporary-xlsx"), "page": _query(request),
        "states": temporary.STATE_LABELS,
    })  # fmt: skip


class _Query:
    """The filters' query string, for the export link (``_filters.html`` reads ``page.query``)."""

    def __init__(self, query: str) -> None:
        self.query = query


def _query(request) -> _Query:
    return _Query(urlencode([(k, v) for k, vs in request.GET.lists() for v in vs if v != ""]))


@login_required
def temporary_xlsx(request):
    _f, fig = _figures(request)
    s = fig.scope
    response = HttpResponse(exports.workbook(fig),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"temporary-{s.area.code}-{s.start:%Y-%m}-{s.end:%Y-%m}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
