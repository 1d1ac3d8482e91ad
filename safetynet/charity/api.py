"""/api/v1/charity: organisations, projects and deliveries, the donations' book and statement,
supermarkets, venture-philanthropy rounds and the figures. Amounts are strings in yuan; every
refusal is a 4xx naming the field (``amount``, ``recipients[1]``). An organisation's staff reach
their own organisation's records only: anything else is 404."""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema, Status

from safetynet.charity import access, figures, rolls, selectors
from safetynet.charity.models import Application, DonationEntry, IncubationBase, Organisation, Project, Round
from safetynet.charity.services import donations, organisations, supermarkets
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import fmt, parse_money
from safetynet.web import clock
from safetynet.web.inputs import Day, Id, text

router = Router(tags=["charity"])


def yuan(value, path: str, *, zero: bool = False) -> int:
    errors: list[FieldError] = []
    fen = parse_money(value, path, errors, positive=not zero)
    if errors:
        raise InputError(errors)
    return fen


def _readable(request) -> None:
    from django.core.exceptions import PermissionDenied

    if access._staff(request.user) is None:
        raise PermissionDenied("社会力量参与的记录只对民政部门和社会组织开放")


def _org(request, org_id: int) -> Organisation:
    _readable(request)
    return selectors.organisation_for(request.user, org_id)


def org_out(o: Organisation) -> dict:
    return {"id": o.pk, "code": o.code, "name": o.name, "kind": o.kind, "authority": o.authority, "area": o.area_id,
            "incubation_base": o.incubation_base.name if o.incubation_base_id else None,
            "registered_on": o.registered_on.isoformat()}


def project_out(p: Project) -> dict:
    return {"id": p.pk, "organisation": p.organisation_id, "name": p.name, "kind": p.kind,
            "target_group": p.target_group, "area": p.area_id, "budget": fmt(p.budget_fen),
            "starts_on": p.starts_on.isoformat(), "ends_on": p.ends_on.isoformat(), "round": p.round_id}


def entry_out(e: DonationEntry) -> dict:
    return {"id": e.pk, "kind": e.kind, "on": e.on.isoformat(), "amount": fmt(e.amount_fen),
            "receipt": e.gift_receipt, "purpose": e.purpose,
            "donor": e.donor, "goods": e.goods, "reverses": e.reverses_id, "project": e.project_id,
            "supermarket": e.supermarket_id, "description": e.description}


# ---- organisations and projects ------------------------------------------------------------


@router.get("/organisations", summary="可查看的社会组织（社会组织工作人员只见本组织）")
def list_organisations(request):
    _readable(request)
    return [org_out(o) for o in access.organisations_for(request.user).select_related("incubation_base")]


@router.get("/organisations/{org_id}", summary="一个社会组织")
def get_organisation(request, org_id: Id):
    return org_out(_org(request, org_id))


class OrganisationIn(Schema):
    code: text(30)
    name: text(100)
    kind: text(16)
    authority: text(60)
    area: text(12)
    registered_on: Day
    incubation_base: Id | None = None


@router.post("/organisations", response={201: dict},
             summary="登记社会组织（民政部门；统一社会信用代码按 GB 32100-2015 校验）")
def create_organisation(request, payload: OrganisationIn):
    _readable(request)
    base = None
    if payload.incubation_base is not None:
        base = access.get_or_404(IncubationBase.objects.all(), pk=payload.incubation_base)
    o = organisations.register_organisation(request.user, code=payload.code, name=payload.name, kind=payload.kind,
                                            authority=payload.authority, area_code=payload.area,
                                            registered_on=payload.registered_on, incubation_base=base)
    return Status(201, org_out(o))


@router.get("/bases", summary="社会组织孵化基地（及入驻的组织数）")
def list_bases(request):
    _readable(request)
    orgs = access.organisations_for(request.user)
    return [{"id": b.pk, "name": b.name, "area": b.area_id, "opened_on": b.opened_on.isoformat(),
             "organisations": orgs.filter(incubation_base=b).count()} for b in IncubationBase.objects.all()]


class BaseIn(Schema):
    name: text(100)
    area: text(12)
    opened_on: Day


@router.post("/bases", response={201: dict}, summary="登记社会组织孵化基地（民政部门）")
def create_base(request, payload: BaseIn):
    _readable(request)
    b = organisations.register_base(request.user, name=payload.name, area_code=payload.area,
                                    opened_on=payload.opened_on)
    return Status(201, {"id": b.pk, "name": b.name, "area": b.area_id})


@router.get("/projects", summary="可查看的救助项目")
def list_projects(request):
    _readable(request)
    return [project_out(p) for p in access.projects_for(request.user)]


@router.get("/projects/{project_id}", summary="一个项目及其服务记录")
def get_project(request, project_id: Id):
    _readable(request)
    p = access.get_or_404(access.projects_for(request.user), pk=project_id)
    deliveries = [{"id": d.pk, "on": d.on.isoformat(), "description": d.description, "value": fmt(d.value_fen),
                   "household": d.household_id, "anonymous_persons": d.anonymous_persons,
                   "staff_times": d.staff_times, "staff_hours": str(d.staff_hours),
                   "volunteer_times": d.volunteer_times, "volunteer_hours": str(d.volunteer_hours)}
                  for d in p.deliveries.all()]  # fmt: skip
    return {**project_out(p), "deliveries": deliveries}


class ProjectIn(Schema):
    name: text(100)
    kind: text(12) = "charity"
    target_group: text(100)
    area: text(12)
    budget: text(20)
    starts_on: Day
    ends_on: Day


@router.post("/organisations/{org_id}/projects", response={201: dict}, summary="登记救助项目")
def create_project(request, org_id: Id, payload: ProjectIn):
    org = _org(request, org_id)
    p = organisations.create_project(request.user, org, name=payload.name, kind=payload.kind,
                                     target_group=payload.target_group, area_code=payload.area,
                                     budget_fen=yuan(payload.budget, "budget", zero=True),
                                     starts_on=payload.starts_on, ends_on=payload.ends_on)
    return Status(201, project_out(p))


class DeliveryIn(Schema):
    on: Day
    description: text(200)
    recipients: list[text(18)] = []
    value: text(20, required=False) = "0"
    anonymous_persons: int = 0
    staff_times: int = 0
    staff_hours: text(12, required=False) = "0"
    volunteer_times: int = 0
    volunteer_hours: text(12, required=False) = "0"


@router.post("/projects/{project_id}/deliveries", response={201: dict},
             summary="登记项目服务：受助人按身份证号关联救助对象，或填写未具名人次；工作人员和志愿者人次、时长")
def create_delivery(request, project_id: Id, payload: DeliveryIn):
    _readable(request)
    p = access.get_or_404(access.projects_for(request.user), pk=project_id)
    rows = organisations.record_delivery(
        request.user, p, on=payload.on, description=payload.description, recipients=payload.recipients,
        value_fen=yuan(payload.value or "0", "value", zero=True), anonymous_persons=payload.anonymous_persons,
        staff_times=payload.staff_times, staff_hours=payload.staff_hours, volunteer_times=payload.volunteer_times,
        volunteer_hours=payload.volunteer_hours)
    return Status(201, {"deliveries": [r.pk for r in rows]})


# ---- donations ---------------------------------------------------------------------------


class ReceiveIn(Schema):
    donor: text(100)
    on: Day
    amount: text(20)
    purpose: text(12, required=False) = ""
    goods: text(200, required=False) = ""
    description: text(200, required=False) = ""


@router.post("/organisations/{org_id}/donations", response={201: dict},
             summary="接收捐赠（资金或物资）：出具当年连续编号的捐赠票据；purpose 为定向用途，空为非定向")
def receive(request, org_id: Id, payload: ReceiveIn):
    org = _org(request, org_id)
    e = donations.receive(request.user, org, donor=payload.donor, on=payload.on,
                          amount_fen=yuan(payload.amount, "amount"), purpose=payload.purpose, goods=payload.goods,
                          description=payload.description)
    return Status(201, entry_out(e))


class SpendIn(Schema):
    receipt: text(20)
    on: Day
    amount: text(20)
    purpose: text(12)
    project: Id | None = None
    id_number: text(18, required=False) = ""
    supermarket: Id | None = None
    description: text(200, required=False) = ""


@router.post("/organisations/{org_id}/spendings", response={201: dict},
             summary="捐赠支出：从一笔捐赠（票据号）支出到项目、家庭（成员身份证号）或慈善超市；定向捐赠只能用于其用途")
def spend(request, org_id: Id, payload: SpendIn):
    org = _org(request, org_id)
    project = supermarket = household = None
    if payload.project is not None:
        project = access.get_or_404(Project.objects.filter(organisation=org), pk=payload.project)
    if payload.supermarket is not None:
        from safetynet.charity.models import Supermarket

        supermarket = access.get_or_404(Supermarket.objects.all(), pk=payload.supermarket)
    if payload.id_number:
        household = rolls.person_by_id(payload.id_number, "id_number").household
    e = donations.spend(request.user, org, receipt=payload.receipt, on=payload.on,
                        amount_fen=yuan(payload.amount, "amount"), purpose=payload.purpose, project=project,
                        household=household, supermarket=supermarket, description=payload.description)
    return Status(201, entry_out(e))


class ReverseIn(Schema):
    on: Day
    reason: text(200)


@router.post("/organisations/{org_id}/entries/{entry_id}/reversal", response={201: dict},
             summary="冲正一笔捐赠账目（记入金额相反的账目，原账目保留）")
def reverse(request, org_id: Id, entry_id: Id, payload: ReverseIn):
    org = _org(request, org_id)
    entry = access.get_or_404(DonationEntry.objects.filter(organisation=org), pk=entry_id)
    return Status(201, entry_out(donations.reverse(request.user, entry, on=payload.on, reason=payload.reason)))


def _month(month: str | None) -> date:
    return selectors.parse_month(month, clock.today())


@router.get("/organisations/{org_id}/statement", summary="捐赠收支月报（month=YYYY-MM）：按用途期初、接收、支出、期末")
def statement(request, org_id: Id, month: str | None = None):
    org = _org(request, org_id)
    s = selectors.donation_statement(org, _month(month))
    rows = [{"purpose": r["purpose"], "label": r["label"], **{k[:-4]: fmt(r[k]) for k in r if k.endswith("_fen")}}
            for r in [*s["rows"], {**s["total"], "purpose": "*", "label": "合计"}]]
    return {"organisation": org.code, "month": f"{s['month']:%Y-%m}", "rows": rows,
            "entries": [entry_out(e) for e in s["entries"]]}


# ---- supermarkets ------------------------------------------------------------------------


def _market(request, market_id: int):
    _readable(request)
    return access.get_or_404(access.supermarkets_for(request.user), pk=market_id)


@router.get("/supermarkets", summary="可查看的慈善超市")
def list_supermarkets(request):
    _readable(request)
    return [{"id": m.pk, "name": m.name, "area": m.area_id, "operator": m.operator_id}
            for m in access.supermarkets_for(request.user)]


@router.get("/supermarkets/{market_id}/statement", summary="慈善超市月报（month=YYYY-MM）")
def supermarket_statement(request, market_id: Id, month: str | None = None):
    m = _market(request, market_id)
    s = selectors.supermarket_statement(m, _month(month))["summary"]
    return {"supermarket": m.pk, "month": f"{_month(month):%Y-%m}",
            **{(k[:-4] if k.endswith("_fen") else k): (fmt(v) if k.endswith("_fen") else v) for k, v in s.items()}}


class EnrolIn(Schema):
    id_number: text(18)
    on: Day
    edge_document: text(60, required=False) = ""


@router.post("/supermarkets/{market_id}/enrolments", response={201: dict},
             summary="登记慈善超市服务家庭（须为救助对象）")
def enrol(request, market_id: Id, payload: EnrolIn):
    m = _market(request, market_id)
    e = supermarkets.enrol(request.user, m, id_number=payload.id_number, on=payload.on,
                           edge_document=payload.edge_document)
    return Status(201, {"id": e.pk, "basis": e.basis, "since": e.since.isoformat()})


class StockIn(Schema):
    on: Day
    item: text(100)
    quantity: int
    value: text(20)


@router.post("/supermarkets/{market_id}/stock", response={201: dict}, summary="慈善超市采购入库")
def stock_in(request, market_id: Id, payload: StockIn):
    m = _market(request, market_id)
    e = supermarkets.stock_in(request.user, m, on=payload.on, item=payload.item, quantity=payload.quantity,
                              value_fen=yuan(payload.value, "value", zero=True))
    return Status(201, {"id": e.pk})


class GiveIn(Schema):
    id_number: text(18)
    on: Day
    item: text(100)
    quantity: int
    points: int


@router.post("/supermarkets/{market_id}/gifts", response={201: dict},
             summary="慈善超市积分兑换发放（每户每月积分额度内）")
def give(request, market_id: Id, payload: GiveIn):
    m = _market(request, market_id)
    e = supermarkets.give(request.user, m, id_number=payload.id_number, on=payload.on, item=payload.item,
                          quantity=payload.quantity, points=payload.points)
    return Status(201, {"id": e.pk, "points": e.points, "value": fmt(-e.value_fen)})


# ---- rounds --------------------------------------------------------------------------------


@router.get("/rounds", summary="公益创投：各轮的申报、评分、资助")
def list_rounds(request):
    _readable(request)
    apps = Application.objects.filter(organisation__in=access.organisations_for(request.user))
    return [{"id": r.pk, "name": r.name, "year": r.year, "budget": fmt(r.budget_fen),
             "closes_on": r.closes_on.isoformat(),
             "applications": [{"id": a.pk, "organisation": a.organisation_id, "title": a.title,
                               "requested": fmt(a.requested_fen), "status": a.status, "funded": fmt(a.funded_fen),
                               "project": a.project_id, "scores": [s.points for s in a.scores.all()]}
                              for a in apps.filter(round=r).prefetch_related("scores")]}
            for r in Round.objects.all()]  # fmt: skip


class RoundIn(Schema):
    name: text(100)
    year: int
    budget: text(20)
    closes_on: Day


@router.post("/rounds", response={201: dict}, summary="设立一轮公益创投（民政部门）")
def create_round(request, payload: RoundIn):
    _readable(request)
    r = organisations.create_round(request.user, name=payload.name, year=payload.year,
                                   budget_fen=yuan(payload.budget, "budget"), closes_on=payload.closes_on)
    return Status(201, {"id": r.pk})


class ApplicationIn(Schema):
    organisation: Id
    title: text(100)
    requested: text(20)


@router.post("/rounds/{round_id}/applications", response={201: dict}, summary="申报公益创投（社会组织）")
def apply(request, round_id: Id, payload: ApplicationIn):
    org = _org(request, payload.organisation)
    rnd = access.get_or_404(Round.objects.all(), pk=round_id)
    a = organisations.apply(request.user, rnd, org, title=payload.title,
                            requested_fen=yuan(payload.requested, "requested"), on=clock.today())
    return Status(201, {"id": a.pk})


def _application(request, application_id: int) -> Application:
    _readable(request)
    return access.get_or_404(Application.objects.filter(organisation__in=access.organisations_for(request.user))
                             .select_related("organisation"), pk=application_id)


class ScoreIn(Schema):
    points: int


@router.post("/applications/{application_id}/scores", response={201: dict}, summary="评委评分（0–100）")
def score(request, application_id: Id, payload: ScoreIn):
    s = organisations.score(request.user, _application(request, application_id), points=payload.points)
    return Status(201, {"application": s.application_id, "points": s.points})


class DecisionIn(Schema):
    funded: text(20)
    area: text(12)
    starts_on: Day
    ends_on: Day
    target_group: text(100, required=False) = ""


@router.post("/applications/{application_id}/decision", response={201: dict},
             summary="资助决定：funded 大于 0 即资助并建立项目，0 为不予资助")
def decide(request, application_id: Id, payload: DecisionIn):
    a = organisations.decide(request.user, _application(request, application_id),
                             funded_fen=yuan(payload.funded, "funded", zero=True), area_code=payload.area,
                             starts_on=payload.starts_on, ends_on=payload.ends_on, target_group=payload.target_group)
    return Status(201, {"id": a.pk, "status": a.status, "project": a.project_id})


# ---- figures -------------------------------------------------------------------------------


@router.get("/figures", summary="社会力量参与统计（from、to 为 YYYY-MM-DD，缺省为今年至今）")
def get_figures(request, start: Day | None = None, end: Day | None = None):
    _readable(request)
    today = clock.today()
    fig = figures.figures(request.user, start or date(today.year, 1, 1), end or today)

    def money(d: dict) -> dict:
        return {(k[:-4] if k.endswith("_fen") else k): (fmt(v) if k.endswith("_fen") else
                                                        str(v) if not isinstance(v, int | str) else v)
                for k, v in d.items()}

    return {"from": fig["start"].isoformat(), "to": fig["end"].isoformat(),
            "donations": [money(r) for r in fig["donations"]], "donation_total": money(fig["donation_total"]),
            "programmes": [money(p) for p in fig["programmes"]], "programme_total": money(fig["programme_total"]),
            "supermarket": money(fig["supermarket"]), "organisations": fig["organisations"],
            "organisation_total": fig["organisation_total"], "incubation": fig["incubation"],
            "rounds": [money(r) for r in fig["rounds"]]}
