"""The discovery pages name the staff who recorded, visited and closed a task by their name (or,
an account without one, their role and area), never by their login."""

from __future__ import annotations

import re
from datetime import date

from django.test import Client
from django.utils import timezone

from safetynet.discovery import services


def test_who_recorded_visited_and_closed_is_named_not_logged_in(city, poor_household):
    city["clerk"].username = "clerk_370811001"  # a login as the demo's
    city["clerk"].save()
    task = services.record_lead(city["county"], source="hotline", area_code="370811001", situation="独居老人",
                                reported_at=timezone.now(), id_number=poor_household.members.first().id_number)
    services.visit(city["clerk"], task, on=date.today(), note="已入户")
    services.close(city["clerk"], task, outcome="no_need", note="子女赡养")
    c = Client()
    c.force_login(city["approver"])
    html = c.get(f"/discovery/{task.pk}/").content.decode()
    main = html[html.index('id="task-summary"'):]
    assert "clerk_370811001" not in main and not re.search(r">\s*county\s*<", main)
    timeline = main[main.index('id="task-timeline"'):]
    assert timeline.count("窗口经办人员") == 2 and "县级监督人员" in timeline
    assert "窗口经办人员" in main[main.index('id="task-visit"'):][:200]
    assert "县级监督人员" in main[main.index('id="task-recorded-by"'):][:100]
    city["clerk"].first_name, city["clerk"].last_name = "芳", "王"
    city["clerk"].save()
    main = c.get(f"/discovery/{task.pk}/").content.decode()
    assert "王芳" in main[main.index('id="task-visit"'):][:200]  # a Chinese name: family name first
