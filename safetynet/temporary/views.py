"""The pages of temporary assistance: the registration (临时救助登记) from the household page or
from a running dibao or tekun application, and the step to a dibao or tekun application. The
case itself is the frame's case page (its steps' forms from ``register_step``), with the panel
``temporary/_case_panel.html``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safetynet.cases import selectors as case_selectors
from safetynet.policy.errors import InputError, PolicyError
from safetynet.registry.selectors import household_for
from safetynet.supervision.services import record_access
from safetynet.temporary import selectors, services
from safetynet.temporary.filters import TemporaryFilter
from safetynet.temporary.forms import OpenApplicationForm, ReportForm
from safetynet.web.inputs import page_message, put_back
from safetynet.web.lang import current_lang
from safetynet.web.lists import filtered, paginate
from safetynet.web.personal import sees_full_id


@login_required
def index(request):
    """临时救助: the cases of the user's area, those waiting for help first on top (the oldest
    report first, with the hours left), then the newest; filtered and 25 a page."""
    rows = selectors.temporary_cases(request.user).order_by("-help_first_path", "case__state", "-reported_at", "-id")
    f, rows = filtered(TemporaryFilter, request, rows)
    waiting = [(row, selectors.help_clock(row.case, row)) for row in
               selectors.temporary_cases(request.user).filter(case__state="reported").order_by("reported_at")[:50]]
    page = paginate(request, rows)
    page.object_list = [(row, selectors.help_clock(row.case, row)) for row in page.object_list]
    return render(request, "temporary/index.html", {"filter": f, "page": page, "waiting": waiting})


def _labels(form) -> dict[str, tuple[str, str]]:
    return {name: (str(field.label),) * 2 for name, field in form.fields.items()}


def _put_back(form, exc: Exception) -> None:
    """A service's refusal beside the fields it names; the rest above the form."""
    put_back(form, exc, current_lang())


@login_required
def report(request, household_id: int):
    """求助登记: the person in need and the event; opens the case on its path (help first for an
    emergency or a running application, the economic check for spending)."""
    household = household_for(request.user, household_id)
    from_case = None
    from_id = request.POST.get("from_case") or request.GET.get("from_case")
    if from_id:
        from_case = case_selectors.case_for(request.user, from_id)
        if from_case.household_id != household.pk:
            raise Http404("case of another household")
    initial = {"from_case": from_case.pk if from_case else None}
    if from_case:
        initial |= {"applicant": from_case.applicant_id}
    form = ReportForm(request.POST or None, household=household, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            applicant = household.members.filter(pk=data["applicant"]).first()
            if applicant is None:
                form.add_error("applicant", _("救助对象不是该家庭成员"))
            else:
                try:
                    case = services.report(
                        request.user, household=household, applicant=applicant, kind=data["kind"],
                        cause=data["cause"], occurred_on=data["occurred_on"], reported_at=data["reported_at"],
                        reported_by_name=data["reported_by_name"], reported_by_relation=data["reported_by_relation"],
                        description=data["description"], from_elsewhere=data["from_elsewhere"],
                        requested=data["requested"], spending=data["spending"], reimbursed=data["reimbursed"],
                        other_assistance=data["other_assistance"], from_case=from_case,
                        months_without_income=data["months_without_income"],
                        unemployment_insurance=data["unemployment_insurance"],
                    )  # fmt: skip
                    messages.success(request, _("已登记临时救助求助"))
                    return redirect("case", case.pk)
                except (InputError, PolicyError, PermissionDenied) as exc:
                    _put_back(form, exc)
        status = 422
    record_access(request.user, purpose="view", person_ids=[p.pk for p in household.members.all()],
                  object_type="household", object_id=household.pk, area_code=household.village_id,
                  full_id=sees_full_id(request.user, household.village_id))  # fmt: skip
    return render(request, "temporary/report.html", {"household": household, "form": form, "from_case": from_case},
                  status=status)


@login_required
def open_application(request, case_id: int):
    """转为低保、特困申请 from a temporary case's page."""
    if request.method != "POST":
        raise Http404
    case = case_selectors.case_for(request.user, case_id)
    form = OpenApplicationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("case", case.pk)
    try:
        opened = services.open_application(request.user, case, on=form.cleaned_data["on"],
                                           programme=form.cleaned_data["programme"])
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("case", case.pk)
    except (InputError, PolicyError) as exc:
        messages.error(request, page_message(exc, current_lang(), _labels(form)))
        return redirect("case", case.pk)
    messages.success(request, _("已转为%(programme)s申请，发起核对") % {"programme": opened.get_programme_display()})
    return redirect("case", opened.pk)
