from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from safetynet.policy import areas
from safetynet.policy.parameters import value


def home(request):
    """What safetynet is, and the standards in force this month in every area."""
    today = timezone.localdate().replace(day=1)
    rows = []
    for area in areas.all_areas():
        rows.append(
            {
                "area": area,
                "dibao_urban": value("dibao_standard", area.code, today, hukou="urban"),
                "dibao_rural": value("dibao_standard", area.code, today, hukou="rural"),
                "tekun_urban": value("tekun_basic_standard", area.code, today, hukou="urban"),
                "tekun_rural": value("tekun_basic_standard", area.code, today, hukou="rural"),
                "time_limit": value("decision_time_limit", area.code, today),
            }
        )
    return render(request, "site/home.html", {"rows": rows, "month": today, "city": areas.city()})
