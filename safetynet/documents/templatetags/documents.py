"""The papers' sections of the case page (a panel of the programme frame) and of the household
page: what was issued, its standing, its PDF, and what the user may issue from here."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from safetynet.cases import programmes
from safetynet.documents import selectors, services
from safetynet.documents.codes import grouped
from safetynet.notices.letters import latest_decision
from safetynet.registry.selectors import staff_of
from safetynet.web import clock

register = template.Library()

# The papers' names in the interface's language (the papers themselves stay Chinese).
LABELS = {
    "application": _("申请书"), "authorization": _("核对授权书"), "home_visit": _("入户调查记录"),
    "approval": _("审核确认决定书"), "refusal": _("不予确认决定书"), "termination": _("终止救助决定书"),
    "change": _("救助金额变更决定书"), "village_notice": _("公示"), "proof": _("享受待遇证明"),
}  # fmt: skip


def _rows(documents) -> list[dict]:
    return [{"document": d, "label": LABELS.get(d.kind, d.kind), "code": grouped(d.code),
             "standing": selectors.standing(d)} for d in documents]  # fmt: skip


def _can_issue(user, area_code: str) -> bool:
    staff = staff_of(user)
    return bool(staff and staff.role in services.ISSUE_ROLES and area_code.startswith(staff.area_id))


@register.inclusion_tag("documents/_case_documents.html", takes_context=True)
def case_documents(context, case):
    request = context.get("request")
    user = getattr(request, "user", None)
    can_issue = _can_issue(user, case.area_code)
    offers = []
    if can_issue:
        offers.append(("application", _("打印申请书"), ()))
        if programmes.get(case.programme).authorizations != "none":  # a programme that checks no one signs none
            offers.append(("authorization", _("打印核对授权书"), ()))
        for _n, visit in enumerate(sorted(case.visits.all(), key=lambda v: (v.visited_on, v.pk)), start=1):
            offers.append(("home_visit", _("打印入户调查记录（%(date)s）") % {"date": visit.visited_on.isoformat()},
                           (("visit", visit.pk),)))  # fmt: skip
        latest = latest_decision(case)
        if latest is not None:
            offers.append(("decision", _("打印决定书"), ()))
        if services.covering(case, clock.today()) is not None:
            offers.append(("proof", _("打印享受待遇证明"), ()))
    return {"case": case, "rows": _rows(selectors.documents_of_case(case)), "can_issue": can_issue,
            "offers": offers, "csrf_token": context.get("csrf_token")}  # fmt: skip


@register.inclusion_tag("documents/_household_documents.html", takes_context=True)
def household_documents(context, household):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"household": household, "rows": _rows(selectors.documents_of_household(household)),
            "can_issue": _can_issue(user, household.village_id), "csrf_token": context.get("csrf_token")}  # fmt: skip
