"""The city administrator's pages: the holiday calendar of the years ahead, and local parameters
entered with their document and confirmed by a second administrator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from safetynet.administration import selectors, services
from safetynet.administration.forms import (
    HolidayArrangementForm,
    ParameterValueForm,
    RejectForm,
    leaf_label,
    leaf_words,
)
from safetynet.administration.models import ParameterValue
from safetynet.policy.errors import PolicyError
from safetynet.registry.selectors import require_role
from safetynet.web import clock


@login_required
def calendar(request):
    require_role(request.user, ("city",), "3708", _("录入节假日安排"))
    today = clock.today()
    moved = None
    form = HolidayArrangementForm(request.POST or None,
                                  initial={"year": selectors.next_year_missing(today) or today.year + 1})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        arrangement, moved = services.enter_holiday_arrangement(
            request.user, year=d["year"], holidays=d["holidays"], workdays=d["workdays"],
            notice_title=d["notice_title"], notice_number=d["notice_number"])
        messages.success(request, _("{year} 年放假安排已录入，{n} 个期限重新计算").format(
            year=arrangement.year, n=len(moved)))
        form = HolidayArrangementForm(initial={"year": arrangement.year + 1})
    return render(request, "administration/calendar.html", {
        "form": form, "years": selectors.calendar_years(today), "moved": moved, "today": today,
    })


@login_required
def parameters(request):
    require_role(request.user, ("city",), "3708", _("录入本地参数"))
    today = clock.today()
    rows = selectors.parameter_rows(today)
    for row in rows:
        row["leaves"] = [(leaf_words(path), leaf) for path, leaf in row["leaves"]]
    recent = selectors.values_for(request.user)
    described = {r["parameter"].name: r["parameter"].description for r in rows}
    for value in recent:  # a parameter by its description, not its key
        value.label = described.get(value.name, value.name)
    return render(request, "administration/parameters.html", {
        "rows": rows, "today": today, "recent": recent,
    })


@login_required
def parameter_new(request, name: str):
    require_role(request.user, ("city",), "3708", _("录入本地参数"))
    param = next((p for p in selectors.editable_parameters() if p.name == name), None)
    if param is None:
        raise Http404(_("没有可在此录入的参数 {name}").format(name=name))
    today = clock.today()
    current = next((e for e in reversed(param.entries) if e.effective <= today), param.entries[-1])
    form = ParameterValueForm(request.POST or None, parameter=param, current=current.value)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.enter_parameter_value(
            request.user, name=param.name, effective=d["effective"], value=form.value(),
            document_title=d["document_title"], document_number=d["document_number"],
            document_date=d["document_date"], note=d["note"])
        messages.success(request, _("已录入，待另一位市级管理员复核后生效"))
        return redirect("admin-parameters")
    return render(request, "administration/parameter_new.html", {
        "form": form, "parameter": param, "current": current, "leaf_fields": [form[f] for f in form.fields
                                                                             if f.startswith("leaf_")],
    })


@login_required
def parameter_review(request, value_id: int):
    require_role(request.user, ("city",), "3708", _("复核本地参数"))
    row = get_object_or_404(ParameterValue, pk=value_id)
    param = next((p for p in selectors.editable_parameters() if p.name == row.name), None)
    reject_form = RejectForm(request.POST if request.POST.get("action") == "reject" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "confirm":
                row, report = services.confirm_parameter_value(request.user, row)
                text = _("已复核生效")
                if report is not None:
                    text += _("；重新核定 {n} 件，金额不变 {same} 件，待复核 {review} 件").format(
                        n=report["repriced"], same=report["unchanged"], review=len(report["to_review"]))
                messages.success(request, text)
                return redirect("admin-parameters")
            if reject_form.is_valid():
                services.reject_parameter_value(request.user, row, reason=reject_form.cleaned_data["reason"])
                messages.success(request, _("已退回"))
                return redirect("admin-parameters")
        except PolicyError as exc:
            messages.error(request, exc.message("en" if get_language() == "en" else "zh"))
    in_force = None
    if param is not None:
        in_force = next((e for e in reversed(param.entries) if e.effective <= row.effective), None)
    return render(request, "administration/parameter_review.html", {
        "row": row, "parameter": param, "reject_form": reject_form,
        "new": [(leaf_label(path), leaf) for path, leaf in selectors.leaves(row.value)],
        "old": [(leaf_label(path), leaf) for path, leaf in selectors.leaves(in_force.value)] if in_force else [],
        "in_force": in_force, "reprices": row.name in services.REPRICING_PARAMETERS,
        "same_person": row.entered_by_id == request.user.pk,
    })
