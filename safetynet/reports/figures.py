"""The dashboard's figures (POLICY.md §10; ``docs/figures.md`` defines each): for the city, a
county or a township, as of a day, over a period of months.

Plain functions for any caller (the page, the API, a scenario's test): ``scope_of(area_code,
as_of)`` makes a scope without a user (trusted callers), ``scope_for(user, ...)`` checks the user's
area and the input; every figure takes a ``Scope`` and returns dataclasses or ``tables.Table``.

- ``coverage(scope)``: households, persons and monthly amounts covered, by area, programme,
  hukou and registered-poor mark, on the as-of day and at the end of each month of the period
  (``reports.coverage``: the decision history, never today's state);
- from it: ``coverage_by_area``, ``coverage_by_programme``, ``coverage_trend``,
  ``registered_poor``, ``averages`` (the standard and the benefit per person);
- ``concentration(scope)``: tekun persons unable to care for themselves in concentrated support
  (an empty state until the support mode is recorded);
- ``reports.flows``: the money and the work of the period (funds, price subsidy, temporary
  assistance, decisions, checks, findings, enrolments after a finding).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.apps import apps
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from safetynet.cases import programmes
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.household import parse_month
from safetynet.policy.parameters import value
from safetynet.policy.tekun import COMPLETE_FROM
from safetynet.registry.models import Area
from safetynet.reports import coverage as covered
from safetynet.reports import messages as _messages  # noqa: F401  (registers the messages)
from safetynet.reports import temporary
from safetynet.reports.tables import Chart, Column, Line, Table, per, share
from safetynet.web import clock

READERS = temporary.READERS
PERIOD_MONTHS = 12  # the trend and the flows: the twelve months up to the as-of day, unless said
EARLIEST = date(1990, 1, 1)  # a day before any programme of the office: a typo
BELOW = {Area.Level.CITY: Area.Level.COUNTY, Area.Level.COUNTY: Area.Level.TOWNSHIP,
         Area.Level.TOWNSHIP: Area.Level.VILLAGE}  # fmt: skip
HUKOU = {"urban": _("城市"), "rural": _("农村")}


def month_end(month: date) -> date:
    return temporary.next_month(month) - timedelta(days=1)


def add_months(month: date, n: int) -> date:
    total = month.year * 12 + month.month - 1 + n
    return date(total // 12, total % 12 + 1, 1)


def default_period(as_of: date) -> tuple[date, date]:
    end = as_of.replace(day=1)
    return add_months(end, 1 - PERIOD_MONTHS), end


# ---- the scope ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The area (the city, a county or a township), the as-of day, and the months of the period
    (``end`` never after the as-of day's month)."""

    area: Area
    as_of: date
    start: date
    end: date

    @property
    def prefix(self) -> str:
        return self.area.code

    @property
    def months(self) -> list[date]:
        return temporary.months_between(self.start, self.end)

    @property
    def days(self) -> list[date]:
        """The days coverage is read on: the end of each month of the period (the as-of day for
        its own month), then the as-of day itself."""
        days = [min(month_end(m), self.as_of) for m in self.months]
        return days if days and days[-1] == self.as_of else [*days, self.as_of]

    @property
    def child_level(self) -> str:
        return BELOW[self.area.level]

    @cached_property
    def children(self) -> list[Area]:
        """The areas one level down (counties of the city, townships of a county, villages of a
        township), every one of them, with nothing or not."""
        return list(Area.objects.filter(code__startswith=self.prefix, level=self.child_level).order_by("code"))

    @property
    def key_length(self) -> int:
        return {Area.Level.COUNTY: 6, Area.Level.TOWNSHIP: 9, Area.Level.VILLAGE: 12}[self.child_level]

    @cached_property
    def counties(self) -> list[str]:
        """The county codes of the area (the standards are set per county)."""
        if self.area.level == Area.Level.CITY:
            return [a.code for a in self.children]
        return [self.prefix[:6]]

    def temporary(self) -> temporary.Scope:
        return temporary.Scope(area=self.area, start=self.start, end=self.end, today=self.as_of)


def scope_of(area_code: str, as_of: date, start: date | None = None, end: date | None = None) -> Scope:
    """A scope without a user, for trusted callers (a scenario's test, a benchmark): the area by
    its code (the city ``3708``, a county or a township), the period the twelve months up to the
    as-of day unless given."""
    area = Area.objects.get(code=area_code, level__in=tuple(BELOW))
    default = default_period(as_of)
    return Scope(area, as_of, start or default[0], min(end or default[1], as_of.replace(day=1)))


def _parse_day(raw) -> date:
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise PolicyError("date_format", value=text[:20]) from None


def _parse_month(raw) -> date:
    if isinstance(raw, date):
        return raw.replace(day=1)
    month = parse_month(str(raw).strip()[:20])
    if not 1900 <= month.year <= 2100:
        raise PolicyError("month_format", value=str(raw)[:20])
    return month


def scope_for(user, *, area=None, as_of=None, start=None, end=None, today: date) -> Scope:
    """The scope a user asks for: ``area`` a county or township code of their own area (their whole
    area when not given), ``as_of`` a day (``YYYY-MM-DD``, today when not given, never after it),
    ``start``/``end`` months (``YYYY-MM``; the twelve months up to the as-of day when not given;
    a period ending after the as-of day's month ends with it). Every bad field is named at once
    (``area``, ``as_of``, ``from``, ``to``); an area outside the user's is refused as one that
    does not exist. A role that does not read figures: 403."""
    staff = temporary.reader(user)
    errors: list[FieldError] = []
    day = today
    if as_of not in (None, ""):
        try:
            day = _parse_day(as_of)
        except PolicyError as exc:
            errors.append(FieldError("as_of", exc.code, **exc.params))
        else:
            if day > today:
                errors.append(FieldError("as_of", "date_future", on=day.isoformat()))
            elif day < EARLIEST:
                errors.append(FieldError("as_of", "date_range", value=day.isoformat(), low=EARLIEST.isoformat(),
                                         high=today.isoformat()))  # fmt: skip
            if errors:
                day = today  # the period's default is read from a day that can be
    default = default_period(day)
    months = []
    for path, raw, fallback in (("from", start, default[0]), ("to", end, default[1])):
        try:
            months.append(fallback if raw in (None, "") else _parse_month(raw))
        except PolicyError:
            errors.append(FieldError(path, "month_format", value=str(raw)[:20]))
    if len(months) == 2 and not errors:
        first, last = months[0], min(months[1], day.replace(day=1))
        if first > day.replace(day=1):
            errors.append(FieldError("from", "report_start_after_as_of", start=f"{first:%Y-%m}", as_of=day.isoformat()))
        else:
            errors += temporary._period_errors(first, last)
        months = [first, last]
    chosen = temporary._area(staff, area)
    if chosen is None or chosen.level not in BELOW:
        errors.append(FieldError("area", "report_area", value=str(area)[:20]))
    if errors:
        raise InputError(errors)
    return Scope(chosen, day, months[0], months[1])


@dataclass(frozen=True)
class ListScope:
    """The covered cases a figure's line stands for: an area (down to a village), the as-of day,
    a programme and a hukou (each optional)."""

    area: Area
    as_of: date
    programme: str = ""
    hukou: str = ""


def list_scope(user, *, area=None, as_of=None, programme=None, hukou=None, today: date) -> ListScope:
    """As ``scope_for``: every bad field named (``area``, ``as_of``, ``programme``, ``hukou``)."""
    staff = temporary.reader(user)
    errors: list[FieldError] = []
    day = today
    if as_of not in (None, ""):
        try:
            day = _parse_day(as_of)
            if day > today:
                errors.append(FieldError("as_of", "date_future", on=day.isoformat()))
        except PolicyError as exc:
            errors.append(FieldError("as_of", exc.code, **exc.params))
    programme, hukou = (programme or "").strip(), (hukou or "").strip()
    if programme and programme not in covered.monthly_programmes():
        errors.append(FieldError("programme", "choice", value=programme[:20],
                                 choices=", ".join(covered.monthly_programmes())))  # fmt: skip
    if hukou and hukou not in HUKOU:
        errors.append(FieldError("hukou", "choice", value=hukou[:20], choices=", ".join(HUKOU)))
    code = (area or "").strip() or staff.area_id
    chosen = None
    if code.isascii() and code.isdigit() and len(code) <= 12 and code.startswith(staff.area_id):
        chosen = Area.objects.filter(code=code).first()
    if chosen is None:
        errors.append(FieldError("area", "report_area", value=str(area)[:20]))
    if errors:
        raise InputError(errors)
    return ListScope(chosen, day, programme, hukou)


def listed_cases(chosen: ListScope):
    """The cases covering on the day (``coverage.covered_cases``), by village and number."""
    cases = covered.covered_cases(chosen.area.code, chosen.as_of)
    if chosen.programme:
        cases = cases.filter(programme=chosen.programme)
    if chosen.hukou:
        cases = cases.filter(household__hukou=chosen.hukou)
    return cases.select_related("household__village__parent", "applicant").order_by("area_code", "id")


# ---- coverage ----------------------------------------------------------------------------------------


@dataclass
class Cell:
    households: int = 0
    persons: int = 0
    amount_fen: int = 0  # the monthly amounts in force
    poor_households: int = 0
    poor_persons: int = 0

    def add(self, row: covered.Row) -> None:
        self.households += row.households
        self.persons += row.persons
        self.amount_fen += row.amount_fen
        if row.poor:
            self.poor_households += row.households
            self.poor_persons += row.persons


@dataclass
class Coverage:
    """Coverage on each of the scope's days, by (day index, area key, programme, hukou)."""

    scope: Scope
    cells: dict[tuple[int, str, str, str], Cell]

    @property
    def last(self) -> int:
        return len(self.scope.days) - 1

    def total(self, day: int | None = None, **only: str) -> Cell:
        """Everything on a day (the as-of day unless said), optionally of one area, programme, hukou."""
        day = self.last if day is None else day
        out = Cell()
        for (d, area, programme, hukou), cell in self.cells.items():
            if d != day or any({"area": area, "programme": programme, "hukou": hukou}[k] != v for k, v in only.items()):
                continue
            out.households += cell.households
            out.persons += cell.persons
            out.amount_fen += cell.amount_fen
            out.poor_households += cell.poor_households
            out.poor_persons += cell.poor_persons
        return out


def coverage(scope: Scope) -> Coverage:
    """One grouped query (``coverage.coverage_rows``), spread over the scope's days."""
    cells: dict[tuple[int, str, str, str], Cell] = defaultdict(Cell)
    for row in covered.coverage_rows(scope.prefix, scope.days, scope.key_length):
        for day in range(len(scope.days)):
            if row.holds_on(day):
                cells[(day, row.area, row.programme, row.hukou)].add(row)
    return Coverage(scope, dict(cells))


def _monthly() -> list[programmes.Declaration]:
    return [d for d in programmes.all() if d.schedule == "monthly"]


def _area_lines(scope: Scope, values_of) -> list[Line]:
    """One line per area one level down, in code order: every one, zeros too."""
    return [Line(a.name, values_of(a.code), code=a.code) for a in scope.children]


def when(scope: Scope) -> dict[str, str]:
    """The day and the period an empty figure's sentence names."""
    return {"day": scope.as_of.isoformat(), "start": f"{scope.start:%Y-%m}", "end": f"{scope.end:%Y-%m}"}


def _nobody_covered(scope: Scope) -> str:
    return _("尚无数据：%(day)s 本区域没有在保对象（申请经审核确认、公示期满后才计入在保数）。") % when(scope)


def coverage_by_area(cov: Coverage) -> Table:
    columns, series, stacks = [], [], {}
    for d in _monthly():
        columns += [Column(f"{d.code}_households", _("%(p)s户数") % {"p": programmes.label(d.code)}),
                    Column(f"{d.code}_persons", _("%(p)s人数") % {"p": programmes.label(d.code)})]
        series += [f"{d.code}_households", f"{d.code}_persons"]
        stacks.update({f"{d.code}_households": "households", f"{d.code}_persons": "persons"})
    columns += [Column("households", _("合计户数")), Column("persons", _("合计人数"))]

    def values(code: str) -> dict:
        out = {}
        for d in _monthly():
            cell = cov.total(area=code, programme=d.code)
            out[f"{d.code}_households"], out[f"{d.code}_persons"] = cell.households, cell.persons
        cell = cov.total(area=code)
        out["households"], out["persons"] = cell.households, cell.persons
        return out

    return Table("coverage-area", _("保障对象：按区划（户数、人数）"), _("区划"), columns,
                 _area_lines(cov.scope, values),
                 chart=Chart("bar", horizontal=True, series=tuple(series), stacks=stacks),
                 empty=_nobody_covered(cov.scope))  # fmt: skip


def coverage_by_programme(cov: Coverage) -> Table:
    lines = []
    for d in _monthly():
        for hukou, label in HUKOU.items():
            cell = cov.total(programme=d.code, hukou=hukou)
            lines.append(Line(f"{label}{programmes.label(d.code)}", {"households": cell.households,
                                                                  "persons": cell.persons}, code=f"{d.code}:{hukou}"))
    return Table("coverage-programme", _("保障对象：按项目和城乡"), _("项目"),
                 [Column("households", _("户数")), Column("persons", _("人数"))], lines,
                 chart=Chart("bar", series=("households", "persons")), link_label=_("名单"),
                 empty=_nobody_covered(cov.scope))  # fmt: skip


def coverage_trend(cov: Coverage) -> Table:
    columns, series = [], []
    for d in _monthly():
        columns += [Column(f"{d.code}_households", _("%(p)s户数") % {"p": programmes.label(d.code)}),
                    Column(f"{d.code}_persons", _("%(p)s人数") % {"p": programmes.label(d.code)})]
        series += [f"{d.code}_households", f"{d.code}_persons"]
    lines = []
    for i, day in enumerate(cov.scope.days[: len(cov.scope.months)]):
        values = {}
        for d in _monthly():
            cell = cov.total(i, programme=d.code)
            values[f"{d.code}_households"], values[f"{d.code}_persons"] = cell.households, cell.persons
        lines.append(Line(f"{day:%Y-%m}", values, code=day.isoformat()))
    return Table("coverage-trend", _("保障对象：逐月走势（各月末）"), _("月份"), columns, lines,
                 chart=Chart("line", series=tuple(series)), totals=False,
                 note=_("各月末（统计日期所在月为统计日期）在保的户数和人数；时点数，不相加。"),
                 empty=_("尚无数据：%(start)s 至 %(end)s 各月末本区域都没有在保对象（申请经审核确认、公示期满后才计入"
                         "在保数）。") % when(cov.scope))  # fmt: skip


def registered_poor(cov: Coverage) -> Table:
    lines = []
    for d in _monthly():
        for hukou, label in HUKOU.items():
            cell = cov.total(programme=d.code, hukou=hukou)
            lines.append(Line(f"{label}{programmes.label(d.code)}", {
                "households": cell.households, "poor_households": cell.poor_households,
                "persons": cell.persons, "poor_persons": cell.poor_persons}, code=f"{d.code}:{hukou}"))
    columns = [
        Column("households", _("户数")), Column("poor_households", _("其中建档立卡贫困户")),
        Column("household_share", _("按户计占比（%）"), "percent", derive=share("poor_households", "households")),
        Column("persons", _("人数")), Column("poor_persons", _("其中建档立卡贫困人口")),
        Column("person_share", _("按人计占比（%）"), "percent", derive=share("poor_persons", "persons")),
    ]
    table = Table("registered-poor", _("建档立卡贫困人口占比"), _("项目"), columns, lines,
                  chart=Chart("bar", series=("household_share", "person_share")),
                  empty=_("尚无数据：%(day)s 本区域没有在保对象，或在保对象中没有建档立卡贫困户。") % when(cov.scope))
    table.note = _registered_poor_note(table)
    return table


def _registered_poor_note(table: Table) -> str:
    """The definitions, and a worked example only from this table's own totals line (never a
    figure from elsewhere that the table may contradict)."""
    total = table.total.values
    if not total["persons"]:
        return _("按人计：建档立卡贫困户中被保障的人数占保障人数的比例；按户计：建档立卡贫困户数占保障户数的比例。")
    return _("按人计：建档立卡贫困户中被保障的人数占保障人数的比例（本表合计 %(poor_persons)s / %(persons)s = "
             "%(person_share)s%%）；按户计：建档立卡贫困户数占保障户数的比例（本表合计 %(poor_households)s / "
             "%(households)s = %(household_share)s%%）。") % {
        k: (f"{v:,}" if isinstance(v, int) else str(v)) for k, v in total.items()}


def average_standard(declaration: programmes.Declaration, hukou: str, scope: Scope) -> Decimal | None:
    """The mean, over the area's counties, of the programme's standard (its first declared one:
    dibao's 保障标准, tekun's 基本生活标准) in force on the as-of day; None before the first value known."""
    if not declaration.standards:
        return None
    try:
        values = [value(declaration.standards[0], county, scope.as_of, hukou=hukou) for county in scope.counties]
    except PolicyError:
        return None
    # A standard set by something else than the hukou (children's allowances by placement) is not
    # one standard a person: no average of it here.
    if not values or not all(isinstance(v, Decimal | int) for v in values):
        return None
    values = [Decimal(v) for v in values]
    return (sum(values) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def averages(cov: Coverage) -> Table:
    lines = []
    for d in _monthly():
        for hukou, label in HUKOU.items():
            cell = cov.total(programme=d.code, hukou=hukou)
            lines.append(Line(f"{label}{programmes.label(d.code)}", {
                "standard": average_standard(d, hukou, cov.scope), "persons": cell.persons,
                "amount_fen": cell.amount_fen}, code=f"{d.code}:{hukou}"))
    columns = [
        Column("standard", _("平均保障标准（元/人·月）"), "yuan", summed=False),
        Column("persons", _("保障人数")), Column("amount_fen", _("月保障金合计（元）"), "fen"),
        Column("benefit", _("月人均补助水平（元）"), "yuan", derive=per("amount_fen", "persons")),
    ]
    return Table("averages", _("平均保障标准和月人均补助水平"), _("项目"), columns, lines,
                 chart=Chart("bar", series=("standard", "benefit")),
                 empty=_("尚无数据：%(day)s 本区域既没有可用的保障标准，也没有在保对象。") % when(cov.scope),
                 note=_("平均保障标准：统计日期执行的标准（低保为保障标准，特困为基本生活标准）在区域内各县级区划的"
                        "算术平均。月人均补助水平：统计日期在保对象的月保障金之和除以保障人数。"))  # fmt: skip


# ---- tekun: concentrated support --------------------------------------------------------------------

# POLICY.md §10: "tekun unable to care for themselves in concentrated support" is a tekun figure.
CONCENTRATION_PROGRAMME = "tekun"
SUPPORT_MODES = {"concentrated": _("集中供养"), "dispersed": _("分散供养")}
NOT_RECORDED = "not_recorded"
UNABLE_LEVEL = "complete"  # care.levels: COMPLETE_FROM or more activities not achieved


def _placements():
    """Where the support mode is recorded: the care app's placements (``care.Placement``: mode,
    from ``started_on`` until ``ended_on``), or None while no app records it."""
    try:
        return apps.get_model("care", "Placement")
    except LookupError:
        return None


def support_mode_recorded(prefix: str = "", as_of: date | None = None) -> bool:
    """Whether the support mode is recorded at all (in the area, by the day, when given)."""
    placements = _placements()
    if placements is None:
        return False
    rows = placements.objects.filter(area_code__startswith=prefix)
    return rows.filter(started_on__lte=as_of).exists() if as_of else rows.exists()


@dataclass
class Concentration:
    available: bool
    table: Table | None = None


def concentration(scope: Scope) -> Concentration:
    """Of the tekun persons covered on the as-of day (``coverage``) who cannot care for themselves
    (完全丧失生活自理能力: four or more of the six daily activities not achieved, ``policy.tekun``),
    those whose placement in force that day is concentrated (汶上县: 209 persons, 66 %); the rate
    is over all of them, those whose mode is not recorded included (shown apart). Until a support
    mode is recorded in the area by that day, an empty state: nothing is guessed. Today (and
    after): the person's count now, one query; a past day: the level assessed as of that day."""
    placements = _placements()
    if placements is None or not support_mode_recorded(scope.prefix, scope.as_of):
        return Concentration(False)
    in_force = (placements.objects.filter(case=OuterRef("pk"), started_on__lte=scope.as_of)
                .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=scope.as_of))
                .order_by("-started_on", "-id"))  # fmt: skip
    tekun = covered.covered_cases(scope.prefix, scope.as_of).filter(programme=CONCENTRATION_PROGRAMME)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    if scope.as_of < clock.today():
        # A past day reads the level of that day (care.selectors.levels_on: the latest assessment
        # on or before it, else what the first later one found before), not today's count.
        from safetynet.care.selectors import levels_on

        cases = list(tekun.annotate(mode=Subquery(in_force.values("mode")[:1])).select_related("applicant"))
        levels = levels_on(cases, scope.as_of)
        for c in cases:
            if levels[c.pk] == UNABLE_LEVEL:
                place = counts[c.area_code[: scope.key_length]]
                place[c.mode or NOT_RECORDED] = place.get(c.mode or NOT_RECORDED, 0) + 1
    else:
        rows = (
            tekun.filter(applicant__adl_unmet__gte=COMPLETE_FROM)
            .annotate(mode=Subquery(in_force.values("mode")[:1]))
            .values("mode", place=Substr("area_code", 1, scope.key_length))
            .annotate(n=Count("id")).order_by()
        )  # fmt: skip
        for r in rows:
            counts[r["place"]][r["mode"] or NOT_RECORDED] = r["n"]

    def values(code: str) -> dict:
        c = counts.get(code, {})
        return {"unable": sum(c.values()), "concentrated": c.get("concentrated", 0),
                "dispersed": c.get("dispersed", 0), NOT_RECORDED: c.get(NOT_RECORDED, 0)}  # fmt: skip

    table = Table("concentration", _("特困人员中生活不能自理人员集中供养率"), _("区划"), [
        Column("unable", _("生活不能自理人数")), Column("concentrated", _("其中集中供养")),
        Column("dispersed", _("分散供养")), Column(NOT_RECORDED, _("供养方式未登记")),
        Column("rate", _("集中供养率（%）"), "percent", derive=share("concentrated", "unable")),
    ], _area_lines(scope, values), chart=Chart("bar", horizontal=True, series=("concentrated", "dispersed",
                                                                               NOT_RECORDED),
                                               stacks=dict.fromkeys(("concentrated", "dispersed", NOT_RECORDED), "m")),
        empty=_("尚无数据：%(day)s 本区域在保的特困人员中没有经评估完全丧失生活自理能力的。") % when(scope),
        note=_("统计日期在保的特困人员中完全丧失生活自理能力（六项日常生活活动中四项以上不能完成）的人数，及其当日"
               "供养方式；集中供养率 = 集中供养人数 ÷ 生活不能自理人数（供养方式未登记的计入分母）。"))  # fmt: skip
    return Concentration(True, table)
