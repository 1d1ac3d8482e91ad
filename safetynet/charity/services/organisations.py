"""Organisations, incubation bases, projects and what they delivered; venture-philanthropy rounds.

The bureau (city, county) registers organisations and bases and runs the rounds; an
organisation's own staff (or the bureau for it) enter its projects and deliveries. Seed: 社会组织
孵化基地; 福彩帮公益创投大赛; 社会组织工作人员服务 8.72 万人次."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum

from safetynet.charity import access, rolls
from safetynet.charity.models import Application, Delivery, IncubationBase, Organisation, Project, Round, Score
from safetynet.charity.services.common import Errors, area, day, money, text
from safetynet.policy import creditcode
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import fmt
from safetynet.supervision.services import record
from safetynet.web import clock


@transaction.atomic
def register_base(actor, *, name: str, area_code: str, opened_on: date) -> IncubationBase:
    errors = Errors()
    name = text(errors, "name", name, 100)
    where = area(errors, "area", area_code)
    day(errors, "opened_on", opened_on)
    errors.raise_any()
    access.require_bureau(actor, where.code, "登记社会组织孵化基地")
    base = IncubationBase.objects.create(name=name, area=where, opened_on=opened_on)
    record(actor, "charity.base_register", object_type="incubation_base", object_id=base.pk, area_code=where.code,
           details={"name": name, "opened_on": opened_on.isoformat()})
    return base


@transaction.atomic
def register_organisation(actor, *, code: str, name: str, kind: str, authority: str, area_code: str,
                          registered_on: date, incubation_base: IncubationBase | None = None) -> Organisation:
    errors = Errors()
    errors.extend(creditcode.check(code, "code"))
    code = creditcode.normalise(code)
    name = text(errors, "name", name, 100)
    if kind not in Organisation.Kind.values:
        errors.append(FieldError("kind", "choice", value=str(kind)[:20], choices="、".join(Organisation.Kind.values)))
    authority = text(errors, "authority", authority, 60)
    where = area(errors, "area", area_code)
    day(errors, "registered_on", registered_on)
    if not errors and (taken := Organisation.objects.filter(code=code).first()) is not None:
        errors.append(FieldError("code", "charity_code_taken", code=code, name=taken.name))
    errors.raise_any()
    access.require_bureau(actor, where.code, "登记社会组织")
    organisation = Organisation.objects.create(code=code, name=name, kind=kind, authority=authority, area=where,
                                               registered_on=registered_on, incubation_base=incubation_base)
    record(actor, "charity.organisation_register", object_type="organisation", object_id=organisation.pk,
           area_code=where.code, details={"code": code, "name": name, "kind": kind})
    return organisation


@transaction.atomic
def create_project(actor, organisation: Organisation, *, name: str, kind: str, target_group: str, area_code: str,
                   budget_fen: int, starts_on: date, ends_on: date, round: Round | None = None) -> Project:
    access.require_organisation_writer(actor, organisation, "登记救助项目")
    errors = Errors()
    name = text(errors, "name", name, 100)
    if kind not in Project.Kind.values:
        errors.append(FieldError("kind", "choice", value=str(kind)[:20], choices="、".join(Project.Kind.values)))
    target_group = text(errors, "target_group", target_group, 100)
    where = area(errors, "area", area_code)
    money(errors, "budget", budget_fen, zero=True)
    day(errors, "starts_on", starts_on, future=True)
    day(errors, "ends_on", ends_on, future=True)
    if isinstance(starts_on, date) and isinstance(ends_on, date) and ends_on < starts_on:
        errors.append(FieldError("ends_on", "charity_period", starts=starts_on.isoformat(), ends=ends_on.isoformat()))
    errors.raise_any()
    project = Project.objects.create(organisation=organisation, name=name, kind=kind, target_group=target_group,
                                     area=where, budget_fen=budget_fen, starts_on=starts_on, ends_on=ends_on,
                                     round=round)
    record(actor, "charity.project_create", object_type="project", object_id=project.pk, area_code=where.code,
           details={"organisation": organisation.code, "name": name, "budget": fmt(budget_fen)})
    return project


def _hours(errors: Errors, name: str, value) -> Decimal:
    try:
        hours = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation:
        errors.append(FieldError(name, "charity_hours", value=str(value)[:20]))
        return Decimal(0)
    if hours < 0 or hours > Decimal("99999999") or hours != hours.quantize(Decimal("0.1")):
        errors.append(FieldError(name, "charity_hours", value=str(value)[:20]))
    return hours


def _count(errors: Errors, name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**7:
        errors.append(FieldError(name, "type_int"))
        return 0
    return value


@transaction.atomic
def record_delivery(actor, project: Project, *, on: date, description: str, recipients: list[str],
                    value_fen: int = 0, anonymous_persons: int = 0, staff_times: int = 0, staff_hours="0",
                    volunteer_times: int = 0, volunteer_hours="0") -> list[Delivery]:
    """What the project gave on ``on``: ``value_fen`` to each named recipient (an ID number on the
    rolls, ``recipients[i]``), and to ``anonymous_persons`` counted without names; the time its
    staff and volunteers gave (on the first row written)."""
    access.require_organisation_writer(actor, project.organisation, "登记项目服务")
    errors = Errors()
    day(errors, "on", on)
    if isinstance(on, date) and not project.starts_on <= on <= project.ends_on:
        errors.append(FieldError("on", "charity_outside_period", on=on.isoformat(),
                                 starts=project.starts_on.isoformat(), ends=project.ends_on.isoformat()))
    description = text(errors, "description", description, 200)
    money(errors, "value", value_fen, zero=True)
    anonymous_persons = _count(errors, "anonymous_persons", anonymous_persons)
    times = {"staff_times": _count(errors, "staff_times", staff_times),
             "staff_hours": _hours(errors, "staff_hours", staff_hours),
             "volunteer_times": _count(errors, "volunteer_times", volunteer_times),
             "volunteer_hours": _hours(errors, "volunteer_hours", volunteer_hours)}  # fmt: skip
    named = []
    for i, number in enumerate(r for r in recipients if str(r or "").strip()):
        try:
            named.append(rolls.on_the_rolls(number, f"recipients[{i}]", on if isinstance(on, date) else clock.today()))
        except InputError as exc:
            errors.extend(exc.errors)
    if not named and not anonymous_persons and not errors:
        errors.append(FieldError("recipients", "charity_whom"))
    errors.raise_any()
    rows = [Delivery(project=project, on=on, description=description, value_fen=value_fen, person=person,
                     household=person.household, recorded_by=actor) for person, _case in named]
    if anonymous_persons:
        rows.append(Delivery(project=project, on=on, description=description, value_fen=0,
                             anonymous_persons=anonymous_persons, recorded_by=actor))
    for name, value in times.items():
        setattr(rows[0], name, value)
    rows = [Delivery.objects.create(**{f.attname: getattr(r, f.attname) for f in Delivery._meta.concrete_fields
                                       if f.attname != "id"}) for r in rows]  # fmt: skip
    record(actor, "charity.delivery_record", object_type="project", object_id=project.pk, area_code=project.area_id,
           details={"on": on.isoformat(), "named": len(named), "anonymous": anonymous_persons,
                    "value_each": fmt(value_fen), "deliveries": [r.pk for r in rows]})
    return rows


# ---- venture philanthropy (福彩帮 公益创投) -------------------------------------------------


@transaction.atomic
def create_round(actor, *, name: str, year: int, budget_fen: int, closes_on: date, area_code: str = "3708") -> Round:
    access.require_bureau(actor, area_code, "设立公益创投")
    errors = Errors()
    name = text(errors, "name", name, 100)
    money(errors, "budget", budget_fen)
    day(errors, "closes_on", closes_on, future=True)
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append(FieldError("year", "type_int"))
    errors.raise_any()
    rnd = Round.objects.create(name=name, year=year, budget_fen=budget_fen, closes_on=closes_on)
    record(actor, "charity.round_create", object_type="round", object_id=rnd.pk, area_code=area_code,
           details={"name": name, "budget": fmt(budget_fen)})
    return rnd


@transaction.atomic
def apply(actor, rnd: Round, organisation: Organisation, *, title: str, requested_fen: int, on: date) -> Application:
    access.require_organisation_writer(actor, organisation, "申报公益创投")
    errors = Errors()
    title = text(errors, "title", title, 100)
    money(errors, "requested", requested_fen)
    if isinstance(on, date) and on > rnd.closes_on:
        errors.append(FieldError("on", "charity_round_closed", round=rnd.name, closes=rnd.closes_on.isoformat()))
    errors.raise_any()
    try:
        with transaction.atomic():
            application = Application.objects.create(round=rnd, organisation=organisation, title=title,
                                                     requested_fen=requested_fen)
    except IntegrityError:
        raise InputError([FieldError("title", "charity_duplicate", value=title)]) from None
    record(actor, "charity.apply", object_type="application", object_id=application.pk,
           area_code=organisation.area_id, details={"round": rnd.pk, "title": title, "requested": fmt(requested_fen)})
    return application


@transaction.atomic
def score(actor, application: Application, *, points: int) -> Score:
    access.require_bureau(actor, application.organisation.area_id, "公益创投评分")
    if isinstance(points, bool) or not isinstance(points, int) or not 0 <= points <= 100:
        raise InputError([FieldError("points", "charity_score_range", value=str(points)[:10])])
    row, _created = Score.objects.update_or_create(application=application, judge=actor, defaults={"points": points})
    record(actor, "charity.score", object_type="application", object_id=application.pk,
           area_code=application.organisation.area_id, details={"points": points})
    return row


@transaction.atomic
def decide(actor, application: Application, *, funded_fen: int, area_code: str, starts_on: date,
           ends_on: date, target_group: str) -> Application:
    """Fund (``funded_fen`` > 0: the project is created with that budget) or decline (0)."""
    access.require_bureau(actor, application.organisation.area_id, "决定公益创投资助")
    application = Application.objects.select_for_update().get(pk=application.pk)
    rnd = Round.objects.select_for_update().get(pk=application.round_id)
    if application.status != Application.Status.APPLIED:
        raise InputError([FieldError("", "charity_decided")])
    errors = Errors()
    money(errors, "funded", funded_fen, zero=True)
    errors.raise_any()
    funded = Application.objects.filter(round=rnd).aggregate(s=Sum("funded_fen"))["s"] or 0
    if funded + funded_fen > rnd.budget_fen:
        raise InputError([FieldError("funded", "charity_round_budget", round=rnd.name, budget=fmt(rnd.budget_fen),
                                     funded=fmt(funded), amount=fmt(funded_fen))])
    if funded_fen:
        project = Project.objects.create(
            organisation=application.organisation, name=application.title, kind=Project.Kind.CHARITY,
            target_group=target_group or "—", area_id=area_code, budget_fen=funded_fen, starts_on=starts_on,
            ends_on=ends_on, round=rnd)
        application.project, application.status, application.funded_fen = project, Application.Status.FUNDED, funded_fen
    else:
        application.status = Application.Status.DECLINED
    application.save(update_fields=["project", "status", "funded_fen"])
    record(actor, "charity.decide", object_type="application", object_id=application.pk,
           area_code=application.organisation.area_id,
           details={"status": application.status, "funded": fmt(funded_fen)})
    return application
