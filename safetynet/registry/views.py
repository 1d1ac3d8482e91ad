"""The registry pages: household search, intake with a live assessment preview, the household."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from safetynet.cases import services as case_services
from safetynet.policy.assessment import assess
from safetynet.policy.errors import InputError, PolicyError
from safetynet.registry import forms, services
from safetynet.registry.filters import HouseholdFilter
from safetynet.registry.models import TRACKED_FIELDS, Area, Person
from safetynet.registry.selectors import areas_for, household_for, households_for, staff_of
from safetynet.site.lists import filtered, paginate
from safetynet.site.personal import sees_full_id
from safetynet.supervision.services import record_access


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def log_households_seen(user, households, *, purpose: str = "list") -> None:
    """A list showing whole ID numbers logs whose (PIPL); each household carries ``full_ids``."""
    seen = [p.pk for h in households if h.full_ids for p in h.members.all()]
    if seen:
        staff = staff_of(user)
        record_access(user, purpose=purpose, person_ids=seen, object_type="household", object_id="list",
                      area_code=staff.area_id if staff else "")  # fmt: skip


@login_required
def search(request):
    # The households of the user's area, filtered (township, village) and searched (registry.search).
    f, results = filtered(HouseholdFilter, request, households_for(request.user).order_by("id"))
    page = paginate(request, results.prefetch_related("members"))
    for h in page.object_list:
        h.full_ids = sees_full_id(request.user, h.village_id)
    log_households_seen(request.user, page.object_list, purpose="search" if request.GET.get("q") else "list")
    return render(request, "registry/search.html", {"filter": f, "page": page})


def _villages(user):
    return areas_for(user, Area.Level.VILLAGE).select_related("parent")


def _month(request) -> date:
    try:
        return date.fromisoformat(request.POST.get("month", "") + "-01")
    except ValueError:
        return timezone.localdate().replace(day=1)


@login_required
def preview(request):
    """htmx: the policy floor's answer for the form as it stands, or what is wrong with it."""
    village = _villages(request.user).filter(code=request.POST.get("village")).first()
    context = {"errors": {}, "result": None}
    if village is None:
        context["errors"] = {"village": [_("请选择村居")]}
    else:
        payload = forms.policy_input(request.POST, _month(request), village.code[:6])
        filled = [i for i, _row in forms.member_rows(request.POST)]
        try:
            context["result"] = assess(payload, lang=_lang())
        except InputError as exc:
            context["errors"] = forms.remap_rows(forms.field_errors(exc.errors, _lang()), filled)
    return render(request, "registry/_preview.html", context)


@login_required
def new_household(request):
    staff = staff_of(request.user)
    if staff is None or staff.role != "clerk":
        raise PermissionDenied(_("只有窗口经办人员可以受理登记"))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        village = _villages(request.user).filter(code=request.POST.get("village")).first()
        rows = forms.member_rows(request.POST)
        filled = [i for i, _row in rows]
        members = [{"name": r["name"], "id_number": r["id_number"], "relation": r["relation"] or "other",
                    "disability_grade": int(r["disability_grade"]) if r["disability_grade"].isdigit() else None,
                    "disability_kind": r["disability_kind"] if r["disability_grade"] else "",
                    "serious_illness": r["serious_illness"] == "on", "able_obligor": r["no_able_obligor"] != "on",
                    "staff_relative": r["staff_relative"] == "on", "phone": "", "bank_card": ""}
                   for _row_no, r in rows]
        if village is None:
            errors["village"] = [_("请选择村居")]
        if not request.POST.get("address", "").strip():
            errors["address"] = [_("必填")]
        if not errors:
            try:
                # The form is checked by the policy floor first, so income and money errors are
                # the same as at the API; then the household is written in one transaction.
                assess(forms.policy_input(request.POST, _month(request), village.code[:6]), lang=_lang())
                with transaction.atomic():
                    household = services.create_household(
                        request.user, village=village, hukou=request.POST.get("hukou", ""),
                        address=request.POST["address"].strip(), members=members,
                        registered_poor=request.POST.get("registered_poor") == "on",
                        household_no=request.POST.get("household_no", ""),
                    )
                    people = list(household.members.order_by("id"))
                    for person, (_row_no, row) in zip(people, rows, strict=True):
                        if row["income"]:
                            services.add_income(request.user, person, kind=row["income_kind"] or "wage",
                                                monthly_fen=forms.money_fen(row["income"]), since=_month(request),
                                                source="申请人申报")
                        if row["deposit"]:
                            services.add_asset(request.user, person, kind="deposit",
                                               value_fen=forms.money_fen(row["deposit"]), since=_month(request),
                                               source="申请人申报")
                messages.success(request, _("家庭已登记。请录入授权核对书后发起核对。"))
                return redirect("household", household.pk)
            except InputError as exc:
                errors = forms.remap_rows(forms.field_errors(exc.errors, _lang()), filled)
    member_errors: dict[int, list[str]] = {}
    for name, msgs in errors.items():
        if name[:1] == "m" and "_" in name and name[1:name.index("_")].isdigit():
            member_errors.setdefault(int(name[1:name.index("_")]), []).extend(msgs)
    return render(request, "registry/new.html", {
        "villages": _villages(request.user), "errors": errors, "member_errors": member_errors, "data": request.POST,
        "rows": range(forms.MAX_MEMBERS), "choices": forms.CHOICES, "month": f"{timezone.localdate():%Y-%m}",
    })


@login_required
def household(request, household_id: int):
    h = household_for(request.user, household_id)
    full = sees_full_id(request.user, h.village_id)
    record_access(request.user, purpose="view", person_ids=[p.pk for p in h.members.all()], object_type="household",
                  object_id=h.pk, area_code=h.village_id, full_id=full)  # fmt: skip
    return render(request, "registry/household.html", {
        "household": h, "members": h.members.all(), "cases": h.cases.order_by("-id"),
        "full_ids": full, "staff": staff_of(request.user), "today": timezone.localdate(),
        "change_fields": CHANGE_FIELDS,
    })


@login_required
def authorize(request, household_id: int):
    """The window records the signed authorisations of the members (授权核对)."""
    if request.method != "POST":
        raise Http404
    h = household_for(request.user, household_id)
    try:
        signed_on = date.fromisoformat(request.POST.get("signed_on", ""))
    except ValueError:
        messages.error(request, _("签署日期格式错误（应为 YYYY-MM-DD）"))
        return redirect("household", h.pk)
    document = request.POST.get("document", "").strip()
    if not document:
        messages.error(request, _("请填写授权书编号"))
        return redirect("household", h.pk)
    done = 0
    try:
        with transaction.atomic():  # all the members ticked, or none
            for person in h.members.all():
                if request.POST.get(f"p{person.pk}") == "on":
                    case_services.record_authorization(request.user, id_number=person.id_number,
                                                       signed_on=signed_on, document=document, person=person)
                    done += 1
    except (InputError, PolicyError) as exc:
        messages.error(request, forms.page_message(exc, _lang()))
        return redirect("household", h.pk)
    messages.success(request, _("已登记 %(n)d 人的授权核对书") % {"n": done})
    return redirect("household", h.pk)


def _member_of(household, pk: str | None):
    return household.members.filter(pk=pk).first() if (pk or "").isdigit() else None


@login_required
def start_case(request, household_id: int):
    if request.method != "POST":
        raise Http404
    h = household_for(request.user, household_id)
    applicant = _member_of(h, request.POST.get("applicant"))
    try:
        on = date.fromisoformat(request.POST.get("on", ""))
        if applicant is None:
            raise ValueError
        case = case_services.start_precheck(request.user, household=h, programme=request.POST.get("programme", ""),
                                            applicant=applicant, on=on)
    except ValueError:
        messages.error(request, _("请选择申请人并填写日期（YYYY-MM-DD）"))
        return redirect("household", h.pk)
    except (InputError, PolicyError) as exc:
        messages.error(request, forms.page_message(exc, _lang()))
        return redirect("household", h.pk)
    messages.success(request, _("已发起核对（先核对、后申请）"))
    return redirect("case", case.pk)


CHANGE_FIELDS = [(f, Person._meta.get_field(f).verbose_name) for f in TRACKED_FIELDS]


def _convert(field: str, text: str):
    """A form value as the model field's type: yes/no, a number, or text."""
    model_field = Person._meta.get_field(field)
    text = text.strip()
    if model_field.get_internal_type() == "BooleanField":
        if text not in ("是", "否", "true", "false", "1", "0"):
            raise ValueError(_("请填写“是”或“否”"))
        return text in ("是", "true", "1")
    if model_field.get_internal_type() == "PositiveSmallIntegerField":
        if text == "" and model_field.null:
            return None
        if not text.isdigit():
            raise ValueError(_("请填写整数"))
        return int(text)
    return text


@login_required
def change(request, household_id: int):
    """A change of circumstances, recorded with its date and source (never overwritten silently)."""
    if request.method != "POST":
        raise Http404
    h = household_for(request.user, household_id)
    person = _member_of(h, request.POST.get("person"))
    field = request.POST.get("field", "")
    try:
        if person is None or field not in TRACKED_FIELDS:
            raise ValueError(_("请选择成员和变更事项"))
        new_value = _convert(field, request.POST.get("value", ""))
        effective_on = date.fromisoformat(request.POST.get("effective_on", ""))
        services.change_person(request.user, person, {field: new_value}, effective_on=effective_on,
                               source=request.POST.get("source", ""))
    except ValueError as exc:
        messages.error(request, str(exc) if str(exc) and not str(exc).startswith("Invalid") else "生效日期格式错误")
    except (InputError, PolicyError) as exc:
        messages.error(request, forms.page_message(exc, _lang()))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("情况变更已登记"))
    return redirect("household", h.pk)
