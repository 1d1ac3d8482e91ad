"""Organisations, their projects and deliveries, and the rounds' list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from safetynet.charity import access, selectors
from safetynet.charity.forms import DeliveryForm, OrganisationForm, ProjectForm, RecipientFormSet
from safetynet.charity.models import Application, Round
from safetynet.charity.services import organisations as services
from safetynet.charity.views.desk import _readable
from safetynet.charity.views.pages import form_page
from safetynet.site.lists import paginate


@login_required
def organisation_new(request):
    _readable(request)
    form = OrganisationForm(request.POST or None)

    def write():
        d = form.cleaned_data
        org = services.register_organisation(request.user, code=d["code"], name=d["name"], kind=d["kind"],
                                             authority=d["authority"], area_code=d["area"],
                                             registered_on=d["registered_on"], incubation_base=d["incubation_base"])
        return reverse("charity-organisation", args=[org.pk])

    return form_page(request, form=form, title="登记社会组织", back=reverse("charity"), write=write,
                     success="已登记社会组织")


@login_required
def organisation(request, org_id: int):
    _readable(request)
    org = selectors.organisation_for(request.user, org_id)
    return render(request, "charity/organisation.html", {
        "org": org, "projects": access.projects_for(request.user).filter(organisation=org).select_related("area"),
        "gifts": selectors.gifts_with_balance(org), "supermarkets": org.supermarkets.all(),
        "applications": Application.objects.filter(organisation=org).select_related("round", "project"),
        "writer": access.may(access.require_organisation_writer, request.user, org),
    })  # fmt: skip


@login_required
def project_new(request, org_id: int):
    _readable(request)
    org = selectors.organisation_for(request.user, org_id)
    form = ProjectForm(request.POST or None)

    def write():
        d = form.cleaned_data
        project = services.create_project(request.user, org, name=d["name"], kind=d["kind"],
                                          target_group=d["target_group"], area_code=d["area"],
                                          budget_fen=d["budget"], starts_on=d["starts_on"], ends_on=d["ends_on"])
        return reverse("charity-project", args=[project.pk])

    return form_page(request, form=form, title=f"{org.name}：登记救助项目",
                     back=reverse("charity-organisation", args=[org.pk]), write=write, success="已登记项目")


@login_required
def project(request, project_id: int):
    _readable(request)
    p = access.get_or_404(access.projects_for(request.user).select_related("organisation", "area"), pk=project_id)
    deliveries = paginate(request, p.deliveries.select_related("household__village", "person"))
    return render(request, "charity/project.html", {
        "project": p, "page": deliveries,
        "writer": access.may(access.require_organisation_writer, request.user, p.organisation)})


@login_required
def delivery_new(request, project_id: int):
    _readable(request)
    p = access.get_or_404(access.projects_for(request.user).select_related("organisation"), pk=project_id)
    form = DeliveryForm(request.POST or None)
    formset = RecipientFormSet(request.POST or None, prefix="recipients")

    def write():
        d = form.cleaned_data
        numbers = [f.cleaned_data.get("id_number", "") for f in formset if f.cleaned_data.get("id_number")]
        services.record_delivery(request.user, p, on=d["on"], description=d["description"], recipients=numbers,
                                 value_fen=d["value"] or 0, anonymous_persons=d["anonymous_persons"] or 0,
                                 staff_times=d["staff_times"] or 0, staff_hours=d["staff_hours"] or 0,
                                 volunteer_times=d["volunteer_times"] or 0,
                                 volunteer_hours=d["volunteer_hours"] or 0)
        return reverse("charity-project", args=[p.pk])

    return form_page(request, form=form, formset=formset, title=f"{p.name}：登记服务", write=write,
                     back=reverse("charity-project", args=[p.pk]), success="已登记服务记录",
                     confirm="服务记录将计入项目的受助人次和服务时长统计。确定登记吗？")


@login_required
def rounds(request):
    _readable(request)
    apps = Application.objects.filter(organisation__in=access.organisations_for(request.user))
    return render(request, "charity/rounds.html", {
        "bureau": access.is_bureau_writer(request.user),
        "rounds": [(r, apps.filter(round=r).select_related("organisation", "project").prefetch_related("scores"))
                   for r in Round.objects.all()],
    })  # fmt: skip



