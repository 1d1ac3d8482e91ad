"""The funeral waiver's pages under /funerals/ (the only pages a funeral home's staff reach): the
desk list of claims, a new claim, a claim's page; for the bureau the register of homes, the monthly
statements (prepare, approve, Excel) and the figures. Reads through ``selectors``, writes through
``services``."""

from __future__ import annotations

import json
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from safetynet.funerals import forms, records, selectors, services
from safetynet.funerals.models import SERVICES, Statement, Status
from safetynet.policy.errors import InputError, PolicyError
from safetynet.policy.money import fmt
from safetynet.registry.models import Area
from safetynet.registry.selectors import areas_for, staff_of
from safetynet.supervision.services import record_access
from safetynet.verification.exports import sheet
from safetynet.web import clock
from safetynet.web.lang import current_lang
from safetynet.web.lists import paginate
from safetynet.web.personal import mask_id

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _role(user) -> str | None:
    staff = staff_of(user)
    return staff.role if staff else None


def _put_back(form, exc: Exception) -> None:
    lang = current_lang()
    if not isinstance(exc, InputError):
        form.add_error(None, exc.message(lang) if isinstance(exc, PolicyError) else str(exc))
        return
    for e in exc.errors:
        name = e.path.replace("services.", "service_")
        form.add_error(name if name in form.fields else None, e.message(lang))


def _month(request) -> date | None:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(p) for p in raw.split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


def _claims(request):
    rows = selectors.claims_for(request.user)
    month = _month(request)
    if month:
        rows = rows.filter(served_on__year=month.year, served_on__month=month.month)
    if request.GET.get("status") in Status.values:
        rows = rows.filter(status=request.GET["status"])
    return rows, month


@login_required
def claim_list(request):
    """The desk: a home's own claims (a bureau's: its homes'), the month's and status's."""
    if _role(request.user) not in ("funeral_home", *selectors.BUREAU):
        raise PermissionDenied(_("您的角色不能查看殡葬费用减免"))
    rows, month = _claims(request)
    page = paginate(request, rows.order_by("-served_on", "-id"))
    for c in page.object_list:
        c.masked = mask_id(c.id_number)
    return render(request, "funerals/list.html", {
        "page": page, "role": _role(request.user), "month": request.GET.get("month", ""),
        "status": request.GET.get("status", ""), "statuses": Status.choices, "homes": selectors.homes_for(request.user),
        "export_url": reverse("funeral-xlsx"),
    })  # fmt: skip


HEADERS = ("编号", "殡仪馆", "逝者姓名", "公民身份号码", "死亡日期", "服务日期", "基本服务收费（元）",
           "骨灰盒收费（元）", "免除基本服务费（元）", "免除骨灰盒费（元）", "丧属自付（元）", "结果",
           "说明")  # fmt: skip


@login_required
def claim_xlsx(request):
    rows, _month_ = _claims(request)
    rows = list(rows.order_by("home_id", "served_on", "id"))
    out = [[c.pk, c.home.name, c.name, mask_id(c.id_number), f"{c.death_date:%Y-%m-%d}", f"{c.served_on:%Y-%m-%d}",
            fmt(c.services_fen), fmt(c.urn_fen), fmt(c.waived_services_fen), fmt(c.waived_urn_fen),
            fmt(c.family_pays_fen), c.get_status_display(), c.reason] for c in rows]  # fmt: skip
    staff = staff_of(request.user)
    if staff is not None:
        record_access(request.user, purpose="export", object_type="funeral_claim", object_id="list",
                      area_code=staff.area_id, full_id=False, count=len(out))  # fmt: skip
    response = HttpResponse(sheet("殡葬减免", HEADERS, out, (8, 20, 10, 20, 12, 12, 14, 14, 16, 16, 14, 10, 50)),
                            content_type=XLSX)  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="funerals-{clock.today():%Y-%m-%d}.xlsx"'
    return response


@login_required
def new_claim(request):
    """登记减免: the home's staff; a refusal is kept and shown with its reason on the claim's page."""
    if _role(request.user) != "funeral_home":
        raise PermissionDenied(_("只有殡仪馆工作人员可以登记殡葬费用减免"))
    form = forms.ClaimForm(request.POST or None)
    home, home_error = None, ""
    try:
        home = services.home_of(request.user)
    except PolicyError as exc:  # the account's home is not on the register: said above the form
        home_error = exc.message(current_lang())
    if request.method == "POST" and home is not None:
        if form.is_valid():
            d = form.cleaned_data
            try:
                claim = services.claim(request.user, id_number=d["id_number"], name=d["name"],
                                       death_date=d["death_date"], served_on=d["served_on"],
                                       services=form.services(), urn=d["urn"])  # fmt: skip
            except (PolicyError, PermissionDenied) as exc:
                _put_back(form, exc)
            else:
                if claim.status == Status.WAIVED:
                    messages.success(request, _("已减免 %(amount)s 元") % {"amount": fmt(claim.waived_fen)})
                else:
                    messages.error(request, claim.reason)
                return redirect("funeral-claim", claim.pk)
        return render(request, "funerals/new.html", {"form": form, "home": home}, status=422)
    return render(request, "funerals/new.html", {"form": form, "home": home, "home_error": home_error},
                  status=422 if request.method == "POST" else 200)


@login_required
def claim_page(request, claim_id: int):
    claim = selectors.claim_for(request.user, claim_id)
    staff = staff_of(request.user)
    record_access(request.user, purpose="view", object_type="funeral_claim", object_id=claim.pk,
                  area_code=claim.area_code if staff is None or staff.role != "funeral_home" else claim.area_code,
                  full_id=True)  # fmt: skip
    lines = [(SERVICES.get(code, code), fen) for code, fen in claim.services.items()]
    return render(request, "funerals/claim.html", {"claim": claim, "lines": lines,
                                                   "registered_in": records.area_name(claim.records.get("area_code"))})


# ---- the bureau: homes and statements ----------------------------------------------------------


def _bureau(user, roles=("county", "city", "auditor")):
    if _role(user) not in roles:
        raise PermissionDenied(_("只有县级、市级民政部门可以办理"))


@login_required
def homes(request):
    """The register of funeral homes: the county or the city registers one."""
    _bureau(request.user)
    counties = list(areas_for(request.user, Area.Level.COUNTY))
    form = forms.HomeForm(request.POST or None, counties=counties)
    status = 200
    if request.method == "POST":
        _bureau(request.user, services.BUREAU)
        if form.is_valid():
            d = form.cleaned_data
            try:
                home = services.register_home(request.user, code=d["code"], name=d["name"], county=d["county"])
            except (PolicyError, PermissionDenied) as exc:
                _put_back(form, exc)
            else:
                messages.success(request, _("已登记殡仪馆 %(name)s") % {"name": home.name})
                return redirect("funeral-homes")
        status = 422
    return render(request, "funerals/homes.html", {
        "homes": selectors.homes_for(request.user).select_related("county"), "form": form,
        "may_register": _role(request.user) in services.BUREAU,
    }, status=status)  # fmt: skip


@login_required
def statements(request):
    """Monthly reimbursement statements per home; the county prepares one for a home and month."""
    _bureau(request.user)
    home_rows = list(selectors.homes_for(request.user))
    form = forms.StatementForm(request.POST or None, homes=home_rows)
    status = 200
    if request.method == "POST":
        _bureau(request.user, services.REVIEWERS)
        if form.is_valid():
            home = next(h for h in home_rows if str(h.pk) == form.cleaned_data["home"])
            try:
                st = services.prepare_statement(request.user, home, form.cleaned_data["month"])
            except (PolicyError, PermissionDenied) as exc:
                _put_back(form, exc)
            else:
                messages.success(request, _("已生成结算单"))
                return redirect("funeral-statement", st.pk)
        status = 422
    return render(request, "funerals/statements.html", {
        "statements": selectors.statements_for(request.user), "form": form,
        "may_prepare": _role(request.user) in services.REVIEWERS,
    }, status=status)  # fmt: skip


@login_required
def statement_page(request, statement_id: int):
    _bureau(request.user)
    st = selectors.statement_for(request.user, statement_id)
    if request.method == "POST":
        try:
            services.approve_statement(request.user, st)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except PolicyError as exc:
            messages.error(request, exc.message(current_lang()))
        else:
            messages.success(request, _("结算单已审核"))
        return redirect("funeral-statement", st.pk)
    return render(request, "funerals/statement.html", {
        "st": st, "claims": st.claims.order_by("served_on", "id"),
        "may_approve": _role(request.user) in services.REVIEWERS and st.state == Statement.State.DRAFT,
    })  # fmt: skip


@login_required
def statement_xlsx(request, statement_id: int):
    _bureau(request.user)
    st = selectors.statement_for(request.user, statement_id)
    rows = [[c.pk, c.name, mask_id(c.id_number), f"{c.death_date:%Y-%m-%d}", f"{c.served_on:%Y-%m-%d}",
             fmt(c.waived_services_fen), fmt(c.waived_urn_fen), fmt(c.waived_fen)]
            for c in st.claims.order_by("served_on", "id")]  # fmt: skip
    rows.append(["合计", "", "", "", "", fmt(sum(c.waived_services_fen for c in st.claims.all())),
                 fmt(sum(c.waived_urn_fen for c in st.claims.all())), fmt(st.waived_fen)])  # fmt: skip
    headers = ("编号", "逝者姓名", "公民身份号码", "死亡日期", "服务日期", "免除基本服务费（元）", "免除骨灰盒费（元）",
               "应拨付（元）")  # fmt: skip
    response = HttpResponse(sheet(f"{st.month:%Y-%m}", headers, rows, (8, 10, 20, 12, 12, 18, 18, 14)),
                            content_type=XLSX)  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="funeral-statement-{st.home.code}-{st.month:%Y-%m}.xlsx"'
    return response


# ---- figures -----------------------------------------------------------------------------------


@login_required
def figures(request):
    """Waivers by county and month: count, the services' and the urns' amounts, refusals apart."""
    _bureau(request.user)
    rows, total = selectors.by_county_month(selectors.claims_for(request.user))
    months = sorted({f"{r['month']:%Y-%m}" for r in rows})
    counties = sorted({r["name"] for r in rows})
    series = {c: [0] * len(months) for c in counties}
    for r in rows:
        series[r["name"]][months.index(f"{r['month']:%Y-%m}")] += r["amount"] // 100
    chart = {"months": months, "series": [{"name": c, "data": v} for c, v in series.items()]}
    return render(request, "funerals/figures.html", {"rows": rows, "total": total, "chart": json.dumps(chart)})


@login_required
def figures_xlsx(request):
    _bureau(request.user)
    rows, total = selectors.by_county_month(selectors.claims_for(request.user))
    out = [[r["name"], f"{r['month']:%Y-%m}", r["n"], fmt(r["services"]), fmt(r["urn"]), fmt(r["amount"]),
            r["refused"]] for r in rows]  # fmt: skip
    out.append(["合计", "", total["n"], fmt(total["services"]), fmt(total["urn"]), fmt(total["amount"]),
                total["refused"]])  # fmt: skip
    headers = ("县（市、区）", "月份", "减免人数", "免除基本服务费（元）", "免除骨灰盒费（元）", "减免合计（元）",
               "不予减免")  # fmt: skip
    response = HttpResponse(sheet("殡葬减免统计", headers, out, (16, 10, 10, 18, 18, 16, 10)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="funeral-figures-{clock.today():%Y-%m-%d}.xlsx"'
    return response


