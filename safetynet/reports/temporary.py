"""The figures of temporary assistance (临时救助), the township standby funds (备用金) and the
referrals to other departments (转介), for the user's area and a period of months (POLICY.md §10:
"temporary assistance person-times and amount"; issue 10 §4).

Definitions (each figure says what it counts; ``docs/figures.md`` says the same for readers):

- **A case is helped** in the month money first went out to it: its first standby-fund draw
  (help first, or the rest in cash) or its first paid payroll line, whichever came first. Each
  helped case counts once, in that month: one **户次** (household-time).
- **人次 (person-times)**: each helped case counts the persons it helped: the members of the
  household at the time of the help, or one person for a person's case (the 2020 one-off for an
  unemployed person). That is the ``persons`` the rules counted when the case was assessed at its
  help or grant (``safetynet.policy.temporary``: the emergency amount is the standard × these
  persons), so the figure and the amount rest on one count. The seed counts people, each time
  they are reached, in 人次 throughout ("累计开展核对710批次、31万人次"; "直接受益人口23.17万人次"),
  and reports temporary assistance the same way ("目前救助895人次，发放临时救助金115.25万元"):
  a household of three helped once is three 人次. 户次 stands beside it for the households.
- **Amounts** are what was actually paid, when it was paid: standby-fund draws for temporary
  cases less what came back for them (returns), dated by the entry; and payroll lines of approved
  or locked temporary payrolls, not cancelled and not failed at the bank, in their payroll month.
  Granted but not yet paid is not counted.
- **Help first within the hours** (24, seed; ``temporary_help_first_hours``): of the help-first
  cases reported in the period, those helped within the hours (stored at the act) over all that
  were helped plus those still waiting after their hours ran out (due day passed).
- **Papers after**: of the cases helped first, those whose papers were completed (``accept``) by
  their ``papers_due_on`` (``temporary_papers_limit`` working days), and those overdue now.
- **Standby fund**: per township, the balance at the start and end of the period, what the county
  allocated, what was drawn and returned and adjusted in it, the balance now and whether it is
  under the fund's low-balance line (``funds.selectors``: a fifth of the last twelve months'
  allocations).
- **Referrals**: those sent in the period, per department and state now; open (sent or received)
  and overdue (open past the due day); median calendar days from sending to the answer (answered
  or declined).

Everything is counted by the database in grouped queries (a city's cases never travel to Python):
four for the cases (first helped by a draw; by a payroll line; paid by the fund; paid by the
payroll), one for help first, two for the funds (and the funds' own four for the balance now),
two for the referrals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, RowNumber, Substr, TruncMonth
from django.utils import timezone

from safetynet.cases.models import CaseEvent
from safetynet.funds import selectors as fund_selectors
from safetynet.funds.models import FundEntry
from safetynet.payments.models import Payment, PayrollRun
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.household import parse_month
from safetynet.referrals import selectors as referral_selectors
from safetynet.referrals.models import OPEN_STATES, State
from safetynet.registry.models import Area
from safetynet.registry.selectors import Forbidden, staff_of
from safetynet.reports import messages as _messages  # noqa: F401  (registers the messages)
from safetynet.temporary.models import KIND_CAUSES, Kind, TemporaryCase

PROGRAMME = "temporary"
# Who reads these figures: the township's clerk and approver (their township), the county and
# its approver (their townships), the city and the auditor (every township). A department's
# liaison reads its referrals on their own page, never the civil affairs figures.
READERS = ("clerk", "approver", "county", "county_approver", "city", "auditor")
# A period longer than this is a typo (a report is read month by month: ten years is plenty).
MAX_MONTHS = 120
PAID_RUNS = (PayrollRun.Status.APPROVED, PayrollRun.Status.LOCKED)


# ---- the scope and the period ----------------------------------------------------------------------


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def months_between(start: date, end: date) -> list[date]:
    out, month = [], start
    while month <= end:
        out.append(month)
        month = next_month(month)
    return out


def default_period(today: date) -> tuple[date, date]:
    """This year so far (as the other figures)."""
    return date(today.year, 1, 1), today.replace(day=1)


def reader(user):
    """The user's staff record if they read these figures; a 403 otherwise."""
    staff = staff_of(user)
    if staff is None or staff.role not in READERS:
        raise Forbidden(staff.get_role_display() if staff else "—", "查看临时救助统计")
    return staff


def areas_of(user) -> list[Area]:
    """The areas a report may be narrowed to: the user's own, then its counties and townships."""
    staff = reader(user)
    return list(Area.objects.filter(code__startswith=staff.area_id,
                                    level__in=(Area.Level.CITY, Area.Level.COUNTY, Area.Level.TOWNSHIP))
                .order_by("code"))  # fmt: skip


@dataclass(frozen=True)
class Scope:
    """What a report covers: an area (the user's or a part of it) and the months ``start`` to ``end``."""

    area: Area
    start: date
    end: date
    today: date

    @property
    def prefix(self) -> str:
        return self.area.code

    @property
    def until(self) -> date:
        """The first day after the period."""
        return next_month(self.end)

    @property
    def months(self) -> list[date]:
        return months_between(self.start, self.end)

    def aware(self, day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, time.min))


def _area(staff, area: str | None) -> Area | None:
    """The county or township asked for, within the user's area (their own area when not said)."""
    code = (area or "").strip() or staff.area_id
    if not (code.isascii() and code.isdigit() and len(code) <= 12 and code.startswith(staff.area_id)):
        return None
    return Area.objects.filter(code=code, level__in=(Area.Level.CITY, Area.Level.COUNTY, Area.Level.TOWNSHIP)).first()


def _period_errors(start: date, end: date) -> list[FieldError]:
    if start > end:
        return [FieldError("to", "report_period_order", start=f"{start:%Y-%m}", end=f"{end:%Y-%m}")]
    if len(months_between(start, end)) > MAX_MONTHS:
        return [FieldError("to", "report_period_long", most=MAX_MONTHS)]
    return []


def scope(user, *, start: date, end: date, area: str | None, today: date) -> Scope:
    """The scope of a report, or an InputError naming the field (``to``, ``area``). An area
    outside the user's is refused as one that does not exist (nothing is told about it)."""
    staff = reader(user)
    errors = _period_errors(start, end)
    chosen = _area(staff, area)
    if chosen is None:
        errors.append(FieldError("area", "report_area", value=str(area)[:20]))
    if errors:
        raise InputError(errors)
    return Scope(area=chosen, start=start, end=end, today=today)


def parse_scope(user, *, start: str | None, end: str | None, area: str | None, today: date) -> Scope:
    """The API's query string: ``from`` and ``to`` as ``YYYY-MM`` (this year so far when not
    given), ``area`` a county or township code of the user's area (their whole area when not
    given). Every bad field is named at once."""
    staff = reader(user)
    errors: list[FieldError] = []
    months = []
    for path, raw, fallback in (("from", start, default_period(today)[0]), ("to", end, default_period(today)[1])):
        if raw in (None, ""):
            months.append(fallback)
            continue
        try:
            month = parse_month(str(raw).strip())
            if month.year > 2100:
                raise PolicyError("month_format", value=raw)
        except PolicyError:
            errors.append(FieldError(path, "month_format", value=str(raw)[:20]))
            continue
        months.append(month)
    if not errors:  # the order of two good months
        errors += _period_errors(*months)
    if _area(staff, area) is None:
        errors.append(FieldError("area", "report_area", value=str(area)[:20]))
    if errors:
        raise InputError(errors)
    return scope(user, start=months[0], end=months[1], area=area, today=today)


# ---- temporary assistance ------------------------------------------------------------------------


@dataclass
class Tally:
    """One row of the temporary-assistance tables."""

    households: int = 0  # 户次
    persons: int = 0  # 人次
    fund_fen: int = 0  # paid from the standby fund (draws less returns)
    payroll_fen: int = 0  # paid by the payroll

    @property
    def amount_fen(self) -> int:
        return self.fund_fen + self.payroll_fen

    def add(self, other: Tally) -> None:
        self.households += other.households
        self.persons += other.persons
        self.fund_fen += other.fund_fen
        self.payroll_fen += other.payroll_fen


@dataclass
class HelpFirst:
    """Help first and papers after, per township (or in total)."""

    helped: int = 0  # helped first (whenever: within the hours or not)
    met: int = 0  # helped within the hours
    waiting_late: int = 0  # not helped, and the hours have run out
    papers_done: int = 0  # helped, papers completed
    papers_in_time: int = 0  # ... by their due day
    papers_overdue: int = 0  # helped, papers still missing after their due day

    @property
    def due(self) -> int:
        """All help-first cases that should have been helped by now."""
        return self.helped + self.waiting_late

    @property
    def rate(self) -> Decimal | None:
        """Met / due, as a percentage to one decimal (None when nothing was due)."""
        return _percent(self.met, self.due)

    @property
    def papers_rate(self) -> Decimal | None:
        return _percent(self.papers_in_time, self.papers_done + self.papers_overdue)

    def add(self, other: HelpFirst) -> None:
        for name in ("helped", "met", "waiting_late", "papers_done", "papers_in_time", "papers_overdue"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"))


def _paid_lines():
    """Payroll lines of temporary assistance that paid: an approved or locked run, the line not
    cancelled, not failed at the bank."""
    return (Payment.objects.filter(programme=PROGRAMME, cancelled=False, run__status__in=PAID_RUNS)
            .exclude(bank_status="failed"))  # fmt: skip


def _persons(case: str):
    """The persons a case helped, as its rules' answer counted them; a case always helps someone."""
    return Coalesce(Cast(KeyTextTransform("persons", f"{case}assessment"), IntegerField()), Value(1))


def _first_draws(s: Scope):
    """Cases whose first money was a standby-fund draw in the period: the draw with no earlier
    draw of its case and no paid payroll line of a month up to its day. Grouped by township,
    month, kind and cause: households and persons (one query; the anti-joins are set-based, read
    only for the period's draws)."""
    earlier_draw = FundEntry.objects.filter(case=OuterRef("case"), kind=FundEntry.Kind.DRAW).filter(
        Q(on__lt=OuterRef("on")) | Q(on=OuterRef("on"), id__lt=OuterRef("id")))
    earlier_line = _paid_lines().filter(case=OuterRef("case"), month__lte=OuterRef("on"))
    return (
        FundEntry.objects.filter(kind=FundEntry.Kind.DRAW, case__programme=PROGRAMME,
                                 case__area_code__startswith=s.prefix, on__gte=s.start, on__lt=s.until)
        .filter(~Exists(earlier_draw), ~Exists(earlier_line))
        .values(t=Substr("case__area_code", 1, 9), m=TruncMonth("on", output_field=DateField()),
                k=F("case__temporary__kind"), c=F("case__temporary__cause"))
        .annotate(households=Count("id"), persons=Sum(_persons("case__")))
        .order_by()
    )  # fmt: skip


def _first_lines(s: Scope):
    """Cases whose first money was a paid payroll line in the period: no earlier paid line of
    its case and no draw before its month (a draw on the 1st and a line of that month: the line).
    Grouped as above (one query)."""
    earlier_line = _paid_lines().filter(case=OuterRef("case")).filter(
        Q(month__lt=OuterRef("month")) | Q(month=OuterRef("month"), id__lt=OuterRef("id")))
    earlier_draw = FundEntry.objects.filter(case=OuterRef("case"), kind=FundEntry.Kind.DRAW, on__lt=OuterRef("month"))
    return (
        _paid_lines().filter(case__area_code__startswith=s.prefix, month__gte=s.start, month__lt=s.until)
        .filter(~Exists(earlier_line), ~Exists(earlier_draw))
        .values("month", t=Substr("case__area_code", 1, 9), k=F("case__temporary__kind"),
                c=F("case__temporary__cause"))
        .annotate(households=Count("id"), persons=Sum(_persons("case__")))
        .order_by()
    )  # fmt: skip


def _fund_paid(s: Scope):
    """Standby-fund draws for the area's temporary cases in the period, less returns, grouped
    as above (one query). Positive: money out."""
    return (
        FundEntry.objects.filter(kind__in=(FundEntry.Kind.DRAW, FundEntry.Kind.RETURN), case__programme=PROGRAMME,
                                 case__area_code__startswith=s.prefix, on__gte=s.start, on__lt=s.until)
        .values(t=Substr("case__area_code", 1, 9), m=TruncMonth("on", output_field=DateField()),
                k=F("case__temporary__kind"), c=F("case__temporary__cause"))
        .annotate(fen=-Sum("amount_fen"))
        .order_by()
    )  # fmt: skip


def _payroll_paid(s: Scope):
    """Paid payroll lines of the area's temporary cases in the period's payroll months (one query)."""
    return (
        _paid_lines().filter(case__area_code__startswith=s.prefix, month__gte=s.start, month__lt=s.until)
        .values("month", t=Substr("case__area_code", 1, 9), k=F("case__temporary__kind"),
                c=F("case__temporary__cause"))
        .annotate(fen=Sum("amount_fen"))
        .order_by()
    )  # fmt: skip


def _help_first(s: Scope) -> dict[str, HelpFirst]:
    """Per township: help first within the hours, and the papers after (one query)."""
    papers = (CaseEvent.objects.filter(case=OuterRef("case"), transition="accept").order_by("on", "id")
              .values("on")[:1])  # fmt: skip
    helped = Q(helped_at__isnull=False)
    rows = (
        TemporaryCase.objects.filter(help_first_path=True, case__area_code__startswith=s.prefix,
                                     reported_at__gte=s.aware(s.start), reported_at__lt=s.aware(s.until))
        .annotate(papers_on=Subquery(papers, output_field=DateField()))
        .values(t=Substr("case__area_code", 1, 9))
        .annotate(
            helped=Count("id", filter=helped),
            met=Count("id", filter=helped & Q(within_hours=True)),
            waiting_late=Count("id", filter=Q(helped_at__isnull=True, case__state="reported",
                                              case__due_on__lt=s.today)),
            papers_done=Count("id", filter=helped & Q(papers_on__isnull=False)),
            papers_in_time=Count("id", filter=helped & Q(papers_on__lte=F("papers_due_on"))),
            papers_overdue=Count("id", filter=helped & Q(papers_on__isnull=True, case__state="helped",
                                                         papers_due_on__lt=s.today)),
        )
        .order_by()
    )  # fmt: skip
    return {r.pop("t"): HelpFirst(**r) for r in rows}


@dataclass
class TemporaryFigures:
    scope: Scope
    cells: dict[tuple[str, date, str, str], Tally]  # (township, month, kind, cause) -> tally
    help_first: dict[str, HelpFirst]
    names: dict[str, str]  # township code -> name

    def roll(self, key) -> dict:
        out: dict = defaultdict(Tally)
        for cell, tally in self.cells.items():
            out[key(*cell)].add(tally)
        return out

    @property
    def total(self) -> Tally:
        out = Tally()
        for tally in self.cells.values():
            out.add(tally)
        return out

    @property
    def help_first_total(self) -> HelpFirst:
        out = HelpFirst()
        for row in self.help_first.values():
            out.add(row)
        return out

    def by_kind(self) -> list[tuple[str, str, Tally]]:
        rolled = self.roll(lambda t, m, k, c: k)
        return [(k.value, str(k.label), rolled.get(k.value, Tally())) for k in Kind]

    def by_cause(self) -> list[tuple[str, str, str, str, Tally]]:
        """Every cause of each kind, the kind's causes in order (a cause with nothing shows 0):
        kind, its label, cause, its label, tally."""
        rolled = self.roll(lambda t, m, k, c: (k, c))
        return [(kind.value, str(kind.label), cause.value, str(cause.label),
                 rolled.get((kind.value, cause.value), Tally()))
                for kind in Kind for cause in KIND_CAUSES[kind]]  # fmt: skip

    def townships(self) -> list[str]:
        """The townships with anything to show, by code."""
        return sorted({t for t, *_rest in self.cells} | set(self.help_first))

    def by_township(self) -> list[tuple[str, str, Tally, HelpFirst]]:
        rolled = self.roll(lambda t, m, k, c: t)
        return [(t, self.names.get(t, t), rolled.get(t, Tally()), self.help_first.get(t, HelpFirst()))
                for t in self.townships()]  # fmt: skip

    def by_month(self) -> list[tuple[date, Tally, Tally, Tally]]:
        """Every month of the period: all, of which 急难型, of which 支出型."""
        rolled = self.roll(lambda t, m, k, c: (m, k))
        out = []
        for month in self.scope.months:
            emergency = rolled.get((month, Kind.EMERGENCY.value), Tally())
            spending = rolled.get((month, Kind.SPENDING.value), Tally())
            both = Tally()
            both.add(emergency)
            both.add(spending)
            out.append((month, both, emergency, spending))
        return out

    def by_township_month(self) -> list[tuple[str, str, date, str, str, Tally]]:
        """The finest rows kept by kind (the Excel file's detail): township, its name, month,
        kind, its label, tally."""
        rolled = self.roll(lambda t, m, k, c: (t, m, k))
        labels = dict(Kind.choices)
        return [(t, self.names.get(t, t), m, k, str(labels.get(k, k)), tally)
                for (t, m, k), tally in sorted(rolled.items())]  # fmt: skip


def _month_key(value) -> date:
    """A month as the database gave it (a date; a datetime on some backends)."""
    if isinstance(value, datetime):
        value = value.date()
    return value.replace(day=1)


def temporary_figures(s: Scope) -> TemporaryFigures:
    cells: dict[tuple[str, date, str, str], Tally] = defaultdict(Tally)
    for r in [*_first_draws(s), *_first_lines(s)]:
        tally = cells[(r["t"], _month_key(r.get("m") or r.get("month")), r["k"], r["c"])]
        tally.households += r["households"]
        tally.persons += r["persons"] or 0
    for r in _fund_paid(s):
        cells[(r["t"], _month_key(r["m"]), r["k"], r["c"])].fund_fen += r["fen"] or 0
    for r in _payroll_paid(s):
        cells[(r["t"], _month_key(r["month"]), r["k"], r["c"])].payroll_fen += r["fen"] or 0
    help_first = _help_first(s)
    codes = {t for t, *_rest in cells} | set(help_first)
    names = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
    return TemporaryFigures(scope=s, cells=dict(cells), help_first=help_first, names=names)


# ---- the standby funds -----------------------------------------------------------------------------


@dataclass
class FundFigures:
    code: str
    name: str
    opened: bool
    opening_fen: int = 0
    allocated_fen: int = 0
    drawn_fen: int = 0  # positive: money out
    returned_fen: int = 0
    adjusted_fen: int = 0  # signed
    closing_fen: int = 0
    balance_fen: int = 0  # now
    line_fen: int = 0  # the low-balance line now
    low: bool = False


@dataclass
class FundMonth:
    month: date
    allocated_fen: int = 0
    drawn_fen: int = 0
    returned_fen: int = 0
    adjusted_fen: int = 0


def _fund_sums(**period) -> dict:
    return {
        "allocated": Sum("amount_fen", filter=Q(kind=FundEntry.Kind.ALLOCATE, **period)),
        "drawn": Sum("amount_fen", filter=Q(kind=FundEntry.Kind.DRAW, **period)),
        "returned": Sum("amount_fen", filter=Q(kind=FundEntry.Kind.RETURN, **period)),
        "adjusted": Sum("amount_fen", filter=Q(kind=FundEntry.Kind.ADJUST, **period)),
    }


def fund_figures(user, s: Scope) -> tuple[list[FundFigures], list[FundMonth]]:
    """Per township of the scope: the period's book and the balance now with its low-balance
    warning; and per month of the period, the area's allocations, draws, returns, adjustments."""
    rows = [r for r in fund_selectors.fund_rows(user, s.today) if r.township.code.startswith(s.prefix)]
    book = {
        r.pop("fund_id"): r
        for r in FundEntry.objects.filter(fund__township__code__startswith=s.prefix, on__lt=s.until).values("fund_id")
        .annotate(opening=Sum("amount_fen", filter=Q(on__lt=s.start)), closing=Sum("amount_fen"),
                  **_fund_sums(on__gte=s.start))
        .order_by()
    }  # fmt: skip
    out = []
    for r in rows:
        b = book.get(r.township.code, {})
        line = r.allocated_fen * fund_selectors.LOW_SHARE_NUMERATOR // fund_selectors.LOW_SHARE_DENOMINATOR
        out.append(FundFigures(
            code=r.township.code, name=r.township.name, opened=r.opened, opening_fen=b.get("opening") or 0,
            allocated_fen=b.get("allocated") or 0, drawn_fen=-(b.get("drawn") or 0),
            returned_fen=b.get("returned") or 0, adjusted_fen=b.get("adjusted") or 0,
            closing_fen=b.get("closing") or 0, balance_fen=r.balance_fen, line_fen=line, low=r.opened and r.low,
        ))  # fmt: skip
    by_month = {
        _month_key(r.pop("m")): r
        for r in FundEntry.objects.filter(fund__township__code__startswith=s.prefix, on__gte=s.start, on__lt=s.until)
        .values(m=TruncMonth("on", output_field=DateField())).annotate(**_fund_sums()).order_by()
    }  # fmt: skip
    months = []
    for month in s.months:
        r = by_month.get(month, {})
        months.append(FundMonth(month, allocated_fen=r.get("allocated") or 0, drawn_fen=-(r.get("drawn") or 0),
                                returned_fen=r.get("returned") or 0, adjusted_fen=r.get("adjusted") or 0))
    return out, months


# ---- referrals ----------------------------------------------------------------------------------------


@dataclass
class ReferralFigures:
    department: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    median_days: Decimal | None = None
    answered: int = 0  # answered or declined: the median's count

    @property
    def open(self) -> int:
        return sum(self.counts.get(s, 0) for s in OPEN_STATES)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(state.value, 0) for state in State]


def _referrals(user, s: Scope):
    return referral_selectors.referrals_for(user).filter(area_code__startswith=s.prefix, sent_on__gte=s.start,
                                                         sent_on__lt=s.until)  # fmt: skip


def _medians(rows) -> dict[str, tuple[Decimal, int]]:
    """Per department: the median of the days from sending to the answer, and how many answers.
    The database ranks the answers of each department and returns the one or two in the middle
    (a window function, on SQLite and PostgreSQL alike)."""
    days = ExpressionWrapper(F("answered_on") - F("sent_on"), output_field=DurationField())
    ranked = (
        rows.filter(state__in=("answered", "declined"), answered_on__isnull=False).order_by()
        .annotate(days=days)
        .annotate(rank=Window(RowNumber(), partition_by=F("department"), order_by=[F("days").asc(), F("id").asc()]),
                  n=Window(Count("id"), partition_by=F("department")))
        .filter(rank__gte=(F("n") + 1) / 2, rank__lte=(F("n") + 2) / 2)
        .values_list("department", "days", "n")
    )  # fmt: skip
    middle: dict[str, list] = defaultdict(list)
    counts: dict[str, int] = {}
    for department, delta, n in ranked:
        middle[department].append(delta.days)
        counts[department] = n
    return {d: ((Decimal(sum(v)) / len(v)).quantize(Decimal("0.1")), counts[d]) for d, v in middle.items()}


def referral_figures(user, s: Scope) -> list[ReferralFigures]:
    """Per department: referrals sent in the period by state now, open, overdue, and the median
    days to answer (two queries)."""
    rows = _referrals(user, s)
    medians = _medians(rows)
    out = []
    for d in referral_selectors.by_department(rows, s.today):
        median, answered = medians.get(d.department, (None, 0))
        out.append(ReferralFigures(d.department, d.label, dict(d.counts), d.overdue, median, answered))
    return out


def referral_total(rows: list[ReferralFigures]) -> ReferralFigures:
    total = ReferralFigures("", "合计")
    for r in rows:
        for state, n in r.counts.items():
            total.counts[state] = total.counts.get(state, 0) + n
        total.overdue += r.overdue
        total.answered += r.answered
    return total


# ---- everything, once -------------------------------------------------------------------------------


@dataclass
class Figures:
    scope: Scope
    temporary: TemporaryFigures
    funds: list[FundFigures]
    fund_months: list[FundMonth]
    referrals: list[ReferralFigures]

    @property
    def low_funds(self) -> list[FundFigures]:
        return [f for f in self.funds if f.low]

    @property
    def referral_total(self) -> ReferralFigures:
        return referral_total(self.referrals)


def figures(user, s: Scope) -> Figures:
    fund_rows, fund_months = fund_figures(user, s)
    return Figures(scope=s, temporary=temporary_figures(s), funds=fund_rows, fund_months=fund_months,
                   referrals=referral_figures(user, s))


STATE_LABELS = dict(State.choices)
