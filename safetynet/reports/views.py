"""The bureau's figures: the dashboard of an area as of a day (charts, tables with totals, Excel,
drill-down to the covered cases), and the temporary-assistance figures."""

from __future__ import annotations

import json
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from safetynet.cases import programmes
from safetynet.policy.errors import InputError
from safetynet.policy.money import fen_to_yuan, fmt
from safetynet.registry.models import Area
from safetynet.registry.selectors import staff_of
from safetynet.reports import dashboard, exports, figures, flows, selectors, temporary, workbooks
from safetynet.reports.coverage import monthly_programmes as coverage_programmes
from safetynet.reports.filters import DashboardFilter, DashboardForm, FiguresFilter, FundsFilter
from safetynet.site.lists import filtered, paginate
from safetynet.web import clock
from safetynet.web.lang import current_lang

# ---- the dashboard (统计) --------------------------------------------------------------------------

# Tables whose lines are areas one level down: a line leads to that area's dashboard, or, for a
# village, to the list of its covered cases.
AREA_TABLES = ("coverage-area", "funds-area", "price-subsidy-area", "temporary-area", "decisions", "findings-area",
               "enrolments", "concentration")
# Tables whose lines are a programme and a hukou: a line leads to the list of those cases.
PROGRAMME_TABLES = ("coverage-programme", "registered-poor", "averages")


def _said(e, today) -> str:
    """A field's refusal as the page says it: the format as 年-月-日 with today's example and the
    choices by their names (the API's message shows YYYY-MM-DD and the codes ``urban``, ``rural``)."""
    value = str(e.params.get("value", ""))[:20]
    if e.code == "date_format":
        return _("“%(value)s”不是有效日期，请按 年-月-日 填写，如 %(example)s") % {"value": value,
                                                                         "example": today.isoformat()}
    if e.code == "month_format":
        return _("“%(value)s”不是有效月份，请按 年-月 填写，如 %(example)s") % {"value": value,
                                                                        "example": f"{today:%Y-%m}"}
    if e.code == "choice" and e.path in ("hukou", "programme"):
        names = figures.HUKOU.values() if e.path == "hukou" else [programmes.label(c) for c in
                                                                   coverage_programmes()]
        return _("“%(value)s”不是可选的值（可选：%(choices)s）") % {"value": value,
                                                               "choices": "、".join(str(n) for n in names)}
    return e.message(current_lang())


def _chosen(request):
    """The dashboard's form and scope: a bad day or period is said beside its field and its
    default stands; an area outside the user's does not exist for them (404)."""
    today = clock.today()
    form = DashboardForm(request.GET, user=request.user, today=today)
    form.is_valid()
    raw = {"area": request.GET.get("area"), "as_of": request.GET.get("as_of"), "start": request.GET.get("from"),
           "end": request.GET.get("to")}  # fmt: skip
    paths = {"area": "area", "as_of": "as_of", "from": "start", "to": "end"}
    try:
        scope = figures.scope_for(request.user, **raw, today=today)
    except InputError as exc:
        if any(e.path == "area" for e in exc.errors):
            raise Http404("area") from None
        for e in exc.errors:
            form.add_error(e.path if e.path in form.fields else None, _said(e, today))
            raw[paths.get(e.path, e.path)] = None
        # the period is checked as a whole: a bad end drops the start too
        if any(e.path in ("from", "to") for e in exc.errors):
            raw["start"] = raw["end"] = None
        scope = figures.scope_for(request.user, **raw, today=today)
    return DashboardFilter(form), scope


def _scope_query(scope, **more) -> str:
    return urlencode({"area": scope.prefix, "as_of": scope.as_of.isoformat(), "from": f"{scope.start:%Y-%m}",
                      "to": f"{scope.end:%Y-%m}", **more})  # fmt: skip


def _link(board: dashboard.Dashboard) -> None:
    """Where each line leads: an area's line to its dashboard (a village's to its cases), a
    programme's to the list of its covered cases."""
    scope = board.scope
    cases = reverse("reports-cases")
    for table in board.tables.values():
        for line in table.lines:
            if table.key in AREA_TABLES and line.code != scope.prefix:
                if scope.child_level == Area.Level.VILLAGE:
                    line.link = f"{cases}?{urlencode({'area': line.code, 'as_of': scope.as_of.isoformat()})}"
                else:
                    line.link = f"?{_scope_query(scope, area=line.code)}"
            elif table.key in PROGRAMME_TABLES:
                programme, _sep, hukou = line.code.partition(":")
                line.link = f"{cases}?" + urlencode({"area": scope.prefix, "as_of": scope.as_of.isoformat(),
                                                     "programme": programme, "hukou": hukou})  # fmt: skip


def _number(value, kind: str):
    if value is None:
        return None
    if kind == "fen":
        return float(fen_to_yuan(int(value)))
    return float(value) if isinstance(value, Decimal) else value


def _charts(board: dashboard.Dashboard) -> dict:
    """What each table's chart draws (``static/reports/dashboard.js``), by the table's key."""
    out = {}
    for table in board.tables.values():
        chart = table.chart
        if not table.charted:  # nothing but zeros: the page says why instead of drawing bare axes
            continue
        out[table.key] = {
            "kind": chart.kind, "horizontal": chart.horizontal, "categories": [str(x.label) for x in table.lines],
            "links": [x.link for x in table.lines],
            "series": [{"name": str(table.column(k).label), "stack": chart.stacks.get(k),
                        "data": [_number(x.values.get(k), table.column(k).kind) for x in table.lines]}
                       for k in chart.series],
        }  # fmt: skip
    return out


def _trail(request, scope) -> list[tuple[str, str]]:
    """The areas above the one shown, up to the user's own: (name, link)."""
    own = staff_of(request.user).area_id
    above = [scope.prefix[:n] for n in (4, 6, 9) if len(own) <= n < len(scope.prefix)]
    names = dict(Area.objects.filter(code__in=above).values_list("code", "name"))
    return [(names.get(code, code), "?" + _scope_query(scope, area=code)) for code in above if code in names]


@login_required
def index(request):
    f, scope = _chosen(request)
    board = dashboard.dashboard(scope)
    _link(board)
    detail_filter, detail = filtered(FundsFilter, request, flows.funds_detail(scope))
    # a few hundred grouped rows at most: grouped once, then paged (no second COUNT of the grouping)
    funds = paginate(request, list(detail))
    for row in funds.object_list:
        row["programme_label"] = programmes.label(row["programme"])
    return render(request, "reports/dashboard.html", {
        "filter": f, "scope": scope, "board": board, "charts": _charts(board), "trail": _trail(request, scope),
        "query": _scope_query(scope), "detail_filter": detail_filter, "funds": funds,
        "export_url": reverse("reports-dashboard-xlsx"),
        "oversight": selectors.decision_oversight(scope.prefix, scope.start, scope.end, as_of=scope.as_of,
                                                  key_length=scope.key_length),
    })  # fmt: skip


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=workbooks.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def dashboard_xlsx(request):
    """Every table of the dashboard, one sheet each with its totals line."""
    _f, scope = _chosen(request)
    return _xlsx(workbooks.dashboard_workbook(dashboard.dashboard(scope)),
                 f"figures-{scope.prefix}-{scope.as_of:%Y%m%d}.xlsx")


@login_required
def table_xlsx(request, key: str):
    """One table of the dashboard (its chart's figures) with its totals line."""
    _f, scope = _chosen(request)
    table = dashboard.table(scope, key)
    if table is None:
        raise Http404("figure")
    return _xlsx(workbooks.table_workbook(scope, table), f"{key}-{scope.prefix}-{scope.as_of:%Y%m%d}.xlsx")


@login_required
def funds_xlsx(request):
    """The funds' finest rows (month, programme, township, under the detail's filters) and who is
    covered as of the day, by area, programme and hukou."""
    _f, scope = _chosen(request)
    _detail_filter, detail = filtered(FundsFilter, request, flows.funds_detail(scope))
    return _xlsx(workbooks.funds_workbook(scope, detail, figures.coverage(scope)),
                 f"funds-{scope.start:%Y-%m}-{scope.end:%Y-%m}.xlsx")


# The list's query fields as a user would name them (an error never shows the key itself).
LIST_FIELDS = {"area": _("区划"), "as_of": _("统计日期"), "programme": _("救助项目"), "hukou": _("城乡")}


@login_required
def cases(request):
    """The covered cases behind a figure: an area (down to a village) of the user's, a
    programme and a hukou, as of a day; 25 a page. Outside the user's area: 404."""
    temporary.reader(request.user)
    today = clock.today()
    try:
        chosen = figures.list_scope(request.user, area=request.GET.get("area"), as_of=request.GET.get("as_of"),
                                    programme=request.GET.get("programme"), hukou=request.GET.get("hukou"),
                                    today=today)  # fmt: skip
    except InputError as exc:
        if any(e.path == "area" for e in exc.errors):
            raise Http404("area") from None
        errors = [{"path": e.path, "label": LIST_FIELDS.get(e.path, ""), "message": _said(e, today)}
                  for e in exc.errors]
        return render(request, "reports/cases.html", {"errors": errors}, status=422)
    page = paginate(request, figures.listed_cases(chosen))
    return render(request, "reports/cases.html", {"chosen": chosen, "page": page, "hukou": figures.HUKOU,
                                                  "programme": programmes.label(chosen.programme),
                                                  "back": "?" + urlencode({"area": chosen.area.code[:9],
                                                                           "as_of": chosen.as_of.isoformat()})})


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
    chart = _chart(fig)
    drawn = json.loads(chart)
    return render(request, "reports/temporary.html", {
        "filter": f, "fig": fig, "t": fig.temporary, "s": fig.scope, "total": fig.temporary.total,
        "wan": fen_to_yuan(fig.temporary.total.amount_fen) / 10000, "chart": chart,
        # a chart of nothing but zeros is not drawn: the page says why instead
        "months_charted": any(drawn["households"]) or any(drawn["persons"]),
        "townships_charted": any(Decimal(x) for x in drawn["emergency"] + drawn["spending"]),
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
