"""Charity supermarkets: the register, one supermarket's month (statement, enrol, goods in and out)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse

from safetynet.charity import access, exports, selectors
from safetynet.charity.forms import EnrolForm, GiveForm, ReverseForm, StockInForm, SupermarketForm
from safetynet.charity.models import Enrolment, StockEntry
from safetynet.charity.services import supermarkets as services
from safetynet.charity.views.desk import _readable
from safetynet.charity.views.donations import _month
from safetynet.charity.views.pages import form_page, xlsx
from safetynet.supervision.services import record_access


def _market(request, market_id: int):
    _readable(request)
    return access.get_or_404(access.supermarkets_for(request.user).select_related("area", "operator"), pk=market_id)


def _url(market, on=None) -> str:
    url = reverse("charity-supermarket", args=[market.pk])
    return f"{url}?month={on:%Y-%m}" if on else url


@login_required
def supermarket_new(request):
    _readable(request)
    form = SupermarketForm(request.POST or None, organisations=access.organisations_for(request.user))

    def write():
        d = form.cleaned_data
        m = services.register(request.user, name=d["name"], area_code=d["area"], opened_on=d["opened_on"],
                              address=d["address"], operator=d["operator"])
        return _url(m)

    return form_page(request, form=form, title="登记慈善超市", back=reverse("charity"), write=write,
                     success="已登记慈善超市")


@login_required
def supermarket(request, market_id: int):
    market = _market(request, market_id)
    month, error = _month(request)
    s = selectors.supermarket_statement(market, month)
    households = {e.household_id for e in s["entries"] if e.household_id}
    if households:
        record_access(request.user, purpose="view", object_type="supermarket_statement", object_id=market.pk,
                      area_code=market.area_id, full_id=False, count=len(households))
    enrolled = Enrolment.objects.filter(supermarket=market).select_related("household__village").count()
    return render(request, "charity/supermarket.html", {"market": market, "s": s, "month": month,
                                                        "month_error": error, "enrolled": enrolled,
                                                        "writer": access.may(access.require_supermarket_writer,
                                                                             request.user, market)})


@login_required
def supermarket_xlsx(request, market_id: int):
    market = _market(request, market_id)
    month, error = _month(request)
    if error:
        return HttpResponseBadRequest(error, content_type="text/plain; charset=utf-8")
    s = selectors.supermarket_statement(market, month)
    record_access(request.user, purpose="export", object_type="supermarket_statement", object_id=market.pk,
                  area_code=market.area_id, full_id=False)
    return xlsx(exports.supermarket_sheet(s), f"supermarket-{market.pk}-{month:%Y-%m}.xlsx")


@login_required
def enrol(request, market_id: int):
    market = _market(request, market_id)
    form = EnrolForm(request.POST or None)

    def write():
        d = form.cleaned_data
        services.enrol(request.user, market, id_number=d["id_number"], on=d["on"], edge_document=d["edge_document"])
        return _url(market)

    return form_page(request, form=form, title=f"{market.name}：登记服务家庭", back=_url(market), write=write,
                     success="已登记服务家庭")


@login_required
def stock_in(request, market_id: int):
    market = _market(request, market_id)
    form = StockInForm(request.POST or None)

    def write():
        d = form.cleaned_data
        e = services.stock_in(request.user, market, on=d["on"], item=d["item"], quantity=d["quantity"],
                              value_fen=d["value"])
        return _url(market, e.on)

    return form_page(request, form=form, title=f"{market.name}：采购入库", back=_url(market), write=write,
                     confirm="入库记录不能修改或删除，如有差错只能冲正。确定入库吗？", success="已入库")


@login_required
def give(request, market_id: int):
    market = _market(request, market_id)
    form = GiveForm(request.POST or None)

    def write():
        d = form.cleaned_data
        e = services.give(request.user, market, id_number=d["id_number"], on=d["on"], item=d["item"],
                          quantity=d["quantity"], points=d["points"])
        return _url(market, e.on)

    return form_page(request, form=form, title=f"{market.name}：积分兑换发放", back=_url(market), write=write,
                     confirm="发放记录不能修改或删除，如有差错只能冲正。确定发放吗？", success="已发放")


@login_required
def stock_reverse(request, market_id: int, entry_id: int):
    market = _market(request, market_id)
    entry = access.get_or_404(StockEntry.objects.filter(supermarket=market), pk=entry_id)
    form = ReverseForm(request.POST or None)

    def write():
        d = form.cleaned_data
        e = services.reverse(request.user, entry, on=d["on"], reason=d["reason"])
        return _url(market, e.on)

    return form_page(request, form=form, title=f"冲正记录 #{entry.pk}（{entry.get_kind_display()}）",
                     back=_url(market, entry.on), write=write, success="已冲正",
                     confirm="冲正将记入一笔数量相反的记录，原记录保留。确定冲正吗？")
