"""Venture-philanthropy rounds (福彩帮 公益创投) and incubation bases: the bureau's forms and the
organisations' applications."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import reverse

from safetynet.charity import access
from safetynet.charity.forms import ApplicationForm, BaseForm, DecisionForm, RoundForm, ScoreForm
from safetynet.charity.models import Application, Round
from safetynet.charity.services import organisations as services
from safetynet.charity.views.desk import _readable
from safetynet.charity.views.pages import form_page
from safetynet.web import clock


def _back() -> str:
    return reverse("charity-rounds")


@login_required
def base_new(request):
    _readable(request)
    form = BaseForm(request.POST or None)

    def write():
        d = form.cleaned_data
        services.register_base(request.user, name=d["name"], area_code=d["area"], opened_on=d["opened_on"])
        return reverse("charity")

    return form_page(request, form=form, title="登记社会组织孵化基地", back=reverse("charity"), write=write,
                     success="已登记孵化基地")


@login_required
def round_new(request):
    _readable(request)
    form = RoundForm(request.POST or None)

    def write():
        d = form.cleaned_data
        services.create_round(request.user, name=d["name"], year=d["year"], budget_fen=d["budget"],
                              closes_on=d["closes_on"])
        return _back()

    return form_page(request, form=form, title="设立公益创投", back=_back(), write=write, success="已设立")


@login_required
def apply(request, round_id: int):
    _readable(request)
    rnd = access.get_or_404(Round.objects.all(), pk=round_id)
    form = ApplicationForm(request.POST or None, organisations=access.organisations_for(request.user))

    def write():
        d = form.cleaned_data
        services.apply(request.user, rnd, d["organisation"], title=d["title"], requested_fen=d["requested"],
                       on=clock.today())
        return _back()

    return form_page(request, form=form, title=f"{rnd.name}：申报", back=_back(), write=write, success="已申报")


def _application(request, application_id: int) -> Application:
    _readable(request)
    return access.get_or_404(Application.objects.filter(organisation__in=access.organisations_for(request.user))
                             .select_related("organisation", "round"), pk=application_id)


@login_required
def score(request, application_id: int):
    application = _application(request, application_id)
    form = ScoreForm(request.POST or None)

    def write():
        services.score(request.user, application, points=form.cleaned_data["points"])
        return _back()

    return form_page(request, form=form, title=f"{application.title}：评分", back=_back(), write=write,
                     success="已评分")


@login_required
def decide(request, application_id: int):
    application = _application(request, application_id)
    form = DecisionForm(request.POST or None, initial={"area": application.organisation.area_id})

    def write():
        d = form.cleaned_data
        services.decide(request.user, application, funded_fen=d["funded"], area_code=d["area"],
                        starts_on=d["starts_on"], ends_on=d["ends_on"], target_group=d["target_group"])
        return _back()

    return form_page(request, form=form, title=f"{application.title}：资助决定", back=_back(), write=write,
                     success="已决定", confirm="资助决定作出后不能更改（资助即建立项目）。确定吗？")
