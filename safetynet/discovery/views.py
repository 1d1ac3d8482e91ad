"""The discovery pages: the township's one queue (hotline, village, department, screening) and the
county's open and overdue tasks per township; recording a lead; the task page with its steps; the
application or temporary-assistance report opened from a task with the person prefilled; the
figures. Reads through ``selectors``, writes through ``services``."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.cases import programmes
from safetynet.discovery import forms, selectors, services
from safetynet.discovery.filters import TaskFilter
from safetynet.discovery.models import OPEN_STATES, DiscoveryTask, Outcome, Source, State
from safetynet.policy.errors import PolicyError
from safetynet.registry.models import Area
from safetynet.registry.selectors import areas_for, staff_of
from safetynet.site.lists import place
from safetynet.supervision.services import record_access
from safetynet.temporary.forms import ReportForm
from safetynet.verification.exports import sheet
from safetynet.web import clock
from safetynet.web.inputs import put_back
from safetynet.web.lang import current_lang
from safetynet.web.lists import filtered, paginate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _role(user) -> str | None:
    staff = staff_of(user)
    return staff.role if staff else None


def _local(at) -> str:
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M}" if at else ""


@login_required
def task_list(request):
    """The queue: the open tasks first, the earliest due first; for the county, the city and the
    auditor the open and overdue tasks per township under the same filters."""
    now = selectors.now()
    f, rows = filtered(TaskFilter, request, selectors.tasks_for(request.user))
    page = paginate(request, rows.order_by("-state", "due_at", "id") if not request.GET.get("state")
                    else rows.order_by("due_at", "id"))  # fmt: skip
    for t in page.object_list:
        t.overdue = t.overdue_at(now)
    role = _role(request.user)
    return render(request, "discovery/list.html", {
        "page": page, "filter": f, "now": now, "role": role,
        "by_township": selectors.by_township(request.user, rows, now) if role in selectors.SUPERVISORS else None,
        "may_record": any(role in roles for roles in services.RECORDERS.values()),
        "export_url": reverse("discovery-xlsx"),
    })  # fmt: skip


HEADERS = ("编号", "线索来源", "乡镇（街道）", "村居", "困难对象", "困难情况", "急难", "报告人", "报告时间", "走访时限",
           "状态", "是否超期", "走访日期", "处置结果", "关联案件", "关联转介", "办结时间", "在时限内处置")  # fmt: skip
WIDTHS = (8, 14, 16, 16, 12, 50, 6, 20, 18, 18, 10, 8, 12, 16, 10, 10, 18, 10)


def _places(codes) -> dict[str, Area]:
    return {a.code: a for a in Area.objects.filter(code__in={c for code in codes for c in (code[:9], code)})}


@login_required
def task_xlsx(request):
    """The list as filed: the same filters, every row, no ID numbers."""
    now = selectors.now()
    _f, rows = filtered(TaskFilter, request, selectors.tasks_for(request.user))
    rows = list(rows.order_by("area_code", "reported_at", "id"))
    areas = _places(t.area_code for t in rows)
    out = []
    for t in rows:
        township, village = areas.get(t.area_code[:9]), areas.get(t.area_code) if len(t.area_code) == 12 else None
        out.append([
            t.pk, t.get_source_display(), township.name if township else "", village.name if village else "", t.who,
            t.situation, "是" if t.emergency else "", t.reporter, _local(t.reported_at), _local(t.due_at),
            t.get_state_display(), "是" if t.overdue_at(now) else "",
            f"{t.visited_on:%Y-%m-%d}" if t.visited_on else "", t.get_outcome_display() if t.outcome else "",
            f"#{t.case_id}" if t.case_id else "", f"#{t.referral_id}" if t.referral_id else "", _local(t.closed_at),
            "" if t.in_time is None else ("是" if t.in_time else "否"),
        ])  # fmt: skip
    staff = staff_of(request.user)
    if staff is not None:
        record_access(request.user, purpose="export", person_ids=[t.person_id for t in rows if t.person_id],
                      object_type="discovery_task", object_id="list", area_code=staff.area_id, full_id=False,
                      count=len(out))  # fmt: skip
    response = HttpResponse(sheet("主动发现", HEADERS, out, WIDTHS), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="discovery-{clock.today():%Y-%m-%d}.xlsx"'
    return response


def _lead_choices(user):
    role = _role(user)
    sources = [s for s, roles in services.RECORDERS.items() if role in roles]
    areas = [(a.code, place(a) if a.level == Area.Level.VILLAGE else a.name)
             for a in areas_for(user).filter(level__in=(Area.Level.TOWNSHIP, Area.Level.VILLAGE))
             .select_related("parent").order_by("code")[:2000]]  # fmt: skip
    return sources, areas


@login_required
def new_task(request):
    """登记线索: a hotline call, a village's report, a department's notice; nothing typed is lost."""
    sources, areas = _lead_choices(request.user)
    if not sources:
        raise PermissionDenied(_("您的角色不能登记主动发现线索"))
    form = forms.LeadForm(request.POST or None, sources=sources, areas=areas,
                          initial={"source": sources[0] if len(sources) == 1 else ""})  # fmt: skip
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                task = services.record_lead(request.user, source=d["source"], area_code=d["area"],
                                            situation=d["situation"], reported_at=d["reported_at"],
                                            emergency=d["emergency"], reporter=d["reporter"],
                                            reporter_phone=d["reporter_phone"], id_number=d["id_number"],
                                            name=d["name"], address=d["address"], phone=d["phone"])  # fmt: skip
            except (PolicyError, PermissionDenied) as exc:
                put_back(form, exc, current_lang())
            else:
                messages.success(request, _("已登记线索，走访时限 %(due)s") % {"due": _local(task.due_at)})
                return redirect("discovery-task", task.pk)
        return render(request, "discovery/new.html", {"form": form}, status=422)
    return render(request, "discovery/new.html", {"form": form})


def _can(user, task: DiscoveryTask, linkable=()) -> dict[str, bool]:
    staff = staff_of(user)
    township = bool(staff and staff.role in services.TOWNSHIP and task.area_code.startswith(staff.area_id))
    live = township and task.state in OPEN_STATES
    window = live and task.household_id is not None and staff.role == "clerk"
    return {"identify": live and task.household_id is None, "visit": township and task.state == State.OPEN,
            "close": live, "apply": window, "temporary": window,
            "link": live and task.household_id is not None and bool(linkable)}  # fmt: skip


def _live(task: DiscoveryTask) -> tuple[list, list, tuple[str, ...]]:
    """The household's live cases, those the task may close naming, and the programmes of
    households it cannot apply for again (a live dibao case is the household's one)."""
    cases = selectors.live_cases([task.household_id]).get(task.household_id, []) if task.household_id else []
    closed = tuple(c.programme for c in cases if programmes.get(c.programme).unit == "household")
    return cases, selectors.linkable(task, cases), closed


def _page(request, task: DiscoveryTask, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    today = clock.today()
    if task.person_id:
        record_access(request.user, purpose="view", person_ids=[task.person_id], object_type="discovery_task",
                      object_id=task.pk, area_code=task.area_code, full_id=False)  # fmt: skip
    referrals = list(task.household.referrals.order_by("-sent_on")) if task.household_id else []
    areas = _places([task.area_code])
    cases, linkable, closed = _live(task)
    concerns = selectors.concerns(task)
    return render(request, "discovery/task.html", {
        "task": task, "events": task.events.all(), "can": _can(request.user, task, linkable),
        "role": _role(request.user), "overdue": task.overdue_at(selectors.now()),
        "township": areas.get(task.area_code[:9]),
        "village": areas.get(task.area_code) if len(task.area_code) == 12 else None,
        "live_cases": cases, "linkable": linkable, "concerns": programmes.label(concerns) if concerns else "",
        "tekun_in_dibao": concerns == "tekun" and any(c.programme == "dibao" for c in cases),
        "identify_form": bound.get("identify") or forms.IdentifyForm(),
        "visit_form": bound.get("visit") or forms.VisitForm(initial={"on": today}),
        "close_form": bound.get("close") or forms.CloseForm(referrals=referrals),
        "apply_form": bound.get("apply") or forms.ApplyForm(household=task.household, closed=closed, initial={
            "on": today, "applicant": forms.default_person(task),
            "programme": concerns if concerns and concerns not in closed else None}),
        "link_form": bound.get("link") or forms.LinkForm(cases=linkable),
        "actions": services.ACTION_NAMES, "states": dict(State.choices),
    }, status=status)  # fmt: skip


@login_required
def task_page(request, task_id: int):
    return _page(request, selectors.task_for(request.user, task_id))


DONE = {"identify": _("已关联登记家庭"), "visit": _("已登记走访"), "close": _("任务已办结"),
        "apply": _("已受理申请，任务办结"), "link": _("任务已办结，已关联在办案件")}  # fmt: skip


@login_required
def task_step(request, task_id: int, name: str):
    """A step from the task page; a refusal comes back beside its field (422), everything typed kept."""
    if request.method != "POST" or name not in DONE:
        raise Http404
    task = selectors.task_for(request.user, task_id)
    if name == "close":
        form = forms.CloseForm(request.POST, referrals=task.household.referrals.all() if task.household_id else [])
    elif name == "apply":
        form = forms.ApplyForm(request.POST, household=task.household, closed=_live(task)[2])
    elif name == "link":
        form = forms.LinkForm(request.POST, cases=_live(task)[1])
    else:
        form = {"identify": forms.IdentifyForm, "visit": forms.VisitForm}[name](request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if name == "identify":
                services.identify(request.user, task, id_number=d["id_number"])
            elif name == "visit":
                services.visit(request.user, task, on=d["on"], note=d["note"])
            elif name == "link":
                case = next(c for c in _live(task)[1] if c.pk == d["case"])
                services.link_case(request.user, task, case=case, note=d["note"])
            elif name == "close":
                referral = task.household.referrals.filter(pk=d["referral"]).first() if d["referral"] else None
                services.close(request.user, task, outcome=d["outcome"], note=d["note"], referral=referral)
            else:
                applicant = task.household.members.filter(pk=d["applicant"]).first()
                case = services.open_application(request.user, task, programme=d["programme"], applicant=applicant,
                                                 on=d["on"])  # fmt: skip
                messages.success(request, DONE[name])
                return redirect("case", case.pk)
        except (PolicyError, PermissionDenied) as exc:
            put_back(form, exc, current_lang())
        else:
            messages.success(request, DONE[name])
            return redirect("discovery-task", task.pk)
    return _page(request, selectors.task_for(request.user, task_id), bound={name: form}, status=422)


@login_required
def task_temporary(request, task_id: int):
    """临时救助登记 from a task: the temporary-assistance report with the person, the reporter, the
    time of the report and the situation prefilled; the task closes with the case."""
    task = selectors.task_for(request.user, task_id)
    if not _can(request.user, task)["temporary"]:
        raise PermissionDenied(_("该任务不能登记临时救助（需窗口经办人员、已关联家庭、任务未办结）"))
    household = task.household
    initial = {"applicant": forms.default_person(task), "kind": "emergency" if task.emergency else "",
               "reported_at": timezone.localtime(task.reported_at).replace(second=0, microsecond=0),
               "reported_by_name": task.reporter, "reported_by_relation": task.get_source_display(),
               "description": task.situation, "occurred_on": timezone.localtime(task.reported_at).date()}  # fmt: skip
    form = ReportForm(request.POST or None, household=household, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            applicant = household.members.filter(pk=d["applicant"]).first()
            try:
                case = services.temporary_help(
                    request.user, task, applicant=applicant, kind=d["kind"], cause=d["cause"],
                    occurred_on=d["occurred_on"], reported_at=d["reported_at"],
                    reported_by_name=d["reported_by_name"], reported_by_relation=d["reported_by_relation"],
                    description=d["description"], from_elsewhere=d["from_elsewhere"], requested=d["requested"],
                    spending=d["spending"], reimbursed=d["reimbursed"], other_assistance=d["other_assistance"],
                    months_without_income=d["months_without_income"],
                    unemployment_insurance=d["unemployment_insurance"])  # fmt: skip
            except (PolicyError, PermissionDenied) as exc:
                put_back(form, exc, current_lang())
            else:
                messages.success(request, _("已登记临时救助求助，主动发现任务办结"))
                return redirect("case", case.pk)
        return render(request, "discovery/temporary.html", {"task": task, "form": form}, status=422)
    return render(request, "discovery/temporary.html", {"task": task, "form": form})


# ---- figures -----------------------------------------------------------------------------------


def _figures(request):
    now = selectors.now()
    f, rows = filtered(TaskFilter, request, selectors.tasks_for(request.user))
    sources, total = selectors.by_source(rows, now)
    return f, rows, sources, total, now


@login_required
def figures(request):
    """Tasks by source and outcome: open, overdue, closed within the limit; by month (chart)."""
    f, rows, sources, total, now = _figures(request)
    months = selectors.by_month(rows)
    labels = sorted({f"{timezone.localtime(r['m']):%Y-%m}" if r["m"] else "" for r in months})
    series = {s.value: [0] * len(labels) for s in Source}
    for r in months:
        series[r["source"]][labels.index(f"{timezone.localtime(r['m']):%Y-%m}" if r["m"] else "")] += r["n"]
    chart = {"months": labels, "series": [{"name": str(Source(k).label), "data": v} for k, v in series.items()]}
    return render(request, "discovery/figures.html", {
        "filter": f, "sources": sources, "total": total, "outcomes": Outcome.choices, "chart": json.dumps(chart),
        "by_township": selectors.by_township(request.user, rows, now), "export_url": reverse("discovery-figures-xlsx"),
    })  # fmt: skip


@login_required
def figures_xlsx(request):
    _f, _rows, sources, total, _now = _figures(request)
    headers = ("线索来源", "合计", "待办", "超期未走访", "时限内处置办结", "超时办结",
               *(str(label) for _c, label in Outcome.choices))  # fmt: skip
    out = [[r.label, r.total, r.open, r.overdue, r.closed_in_time, r.closed_late, *r.outcome_cells]
           for r in [*sources, total]]
    response = HttpResponse(sheet("主动发现统计", headers, out, (16,) + (12,) * 9), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="discovery-figures-{clock.today():%Y-%m-%d}.xlsx"'
    return response


