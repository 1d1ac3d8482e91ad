"""The registry pages: household search, intake with a live assessment preview, the household."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safetynet.cases import services as case_services
from safetynet.cases.models import OPEN_STATES
from safetynet.policy.assessment import assess
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.money import fmt
from safetynet.registry import forms, services
from safetynet.registry.filters import HouseholdFilter
from safetynet.registry.models import TRACKED_FIELDS, Area
from safetynet.registry.selectors import (
    areas_for,
    assessment_input,
    change_history,
    household_for,
    households_for,
    staff_of,
)
from safetynet.site.lists import filtered, paginate
from safetynet.site.personal import sees_full_id
from safetynet.supervision.services import record_access
from safetynet.web import clock
from safetynet.web.lang import current_lang as _lang


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
        return clock.today().replace(day=1)


def _preview(request, intake: forms.Intake) -> dict:
    """The policy floor's answer for the form as it stands, or what is wrong with it."""
    village = _villages(request.user).filter(code=request.POST.get("village", "")).first()
    if village is None:
        return {"problems": [("id_village", _("村居"), _("请选择村居"))], "result": None}
    try:
        return {"problems": [], "result": assess(intake.policy_input(_month(request), village.code[:6]), lang=_lang())}
    except InputError as exc:
        probe = forms.Intake(request.POST, villages=_villages(request.user)).unchecked()
        probe.add_errors(exc.errors, _lang())
        return {"problems": probe.summary(), "result": None}


@login_required
def preview(request):
    """htmx: the live preview beside the intake form."""
    if request.method != "POST":
        raise Http404
    intake = forms.Intake(request.POST, villages=_villages(request.user))
    return render(request, "registry/_preview.html", _preview(request, intake))


def _register(request, intake: forms.Intake):
    """The household of a valid form, written in one transaction; None and the errors on the form
    if the services or the policy floor refuse it."""
    village = _villages(request.user).get(code=intake.household.cleaned_data["village"])
    month = _month(request)
    data = intake.household.cleaned_data
    try:
        with transaction.atomic():
            household = services.create_household(
                request.user, village=village, hukou=data["hukou"], address=data["address"],
                members=intake.members_input(), registered_poor=data["registered_poor"],
                household_no=data["household_no"], since=month,
            )
            # What the policy floor checks besides (a birth after the month): the same as at the API.
            assess(assessment_input(household_for(request.user, household.pk), month), lang=_lang())
    except InputError as exc:
        intake.add_errors(exc.errors, _lang())
        return None
    return household


@login_required
def new_household(request):
    """Intake: the household, any number of members, each with any number of incomes and assets.
    "Add" buttons post the form and show it again with one more row; nothing typed is lost."""
    staff = staff_of(request.user)
    if staff is None or staff.role != "clerk":
        raise PermissionDenied(_("只有窗口经办人员可以受理登记"))
    villages = _villages(request.user)
    preview = None
    if request.method != "POST":
        intake = forms.Intake(villages=villages)
        if request.GET.get("ledger", "").isdigit():
            # From a missed-coverage item of the problem ledger: what the population register knows.
            from safetynet.verification.selectors import intake_from_ledger

            if known := intake_from_ledger(request.user, int(request.GET["ledger"])):
                intake = forms.Intake.prefilled(villages=villages, **known)
    else:
        intake = forms.Intake(request.POST, villages=villages)
        added = intake.add_row(request.POST.get("add", ""), request.POST) if request.POST.get("add") else None
        if added is not None:
            intake = added
        elif not intake.is_valid():  # the services' checks too, so every problem shows at once
            intake.add_errors(services.member_errors(intake.typed_members()), _lang(), besides=True)
        elif (household := _register(request, intake)) is not None:
            messages.success(request, _("家庭已登记。请录入授权核对书后发起核对。"))
            return redirect("household", household.pk)
        preview = _preview(request, intake)
    return render(request, "registry/new.html", {
        "intake": intake, "summary": intake.summary() if request.method == "POST" else [],
        "month": request.POST.get("month") or f"{clock.today():%Y-%m}", "preview": preview or {},
    })


@login_required
def household(request, household_id: int):
    h = household_for(request.user, household_id)
    full = sees_full_id(request.user, h.village_id)
    record_access(request.user, purpose="view", person_ids=[p.pk for p in h.members.all()], object_type="household",
                  object_id=h.pk, area_code=h.village_id, full_id=full)  # fmt: skip
    today = clock.today()
    # 一户一档: every case of every programme, each open one with its step's due date.
    cases = list(h.cases.select_related("applicant").order_by("-id"))
    for c in cases:
        c.open_due = c.due_on if c.state in OPEN_STATES else None
        c.overdue = c.open_due is not None and c.open_due < today
    return render(request, "registry/household.html", {
        "household": h, "members": h.members.all(), "cases": cases,
        "full_ids": full, "staff": staff_of(request.user), "today": today,
        "history": change_history(h),
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


def _options(rows, empty: str) -> list:
    return [("", empty)] + [(r.pk, str(r)) for r in rows]


def _change_forms(h, data=None, kind: str = ""):
    """The change page's forms, the one posted (``kind``) bound to ``data``."""
    members = [p for p in h.members.all() if p.left_on is None]
    incomes = [i for p in members for i in p.incomes.all() if i.until is None]
    assets = [a for p in members for a in p.assets.all() if a.until is None]
    people = [(p.pk, p.choice_label()) for p in members]

    def bound(name, cls, **kwargs):
        return cls(data if kind == name else None, prefix=name, **kwargs)

    today = {"effective_on": clock.today()}
    made = {
        "income": bound("income", forms.IncomeChangeForm, initial=today),
        "asset": bound("asset", forms.AssetChangeForm, initial=today),
        "join": bound("join", forms.JoinForm, initial=today),
        "leave": bound("leave", forms.LeaveForm, initial=today),
        "address": bound("address", forms.AddressForm, initial={**today, "address": h.address}),
    }
    made["income"].fields["person"].choices = [("", "—")] + people
    made["income"].fields["ends"].choices = [("", _("（新增一项收入）"))] + [
        (i.pk, _("%(name)s · %(kind)s %(amount)s 元（%(since)s 起）") % {
            "name": i.person.name, "kind": i.get_kind_display(), "amount": fmt(i.monthly_fen),
            "since": f"{i.since:%Y-%m-%d}"})
        for i in incomes]  # fmt: skip
    made["asset"].fields["person"].choices = [("", "—")] + people
    made["asset"].fields["ends"].choices = [("", _("（新增一项财产）"))] + [
        (a.pk, _("%(name)s · %(kind)s %(amount)s 元（%(since)s 起）") % {
            "name": a.person.name, "kind": a.get_kind_display(), "amount": fmt(a.value_fen),
            "since": f"{a.since:%Y-%m-%d}"})
        for a in assets]  # fmt: skip
    made["leave"].fields["person"].choices = people
    made["leave"].fields["new_head"].choices = [("", "—")] + people
    facts = {}
    for p in members:
        name = f"person-{p.pk}"
        initial = {f: getattr(p, f) for f in TRACKED_FIELDS} | today
        facts[p.pk] = forms.PersonFactsForm(data if kind == name else None, prefix=name, initial=initial)
    return made, facts, {p.pk: p for p in members}, {i.pk: i for i in incomes}, {a.pk: a for a in assets}


def _apply_change(request, h, kind: str, form, members, incomes, assets):
    """The service call of a valid change form; an InputError goes back onto the form."""
    d = form.cleaned_data
    evidence = {"source": d["source"]}
    if kind.startswith("person-"):
        person = members[int(kind.removeprefix("person-"))]
        changes = form.changes(person)
        if not changes:
            raise InputError([FieldError("", "nothing_changed")])
        services.change_person(request.user, person, changes, effective_on=d["effective_on"], **evidence)
    elif kind in ("income", "asset"):
        rows = incomes if kind == "income" else assets
        ends = rows.get(d["ends"]) if d["ends"] else None
        person = ends.person if ends else members.get(d["person"])
        if person is None:
            raise InputError([FieldError("person", "required")])
        if kind == "income":
            services.change_income(request.user, person, effective_on=d["effective_on"], ends=ends, kind=d["kind"],
                                   monthly=d["monthly"], **evidence)
        else:
            services.change_asset(request.user, person, effective_on=d["effective_on"], ends=ends, kind=d["kind"],
                                  value=d["value"], use=d["use"], acquired=not d["disposed"], **evidence)
    elif kind == "join":
        member = {k: d[k] for k in ("name", "id_number", "relation", "phone", "bank_card", "disability_grade",
                                    "serious_illness", "student", "staff_relative")}  # fmt: skip
        member.update(disability_kind=d["disability_kind"] if d["disability_grade"] else "",
                      adl_unmet=d["adl_unmet"] or 0, able_obligor=not d["no_able_obligor"])
        services.add_member(request.user, h, member, joined_on=d["effective_on"], **evidence)
    elif kind == "leave":
        services.member_leaves(request.user, members[d["person"]], reason=d["reason"], on=d["effective_on"],
                               new_head=members.get(d["new_head"]), **evidence)
    elif kind == "address":
        services.change_address(request.user, h, address=d["address"], effective_on=d["effective_on"], **evidence)


CHANGE_KINDS = ("income", "asset", "join", "leave", "address")


@login_required
def change(request, household_id: int):
    """Changes of circumstances after intake, each with its date and evidence, each kept: a member's
    facts (disability, bank card, ...), incomes and assets (closed, never deleted), members joining,
    moving out or dying, the address."""
    h = household_for(request.user, household_id)
    staff = staff_of(request.user)
    if staff is None or staff.role not in ("clerk", "approver", "county"):
        raise PermissionDenied(_("您的角色不能登记情况变更"))
    kind = request.POST.get("kind", "") if request.method == "POST" else ""
    made, facts, members, incomes, assets = _change_forms(h, request.POST if kind else None, kind)
    form = made.get(kind) or (facts.get(int(kind[7:])) if kind[7:].isdigit() and kind.startswith("person-") else None)
    if form is not None and form.is_valid():
        try:
            with transaction.atomic():
                _apply_change(request, h, kind, form, members, incomes, assets)
        except InputError as exc:
            forms.put_errors(form, exc.errors, _lang(), prefix="member.")
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("情况变更已登记（含生效日期和依据），变更记录见家庭页。"))
            return redirect("household", h.pk)
    elif request.method == "POST" and form is None:
        raise Http404
    full = sees_full_id(request.user, h.village_id)
    record_access(request.user, purpose="view", person_ids=list(members), object_type="household",
                  object_id=h.pk, area_code=h.village_id, full_id=full)  # fmt: skip
    return render(request, "registry/change.html", {
        "household": h, "forms": made, "facts": [(members[pk], f) for pk, f in facts.items()], "posted": kind,
        "full_ids": full, "history": change_history(h),
    })
