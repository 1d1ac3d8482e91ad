"""The clerk's desk, the case page with its timeline and next steps, the decision document and
the deadline board. Every page reads through the scoped selectors; every step through services,
its form and partial from the step's declaration (``steps.STEPS``)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safetynet.administration.selectors import next_year_missing
from safetynet.cases import programmes, selectors, services
from safetynet.cases.backdating import LIMIT_WORKING_DAYS, earliest_direct
from safetynet.cases.filters import OpenCaseFilter
from safetynet.cases.forms import BackdateDecisionForm
from safetynet.cases.models import BackdatedAct, State
from safetynet.cases.steps import STEPS
from safetynet.policy.errors import InputError, PolicyError
from safetynet.registry.selectors import staff_of
from safetynet.supervision.services import record_access
from safetynet.verification.selectors import check_reading, shown_checks
from safetynet.web import clock
from safetynet.web.inputs import page_message, put_back
from safetynet.web.lang import current_lang
from safetynet.web.lists import filtered, paginate, refiltered
from safetynet.web.personal import mask_id, sees_full_id, shown_id


@login_required
def desk(request):
    today = clock.today()
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


# The papers' panel (documents app): the case page places it itself, as its one 文书 area, after
# the steps; the other panels are the programme's own details and come before the assessment.
PAPERS_PANEL = "documents/_case_panel.html"


def _checks(case) -> list[dict]:
    """The household's checks; the latest read as the case's programme reads it, from what the
    check kept (``verification.selectors.check_reading``: no rule runs again here)."""
    checks = shown_checks(case.household)
    if checks:
        checks[0]["reading"] = check_reading(case, checks[0]["result"])
    return checks


def _case_page(request, case, forms: dict | None = None, status: int = 200):
    """The case, its checks, its home visits and the steps the user may take (``forms``: a
    step's form sent back with its errors)."""
    programme = programmes.get(case.programme)
    programme_part = programme.part(case, case.assessment) if case.assessment else None
    full = sees_full_id(request.user, case.area_code)
    members = list(case.household.members.all())
    record_access(request.user, purpose="view", person_ids=[p.pk for p in members], object_type="case",
                  object_id=case.pk, area_code=case.area_code, full_id=full)  # fmt: skip
    today = clock.today()
    # The normal next step first, a refusal after it (stable: otherwise the registration order).
    steps = sorted(selectors.allowed_transitions(request.user, case),
                   key=lambda name: programme.decisions.get(name) == "refusal")
    forms = forms or {}
    # Each step the user may take, with its form (one sent back keeps its errors and what was typed).
    step_forms = [(STEPS[name], forms.get(name) or STEPS[name].form(case, today=today)) for name in steps]
    pending = [a for a in case.backdated_acts.all() if a.status == BackdatedAct.Status.PENDING]
    staff = staff_of(request.user)
    # A backdated step's confirmer is kept in the event by user id (by login in events written
    # before): named by the act that confirmed it.
    acts = [a for a in case.backdated_acts.all() if a.decided_by]
    confirmers = {key: a.decided_by for a in acts for key in (a.decided_by_id, a.decided_by.username)}
    events = list(case.events.all())
    for e in events:
        e.confirmed_by = confirmers.get(((e.data or {}).get("backdated") or {}).get("confirmed_by"))
    return render(request, "cases/case.html", {
        "case": case, "events": events, "steps": steps, "step_forms": step_forms,
        "today": today, "part": programme_part, "programme": programme,
        "panels": [p for p in programmes.PANELS if p != PAPERS_PANEL], "papers_panel": PAPERS_PANEL,
        "members": members, "full_ids": full,
        "applicant_id": shown_id(request.user, case.applicant.id_number, case.area_code),
        "labels": services.ACTION_NAMES, "checks": _checks(case),
        "dibao_reading": programme.verdict_applies,
        "against": services.check_against(case) if "approve" in steps else None,
        "visits": _visits(case),
        "visitor": any(e.transition == "record_home_visit" and e.actor_id == request.user.pk
                       for e in case.events.all()),
        "pending": pending, "backdated_acts": list(case.backdated_acts.all()),
        "can_confirm": staff is not None and staff.role == "approver",
        "earliest_direct": earliest_direct(today), "backdate_limit": LIMIT_WORKING_DAYS,
    }, status=status)  # fmt: skip


def _labels(form) -> dict[str, tuple[str, str]]:
    """A refusal names a field by its label on the form (in the page's language), never its key."""
    return {name: (str(field.label),) * 2 for name, field in form.fields.items()}


def _form_message(form) -> str:
    en = current_lang() == "en"
    return ("; " if en else "；").join(
        f"{form.fields[name].label}{': ' if en else '：'}{e}" if name in form.fields else str(e)
        for name, errors in form.errors.items() for e in errors
    )


def _done(request, step, result) -> None:
    if isinstance(result, BackdatedAct):
        messages.info(request, _("已登记补录“%(action)s”（%(on)s）：经本乡镇另一名审核人员确认后生效") % {
            "action": step.label, "on": result.on.isoformat()})  # fmt: skip
    else:
        messages.success(request, _("已%(action)s") % {"action": step.label})


@login_required
def take_step(request, case_id: int, name: str):
    """A step from the case page: its form (``STEPS[name]``), then the services. A refusal comes
    back beside the fields (a decision: 422, everything typed kept) or as a message above the case."""
    step = STEPS.get(name)
    if request.method != "POST" or step is None:
        raise Http404
    case = selectors.case_for(request.user, case_id)
    form = step.form(case, request.POST)
    if form.is_valid():
        try:
            _done(request, step, step.take(request.user, case, form.cleaned_data))
            return redirect("case", case.pk)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except (InputError, PolicyError) as exc:
            put_back(form, exc, current_lang(), _labels(form))
    # Beside its fields, if the step is still on the page (not when the case has moved on meanwhile).
    if step.inline_errors and name in selectors.allowed_transitions(request.user, selectors.case_for(request.user,
                                                                                                     case_id)):
        return _case_page(request, case, forms={name: form}, status=422)
    messages.error(request, _form_message(form))
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
        messages.error(request, page_message(exc, current_lang(), _labels(form)))
    return redirect("case", case.pk)


@login_required
def decision(request, case_id: int):
    """The written decision: approval with the amount and its basis, or refusal with reasons."""
    case = selectors.case_for(request.user, case_id)
    if case.decided_on is None:
        raise Http404("no decision yet")
    part = programmes.get(case.programme).part(case, case.assessment) if case.assessment else None
    # The decision is served and posted: its number is always masked.
    record_access(request.user, purpose="view", person_ids=[case.applicant_id], object_type="decision",
                  object_id=case.pk, area_code=case.area_code, full_id=False)  # fmt: skip
    # The support mode the approval gave (a tekun approval's part, ``data["support"]``), if any.
    approval = max((e for e in case.events.all() if e.transition == "approve"), key=lambda e: (e.on, e.pk),
                   default=None)  # fmt: skip
    support = (approval.data or {}).get("support") if approval else None
    return render(request, "cases/decision.html", {"case": case, "part": part, "support": support,
                                                   "applicant_id": mask_id(case.applicant.id_number)})


@login_required
def deadlines(request):
    today = clock.today()
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
