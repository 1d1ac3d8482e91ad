"""Every write of the funeral waiver, each in a transaction with its audit record.

- ``register_home``: the county or the city registers a funeral home (code, name, county).
- ``claim``: a home's staff (role ``funeral_home``, ``Staff.unit`` = the home's code) record a
  deceased and the services given; the claim is checked against the department data
  (``records``) and waived up to the limits, or refused with its reason: not dead in the
  records, not a resident of the city, or already claimed (also a unique constraint).
- ``prepare_statement`` / ``approve_statement``: the county bureau's monthly reimbursement of a
  home (the waivers of its services that month); an approved statement is final.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from safetynet.funerals import records
from safetynet.funerals.models import SERVICES, FuneralClaim, FuneralHome, Refusal, Statement, Status
from safetynet.policy import idnumber
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.money import fmt, parse_money, to_fen
from safetynet.policy.parameters import value
from safetynet.registry.models import Area
from safetynet.registry.selectors import Forbidden, acting_user, require_role, staff_of
from safetynet.supervision.services import record
from safetynet.web import clock
from safetynet.web.inputs import day_or_error

BUREAU = ("county", "city")  # registers homes; the county reviews and reimburses
REVIEWERS = ("county",)
ACTION_NAMES = {"register": "登记殡仪馆", "claim": "登记殡葬费用减免", "prepare": "生成月度结算单",
                "approve": "审核月度结算单"}  # fmt: skip
ALREADY = "该逝者已享受过基本殡葬服务费用减免，不能重复减免"


def home_of(actor) -> FuneralHome:
    """The funeral home an actor of the role ``funeral_home`` works for."""
    staff = staff_of(actor)
    if staff is None or staff.role != "funeral_home":
        raise Forbidden(staff.get_role_display() if staff else "无角色", ACTION_NAMES["claim"])
    home = FuneralHome.objects.filter(code=staff.unit).select_related("county").first() if staff.unit else None
    if home is None:
        raise PolicyError("funeral_no_home", code=staff.unit or "—")
    return home


def register_home(actor, *, code: str, name: str, county: str) -> FuneralHome:
    errors: list[FieldError] = []
    code, name = (code or "").strip(), (name or "").strip()
    if not code:
        errors.append(FieldError("code", "required"))
    elif len(code) > 20:
        errors.append(FieldError("code", "too_long", max=20, length=len(code)))
    elif FuneralHome.objects.filter(code=code).exists():
        errors.append(FieldError("code", "funeral_home_code", code=code))
    if not name:
        errors.append(FieldError("name", "required"))
    elif len(name) > 100:
        errors.append(FieldError("name", "too_long", max=100, length=len(name)))
    area = Area.objects.filter(code=county, level=Area.Level.COUNTY).first() if isinstance(county, str) else None
    if area is None:
        errors.append(FieldError("county", "funeral_county", code=str(county)[:12]))
    if errors:
        raise InputError(errors)
    require_role(actor, BUREAU, area.code, ACTION_NAMES["register"])
    with transaction.atomic():
        home = FuneralHome.objects.create(code=code, name=name, county=area)
        record(actor, "funeral.register_home", object_type="funeral_home", object_id=home.pk, area_code=area.code,
               details={"code": code, "name": name})  # fmt: skip
    return home


def limits(county_code: str, on: date) -> tuple[int, int]:
    """(basic services, urn) waived at most, in fen (parameters ``funeral_basic_services_limit``,
    ``funeral_urn_limit``)."""
    return (to_fen(value("funeral_basic_services_limit", county_code, on)),
            to_fen(value("funeral_urn_limit", county_code, on)))  # fmt: skip


def _day(raw, path: str, errors: list[FieldError]) -> date | None:
    if not isinstance(raw, date):
        errors.append(FieldError(path, "required" if raw in (None, "") else "date_format", value=str(raw)[:40]))
        return None
    if e := day_or_error(raw, path):
        errors.append(e)
        return None
    if raw > clock.today():
        errors.append(FieldError(path, "date_future", on=raw.isoformat()))
        return None
    return raw


def claim(actor, *, id_number: str, name: str, death_date, served_on, services: dict, urn="") -> FuneralClaim:
    """登记减免: the deceased, the services given and their prices ("360.00" per service, the urn's);
    checked against the department data, then waived up to the limits or refused with the reason.
    Either way the claim is kept and audited (a refusal is a finding the bureau may review)."""
    home = home_of(actor)
    errors: list[FieldError] = []
    try:
        number = idnumber.parse(id_number).number
    except PolicyError as exc:
        errors.append(FieldError("id_number", exc.code, **exc.params))
        number = ""
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name:
        errors.append(FieldError("name", "required"))
    elif len(name) > 40:
        errors.append(FieldError("name", "too_long", max=40, length=len(name)))
    died, served = _day(death_date, "death_date", errors), _day(served_on, "served_on", errors)
    if died and served and served < died:
        errors.append(FieldError("served_on", "funeral_served_before_death", served=served.isoformat(),
                                 died=died.isoformat()))  # fmt: skip
    prices: dict[str, int] = {}
    for code in SERVICES:
        fen = parse_money((services or {}).get(code, ""), f"services.{code}", errors, required=False)
        if fen:
            prices[code] = fen
    unknown = set(services or {}) - set(SERVICES)
    for code in sorted(unknown):
        errors.append(FieldError(f"services.{code}", "choice", value=code[:40], choices=", ".join(SERVICES)))
    urn_fen = parse_money(urn, "urn", errors, required=False) or 0
    if not errors and not prices and not urn_fen:
        errors.append(FieldError("services", "funeral_no_services"))
    if errors:
        raise InputError(errors)
    services_fen = sum(prices.values())
    found = records.facts(number, clock.today())
    refusal, reason = "", ""
    if FuneralClaim.objects.filter(id_number=number, status=Status.WAIVED).exists():
        refusal, reason = Refusal.CLAIMED, ALREADY
    elif found["death_date"] is None:
        refusal, reason = Refusal.NOT_DEAD, "公安部门死亡（注销户口）记录中没有该人员的死亡登记，不予减免"
    elif not records.is_resident(found):
        where = records.area_name(found["area_code"]) or "户籍登记中无此人"
        refusal, reason = Refusal.NOT_RESIDENT, f"该人员不是济宁市户籍居民（户籍登记：{where}），不予减免"
    county = home.county_id
    row = FuneralClaim(home=home, area_code=county, id_number=number, name=name, death_date=died, served_on=served,
                       services=prices, services_fen=services_fen, urn_fen=urn_fen, records=found,
                       recorded_by=acting_user(actor))  # fmt: skip
    if refusal:
        row.status, row.refusal, row.reason, row.family_pays_fen = Status.REFUSED, refusal, reason, row.charged_fen
    else:
        most_services, most_urn = limits(county, served)
        row.status = Status.WAIVED
        row.waived_services_fen, row.waived_urn_fen = min(services_fen, most_services), min(urn_fen, most_urn)
        row.family_pays_fen = row.charged_fen - row.waived_fen
    try:
        with transaction.atomic():
            row.save()
            _audit(actor, row)
    except IntegrityError:  # another home waived the same person at the same moment
        row.pk = None
        row.status, row.refusal = Status.REFUSED, Refusal.CLAIMED
        row.reason, row.waived_services_fen, row.waived_urn_fen = ALREADY, 0, 0
        row.family_pays_fen = row.charged_fen
        with transaction.atomic():
            row.save()
            _audit(actor, row)
    return row


def _audit(actor, row: FuneralClaim) -> None:
    record(actor, "funeral.claim", object_type="funeral_claim", object_id=row.pk, area_code=row.area_code, details={
        "home": row.home.code, "status": row.status, "refusal": row.refusal, "charged": fmt(row.charged_fen),
        "waived": fmt(row.waived_fen), "records": row.records,
    })  # fmt: skip


def _month_range(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def prepare_statement(actor, home: FuneralHome, month: date) -> Statement:
    """生成结算单: the home's waivers served in ``month``; a draft is prepared again with what came since."""
    require_role(actor, REVIEWERS, home.county_id, ACTION_NAMES["prepare"])
    first, last = _month_range(month)
    with transaction.atomic():
        statement = Statement.objects.select_for_update().filter(home=home, month=first).first()
        if statement is not None and statement.state == Statement.State.APPROVED:
            raise InputError([FieldError("month", "funeral_statement_approved", month=f"{first:%Y-%m}")])
        claims = FuneralClaim.objects.select_for_update().filter(home=home, status=Status.WAIVED,
                                                                 served_on__range=(first, last))  # fmt: skip
        if statement is None and not claims.exists():
            raise InputError([FieldError("month", "funeral_statement_empty", home=home.name, month=f"{first:%Y-%m}")])
        if statement is None:
            statement = Statement.objects.create(home=home, month=first, prepared_by=acting_user(actor))
        claims.update(statement=statement)
        rows = list(statement.claims.all())
        statement.claims_count = len(rows)
        statement.waived_fen = sum(c.waived_fen for c in rows)
        statement.prepared_by = acting_user(actor)
        statement.save()
        record(actor, "funeral.prepare_statement", object_type="funeral_statement", object_id=statement.pk,
               area_code=home.county_id, details={"home": home.code, "month": f"{first:%Y-%m}",
                                                  "claims": statement.claims_count,
                                                  "amount": fmt(statement.waived_fen)})  # fmt: skip
    return statement


def approve_statement(actor, statement: Statement) -> Statement:
    """审核结算单: the county approves the month's reimbursement; final from then on."""
    with transaction.atomic():
        locked = Statement.objects.select_for_update().select_related("home").get(pk=statement.pk)
        require_role(actor, REVIEWERS, locked.home.county_id, ACTION_NAMES["approve"])
        if locked.state != Statement.State.DRAFT:
            raise InputError([FieldError("state", "funeral_statement_state")])
        locked.state, locked.approved_by, locked.approved_at = Statement.State.APPROVED, acting_user(actor), \
            timezone.now()  # fmt: skip
        locked.save()
        record(actor, "funeral.approve_statement", object_type="funeral_statement", object_id=locked.pk,
               area_code=locked.home.county_id, details={"home": locked.home.code, "month": f"{locked.month:%Y-%m}",
                                                         "claims": locked.claims_count,
                                                         "amount": fmt(locked.waived_fen)})  # fmt: skip
    return locked
