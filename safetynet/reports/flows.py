"""The money and the work of a period, as of a day (``docs/figures.md``): funds paid, the price
subsidy, temporary assistance, decisions within the time limit, checks, screening findings and
the enrolments that followed a missed-coverage finding. Each is one or two grouped queries over
the scope's months (``figures.Scope``: never after the as-of day's month; the day itself bounds
what is dated by day)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext_lazy as _

from safetynet.batch.screen import FINDING_KINDS
from safetynet.cases import programmes
from safetynet.cases.models import DECISION_TRANSITIONS, Case, CaseEvent
from safetynet.payments.models import Payment, PayrollRun
from safetynet.reports import temporary
from safetynet.reports.coverage import monthly_programmes
from safetynet.reports.figures import Scope, _area_lines, when
from safetynet.reports.tables import Chart, Column, Line, Table, difference, share
from safetynet.supervision.models import LedgerItem
from safetynet.verification.models import CheckRun
from safetynet.verification.selectors import MISSED_KINDS
from safetynet.web.lang import current_lang

PAID_RUNS = (PayrollRun.Status.APPROVED, PayrollRun.Status.LOCKED)


def _month(value) -> date:
    return temporary._month_key(value)


def _month_lines(scope: Scope, values_of) -> list[Line]:
    return [Line(f"{m:%Y-%m}", values_of(m), code=f"{m:%Y-%m}") for m in scope.months]


# ---- funds paid ---------------------------------------------------------------------------------------


def paid_lines(scope: Scope):
    """Payroll lines that paid, in the scope's payroll months: an approved or locked payroll, the
    line not cancelled, not failed at the bank. The area is the payroll's township (its lines'
    cases are the township's)."""
    return (Payment.objects.filter(run__township__code__startswith=scope.prefix, run__status__in=PAID_RUNS,
                                   cancelled=False, month__gte=scope.start, month__lte=scope.end)
            .exclude(bank_status="failed"))  # fmt: skip


def _line_area(scope: Scope):
    """A paid line's area one level down: from its payroll's township (no join to the cases), or
    for a township's villages, from its case."""
    if scope.key_length <= 9:
        return Substr("run__township_id", 1, scope.key_length)
    return Substr("case__area_code", 1, scope.key_length)


def _fund_columns() -> list[Column]:
    columns = [Column(d.code, _("%(p)s（元）") % {"p": programmes.label(d.code)}, "fen") for d in programmes.all()]
    return [*columns, Column("total", _("合计（元）"), "fen"), Column("back_pay", _("其中补发（元）"), "fen"),
            Column("recovery", _("其中追回（元，负数）"), "fen"),
            Column("price_subsidy", _("其中价格临时补贴（元）"), "fen")]  # fmt: skip


def _fund_rows(scope: Scope) -> list[dict]:
    return list(
        paid_lines(scope)
        .values("month", "programme", "kind", area=_line_area(scope))
        .annotate(fen=Sum("amount_fen"))
        .order_by()
    )


def funds(scope: Scope) -> tuple[Table, Table]:
    """Paid per month and per area: each programme, the total, and of it back pay, recovery and
    the price subsidy (one query)."""
    by_month: dict[date, dict] = defaultdict(lambda: defaultdict(int))
    by_area: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for r in _fund_rows(scope):
        for target in (by_month[_month(r["month"])], by_area[r["area"]]):
            target[r["programme"]] += r["fen"] or 0
            target["total"] += r["fen"] or 0
            if r["kind"] in ("back_pay", "recovery", "price_subsidy"):
                target[r["kind"]] += r["fen"] or 0
    columns = _fund_columns()
    keys = [c.key for c in columns]
    series = tuple(d.code for d in programmes.all())
    no_payroll = _("尚无数据：%(start)s 至 %(end)s 本区域没有已审核（或已锁定）的发放名册，"
                   "发放名册审核后计入。") % when(scope)
    stacks = dict.fromkeys(series, "paid")
    month_table = Table("funds-month", _("资金发放：按月份"), _("月份"), columns,
                        _month_lines(scope, lambda m: {k: by_month.get(m, {}).get(k, 0) for k in keys}),
                        chart=Chart("bar", series=series, stacks=stacks), empty=no_payroll,
                        note=_("已审核（或已锁定）发放名册中未作废、银行未退回的发放，按名册月份；追回为负数，已从合计中扣减。"))
    area_table = Table("funds-area", _("资金发放：按区划"), _("区划"), columns,
                       _area_lines(scope, lambda code: {k: by_area.get(code, {}).get(k, 0) for k in keys}),
                       chart=Chart("bar", horizontal=True, series=series, stacks=stacks), empty=no_payroll)
    return month_table, area_table


def funds_detail(scope: Scope):
    """The finest rows, for the page's paged detail and the Excel file: month, programme and
    township, with lines, total, back pay and price subsidy."""
    return (
        paid_lines(scope).values("month", "programme", "run__township_id", "run__township__name")
        .annotate(lines=Count("id"), total_fen=Sum("amount_fen"),
                  back_pay_fen=Sum("amount_fen", filter=Q(kind="back_pay")),
                  recovery_fen=Sum("amount_fen", filter=Q(kind="recovery")),
                  subsidy_fen=Sum("amount_fen", filter=Q(kind="price_subsidy")))
        .order_by("month", "programme", "run__township_id")
    )  # fmt: skip


# ---- the price subsidy ------------------------------------------------------------------------------


def price_subsidy(scope: Scope) -> tuple[Table, Table]:
    """Price-subsidy lines paid: person-times (the persons each case's decision covers, as its
    line's decision recorded them) and amounts, per month and per area (one query)."""
    rows = (
        paid_lines(scope).filter(kind=Payment.Kind.PRICE_SUBSIDY)
        .values("month", area=_line_area(scope))
        .annotate(lines=Count("id"), persons=Sum(Coalesce("decision__persons_covered", "case__persons_covered")),
                  fen=Sum("amount_fen"))
        .order_by()
    )  # fmt: skip
    by_month: dict[date, dict] = defaultdict(lambda: defaultdict(int))
    by_area: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        for target in (by_month[_month(r["month"])], by_area[r["area"]]):
            target["households"] += r["lines"]
            target["persons"] += r["persons"] or 0
            target["fen"] += r["fen"] or 0
    columns = [Column("households", _("户次")), Column("persons", _("人次")), Column("fen", _("金额（元）"), "fen")]
    keys = [c.key for c in columns]
    none_paid = _("尚无数据：%(start)s 至 %(end)s 本区域已审核的发放名册中没有价格临时补贴"
                  "（补贴启动后随名册发放）。") % when(scope)
    return (
        Table("price-subsidy-month", _("价格临时补贴：按月份"), _("月份"), columns,
              _month_lines(scope, lambda m: {k: by_month.get(m, {}).get(k, 0) for k in keys}),
              chart=Chart("bar", series=("persons",)), empty=none_paid,
              note=_("人次：每笔补贴按其依据的决定所保障的人数计（单人户计所保障的成员，不计全户）。")),
        Table("price-subsidy-area", _("价格临时补贴：按区划"), _("区划"), columns,
              _area_lines(scope, lambda code: {k: by_area.get(code, {}).get(k, 0) for k in keys}),
              chart=Chart("bar", horizontal=True, series=("persons",)), empty=none_paid),
    )  # fmt: skip


# ---- temporary assistance ----------------------------------------------------------------------------


def temporary_assistance(scope: Scope) -> tuple[Table, Table]:
    """Household-times, person-times and amounts paid (``reports.temporary``, its definitions),
    per month and per area, up to the as-of day's month."""
    fig = temporary.temporary_figures(scope.temporary())
    key = scope.key_length
    by_month = fig.roll(lambda t, m, k, c: m)
    by_area = fig.roll(lambda t, m, k, c: t[:key])
    columns = [Column("households", _("户次")), Column("persons", _("人次")), Column("fen", _("金额（元）"), "fen")]

    def values(tally) -> dict:
        return {"households": tally.households, "persons": tally.persons, "fen": tally.amount_fen}

    empty = temporary.Tally()
    none_paid = _("尚无数据：%(start)s 至 %(end)s 本区域没有支付临时救助资金"
                  "（备用金支出或名册发放后计入）。") % when(scope)
    area_lines = _area_lines(scope, lambda code: values(by_area.get(code, empty)))
    if scope.key_length > 9:  # a township's own figures: the villages are not where help is counted
        area_lines = [Line(scope.area.name, values(fig.total), code=scope.prefix)]
    return (
        Table("temporary-month", _("临时救助：按月份"), _("月份"), columns,
              _month_lines(scope, lambda m: values(by_month.get(m, empty))),
              chart=Chart("bar", series=("persons", "households")), empty=none_paid),
        Table("temporary-area", _("临时救助：按区划"), _("区划"), columns, area_lines,
              chart=Chart("bar", horizontal=True, series=("persons", "households")), empty=none_paid),
    )  # fmt: skip


# ---- decisions within the time limit ------------------------------------------------------------------


def decisions(scope: Scope) -> Table:
    """Decisions on applications (approval or refusal) dated in the period up to the as-of day,
    and of them those taken by the case's decision deadline (``decision_due_on``), per area."""
    rows = (
        CaseEvent.objects.filter(transition__in=DECISION_TRANSITIONS, case__area_code__startswith=scope.prefix,
                                 case__decision_due_on__isnull=False, on__gte=scope.start, on__lte=scope.as_of,
                                 on__lt=temporary.next_month(scope.end))
        .values(area=Substr("case__area_code", 1, scope.key_length))
        .annotate(decided=Count("id"), on_time=Count("id", filter=Q(on__lte=F("case__decision_due_on"))))
        .order_by()
    )  # fmt: skip
    found = {r["area"]: r for r in rows}
    columns = [
        Column("decided", _("审核确认决定")), Column("on_time", _("其中在期限内")),
        Column("late", _("超期"), derive=difference("decided", "on_time")),
        Column("rate", _("时限内办结率（%）"), "percent", derive=share("on_time", "decided")),
    ]
    return Table("decisions", _("审核确认时效"), _("区划"), columns,
                 _area_lines(scope, lambda code: {"decided": found.get(code, {}).get("decided", 0),
                                                  "on_time": found.get(code, {}).get("on_time", 0)}),
                 chart=Chart("bar", horizontal=True, series=("on_time", "late"),
                             stacks={"on_time": "d", "late": "d"}),
                 empty=_("尚无数据：%(start)s 至 %(end)s（截至 %(day)s）本区域没有作出审核确认决定。") % when(scope),
                 note=_("期间内作出的确认或不予确认决定（截至统计日期），及其中在审核确认期限内作出的。"))  # fmt: skip


# ---- checks and screening findings ---------------------------------------------------------------------


def checks(scope: Scope) -> tuple[Table, Table]:
    """Check batches finished, the households and person-checks in them, per month (the run's
    month) and per kind: the batches the area ran (one query)."""
    rows = (
        CheckRun.objects.filter(area__code__startswith=scope.prefix, status=CheckRun.Status.DONE,
                                month__gte=scope.start, month__lte=scope.end)
        .values("month", "kind")
        .annotate(batches=Count("id"), households=Sum("households"), person_checks=Sum("person_checks"))
        .order_by()
    )  # fmt: skip
    by_month: dict[date, dict] = defaultdict(lambda: defaultdict(int))
    by_kind: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        for target in (by_month[_month(r["month"])], by_kind[r["kind"]]):
            for k in ("batches", "households", "person_checks"):
                target[k] += r[k] or 0
    columns = [Column("batches", _("核对批次")), Column("households", _("户数")),
               Column("person_checks", _("人次"))]  # fmt: skip
    keys = [c.key for c in columns]
    return (
        Table("checks-month", _("核对：按月份"), _("月份"), columns,
              _month_lines(scope, lambda m: {k: by_month.get(m, {}).get(k, 0) for k in keys}),
              chart=Chart("bar", series=("batches", "person_checks")),
              empty=_("尚无数据：%(start)s 至 %(end)s 本区域没有完成的核对批次。") % when(scope)),
        Table("checks-kind", _("核对：按类型"), _("类型"), columns,
              [Line(str(label), {k: by_kind.get(code, {}).get(k, 0) for k in keys}, code=code)
               for code, label in CheckRun.Kind.choices]),
    )  # fmt: skip


def _kind_label(code: str) -> str:
    zh, en = FINDING_KINDS.get(code, (code, code))
    return en if current_lang() == "en" else zh


def findings(scope: Scope) -> tuple[Table, Table]:
    """Screening findings of the period's months (the problem ledger), and of them those closed
    (销号) by the as-of day, per kind and per area (one query)."""
    rows = (
        LedgerItem.objects.filter(area__code__startswith=scope.prefix, month__gte=scope.start,
                                  month__lte=scope.end)
        .values("kind", place=Substr("area_id", 1, scope.key_length))
        .annotate(found=Count("id"), closed=Count("id", filter=Q(closed_on__lte=scope.as_of)))
        .order_by()
    )  # fmt: skip
    by_kind: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    by_area: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        for target in (by_kind[r["kind"]], by_area[r["place"]]):
            target["found"] += r["found"]
            target["closed"] += r["closed"]
    columns = [Column("found", _("发现问题")), Column("closed", _("已销号")),
               Column("open", _("未销号"), derive=difference("found", "closed")),
               Column("rate", _("销号率（%）"), "percent", derive=share("closed", "found"))]  # fmt: skip
    kinds = [k for k in FINDING_KINDS if k in by_kind] + sorted(k for k in by_kind if k not in FINDING_KINDS)
    return (
        Table("findings-kind", _("筛查问题：按类型"), _("类型"), columns,
              [Line(_kind_label(k), {"found": by_kind[k]["found"], "closed": by_kind[k]["closed"]}, code=k)
               for k in kinds]),
        Table("findings-area", _("筛查问题：按区划"), _("区划"), columns,
              _area_lines(scope, lambda code: {"found": by_area.get(code, {}).get("found", 0),
                                               "closed": by_area.get(code, {}).get("closed", 0)}),
              chart=Chart("bar", horizontal=True, series=("closed", "open"), stacks={"closed": "f", "open": "f"}),
              empty=_("尚无数据：%(start)s 至 %(end)s 本区域的筛查没有发现问题，或尚未开展筛查。") % when(scope)),
    )  # fmt: skip


# The ledger's 核查结果 of a finding that was no missed coverage (discovery.services.settled_outcome
# writes it when a live case answers the finding; a verifier closing one by hand writes the same).
NOT_MISSED = "非漏保"


def enrolments_after_finding(scope: Scope) -> Table:
    """Cases approved in the period up to the as-of day that followed a missed-coverage finding:
    a finding of the same programme about the same household (its register number) — and, for
    a finding about one person, that person as the applicant — screened in or before the month
    of the approval. A finding closed as no missed coverage (``NOT_MISSED``: discovery closes a
    finding a live case already answered, an application running before the screening) led to
    nothing and is not counted. Households and the persons the approval covered, per area and
    programme (one query). No link is stored between a finding and a case: this is the reading."""
    finding = LedgerItem.objects.filter(
        kind__in=MISSED_KINDS, programme=OuterRef("programme"), household_no=OuterRef("household__household_no"),
        month__lte=OuterRef("approved_on"),
    ).filter(Q(id_number="") | Q(id_number=OuterRef("applicant__id_number"))).exclude(
        status=LedgerItem.Status.CLOSED, outcome__contains=NOT_MISSED)
    approval = CaseEvent.objects.filter(case=OuterRef("pk"), transition="close_notice").order_by("on", "id")
    rows = (
        Case.objects.filter(area_code__startswith=scope.prefix, programme__in=monthly_programmes(),
                            approved_on__gte=scope.start, approved_on__lte=scope.as_of,
                            approved_on__lt=temporary.next_month(scope.end))
        .exclude(household__household_no="")
        .filter(Exists(finding))
        .values("programme", area=Substr("area_code", 1, scope.key_length))
        .annotate(households=Count("id"),
                  persons=Sum(Coalesce(Subquery(approval.values("persons_covered")[:1]), "persons_covered")))
        .order_by()
    )  # fmt: skip
    found: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        for key in (f"{r['programme']}_households", f"{r['programme']}_persons"):
            found[r["area"]][key] += r["households"] if key.endswith("households") else r["persons"] or 0
        found[r["area"]]["households"] += r["households"]
        found[r["area"]]["persons"] += r["persons"] or 0
    columns = []
    for code in monthly_programmes():
        label = programmes.label(code)
        columns += [Column(f"{code}_households", _("%(p)s户数") % {"p": label}),
                    Column(f"{code}_persons", _("%(p)s人数") % {"p": label})]
    columns += [Column("households", _("合计户数")), Column("persons", _("合计人数"))]
    keys = [c.key for c in columns]
    return Table("enrolments", _("漏保发现后纳入保障"), _("区划"), columns,
                 _area_lines(scope, lambda code: {k: found.get(code, {}).get(k, 0) for k in keys}),
                 chart=Chart("bar", horizontal=True, series=("households", "persons")),
                 empty=_("尚无数据：%(start)s 至 %(end)s 本区域没有在筛查发现漏保后纳入保障的案件。") % when(scope),
                 note=_("期间内（截至统计日期）确认纳入保障的案件中，此前（同月或更早）筛查发现同一项目、同一户口簿户号"
                        "（特困为同一人）漏保问题的。"))  # fmt: skip
