"""The standby fund's pages: every township's fund (the county's overview), one township's
monthly statement with its reconciliation and Excel file, and the forms that write to it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from safetynet.cases.models import Case
from safetynet.funds import exports, selectors, services
from safetynet.funds.forms import AdjustForm, AllocateForm, ReturnForm
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import fmt
from safetynet.registry.selectors import Forbidden, staff_of
from safetynet.site.lists import paginate
from safetynet.web import clock
from safetynet.web.lang import current_lang


def _role(user) -> str | None:
    staff = staff_of(user)
    return staff.role if staff else None


@login_required
def index(request):
    rows = selectors.fund_rows(request.user, clock.today())
    page = paginate(request, rows)
    return render(request, "funds/index.html", {
        "page": page, "total_fen": sum(r.balance_fen for r in rows), "low": sum(r.low for r in rows),
        "count": len(rows),
    })  # fmt: skip


def _month(request):
    """The month of the picker (this month by default) and the error to show, if any."""
    today = clock.today()
    try:
        return selectors.statement_month(request.GET.get("month"), today), None
    except InputError as exc:
        return today.replace(day=1), exc.errors[0].message(current_lang())


@login_required
def fund(request, code: str):
    township = selectors.township_for(request.user, code)
    month, month_error = _month(request)
    s = selectors.statement(township, month)
    role = _role(request.user)
    return render(request, "funds/fund.html", {
        "township": township, "s": s, "month": month, "month_error": month_error,
        "summary": exports.summary_rows(s),
        "unmatched": [(e, selectors.UNMATCHED_WHY[why]) for e, why in s.unmatched],
        "balance_fen": selectors.balance(township.code),
        "may_allocate": role in services.ALLOCATORS, "may_adjust": role in services.ADJUSTERS,
        "may_return": role in services.RETURNERS,
    })  # fmt: skip


@login_required
def statement_xlsx(request, code: str):
    township = selectors.township_for(request.user, code)
    month, month_error = _month(request)
    if month_error:
        messages.error(request, month_error)
        return redirect("fund", township.code)
    body = exports.statement_sheet(selectors.statement(township, month), request.user)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="fund-{township.code}-{month:%Y-%m}.xlsx"'
    return response


# ---- the forms ----------------------------------------------------------------------------------


def _may(request, township, roles: tuple[str, ...], action: str) -> None:
    staff = staff_of(request.user)
    if staff is None or staff.role not in roles or not township.code.startswith(staff.area_id):
        raise Forbidden(staff.get_role_display() if staff else "—", action)


def _form_page(request, code: str, *, form_class, roles, action: str, title: str, confirm: str | None, write):
    """One form: shown, checked, (for a grave act) confirmed on a page of its own, then written.
    ``write(form, township)`` calls the service; its refusals come back beside the fields."""
    township = selectors.township_for(request.user, code)
    _may(request, township, roles, action)
    form = form_class(request.POST or None)
    context = {"township": township, "form": form, "title": title, "balance_fen": selectors.balance(township.code)}
    if request.method == "POST" and form.is_valid():
        step = request.POST.get("step")
        if step == "edit":  # back from the confirmation to the form, with everything typed
            pass
        elif confirm is not None and step != "confirmed":
            return render(request, "funds/confirm.html", {**context, "question": confirm,
                                                          "answers": _answers(form)})
        else:
            try:
                entry = write(form, township)
            except InputError as exc:
                form.add_service_errors(exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已记账：%(kind)s %(amount)s 元，余额 %(balance)s 元") % {
                    "kind": entry.get_kind_display(), "amount": fmt(abs(entry.amount_fen)),
                    "balance": fmt(entry.balance_after_fen)})
                return redirect(f"{reverse('fund', args=[township.code])}?month={entry.on:%Y-%m}")
    return render(request, "funds/form.html", context)


def _answers(form) -> list[tuple[str, str]]:
    """The form's answers in words, for the confirmation page."""
    out = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name == "amount":
            shown = fmt(value)
        elif hasattr(field, "choices"):
            shown = str(dict(field.choices).get(value, value))
        elif value in (None, ""):
            shown = "—"
        else:
            shown = str(value)
        out.append((str(field.label), shown))
    return out


@login_required
def allocate(request, code: str):
    def write(form, township):
        d = form.cleaned_data
        return services.allocate(request.user, township_code=township.code, amount_fen=d["amount"], on=d["on"],
                                 document=d["document"])

    return _form_page(request, code, form_class=AllocateForm, roles=services.ALLOCATORS, action="拨付临时救助备用金",
                      title=_("县级拨付"), write=write,
                      confirm=_("拨付将记入该乡镇（街道）备用金账目，不能修改或删除，如有差错只能调整。确定拨付吗？"))


@login_required
def adjust(request, code: str):
    def write(form, township):
        d = form.cleaned_data
        return services.adjust(request.user, township_code=township.code, amount_fen=form.signed_amount(), on=d["on"],
                               reason=d["reason"])

    return _form_page(request, code, form_class=AdjustForm, roles=services.ADJUSTERS, action="调整临时救助备用金",
                      title=_("调整余额"), write=write,
                      confirm=_("调整将改变备用金余额，并连同原因记入账目、对账单和审计日志。确定调整吗？"))


@login_required
def return_to_fund(request, code: str):
    def write(form, township):
        d = form.cleaned_data
        case = None
        if d.get("case"):
            case = Case.objects.filter(pk=d["case"], area_code__startswith=township.code).first()
            if case is None:
                raise InputError([FieldError("case", "fund_case_township", case=d["case"], township=township.name)])
        return services.return_to_fund(request.user, township_code=township.code, amount_fen=d["amount"],
                                       on=d["on"], reason=d["reason"], case=case, receipt=d.get("receipt", ""))

    return _form_page(request, code, form_class=ReturnForm, roles=services.RETURNERS, action="登记备用金退回",
                      title=_("登记退回"), write=write,
                      confirm=_("退回将记入该乡镇（街道）备用金账目，不能修改或删除，如有差错只能调整。确定登记退回吗？"))
