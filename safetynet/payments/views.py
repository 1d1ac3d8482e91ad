"""The township's payroll pages: the months with a chart, one month's lines, approval,
cancellation, the bank files, the bank's return."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safetynet.cases import programmes
from safetynet.payments import bank, selectors, services, tasks
from safetynet.payments.filters import PaymentFilter, RunFilter
from safetynet.policy.errors import InputError, PolicyError
from safetynet.policy.household import parse_month
from safetynet.policy.money import fmt
from safetynet.registry.models import Area
from safetynet.registry.selectors import areas_for, staff_of
from safetynet.site.lists import filtered, paginate
from safetynet.site.personal import sees_full_id
from safetynet.supervision.services import record_access
from safetynet.web.lang import current_lang as _lang


def _say(request, exc: PolicyError) -> None:
    """Each problem as its own message (a refused approval names every changed line)."""
    for error in getattr(exc, "errors", None) or [exc]:
        messages.error(request, error.message(_lang()))


@login_required
def index(request):
    totals = selectors.monthly_totals(request.user)
    chart = {"months": [f"{t['month']:%Y-%m}" for t in totals], "yuan": [fmt(t["total_fen"] or 0) for t in totals],
             "lines": [t["lines"] or 0 for t in totals]}
    f, runs = filtered(RunFilter, request, selectors.runs_for(request.user))
    runs = paginate(request, runs)
    return render(request, "payments/index.html", {
        "runs": runs, "filter": f, "chart": json.dumps(chart), "staff": staff_of(request.user),
        "townships": areas_for(request.user, Area.Level.TOWNSHIP), "programmes": programmes.choices(),
    })


@login_required
def compute(request):
    if request.method != "POST":
        raise Http404
    townships = areas_for(request.user, Area.Level.TOWNSHIP)
    everywhere = request.POST.get("township") == "all"
    township = None if everywhere else townships.filter(code=request.POST.get("township")).first()
    try:
        if township is None and not everywhere:
            raise ValueError
        month = services.check_request(month=parse_month(request.POST.get("month", "")),
                                       programme=request.POST.get("programme", "dibao"))
        if everywhere:  # every township of the area: a job for the worker, followed on its own page
            job = tasks.queue_payrolls(request.user, month=month, townships=list(townships),
                                       programme=request.POST.get("programme", "dibao"))  # fmt: skip
            return redirect("job", job.pk)
        run = services.run_payroll(request.user, month=month, township=township,
                                   programme=request.POST.get("programme", "dibao"))
    except ValueError:
        messages.error(request, _("请选择乡镇（街道）"))
        return redirect("payroll-index")
    except (InputError, PolicyError) as exc:
        _say(request, exc)
        return redirect("payroll-index")
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("payroll-index")
    messages.success(request, _("发放名册已编制"))
    return redirect("payroll", run.pk)


@login_required
def detail(request, run_id: int):
    run = selectors.run_for(request.user, run_id)
    # The lines filtered (village, kind, bank result, month owed, the one search), 25 a page.
    f = PaymentFilter(request.GET or None, queryset=selectors.run_lines(run), request=request,
                      township=run.township_id)
    page = paginate(request, f.qs)
    full = sees_full_id(request.user, run.township_id)
    if full and page.object_list:  # whole numbers shown: whose (PIPL)
        record_access(request.user, purpose="list", person_ids=[p.recipient_id for p in page.object_list],
                      object_type="payroll", object_id=run.pk, area_code=run.township_id)  # fmt: skip
    report = bank.reconciliation(run) if run.status in (run.Status.APPROVED, run.Status.LOCKED) else None
    # Who may cancel is told why not, instead of the button simply missing.
    may_cancel = getattr(staff_of(request.user), "role", None) in ("approver", "city")
    refusal = services.why_not_cancellable(run) if may_cancel and run.status != run.Status.CANCELLED else None
    return render(request, "payments/run.html", {
        "run": run, "page": page, "filter": f, "kinds": selectors.totals_by_kind(run), "report": report,
        "staff": staff_of(request.user), "full_ids": full, "held": bank.held_lines(run),
        "can_cancel": may_cancel and run.status != run.Status.CANCELLED and refusal is None,
        "cancel_refusal": refusal,
    })


@login_required
def act(request, run_id: int, action: str):
    run = selectors.run_for(request.user, run_id)
    try:
        if action == "approve" and request.method == "POST":
            services.approve_payroll(request.user, run)
            messages.success(request, _("发放名册已审核"))
        elif action == "cancel" and request.method == "POST":
            services.cancel_payroll(request.user, run, request.POST.get("reason", ""))
            messages.success(request, _("发放名册已作废，该月可重新编制"))
        elif action == "bank.csv":
            response = HttpResponse(bank.bank_csv(request.user, run), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{run.township_id}-{run.month:%Y-%m}-bank.csv"'
            return response
        elif action == "roster.xlsx":
            if staff_of(request.user) is None:
                raise Http404
            response = HttpResponse(
                bank.payroll_sheet(run, request.user),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            response["Content-Disposition"] = f'attachment; filename="{run.township_id}-{run.month:%Y-%m}.xlsx"'
            return response
        elif action == "return" and request.method == "POST" and request.FILES.get("file"):
            report = bank.import_bank_return(request.user, run, request.FILES["file"].read())
            messages.success(request, _("回盘已导入：到账 %(paid)d 笔，失败 %(failed)d 笔")
                             % {"paid": report.paid, "failed": report.failed})
        else:
            raise Http404
    except (InputError, PolicyError) as exc:
        _say(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("payroll", run.pk)
