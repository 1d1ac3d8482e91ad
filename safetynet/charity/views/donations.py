"""The donations' book of one organisation: receive, spend, reverse; the monthly statement."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from safetynet.charity import access, exports, rolls, selectors
from safetynet.charity.forms import ReceiveForm, ReverseForm, SpendForm
from safetynet.charity.models import DonationEntry
from safetynet.charity.services import donations as services
from safetynet.charity.views.desk import _readable
from safetynet.charity.views.pages import form_page, xlsx
from safetynet.policy.errors import InputError
from safetynet.supervision.services import record_access
from safetynet.web import clock
from safetynet.web.lang import current_lang

IRREVERSIBLE = "记入捐赠账目后不能修改或删除，如有差错只能冲正。确定记账吗？"


def _statement_url(org, on) -> str:
    return f"{reverse('charity-statement', args=[org.pk])}?month={on:%Y-%m}"


@login_required
def receive(request, org_id: int):
    _readable(request)
    org = selectors.organisation_for(request.user, org_id)
    form = ReceiveForm(request.POST or None)

    def write():
        d = form.cleaned_data
        entry = services.receive(request.user, org, donor=d["donor"], on=d["on"], amount_fen=d["amount"],
                                 purpose=d["purpose"], goods=d["goods"], description=d["description"])
        return _statement_url(org, entry.on)

    return form_page(request, form=form, title=f"{org.name}：接收捐赠", write=write, confirm=IRREVERSIBLE,
                     back=reverse("charity-organisation", args=[org.pk]), success="已记账并出具捐赠票据")


@login_required
def spend(request, org_id: int):
    _readable(request)
    org = selectors.organisation_for(request.user, org_id)
    form = SpendForm(request.POST or None, gifts=selectors.gifts_with_balance(org),
                     projects=access.projects_for(request.user).filter(organisation=org))

    def write():
        d = form.cleaned_data
        household = rolls.person_by_id(d["id_number"], "id_number").household if d["id_number"] else None
        entry = services.spend(request.user, org, receipt=d["receipt"], on=d["on"], amount_fen=d["amount"],
                               purpose=d["purpose"], project=d["project"], household=household,
                               supermarket=d["supermarket"], description=d["description"])
        return _statement_url(org, entry.on)

    return form_page(request, form=form, title=f"{org.name}：捐赠支出", write=write, confirm=IRREVERSIBLE,
                     back=reverse("charity-organisation", args=[org.pk]), success="已记账")


@login_required
def reverse_entry(request, org_id: int, entry_id: int):
    _readable(request)
    org = selectors.organisation_for(request.user, org_id)
    entry = access.get_or_404(DonationEntry.objects.filter(organisation=org), pk=entry_id)
    form = ReverseForm(request.POST or None)

    def write():
        d = form.cleaned_data
        done = services.reverse(request.user, entry, on=d["on"], reason=d["reason"])
        return _statement_url(org, done.on)

    return form_page(request, form=form, title=f"冲正账目 #{entry.pk}（{entry.get_kind_display()}）", write=write,
                     back=_statement_url(org, entry.on), success="已冲正",
                     confirm="冲正将记入一笔金额相反的账目，原账目保留。确定冲正吗？", context={"entry": entry})


def _month(request):
    try:
        return selectors.parse_month(request.GET.get("month"), clock.today()), None
    except InputError as exc:
        return clock.today().replace(day=1), exc.errors[0].message(current_lang())


@login_required
def statement(request, org_id: int):
    _readable(request)
    org = selectors.organisation_for(request.user, org_id)
    month, error = _month(request)
    s = selectors.donation_statement(org, month)
    households = {e.household_id for e in s["entries"] if e.household_id}
    if households:
        record_access(request.user, purpose="view", object_type="charity_statement", object_id=org.pk,
                      area_code=org.area_id, full_id=False, count=len(households))
    writer = access.may(access.require_organisation_writer, request.user, org)
    return render(request, "charity/statement.html", {"org": org, "s": s, "month": month, "month_error": error,
                                                      "writer": writer})


@login_required
def statement_xlsx(request, org_id: int):
    _readable(request)
    org = selectors.organisation_for(request.user, org_id)
    month, error = _month(request)
    if error:
        from django.http import HttpResponseBadRequest

        return HttpResponseBadRequest(error, content_type="text/plain; charset=utf-8")
    s = selectors.donation_statement(org, month)
    record_access(request.user, purpose="export", object_type="charity_statement", object_id=org.pk,
                  area_code=org.area_id, full_id=False)
    return xlsx(exports.donation_sheet(s), f"donations-{org.code}-{month:%Y-%m}.xlsx")
