"""The bureau's figures: coverage, the registered-poor share, funds paid; Excel for filing."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from openpyxl import Workbook

from safetynet.cases import programmes
from safetynet.policy.money import fmt
from safetynet.reports import selectors
from safetynet.reports.filters import FundsFilter
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
