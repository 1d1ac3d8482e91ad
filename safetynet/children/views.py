"""The pages of children's allowances and education aid, under /children/: the window's
applications (a child's, a student's) opened from the household page, the list of children's and
students' cases with its Excel, and the figures with theirs. Reads through ``selectors`` (scoped
to the user's area), writes through ``services``; the case itself is the frame's case page."""

from __future__ import annotations

import json

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from safetynet.cases import programmes
from safetynet.cases.models import Case
from safetynet.children import forms, selectors, services
from safetynet.children.filters import ChildrenFilter
from safetynet.children.models import Family
from safetynet.policy.education_aid import KIND_ZH, school_year_label
from safetynet.policy.errors import InputError, PolicyError
from safetynet.policy.money import fmt
from safetynet.registry.selectors import household_for, staff_of
from safetynet.site.sheets import save, write_sheet
from safetynet.supervision.services import record_access
from safetynet.web import clock
from safetynet.web.inputs import put_back
from safetynet.web.lang import current_lang
from safetynet.web.lists import filtered, paginate
from safetynet.web.personal import mask_id, sees_full_id

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FAMILY_CASES = ("approved", "review", "suspended", "ending", "graduated_exit")


def _clerk(user) -> None:
    staff = staff_of(user)
    if staff is None or staff.role != "clerk":
        raise PermissionDenied(_("只有乡镇（街道）窗口经办人可以受理申请"))


def _reader(user) -> None:
    if not selectors.reader(user):
        raise PermissionDenied(_("您的角色不能查看儿童保障与助学"))


def _labels(form) -> dict[str, tuple[str, str]]:
    return {name: (str(field.label),) * 2 for name, field in form.fields.items()}


def _seen(request, household) -> None:
    record_access(request.user, purpose="view", person_ids=[p.pk for p in household.members.all()],
                  object_type="household", object_id=household.pk, area_code=household.village_id,
                  full_id=sees_full_id(request.user, household.village_id))  # fmt: skip


@login_required
def apply_child(request, household_id: int):
    """孤儿、事实无人抚养儿童申请 at the township window: on success the case's page."""
    _clerk(request.user)
    household = household_for(request.user, household_id)
    form = forms.ChildApplicationForm(request.POST or None, household=household, today=clock.today(),
                                     initial={"on": clock.today()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            child = household.members.filter(pk=d["applicant"]).first()
            try:
                case = services.apply_child(
                    request.user, household=household, applicant=child, father=d["father"], mother=d["mother"],
                    placement=d["placement"], full_time_study=d["full_time_study"], documents=d["documents"],
                    guardian_name=d["guardian_name"], on=d["on"],
                )  # fmt: skip
            except (InputError, PolicyError, PermissionDenied) as exc:
                put_back(form, exc, current_lang(), _labels(form))
            else:
                messages.success(request, _("已受理%(programme)s申请（案件 #%(n)s），请入户调查后报县级审批")
                                 % {"programme": programmes.label(case.programme), "n": case.pk})  # fmt: skip
                return redirect("case", case.pk)
        status = 422
    _seen(request, household)
    return render(request, "children/apply_child.html", {"household": household, "form": form}, status=status)


def _family_cases(household) -> list[Case]:
    return list(Case.objects.filter(household=household, programme__in=("dibao", "tekun"), state__in=FAMILY_CASES)
                .select_related("applicant").order_by("programme", "pk"))  # fmt: skip


@login_required
def apply_aid(request, household_id: int):
    """助学申请 at the township window, with the admission notice or the proof of enrolment."""
    _clerk(request.user)
    household = household_for(request.user, household_id)
    family_cases = _family_cases(household)
    family = next((c.programme for c in family_cases), Family.NONE)
    form = forms.AidApplicationForm(request.POST or None, household=household,
                                    initial={"on": clock.today(), "family": family, "enrolled": True})  # fmt: skip
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            student = household.members.filter(pk=d["student"]).first()
            try:
                case = services.apply_aid(
                    request.user, student=student, level=d["level"], admission_year=d["admission_year"],
                    family=d["family"], orphan=d["orphan"], enrolled=d["enrolled"], school=d["school"],
                    proof=d["proof"], school_year=d["school_year"], on=d["on"],
                )  # fmt: skip
            except (InputError, PolicyError, PermissionDenied) as exc:
                put_back(form, exc, current_lang(), _labels(form))
            else:
                messages.success(request, _("已受理助学申请（案件 #%(n)s，%(year)s 学年，%(amount)s 元）")
                                 % {"n": case.pk, "year": case.assessment["school_year_label"],
                                    "amount": case.assessment["amount"]})  # fmt: skip
                return redirect("case", case.pk)
        status = 422
    _seen(request, household)
    return render(request, "children/apply_aid.html", {"household": household, "form": form,
                                                       "family_cases": family_cases}, status=status)  # fmt: skip


# ---- the list ----------------------------------------------------------------------------------


def _rows(request):
    rows = selectors.cases_for(request.user).order_by("-opened_on", "-pk")
    return filtered(ChildrenFilter, request, rows)


def _detail(case: Case) -> str:
    """What the list says of a case beyond its category: the placement, or the school year and aid."""
    if case.programme == "education_aid":
        aid = getattr(case, "aid", None)
        if aid is None:
            return ""
        kind = KIND_ZH.get(aid.kind, "") if aid.kind else ""
        return f"{school_year_label(aid.school_year)} 学年 {aid.get_level_display()} {kind}".strip()
    child = getattr(case, "child", None)
    return child.get_placement_display() if child else ""


@login_required
def index(request):
    """孤儿、事实无人抚养儿童与助学: the cases of the user's area, newest first, 25 a page."""
    _reader(request.user)
    f, rows = _rows(request)
    page = paginate(request, rows)
    for case in page.object_list:
        case.masked, case.detail = mask_id(case.applicant.id_number), _detail(case)
        case.label = programmes.label(case.programme)
    staff = staff_of(request.user)
    return render(request, "children/index.html", {
        "filter": f, "page": page, "export_url": reverse("children-xlsx"), "is_clerk": staff.role == "clerk",
    })  # fmt: skip


LIST_HEADERS = ("案件编号", "类别", "姓名", "公民身份号码", "乡镇（街道）", "村居", "养育方式或学年、助学种类", "状态",
                "受理日期", "金额（元）")  # fmt: skip


@login_required
def cases_xlsx(request):
    _reader(request.user)
    _f, rows = _rows(request)
    out = []
    for c in rows[:20_000]:
        amount = ""
        if c.monthly_amount_fen:  # a child's allowance is monthly, a student's aid for the school year
            amount = fmt(c.monthly_amount_fen) + ("" if c.programme == "education_aid" else "/月")
        village = c.household.village
        out.append([c.pk, programmes.label(c.programme), c.applicant.name, mask_id(c.applicant.id_number),
                    village.parent.name if village.parent else "", village.name, _detail(c), c.get_state_display(),
                    f"{c.opened_on:%Y-%m-%d}", amount])  # fmt: skip
    record_access(request.user, purpose="export", object_type="case", object_id="children-list",
                  area_code=staff_of(request.user).area_id, full_id=False, count=len(out))  # fmt: skip
    book = _book([("儿童保障与助学", LIST_HEADERS, out, (10, 22, 10, 20, 14, 14, 30, 10, 12, 12))])
    return _download(book, f"children-{clock.today():%Y-%m-%d}.xlsx")


# ---- the figures -------------------------------------------------------------------------------


class YearForm(django_forms.Form):
    year = django_forms.IntegerField(
        label=gettext_lazy("年度"), required=False, min_value=2000, max_value=2100,
        error_messages={"invalid": gettext_lazy("请填写四位数年份，如 2024"),
                        "min_value": gettext_lazy("年份应在 2000 至 2100 之间"),
                        "max_value": gettext_lazy("年份应在 2000 至 2100 之间")},
    )  # fmt: skip


def _year(request) -> tuple[YearForm, int]:
    form = YearForm(request.GET or None, initial={"year": clock.today().year})
    year = form.cleaned_data.get("year") if form.is_valid() else None
    return form, year or clock.today().year


def _figures(request) -> tuple[YearForm, dict]:
    _reader(request.user)
    form, year = _year(request)
    data = selectors.figures(request.user, year)
    if data is None:
        raise PermissionDenied(_("您的角色不能查看儿童保障与助学"))
    for row in data["children"]:
        row["label"] = programmes.label(row["programme"])
    for row in data["aid"]:
        row["label"] = KIND_ZH[row["kind"]]
    children, aid = data["children"], data["aid"]
    data["total"] = {
        "supported": sum(r["supported"] for r in children), "paid_fen": sum(r["paid_fen"] for r in children),
        "price_subsidy_fen": sum(r["price_subsidy_fen"] for r in children),
        "granted_students": sum(r["granted_students"] for r in aid),
        "paid_students": sum(r["paid_students"] for r in aid), "aid_paid_fen": sum(r["paid_fen"] for r in aid),
    }  # fmt: skip
    return form, data


@login_required
def figures(request):
    """儿童保障与助学统计: children by category and placement with the allowance the payrolls paid;
    students and the aid paid by kind; by township; charts, tables and Excel."""
    form, data = _figures(request)
    children, aid = data["children"], data["aid"]
    chart = {
        "categories": [programmes.get(r["programme"]).short for r in children],  # the axis fits short names
        "dispersed": [r["dispersed"] for r in children], "concentrated": [r["concentrated"] for r in children],
        "paid": [r["paid_fen"] / 100 for r in children],
        "kinds": [r["label"] for r in aid], "aid_paid": [r["paid_fen"] / 100 for r in aid],
        "aid_students": [r["paid_students"] for r in aid],
    }  # fmt: skip
    query = f"?year={data['year']}"
    return render(request, "children/figures.html", {
        "form": form, "data": data, "chart": json.dumps(chart, ensure_ascii=False),
        "export_url": reverse("children-figures-xlsx") + query,
    })  # fmt: skip


@login_required
def figures_xlsx(request):
    _form, data = _figures(request)
    year = data["year"]
    children = [[r["label"], r["supported"], r["dispersed"], r["concentrated"], r["paid_persons"],
                 fmt(r["dispersed_paid_fen"]), fmt(r["concentrated_paid_fen"]), fmt(r["paid_fen"]),
                 fmt(r["price_subsidy_fen"])] for r in data["children"]]  # fmt: skip
    t = data["total"]
    children.append(["合计", t["supported"], "", "", "", "", "", fmt(t["paid_fen"]), fmt(t["price_subsidy_fen"])])
    aid = [[r["label"], r["granted_students"], r["paid_students"], fmt(r["paid_fen"])] for r in data["aid"]]
    aid.append(["合计", t["granted_students"], t["paid_students"], fmt(t["aid_paid_fen"])])
    towns = [[r["name"], r["children"], fmt(r["children_paid_fen"]), r["students"], fmt(r["aid_paid_fen"])]
             for r in data["townships"]]  # fmt: skip
    book = _book([
        (f"儿童保障{year}", ("类别", "在保人数", "社会散居", "机构集中养育", f"{year}年发放人数", "社会散居发放（元）",
                            "机构集中养育发放（元）", "基本生活费发放合计（元）", "价格临时补贴（元）"), children,
         (20, 10, 10, 12, 14, 18, 20, 22, 18)),
        (f"助学{year}", ("助学种类", "批准人数", f"{year}年发放人数", "发放金额（元）"), aid, (26, 10, 14, 16)),
        ("按乡镇", ("乡镇（街道）", "在保儿童", "儿童基本生活费发放（元）", "助学学生", "助学发放（元）"), towns,
         (20, 10, 22, 10, 16)),
    ])  # fmt: skip
    return _download(book, f"children-figures-{year}.xlsx")


def _book(sheets) -> bytes:
    """A workbook of several sheets (``site.sheets.write_sheet``: bold headers, rows where no text
    becomes a formula, widths), written as it goes."""
    wb = Workbook(write_only=True)
    for title, headers, rows, widths in sheets:
        write_sheet(wb, title, headers, rows, widths)
    return save(wb)


def _download(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
