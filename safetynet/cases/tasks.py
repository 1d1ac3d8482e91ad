"""The "my tasks" page (我的待办): the cases waiting for this user's own step, due dates first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from safetynet.cases import selectors
from safetynet.cases.filters import OpenCaseFilter
from safetynet.registry.selectors import staff_of
from safetynet.site.lists import filtered, paginate
from safetynet.web import clock


@login_required
def my_tasks(request):
    today = clock.today()
    staff = staff_of(request.user)
    f, tasks = filtered(OpenCaseFilter, request, selectors.my_tasks(request.user, today))
    page = paginate(request, tasks)
    page.object_list = selectors.with_latest_check(page.object_list)
    return render(request, "cases/my_tasks.html", {"today": today, "page": page, "filter": f,
                                                   "role": staff.role if staff else None})
