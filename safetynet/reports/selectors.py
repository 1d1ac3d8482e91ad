"""The figures the bureau publishes (POLICY.md §10), for the user's area: who is covered, and
what was paid, by programme, area, township and month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Substr

from safetynet.cases.models import BackdatedAct, Case, CaseEvent
from safetynet.payments.models import Payment
from safetynet.registry.models import Area
from safetynet.registry.selectors import scope_prefix

COVERED_STATES = ("approved", "review", "graduated_exit", "ending")


@dataclass
class Coverage:
    area: Area
    programme: str
    hukou: str
    households: int
    persons: int


def coverage(user) -> list[Coverage]:
    """Households and persons covered now, per county, programme and hukou."""
    prefix = scope_prefix(user)
    if prefix is None:
        return []
    cases = Case.objects.filter(area_code__startswith=prefix, state__in=COVERED_STATES)
    counties = {a.code: a for a in Area.objects.filter(level=Area.Level.COUNTY)}
    # Counted by the database in one grouped query: a city's covered cases never travel to
    # Python. Dibao covers the household's members (one live dibao case a household); tekun the person.
    rows = []
    for r in (cases.values("programme", county=Substr("area_code", 1, 6), hukou=F("household__hukou"))
              .annotate(n=Count("id", distinct=True), members=Count("household__members"))
              .order_by("county", "programme", "hukou")):  # fmt: skip
        persons = r["members"] if r["programme"] == "dibao" else r["n"]
        rows.append(Coverage(counties[r["county"]], r["programme"], r["hukou"], r["n"], persons))
    return rows


def registered_poor_share(user) -> tuple[int, int]:
    """Rural dibao households covered, and how many of them are registered poor (汶上县: 64.35 %)."""
    prefix = scope_prefix(user)
    if prefix is None:
        return 0, 0
    qs = Case.objects.filter(area_code__startswith=prefix, state__in=COVERED_STATES, programme="dibao",
                             household__hukou="rural")
    return qs.count(), qs.filter(household__registered_poor=True).count()


def payments_for(user) -> QuerySet[Payment]:
    """Paid lines in the user's area: approved payrolls, less failed bank transfers."""
    prefix = scope_prefix(user)
    if prefix is None:
        return Payment.objects.none()
    return Payment.objects.filter(run__township__code__startswith=prefix,
                                  run__status__in=("approved", "locked")).exclude(bank_status="failed")


def funds_of(payments: QuerySet[Payment]) -> QuerySet:
    """Per month, programme and township: lines, yuan, of which back pay and price subsidy."""
    return (
        payments.values("month", "programme", "run__township_id", "run__township__name")
        .annotate(lines=Count("id"), total_fen=Sum("amount_fen"),
                  back_pay_fen=Sum("amount_fen", filter=Q(kind="back_pay")),
                  subsidy_fen=Sum("amount_fen", filter=Q(kind="price_subsidy")))
        .order_by("month", "programme", "run__township_id")
    )


def funds(user, start: date, end: date) -> list[dict]:
    """Paid per month, programme, county and township, from ``start`` to ``end`` (months)."""
    return list(funds_of(payments_for(user).filter(month__gte=start, month__lte=end)))


def decision_oversight(user, start: date, end: date) -> list[dict]:
    """Per county, in the months ``start`` to ``end``: approvals, those against a "not eligible"
    department-data check (on the approver's written opinion), and steps entered backdated."""
    prefix = scope_prefix(user)
    if prefix is None:
        return []
    until = date(end.year + end.month // 12, end.month % 12 + 1, 1)
    approvals = (
        CaseEvent.objects.filter(transition="approve", case__area_code__startswith=prefix, on__gte=start, on__lt=until)
        .values(county=Substr("case__area_code", 1, 6))
        .annotate(approved=Count("id"), overrides=Count("id", filter=Q(overrides_check=True)))
    )
    backdated = (
        BackdatedAct.objects.filter(case__area_code__startswith=prefix, on__gte=start, on__lt=until)
        .values(county=Substr("case__area_code", 1, 6))
        .annotate(n=Count("id"), confirmed=Count("id", filter=Q(status=BackdatedAct.Status.CONFIRMED)))
    )
    rows: dict[str, dict] = {}
    for r in approvals:
        rows.setdefault(r["county"], {"approved": 0, "overrides": 0, "backdated": 0, "confirmed": 0}).update(
            approved=r["approved"], overrides=r["overrides"])
    for r in backdated:
        rows.setdefault(r["county"], {"approved": 0, "overrides": 0, "backdated": 0, "confirmed": 0}).update(
            backdated=r["n"], confirmed=r["confirmed"])
    names = dict(Area.objects.filter(code__in=rows).values_list("code", "name"))
    return [{"county": names.get(code, code), **row} for code, row in sorted(rows.items())]
