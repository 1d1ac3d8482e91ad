"""Reads of the standby funds, scoped: a township's staff see its own fund, the county its
townships', the city and the auditor every fund in their area. Anything outside is a 404.

The monthly statement and its reconciliation: opening balance, allocations, draws, returns,
adjustments, closing balance; and three records that must agree: the entries' amounts, the
balance each entry stored after it, and the fund's balance now. A draw with no case, or with a
case that is not temporary assistance, is listed for the township to explain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Max, Q, Sum
from django.http import Http404

from safetynet.funds.models import Fund, FundEntry
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.household import parse_month
from safetynet.registry.models import Area
from safetynet.registry.selectors import staff_of

READERS = ("clerk", "approver", "county", "county_approver", "city", "auditor")

# Low balance: under a fifth of what the county allocated over the last twelve months. A fifth
# of a year's money is about ten weeks of the township's usual help-first spending (12 months / 5),
# time enough for the county to decide and transfer a new allocation before the fund runs dry.
# It needs no parameter and scales with each township's own need, which the allocations follow;
# twelve months back rather than the calendar year, so January is not judged on an empty year.
LOW_SHARE_NUMERATOR, LOW_SHARE_DENOMINATOR = 1, 5
LOW_WINDOW_DAYS = 365


def townships_for(user):
    """The townships whose funds the user may read (a QuerySet of Area)."""
    staff = staff_of(user)
    if staff is None or staff.role not in READERS:
        return Area.objects.none()
    return Area.objects.filter(level=Area.Level.TOWNSHIP, code__startswith=staff.area_id)


def township_for(user, code: str) -> Area:
    """One township the user may read, or 404 (outside the area is the same as not there)."""
    township = townships_for(user).filter(code=str(code)).select_related("parent").first()
    if township is None:
        raise Http404("fund")
    return township


def balance(township_code: str) -> int:
    """The fund's balance in fen now (0 if the county never allocated). Unscoped: for services."""
    return Fund.objects.filter(township_id=township_code).values_list("balance_fen", flat=True).first() or 0


def paid_for_case(case_id: int) -> int:
    """What the fund paid for a case, in fen, less what came back for it: the granting step owes
    the case its granted total less this (frame: money paid in cash is not owed again). Unscoped."""
    total = (FundEntry.objects.filter(case_id=case_id, kind__in=(FundEntry.Kind.DRAW, FundEntry.Kind.RETURN))
             .aggregate(total=Sum("amount_fen"))["total"])
    return -(total or 0)


@dataclass
class FundRow:
    township: Area
    balance_fen: int
    allocated_fen: int  # over the last twelve months
    last_draw: FundEntry | None
    opened: bool

    @property
    def empty(self) -> bool:
        return self.balance_fen == 0

    @property
    def low(self) -> bool:
        """Under a fifth of the last twelve months' allocations (see LOW_SHARE_*), or empty."""
        return self.empty or self.balance_fen * LOW_SHARE_DENOMINATOR < self.allocated_fen * LOW_SHARE_NUMERATOR


def fund_rows(user, today: date, township_codes: list[str] | None = None) -> list[FundRow]:
    """Every township in the user's area with its fund: balance, the last draw, the last twelve
    months' allocations and the warning. Four queries, whatever the number of townships."""
    townships = townships_for(user).select_related("parent").order_by("code")
    if township_codes is not None:
        townships = townships.filter(code__in=township_codes)
    townships = list(townships)
    codes = [t.code for t in townships]
    funds = dict(Fund.objects.filter(township_id__in=codes).values_list("township_id", "balance_fen"))
    since = today - timedelta(days=LOW_WINDOW_DAYS)
    allocated = dict(FundEntry.objects.filter(fund_id__in=codes, kind=FundEntry.Kind.ALLOCATE, on__gt=since)
                     .values("fund_id").annotate(total=Sum("amount_fen")).values_list("fund_id", "total"))
    last_ids = (FundEntry.objects.filter(fund_id__in=codes, kind=FundEntry.Kind.DRAW).values("fund_id")
                .annotate(last=Max("id")).values_list("last", flat=True))
    last = {e.fund_id: e for e in FundEntry.objects.filter(id__in=list(last_ids))}
    return [FundRow(township=t, balance_fen=funds.get(t.code, 0), allocated_fen=allocated.get(t.code) or 0,
                    last_draw=last.get(t.code), opened=t.code in funds) for t in townships]  # fmt: skip


# ---- the monthly statement ----------------------------------------------------------------------


def statement_month(text, today: date) -> date:
    """The month asked for (``YYYY-MM``; this month if empty), not one that has not begun."""
    if text in (None, ""):
        return today.replace(day=1)
    try:
        month = parse_month(str(text).strip())
    except PolicyError as exc:
        raise InputError([FieldError("month", exc.code, **exc.params)]) from None
    if month > today:
        raise InputError([FieldError("month", "fund_month_future", month=f"{month:%Y-%m}", today=today.isoformat())])
    return month


def _next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


UNMATCHED_WHY = {"no_case": "未关联案件", "not_temporary": "关联案件不是临时救助"}


@dataclass
class Statement:
    township: Area
    month: date
    opening_fen: int
    allocations_fen: int
    draws_fen: int  # positive: what went out
    returns_fen: int
    adjust_in_fen: int
    adjust_out_fen: int  # positive
    closing_fen: int  # opening + in - out, from the amounts
    entries: list[FundEntry]
    book_opening_fen: int  # the balance the last entry before the month stored
    book_closing_fen: int  # the balance the month's last entry stored
    fund_balance_fen: int | None  # the fund's balance now, when no later month has entries
    breaks: list[FundEntry] = field(default_factory=list)  # entries whose stored balance does not follow
    unmatched: list[tuple[FundEntry, str]] = field(default_factory=list)

    @property
    def in_fen(self) -> int:
        return self.allocations_fen + self.returns_fen + self.adjust_in_fen

    @property
    def out_fen(self) -> int:
        return self.draws_fen + self.adjust_out_fen

    @property
    def reconciled(self) -> bool:
        """opening + in − out == closing, in the amounts, in every entry's stored balance, and
        in the fund's balance now (for the current month)."""
        return (
            self.opening_fen + self.in_fen - self.out_fen == self.closing_fen
            and self.book_opening_fen == self.opening_fen
            and self.book_closing_fen == self.closing_fen
            and not self.breaks
            and (self.fund_balance_fen is None or self.fund_balance_fen == self.closing_fen)
        )

    @property
    def draws(self) -> list[FundEntry]:
        return [e for e in self.entries if e.kind == FundEntry.Kind.DRAW]


def statement(township: Area, month: date) -> Statement:
    """The township's statement of ``month`` (a township the caller may read: ``township_for``)."""
    start, end = month, _next_month(month)
    entries = FundEntry.objects.filter(fund_id=township.code)
    before = entries.filter(on__lt=start)
    opening = before.aggregate(total=Sum("amount_fen"))["total"] or 0
    last_before = before.order_by("-id").values_list("balance_after_fen", flat=True).first()
    rows = list(entries.filter(on__gte=start, on__lt=end).order_by("id")
                .select_related("case__applicant", "recorded_by"))
    sums = {k: 0 for k in FundEntry.Kind.values}
    adjust_in = adjust_out = 0
    breaks, unmatched = [], []
    book = last_before or 0
    for e in rows:
        sums[e.kind] += e.amount_fen
        if e.kind == FundEntry.Kind.ADJUST:
            adjust_in, adjust_out = (adjust_in + e.amount_fen, adjust_out) if e.amount_fen > 0 else \
                (adjust_in, adjust_out - e.amount_fen)
        if e.balance_after_fen != book + e.amount_fen:
            breaks.append(e)
        book = e.balance_after_fen
        if e.kind == FundEntry.Kind.DRAW:
            if e.case_id is None:
                unmatched.append((e, "no_case"))
            elif e.case.programme != "temporary":
                unmatched.append((e, "not_temporary"))
    later = entries.filter(on__gte=end).exists()
    fund_balance = None if later else balance(township.code)
    return Statement(
        township=township, month=month, opening_fen=opening, allocations_fen=sums["allocate"],
        draws_fen=-sums["draw"], returns_fen=sums["return"], adjust_in_fen=adjust_in, adjust_out_fen=adjust_out,
        closing_fen=opening + sum(sums.values()), entries=rows, book_opening_fen=last_before or 0,
        book_closing_fen=book, fund_balance_fen=fund_balance, breaks=breaks, unmatched=unmatched,
    )  # fmt: skip


def unmatched_draws(user):
    """Every draw in the user's area with no case, or whose case is not temporary assistance:
    the hook for matching draws to help-first and cash payments."""
    return (FundEntry.objects.filter(fund__township__in=townships_for(user), kind=FundEntry.Kind.DRAW)
            .filter(Q(case__isnull=True) | ~Q(case__programme="temporary")).order_by("fund_id", "id"))
