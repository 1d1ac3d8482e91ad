"""The clerk's desk, the case page with its timeline and next steps, the decision document and
the deadline board. Every page reads through the scoped selectors; every step through services."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from safetynet.administration.selectors import next_year_missing
from safetynet.cases import selectors, services
from safetynet.cases.models import TRANSITIONS, State
from safetynet.policy.errors import InputError, PolicyError
from safetynet.registry.selectors import staff_of
from safetynet.site.inputs import page_message
from safetynet.site.personal import mask_id, sees_full_id, shown_id
from safetynet.supervision.services import record_access

# The fields each step asks for, besides the date and the version.
STEP_FIELDS = {
    "record_home_visit": ("investigators", "family_signed", "findings", "county_level"),
    "refuse": ("reasons",), "object": ("text",), "suspend": ("reason",), "give_termination_notice": ("reason",),
    "start_graduated_exit": ("months",), "withdraw": ("reason",),
}  # fmt: skip
FUNCTIONS = {"object": services.raise_objection}
# A refusal on the page names the field by its label, never its key.
STEP_LABELS = {
    "on": ("办理日期", "date"), "version": ("版本", "version"), "investigators": ("调查人员", "investigators"),
    "family_signed": ("家庭成员签字", "family signature"), "findings": ("调查情况", "findings"),
    "county_level": ("县级入户调查", "county visit"), "reasons": ("不予确认理由", "reasons"),
    "text": ("异议内容", "objection"), "reason": ("原因", "reason"), "months": ("渐退月数", "months"),
}  # fmt: skip


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


@login_required
def desk(request):
    today = timezone.localdate()
    user = request.user
    open_cases = selectors.open_cases(user).order_by("due_on", "id")
    page = Paginator(open_cases, 25).get_page(request.GET.get("page"))
    return render(request, "cases/desk.html", {
        "today": today, "page": page, "overdue": selectors.overdue(user, today)[:50],
        "due_soon": selectors.due_soon(user, today)[:50], "staff": staff_of(user),
        "reviews": selectors.reviews_due(user, today)[:50],
        "counts": {s: n for s, n in _state_counts(user)},
        "calendar_year_missing": next_year_missing(today) if getattr(staff_of(user), "role", "") == "city" else None,
    })


def _state_counts(user):
    from django.db.models import Count

    rows = selectors.cases_for(user).values("state").annotate(n=Count("id")).order_by("state")
    return [(State(r["state"]).label, r["n"]) for r in rows]


@login_required
def case_page(request, case_id: int):
    case = selectors.case_for(request.user, case_id)
    programme_part = None
    if case.assessment:
        if case.programme == "dibao":
            programme_part = case.assessment["dibao"]
        else:
            programme_part = next((m for m in case.assessment["tekun"]["members"]
                                   if m["id_number"] == case.applicant.id_number), None)
    full = sees_full_id(request.user, case.area_code)
    members = list(case.household.members.all())
    record_access(request.user, purpose="view", person_ids=[p.pk for p in members], object_type="case",
                  object_id=case.pk, area_code=case.area_code, full_id=full)  # fmt: skip
    return render(request, "cases/case.html", {
        "case": case, "events": case.events.all(), "steps": selectors.allowed_transitions(request.user, case),
        "step_fields": STEP_FIELDS, "today": timezone.localdate(), "part": programme_part,
        "members": members, "full_ids": full,
        "applicant_id": shown_id(request.user, case.applicant.id_number, case.area_code),
        "labels": services.ACTION_NAMES,
    })


@login_required
def take_step(request, case_id: int, name: str):
    if request.method != "POST" or name not in TRANSITIONS:
        raise Http404
    case = selectors.case_for(request.user, case_id)
    data = request.POST
    try:
        on = date.fromisoformat(data.get("on", ""))
        version = int(data.get("version", ""))
    except ValueError:
        messages.error(request, _("请填写办理日期（YYYY-MM-DD）"))
        return redirect("case", case.pk)
    kwargs = {"version": version, "on": on}
    for field in STEP_FIELDS.get(name, ()):
        if field == "investigators":
            kwargs[field] = [n for n in data.get(field, "").replace("，", ",").split(",") if n.strip()]
        elif field in ("family_signed", "county_level"):
            kwargs[field] = data.get(field) == "on"
        elif field == "months":
            months = data.get(field, "").strip()
            kwargs[field] = int(months) if months.isdigit() else 0  # 0 is refused with a message
        else:
            kwargs[field] = data.get(field, "")
    function = FUNCTIONS.get(name) or getattr(services, name)
    try:
        function(request.user, case, **kwargs)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except (InputError, PolicyError) as exc:
        messages.error(request, page_message(exc, _lang(), STEP_LABELS))
    else:
        messages.success(request, _("已%(action)s") % {"action": services.ACTION_NAMES[name]})
    return redirect("case", case.pk)


@login_required
def decision(request, case_id: int):
    """The written decision: approval with the amount and its basis, or refusal with reasons."""
    case = selectors.case_for(request.user, case_id)
    if case.decided_on is None:
        raise Http404("no decision yet")
    part = None
    if case.assessment:
        part = case.assessment["dibao"] if case.programme == "dibao" else next(
            (m for m in case.assessment["tekun"]["members"] if m["id_number"] == case.applicant.id_number), None)
    # The decision is served and posted: its number is always masked.
    record_access(request.user, purpose="view", person_ids=[case.applicant_id], object_type="decision",
                  object_id=case.pk, area_code=case.area_code, full_id=False)  # fmt: skip
    return render(request, "cases/decision.html", {"case": case, "part": part,
                                                   "applicant_id": mask_id(case.applicant.id_number)})


@login_required
def deadlines(request):
    today = timezone.localdate()
    user = request.user
    staff = staff_of(user)
    compliance = []
    if staff and staff.role in ("county", "city", "auditor"):
        compliance = selectors.compliance_by_township(user, today, today - timedelta(days=365))
    return render(request, "cases/deadlines.html", {
        "today": today, "overdue": selectors.overdue(user, today)[:200], "due_soon": selectors.due_soon(user, today),
        "compliance": compliance, "staff": staff,
    })
