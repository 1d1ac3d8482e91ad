"""The clerk's desk, the case page with its timeline and next steps, the decision document and
the deadline board. Every page reads through the scoped selectors; every step through services."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from safetynet.administration.selectors import next_year_missing
from safetynet.cases import selectors, services
from safetynet.cases.backdating import LIMIT_WORKING_DAYS, earliest_direct
from safetynet.cases.filters import OpenCaseFilter
from safetynet.cases.forms import DECISION_FORMS, BackdateDecisionForm
from safetynet.cases.models import TRANSITIONS, BackdatedAct, State
from safetynet.policy.errors import InputError, PolicyError
from safetynet.registry.selectors import staff_of
from safetynet.site.inputs import page_message
from safetynet.site.lists import filtered, paginate, refiltered
from safetynet.site.personal import mask_id, sees_full_id, shown_id
from safetynet.supervision.services import record_access
from safetynet.verification.selectors import shown_checks

# The fields each step asks for, besides the date and the version.
STEP_FIELDS = {
    "record_home_visit": ("investigators", "family_signed", "findings", "county_level"),
    "refuse": ("reasons",), "object": ("text",), "suspend": ("reason",), "give_termination_notice": ("reason",),
    "start_graduated_exit": ("months",), "withdraw": ("reason",),
}  # fmt: skip
# A refusal on the page names the field by its label, never its key.
STEP_LABELS = {
    "on": ("办理日期", "date"), "version": ("版本", "version"), "investigators": ("调查人员", "investigators"),
    "family_signed": ("家庭成员签字", "family signature"), "findings": ("调查情况", "findings"),
    "county_level": ("县级入户调查", "county visit"), "reasons": ("不予确认理由", "reasons"),
    "text": ("异议内容", "objection"), "reason": ("原因", "reason"), "months": ("渐退月数", "months"),
    "opinion": ("审核意见", "opinion"), "backdate_reason": ("补录原因", "reason for the backdated step"),
    "note": ("意见", "note"),
}  # fmt: skip


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


@login_required
def desk(request):
    today = timezone.localdate()
    user = request.user
    # The open cases, filtered (township, village, programme, state, search) and 25 a page.
    f, open_cases = filtered(OpenCaseFilter, request, selectors.open_cases(user).order_by("due_on", "id"))
    page = paginate(request, open_cases)
    # Each row with its household's latest check: the approver sees the verdict in the queue.
    page.object_list = selectors.with_latest_check(page.object_list)
    return render(request, "cases/desk.html", {
        "today": today, "page": page, "filter": f,
        "overdue": selectors.with_latest_check(selectors.overdue(user, today)[:50]),
        "due_soon": selectors.with_latest_check(selectors.due_soon(user, today)[:50]), "staff": staff_of(user),
        "reviews": selectors.with_latest_check(selectors.reviews_due(user, today)[:50]),
        "backdated": selectors.pending_backdated(user).select_related("case", "requested_by")[:50],
        "counts": {s: n for s, n in _state_counts(user)},
        "calendar_year_missing": next_year_missing(today) if getattr(staff_of(user), "role", "") == "city" else None,
    })


def _state_counts(user):
    from django.db.models import Count

    rows = selectors.cases_for(user).values("state").annotate(n=Count("id")).order_by("state")
    return [(State(r["state"]).label, r["n"]) for r in rows]


@login_required
def case_page(request, case_id: int):
    return _case_page(request, selectors.case_for(request.user, case_id))


def _visits(case) -> list[dict]:
    """The home-visit records, each with who entered it (the step's actor)."""
    entered = [e for e in case.events.all() if e.transition == "record_home_visit"]
    out = []
    for n, v in enumerate(sorted(case.visits.all(), key=lambda v: (v.visited_on, v.pk))):
        out.append({"visit": v, "entered_by": entered[n].actor if n < len(entered) else None})
    return out


def _case_page(request, case, forms: dict | None = None, status: int = 200):
    """The case, its checks, its home visits and the steps the user may take (``forms``: a
    decision form sent back with its errors)."""
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
    today = timezone.localdate()
    steps = selectors.allowed_transitions(request.user, case)
    forms = forms or {}
    decision_forms = {name: forms.get(name) or DECISION_FORMS[name](initial={"version": case.version, "on": today},
                                                                    auto_id=f"{name}-%s")
                      for name in steps if name in DECISION_FORMS}  # fmt: skip
    pending = [a for a in case.backdated_acts.all() if a.status == BackdatedAct.Status.PENDING]
    staff = staff_of(request.user)
    return render(request, "cases/case.html", {
        "case": case, "events": case.events.all(), "steps": steps,
        "step_fields": STEP_FIELDS, "today": today, "part": programme_part,
        "members": members, "full_ids": full,
        "applicant_id": shown_id(request.user, case.applicant.id_number, case.area_code),
        "labels": services.ACTION_NAMES, "checks": shown_checks(case.household),
        "against": services.check_against(case) if "approve" in steps else None,
        "visits": _visits(case), "decision_forms": decision_forms,
        "visitor": any(e.transition == "record_home_visit" and e.actor_id == request.user.pk
                       for e in case.events.all()),
        "pending": pending, "backdated_acts": list(case.backdated_acts.all()),
        "can_confirm": staff is not None and staff.role == "approver",
        "earliest_direct": earliest_direct(today), "backdate_limit": LIMIT_WORKING_DAYS,
    }, status=status)  # fmt: skip


def _done(request, name: str, result) -> None:
    if isinstance(result, BackdatedAct):
        messages.info(request, _("已登记补录“%(action)s”（%(on)s）：经本乡镇另一名审核人员确认后生效") % {
            "action": services.ACTION_NAMES[name], "on": result.on.isoformat()})  # fmt: skip
    else:
        messages.success(request, _("已%(action)s") % {"action": services.ACTION_NAMES[name]})


def _step(request, case, name: str, **kwargs) -> str | None:
    """Take the step (or file it as backdated) through the services; the refusal as a message."""
    try:
        result = services.take_step(request.user, case, name, **kwargs)
    except PermissionDenied as exc:
        return str(exc)
    except (InputError, PolicyError) as exc:
        return page_message(exc, _lang(), STEP_LABELS)
    _done(request, name, result)
    return None


def _decide(request, case, name: str):
    """Approve or refuse: a Django form with the approver's opinion; its errors are shown beside
    the fields on the case page, with everything typed kept."""
    form = DECISION_FORMS[name](request.POST, auto_id=f"{name}-%s")
    if not form.is_valid():
        return _case_page(request, case, forms={name: form}, status=422)
    fields = dict(form.cleaned_data)
    error = _step(request, case, name, **fields)
    if error is None:
        return redirect("case", case.pk)
    form.add_error(None, error)
    return _case_page(request, case, forms={name: form}, status=422)


@login_required
def take_step(request, case_id: int, name: str):
    if request.method != "POST" or name not in TRANSITIONS:
        raise Http404
    case = selectors.case_for(request.user, case_id)
    data = request.POST
    if name in DECISION_FORMS:
        return _decide(request, case, name)
    try:
        on = date.fromisoformat(data.get("on", ""))
        version = int(data.get("version", ""))
    except ValueError:
        messages.error(request, _("请填写办理日期（YYYY-MM-DD）"))
        return redirect("case", case.pk)
    kwargs = {"version": version, "on": on, "backdate_reason": data.get("backdate_reason", "")}
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
    if error := _step(request, case, name, **kwargs):
        messages.error(request, error)
    return redirect("case", case.pk)


@login_required
def backdated(request, case_id: int, act_id: int, decision: str):
    """A second approver confirms a backdated step (it is then taken), or it is refused."""
    if request.method != "POST" or decision not in ("confirm", "refuse"):
        raise Http404
    case = selectors.case_for(request.user, case_id)
    act = case.backdated_acts.filter(pk=act_id).first()
    if act is None:
        raise Http404("backdated act")
    form = BackdateDecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else request.POST.get("note", "")[:4000]
    try:
        if decision == "confirm":
            services.confirm_backdated(request.user, act, note=note)
            messages.success(request, _("补录已确认并生效：%(action)s（%(on)s）") % {
                "action": services.ACTION_NAMES[act.transition], "on": act.on.isoformat()})  # fmt: skip
        else:
            services.refuse_backdated(request.user, act, note=note)
            messages.success(request, _("补录未予确认，案件未作变更"))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except (InputError, PolicyError) as exc:
        messages.error(request, page_message(exc, _lang(), STEP_LABELS))
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
    overrides = selectors.overrides(user)
    # Both lists under the same filters, each with its own pager.
    f, overdue = filtered(OpenCaseFilter, request, selectors.overdue(user, today).order_by("due_on", "id"))
    overdue = paginate(request, overdue)
    overdue.object_list = selectors.with_latest_check(overdue.object_list)
    due_soon = paginate(request, refiltered(f, selectors.due_soon(user, today).order_by("due_on", "id")),
                        param="soon_page")
    due_soon.object_list = selectors.with_latest_check(due_soon.object_list)
    return render(request, "cases/deadlines.html", {
        "today": today, "overdue": overdue, "due_soon": due_soon, "filter": f,
        "compliance": compliance, "staff": staff,
        # Approvals against a "not eligible" check: the county supervises them.
        "overrides": overrides[:100], "override_count": overrides.count(),
    })  # fmt: skip
