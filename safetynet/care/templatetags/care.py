"""The tekun case page's care panel (``care/_case_panel.html`` takes ``case``): where the person
is supported, the caregiver, the agreement, the last visit and the last assessment."""

from __future__ import annotations

from django import template

from safetynet.care.levels import care_level
from safetynet.care.models import Agreement, Assessment, Caregiver, Visit
from safetynet.care.selectors import visit_due
from safetynet.care.services import current_placement
from safetynet.cases.models import Case
from safetynet.web import clock

register = template.Library()


@register.inclusion_tag("care/_panel.html")
def care_panel(case: Case) -> dict:
    if case.programme != "tekun" or case.approved_on is None:
        return {"case": None}
    today = clock.today()
    placement = current_placement(case)
    visit = Visit.objects.filter(case=case, visited_on__lte=today).order_by("visited_on", "id").last()
    due = None
    if placement is not None and placement.mode == "dispersed":
        # the same rule as the township's list (selectors.home_care): an overdue visit is said here too
        due = visit_due(case, placement.started_on, visit.visited_on if visit else None, today)
    return {
        "case": case,
        "placement": placement,
        "level": care_level(case.applicant.adl_unmet),
        "caregiver": Caregiver.objects.filter(case=case, until__isnull=True).last(),
        "agreement": Agreement.objects.filter(case=case, starts_on__lte=today, ends_on__gt=today).last(),
        "visit": visit,
        "visit_due": due,
        "visit_overdue": due is not None and due < today,
        "assessment": Assessment.objects.filter(case=case).last(),
    }
