"""Notice pages: the printable village list (staff) and the masked online list (public)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from safetynet.notices.selectors import village_notice
from safetynet.registry.models import Area
from safetynet.registry.selectors import areas_for


def _period(request) -> tuple[date, date]:
    try:
        end = date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        end = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = end - timedelta(days=30)
    return start, end


@login_required
def index(request):
    return render(request, "notices/index.html", {"villages": areas_for(request.user, Area.Level.VILLAGE)[:500]})


@login_required
def village_print(request, code: str):
    """The list posted on the village board (名单：姓名、家庭人口、金额)."""
    village = areas_for(request.user, Area.Level.VILLAGE).filter(code=code).first()
    if village is None:
        raise Http404("village")
    start, end = _period(request)
    return render(request, "notices/village.html", {
        "village": village, "lines": village_notice(village, start, end), "start": start, "end": end, "masked": False,
    })


def public_list(request, code: str):
    """The online list for the county and city websites: given names masked."""
    village = Area.objects.filter(code=code, level=Area.Level.VILLAGE).select_related("parent__parent").first()
    if village is None:
        raise Http404("village")
    start, end = _period(request)
    return render(request, "notices/village.html", {
        "village": village, "lines": village_notice(village, start, end, masked=True), "start": start, "end": end,
        "masked": True,
    })
