"""The referral pages: the window refers a household's need from the household page; the list
(filters, pages, Excel) shows each user the referrals of their area (a department's liaison, its
own department's); the referral page shows the need, the facts sent, the timeline and the steps
the user may take. Reads through ``selectors``, writes through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from safetynet.policy.errors import InputError, PolicyError
from safetynet.policy.money import fmt
from safetynet.referrals import departments, forms, selectors, services
from safetynet.referrals.filters import ReferralFilter
from safetynet.referrals.models import OPEN_STATES, Referral, State
from safetynet.registry.models import DEPARTMENTS
from safetynet.registry.selectors import household_for, staff_of
from safetynet.supervision.services import record_access
from safetynet.verification.exports import sheet
from safetynet.web import clock
from safetynet.web.lang import current_lang
from safetynet.web.lists import filtered, paginate
from safetynet.web.personal import mask_id, sees_full_id

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUPERVISORS = ("county", "city", "auditor")


def _role(user) -> str | None:
    staff = staff_of(user)
    return staff.role if staff else None


@login_required
def referral_list(request):
    """The referrals of the user's area, filtered (township, village, department, state, overdue,
    month, search), 25 a page; for the county, the city and the auditor with the counts by
    department and state and the open and overdue ones per township, under the same filters."""
    today = clock.today()
    f, rows = filtered(ReferralFilter, request, selectors.referrals_for(request.user))
    page = paginate(request, rows.order_by("due_on", "id") if request.GET.get("state") in OPEN_STATES
                    else rows.order_by("-sent_on", "-id"))  # fmt: skip
    for r in page.object_list:
        r.overdue = r.overdue_on(today)
        r.category_label = departments.category_label(r.department, r.category)
        r.contact = (r.facts.get("household") or {}).get("contact", "")
    role = _role(request.user)
    return render(request, "referrals/list.html", {
        "page": page, "filter": f, "today": today, "role": role,
        "by_department": selectors.by_department(rows, today),
        "by_township": selectors.by_township(request.user, rows, today) if role in SUPERVISORS else None,
        "states": State.choices, "export_url": reverse("referral-xlsx"),
    })  # fmt: skip


HEADERS = ("编号", "乡镇（街道）", "村居", "联系人", "协办部门", "需求类别", "需求情况", "涉及金额（元）",
           "转介日期", "答复期限", "状态", "是否超期", "答复日期", "办理结果", "救助金额（元）", "答复内容",
           "答复方式")  # fmt: skip
WIDTHS = (8, 16, 14, 22, 24, 22, 60, 12, 12, 12, 10, 8, 12, 20, 12, 60, 20)


@login_required
def referral_xlsx(request):
    """The list as the county files it: the same filters, every row, no ID numbers."""
    today = clock.today()
    _f, rows = filtered(ReferralFilter, request, selectors.referrals_for(request.user))
    out, people = [], set()
    for r in rows.order_by("area_code", "sent_on", "id").iterator(chunk_size=2000):
        people.update(r.person_ids)
        village = r.household.village
        out.append([
            r.pk, village.parent.name if village.parent_id else "", village.name,
            (r.facts.get("household") or {}).get("contact", ""), r.get_department_display(),
            departments.category_label(r.department, r.category), r.need,
            fmt(r.need_amount_fen) if r.need_amount_fen is not None else "", f"{r.sent_on:%Y-%m-%d}",
            f"{r.due_on:%Y-%m-%d}", r.get_state_display(), "是" if r.overdue_on(today) else "",
            f"{r.answered_on:%Y-%m-%d}" if r.answered_on else "", r.get_outcome_display() if r.outcome else "",
            fmt(r.granted_fen) if r.granted_fen is not None else "", r.answer,
            r.get_answer_source_display() if r.answer_source else "",
        ])  # fmt: skip
    staff = staff_of(request.user)
    if staff is not None:  # personal data leaving in a file: who took what (PIPL)
        record_access(request.user, purpose="export", person_ids=people, object_type="referral", object_id="list",
                      area_code=staff.area_id, full_id=False, count=len(out))  # fmt: skip
    response = HttpResponse(sheet("转介", HEADERS, out, WIDTHS), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="referrals-{today:%Y-%m-%d}.xlsx"'
    return response


def _can(user, referral: Referral) -> dict[str, bool]:
    """The steps this user may take on this referral (the forms the page shows)."""
    staff = staff_of(user)
    role = staff.role if staff else None
    own = role == "department" and staff.department == referral.department
    return {
        "receive": own and referral.state == State.SENT,
        "answer": (own or role == "clerk") and referral.state in OPEN_STATES,
        "withdraw": role == "clerk" and referral.state in OPEN_STATES,
    }


def _shown_facts(user, referral: Referral) -> tuple[dict, bool]:
    """The facts sent, as this user may see them: whole ID numbers for the township's window and
    approver (site.personal) and the receiving department (its duty registers the person), masked
    for everyone else."""
    staff = staff_of(user)
    full = sees_full_id(user, referral.area_code) or bool(staff and staff.role == "department")
    facts = referral.facts
    if not full and facts.get("members"):
        facts = {**facts, "members": [{**m, **({"id_number": mask_id(m["id_number"])} if "id_number" in m else {})}
                                      for m in facts["members"]]}  # fmt: skip
    return departments.labelled(facts), full and any("id_number" in m for m in referral.facts.get("members") or [])


def _page(request, referral: Referral, bound: dict | None = None, status: int = 200):
    today = clock.today()
    facts, full = _shown_facts(request.user, referral)
    record_access(request.user, purpose="view", person_ids=referral.person_ids, object_type="referral",
                  object_id=referral.pk, area_code=referral.area_code, full_id=full)  # fmt: skip
    can = _can(request.user, referral)
    bound = bound or {}
    initial = {"on": today}
    return render(request, "referrals/referral.html", {
        "referral": referral, "facts": facts, "events": referral.events.all(), "today": today,
        "overdue": referral.overdue_on(today), "role": _role(request.user), "can": can,
        "category": departments.category_label(referral.department, referral.category),
        "basis": departments.DEPARTMENTS[referral.department].basis,
        "receive_form": bound.get("receive") or forms.ReceiveForm(initial=initial),
        "answer_form": bound.get("answer") or forms.AnswerForm(initial=initial),
        "withdraw_form": bound.get("withdraw") or forms.WithdrawForm(initial=initial),
        "actions": services.ACTION_NAMES, "states": dict(State.choices),
    }, status=status)  # fmt: skip


@login_required
def referral_page(request, referral_id: int):
    return _page(request, selectors.referral_for(request.user, referral_id))


STEP_FORMS = {"receive": forms.ReceiveForm, "answer": forms.AnswerForm, "withdraw": forms.WithdrawForm}
DONE = {"receive": _("已接收转介"), "answer": _("已登记答复，转介办结"), "withdraw": _("已撤回转介")}


@login_required
def referral_step(request, referral_id: int, name: str):
    """A step from the referral page: its form, then the service; a refusal comes back beside
    its field (422), with everything typed kept."""
    if request.method != "POST" or name not in STEP_FORMS:
        raise Http404
    referral = selectors.referral_for(request.user, referral_id)
    form = STEP_FORMS[name](request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if name == "receive":
                services.receive(request.user, referral, on=d["on"])
            elif name == "answer":
                services.answer(request.user, referral, outcome=d["outcome"], text=d["answer"], on=d["on"],
                                amount=d["amount"])  # fmt: skip
            else:
                services.withdraw(request.user, referral, on=d["on"], reason=d["reason"])
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except InputError as exc:
            forms.put_errors(form, exc.errors, current_lang())
        except PolicyError as exc:  # the state moved meanwhile
            form.add_error(None, exc.message(current_lang()))
        else:
            messages.success(request, DONE[name])
            return redirect("referral", referral.pk)
    return _page(request, selectors.referral_for(request.user, referral_id), bound={name: form}, status=422)


@login_required
def new_referral(request, household_id: int):
    """转介 from the household page: the department, the need and its category; the page says
    what each department will be sent (the declaration), and nothing typed is lost on an error."""
    household = household_for(request.user, household_id)
    if _role(request.user) != "clerk":
        raise PermissionDenied(_("只有窗口经办人员可以转介"))
    cases = list(household.cases.order_by("-id"))
    if request.method == "POST":
        form = forms.ReferralForm(request.POST, cases=cases)
        if form.is_valid():
            d = form.cleaned_data
            case = next((c for c in cases if str(c.pk) == d["case"]), None)
            try:
                referral = services.refer(request.user, household=household, department=d["department"],
                                          need=d["need"], on=d["on"], case=case, category=d["category"],
                                          amount=d["amount"])  # fmt: skip
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            except InputError as exc:
                forms.put_errors(form, exc.errors, current_lang())
            else:
                messages.success(request, _("已转介%(department)s，答复期限 %(due)s") % {
                    "department": referral.get_department_display(), "due": f"{referral.due_on:%Y-%m-%d}"})  # fmt: skip
                return redirect("referral", referral.pk)
    else:
        initial = {"on": clock.today(), "department": request.GET.get("department", ""),
                   "case": request.GET.get("case", "")}  # fmt: skip
        form = forms.ReferralForm(initial=initial, cases=cases)
    labels = dict(DEPARTMENTS)
    disclosures = [
        {"code": code, "label": labels[code], "basis": d.basis,
         "household": [departments.HOUSEHOLD_FIELDS[f] for f in d.household],
         "members": [departments.MEMBER_FIELDS[f] for f in d.members], "who": departments.WHO_LABELS[d.who]}
        for code, d in departments.DEPARTMENTS.items()
    ]  # fmt: skip
    return render(request, "referrals/new.html", {"household": household, "form": form, "disclosures": disclosures},
                  status=422 if request.method == "POST" else 200)
