"""The care pages under /care/: the township's and county's lists (mode not recorded, care at
home needing attention, reassessments due, single-person dibao households meeting tekun) and their
Excel; the register of institutions; a tekun case's care page (placement, caregiver, agreement,
visits, assessments); a single-person household's page (move to tekun or signed choice). Reads
through ``selectors`` (scoped to the user's area), writes through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safetynet.care import forms, selectors, services
from safetynet.care.models import ACTIVITIES, Agreement, Assessment, Caregiver, Move, Visit
from safetynet.cases.models import Case
from safetynet.cases.selectors import allowed_transitions, case_for
from safetynet.payments.models import Entitlement
from safetynet.policy.errors import InputError, PolicyError
from safetynet.registry.models import Area
from safetynet.registry.selectors import areas_for, scope_prefix, staff_of
from safetynet.supervision.services import record_access
from safetynet.verification.exports import sheet
from safetynet.web import clock
from safetynet.web.lang import current_lang
from safetynet.web.personal import mask_id

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
READERS = ("clerk", "approver", "county", "city", "auditor")
WRITERS = ("clerk", "approver", "county")


def _role(user) -> str | None:
    staff = staff_of(user)
    return staff.role if staff else None


def _reader(request) -> str:
    if _role(request.user) not in READERS:
        raise PermissionDenied(_("您的角色不能查看特困人员供养服务"))
    return scope_prefix(request.user)


def _put_back(form, exc: Exception) -> None:
    lang = current_lang()
    if not isinstance(exc, InputError):
        form.add_error(None, exc.message(lang) if isinstance(exc, PolicyError) else str(exc))
        return
    for e in exc.errors:
        name = {"achieved": None, "case": None, "move": None}.get(e.path, e.path)
        form.add_error(name if name in form.fields else None, e.message(lang))


def _days(request) -> int:
    try:
        return max(1, min(366, int(request.GET.get("days", 30))))
    except ValueError:
        return 30


def _lists(request) -> dict:
    prefix = _reader(request)
    days = _days(request)
    rows = [r for r in selectors.home_care(prefix, expiring_days=days) if r["attention"]]
    return {
        "prefix": prefix, "days": days, "home_care": rows, "not_recorded": selectors.not_recorded(prefix),
        "due": list(selectors.reassessments_due(prefix)), "singles": selectors.singles(prefix),
        "moves": list(selectors.moves(prefix).filter(completed_on__isnull=True)),
        "figures": selectors.support_modes(prefix),
    }  # fmt: skip


@login_required
def index(request):
    context = _lists(request)
    return render(request, "care/index.html", context | {"role": _role(request.user)})


HEADERS = ("清单", "案件", "县（市、区）", "乡镇（街道）", "村（居）", "姓名", "公民身份号码", "情况")


@login_required
def lists_xlsx(request):
    ctx = _lists(request)
    out = []

    def row(kind, case, what):
        village = case.household.village
        township = village.parent
        county = township.parent if township else None
        out.append([kind, case.pk, county.name if county else "", township.name if township else "", village.name,
                    case.applicant.name, mask_id(case.applicant.id_number), what])  # fmt: skip

    for c in ctx["not_recorded"]:
        row("供养方式未登记", c, "")
    for r in ctx["home_care"]:
        found = (("无照料护理人", r["no_caregiver"]), ("无有效委托照料协议", r["no_agreement"]),
                 (f"协议{ctx['days']}天内到期", r["expiring"]),
                 (f"探访逾期（应于{r['visit_due']:%Y-%m-%d}前）", r["visit_overdue"]))  # fmt: skip
        what = "、".join(w for w, on in found if on)
        row("分散供养照料", r["case"], what)
    for d in ctx["due"]:
        row("待重新评估", d.case, f"{d.get_reason_display()}，期限 {d.due_on:%Y-%m-%d}")
    for c in ctx["singles"]:
        row("低保单人户符合特困条件", c, "")
    record_access(request.user, purpose="export", object_type="case", object_id="care-lists",
                  area_code=ctx["prefix"], full_id=False, count=len(out))  # fmt: skip
    book = sheet("特困供养服务", HEADERS, out, (18, 8, 12, 16, 14, 10, 20, 50))
    response = HttpResponse(book, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="care-{clock.today():%Y-%m-%d}.xlsx"'
    return response


@login_required
def institutions(request):
    prefix = _reader(request)
    homes = list(selectors.institutions_for(prefix))
    counts = selectors.residents_by_institution(homes)
    for h in homes:
        h.residents = counts.get(h.pk, 0)
    may_register = _role(request.user) in services.BUREAU
    counties = areas_for(request.user, Area.Level.COUNTY) if may_register else []
    townships = areas_for(request.user, Area.Level.TOWNSHIP) if may_register else []
    form = forms.InstitutionForm(request.POST or None, counties=counties, townships=townships)
    if request.method == "POST":
        if not may_register:
            raise PermissionDenied(_("只有县级、市级民政部门可以登记供养服务机构"))
        if form.is_valid():
            d = form.cleaned_data
            try:
                home = services.register_institution(request.user, name=d["name"], county=d["county"],
                                                     township=d["township"], capacity=d["capacity"])  # fmt: skip
            except (InputError, PolicyError) as exc:
                _put_back(form, exc)
            else:
                messages.success(request, _("已登记 %(name)s") % {"name": home.name})
                return redirect("care-institutions")
    return render(request, "care/institutions.html", {"homes": homes, "form": form, "may_register": may_register})


def _tekun_case(request, case_id) -> Case:
    _reader(request)
    case = case_for(request.user, case_id)
    if case.programme != "tekun":
        raise Http404("not a tekun case")
    return case


CASE_FORMS = {
    "caregiver": forms.CaregiverForm,
    "agreement": forms.AgreementForm, "visit": forms.VisitForm, "report": forms.ReportForm,
    "assess": forms.AssessmentForm,
}  # fmt: skip


def _case_forms(case, data=None, kind=None) -> dict:
    carers = Caregiver.objects.filter(case=case, until__isnull=True)
    extra = {"agreement": {"caregivers": carers}}
    today = {"on": clock.today(), "since": clock.today(), "visited_on": clock.today(), "reported_on": clock.today(),
             "assessed_on": clock.today(), "starts_on": clock.today()}  # fmt: skip
    return {name: cls(data if name == kind else None, prefix=name, initial=today, **extra.get(name, {}))
            for name, cls in CASE_FORMS.items()}  # fmt: skip


def _save(request, case, kind, form):
    d, user = form.cleaned_data, request.user
    if kind == "caregiver":
        return services.add_caregiver(user, case, name=d["name"], id_number=d["id_number"], relation=d["relation"],
                                      phone=d["phone"], since=d["since"])  # fmt: skip
    if kind == "agreement":
        carer = Caregiver.objects.filter(case=case, pk=d["caregiver"]).first()
        return services.record_agreement(user, case, caregiver=carer, number=d["number"], parties=d["parties"],
                                         starts_on=d["starts_on"], ends_on=d["ends_on"], duties=d["duties"],
                                         allowance_to=d["allowance_to"])  # fmt: skip
    if kind == "visit":
        return services.record_visit(user, case, visited_on=d["visited_on"], visitor=d["visitor"],
                                     findings=d["findings"])  # fmt: skip
    if kind == "report":
        return services.report_change(user, case, reason=d["reason"], reported_on=d["reported_on"], note=d["note"])
    return services.record_assessment(user, case, achieved=form.achieved(), assessor_kind=d["assessor_kind"],
                                      assessor=d["assessor"], assessed_on=d["assessed_on"])  # fmt: skip


@login_required
def case_page(request, case_id: int):
    case = _tekun_case(request, case_id)
    kind = request.POST.get("kind") if request.method == "POST" else None
    if kind is not None and kind not in CASE_FORMS:
        kind = None
    all_forms = _case_forms(case, request.POST, kind)
    if kind:
        if _role(request.user) not in WRITERS:
            raise PermissionDenied(_("您的角色不能登记"))
        form = all_forms[kind]
        if form.is_valid():
            try:
                _save(request, case, kind, form)
            except (InputError, PolicyError) as exc:
                _put_back(form, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect("care-case", case.pk)
    return render(request, "care/case.html", {
        "case": case, "forms": all_forms, "kind": kind, "may_write": _role(request.user) in WRITERS,
        # each set going by a decision (the approval, a change of support mode): the mode is the decision's
        "placements": case.placements.select_related("institution", "decision__actor").order_by("-started_on", "-id"),
        "may_change": "change_support" in allowed_transitions(request.user, case),
        "caregivers": Caregiver.objects.filter(case=case).order_by("-since", "-id"),
        "agreements": Agreement.objects.filter(case=case).select_related("caregiver").order_by("-starts_on"),
        "visits": Visit.objects.filter(case=case).order_by("-visited_on", "-id"),
        "assessments": Assessment.objects.filter(case=case).order_by("-assessed_on", "-id"),
        "activities": ACTIVITIES,
        # what the payroll pays from which month (a changed level: the new amount from the next month)
        "entitlements": Entitlement.objects.filter(case=case).order_by("starts"),
    })  # fmt: skip


@login_required
def single_page(request, case_id: int):
    _reader(request)
    case = case_for(request.user, case_id)
    if case.programme != "dibao":
        raise Http404("not a dibao case")
    tekun_cases = Case.objects.filter(programme="tekun", applicant=case.applicant, state="investigated")
    kind = request.POST.get("kind") if request.method == "POST" else None
    move_form = forms.MoveForm(request.POST if kind == "move" else None, prefix="move", tekun_cases=tekun_cases,
                               initial={"on": clock.today()}, case=case)  # fmt: skip
    choice_form = forms.ChoiceForm(request.POST if kind == "choice" else None, prefix="choice",
                                   initial={"signed_on": clock.today()})  # fmt: skip
    if kind in ("move", "choice"):
        form = move_form if kind == "move" else choice_form
        if form.is_valid():
            d = form.cleaned_data
            try:
                if kind == "move":
                    services.move_to_tekun(request.user, case, tekun=tekun_cases.get(pk=d["tekun"]), on=d["on"],
                                           support_mode=d["support_mode"], institution=d["institution"])
                else:
                    services.record_dibao_choice(request.user, case, signed_on=d["signed_on"], document=d["document"])
            except (InputError, PolicyError, PermissionDenied) as exc:
                if isinstance(exc, PermissionDenied):
                    raise
                _put_back(form, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect("care-index")
    return render(request, "care/single.html", {
        "case": case, "move_form": move_form, "choice_form": choice_form, "meets": selectors.meets_tekun(case),
        "move": Move.objects.filter(dibao=case).first(), "choice": case.dibao_choices.first(),
    })  # fmt: skip


@login_required
def complete_move(request, move_id: int):
    prefix = _reader(request)
    move = selectors.moves(prefix).filter(pk=move_id).first()
    if move is None:
        raise Http404("move")
    form = forms.CompleteMoveForm(request.POST or None, initial={"on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_move(request.user, move, on=form.cleaned_data["on"])
        except (InputError, PolicyError) as exc:
            _put_back(form, exc)
        else:
            messages.success(request, _("已完成转移：低保终止，特困供养自下月起"))
            return redirect("care-index")
    return render(request, "care/complete.html", {"move": move, "form": form})
