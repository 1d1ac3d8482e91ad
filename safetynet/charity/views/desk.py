"""The charity's desk (an organisation's staff land here) and the figures page."""

from __future__ import annotations

import json
from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from safetynet.charity import access, exports, figures
from safetynet.charity.models import Round
from safetynet.charity.views.pages import xlsx
from safetynet.site.lists import paginate
from safetynet.web import clock
from safetynet.web.inputs import parse_day


def _readable(request):
    from django.core.exceptions import PermissionDenied

    if access._staff(request.user) is None:
        raise PermissionDenied("社会力量参与的记录只对民政部门和社会组织开放")


@login_required
def desk(request):
    _readable(request)
    user = request.user
    return render(request, "charity/desk.html", {
        "organisation": access.organisation_of(user), "bureau": access.is_bureau(user),
        "writer": access._staff(user).role in (*access.BUREAU_WRITERS, "organisation"),
        "organisations": paginate(request, access.organisations_for(user).select_related("area", "incubation_base")),
        "projects": access.projects_for(user).select_related("organisation", "area")[:50],
        "supermarkets": access.supermarkets_for(user).select_related("area", "operator")[:100],
        "rounds": Round.objects.all()[:10],
    })  # fmt: skip


def period(request) -> tuple[date, date, list[str]]:
    """The period asked (from/to, default this year so far) and the problems with it."""
    today, errors = clock.today(), []
    start, end = date(today.year, 1, 1), today
    for name in ("from", "to"):
        text = request.GET.get(name)
        if not text:
            continue
        day = parse_day(text)
        if day is None or not date(1990, 1, 1) <= day <= date(2100, 12, 31):
            errors.append(f"{name}: 日期应为 YYYY-MM-DD，实为 {text[:20]}")
        elif name == "from":
            start = day
        else:
            end = day
    if start > end:
        errors.append("from: 开始日期晚于结束日期")
        start = end
    return start, end, errors


@login_required
def figures_page(request):
    _readable(request)
    start, end, errors = period(request)
    fig = figures.figures(request.user, start, end)
    return render(request, "charity/figures.html", {"fig": fig, "errors": errors,
                                                    "chart": json.dumps(figures.chart_data(fig), ensure_ascii=False)})


@login_required
def figures_xlsx(request):
    _readable(request)
    start, end, errors = period(request)
    if errors:
        return _bad(errors)
    fig = figures.figures(request.user, start, end)  # totals only: no person named, no access to log
    return xlsx(exports.figures_sheet(fig), f"charity-figures-{start}-{end}.xlsx")


def _bad(errors):
    from django.http import HttpResponseBadRequest

    return HttpResponseBadRequest("；".join(errors), content_type="text/plain; charset=utf-8")

