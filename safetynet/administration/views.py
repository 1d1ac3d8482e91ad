"""The city administrator's pages: the holiday calendar of the years ahead."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.administration import selectors, services
from safetynet.administration.forms import HolidayArrangementForm
from safetynet.registry.selectors import require_role


@login_required
def calendar(request):
    require_role(request.user, ("city",), "3708", _("录入节假日安排"))
    today = timezone.localdate()
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
