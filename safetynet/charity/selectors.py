"""The charity's reads: the donations' statement and balances, the supermarket's statement, and
what a household received from charity (for the household's all-help panel). Scoping is
``access``'s; every function here takes what the caller was allowed to read."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Sum

from safetynet.charity import access
from safetynet.charity.models import Delivery, DonationEntry, Enrolment, Organisation, StockEntry, Supermarket
from safetynet.charity.models.donations import UNRESTRICTED, Purpose
from safetynet.charity.services.supermarkets import allowance
from safetynet.policy.errors import FieldError, InputError
from safetynet.registry.selectors import scope_prefix


def month_bounds(month: date) -> tuple[date, date]:
    start = month.replace(day=1)
    return start, date(start.year + start.month // 12, start.month % 12 + 1, 1)


def parse_month(text, today: date) -> date:
    """``"2024-03"`` -> its first day; empty: this month; else an InputError naming ``month``."""
    text = str(text or "").strip()
    if not text:
        return today.replace(day=1)
    year, _, month = text.partition("-")
    if year.isdigit() and month.isdigit() and len(year) == 4 and 1 <= int(month) <= 12 and 1990 <= int(year) <= 2100:
        return date(int(year), int(month), 1)
    raise InputError([FieldError("month", "charity_month", value=text[:20])])


def fund_purpose(e: DonationEntry) -> str:
    """The fund an entry belongs to: its gift's restriction ("" unrestricted)."""
    return e.donation.purpose if e.donation_id else e.purpose


def purpose_label(code: str) -> str:
    return str(Purpose(code).label) if code else "非定向"


def _movement(e: DonationEntry) -> tuple[int, int]:
    """(received, spent) of one entry: a reversal counts against what it reverses."""
    if e.kind == DonationEntry.Kind.RECEIVED:
        return e.amount_fen, 0
    if e.kind == DonationEntry.Kind.SPENT:
        return 0, -e.amount_fen
    return (e.amount_fen, 0) if e.donation_id is None else (0, -e.amount_fen)


def donation_statement(organisation: Organisation, month: date) -> dict:
    """Per fund purpose: opening balance, received, spent, closing, for ``month``; and the month's
    entries. Opening + received - spent = closing, row by row and in total."""
    start, end = month_bounds(month)
    rows: dict[str, dict] = defaultdict(lambda: {"opening_fen": 0, "received_fen": 0, "spent_fen": 0})
    entries = []
    for e in (DonationEntry.objects.filter(organisation=organisation, on__lt=end)
              .select_related("donation", "project", "household__village", "supermarket").order_by("on", "id")):
        row = rows[fund_purpose(e)]
        received, spent = _movement(e)
        if e.on < start:
            row["opening_fen"] += received - spent
        else:
            row["received_fen"] += received
            row["spent_fen"] += spent
            entries.append(e)
    out = []
    for code in sorted(rows, key=lambda c: (c != UNRESTRICTED, c)):
        r = rows[code]
        r.update(purpose=code, label=purpose_label(code),
                 closing_fen=r["opening_fen"] + r["received_fen"] - r["spent_fen"])
        out.append(r)
    total = {k: sum(r[k] for r in out) for k in ("opening_fen", "received_fen", "spent_fen", "closing_fen")}
    return {"organisation": organisation, "month": start, "rows": out, "total": total, "entries": entries}


def gifts_with_balance(organisation: Organisation) -> list[tuple[DonationEntry, int]]:
    """Each gift not fully spent, with what is left (the spending form's choices)."""
    used = defaultdict(int)
    for e in DonationEntry.objects.filter(organisation=organisation).exclude(kind=DonationEntry.Kind.RECEIVED):
        key = e.donation_id if e.donation_id else e.reverses_id
        used[key] += e.amount_fen
    gifts = DonationEntry.objects.filter(organisation=organisation, kind=DonationEntry.Kind.RECEIVED).order_by("id")
    return [(g, g.amount_fen + used[g.pk]) for g in gifts if g.amount_fen + used[g.pk] > 0]


def supermarket_statement(supermarket: Supermarket, month: date) -> dict:
    """The month's goods in (donated, bought), given out, points spent, households served, and the
    stock's value at the start and the end: opening + in - out = closing."""
    start, end = month_bounds(month)
    before = StockEntry.objects.filter(supermarket=supermarket, on__lt=start).aggregate(v=Sum("value_fen"))["v"] or 0
    entries = list(StockEntry.objects.filter(supermarket=supermarket, on__gte=start, on__lt=end)
                   .select_related("household__village", "reverses").order_by("on", "id"))
    kinds = {k: 0 for k in StockEntry.Kind.values}
    for e in entries:
        kind = e.reverses.kind if e.kind == StockEntry.Kind.REVERSAL else e.kind
        kinds[kind] += e.value_fen
    reversed_ids = {e.reverses_id for e in entries if e.kind == StockEntry.Kind.REVERSAL}
    given = [e for e in entries if e.kind == StockEntry.Kind.GIVEN and e.pk not in reversed_ids]
    net_points = sum(e.points for e in entries if e.household_id)
    summary = {
        "opening_fen": before, "donated_fen": kinds["donated"], "purchased_fen": kinds["purchased"],
        "given_fen": -kinds["given"], "closing_fen": before + sum(e.value_fen for e in entries),
        "points": net_points, "households": len({e.household_id for e in given}),
        "enrolled": Enrolment.objects.filter(supermarket=supermarket, since__lt=end).count(),
        "allowance": allowance(supermarket, start),
    }  # fmt: skip
    return {"supermarket": supermarket, "month": start, "summary": summary, "entries": entries}


def household_help(user, household) -> list[dict]:
    """What ``household`` received from charity, newest first: supermarket goods, project
    deliveries (慈善项目, 社工服务), spending of donations to it; empty if the user's area does
    not cover the household. Keys: source, kind, on, amount_fen (None where no money value),
    description."""
    prefix = scope_prefix(user)
    if prefix is None or not household.village_id.startswith(prefix):
        return []
    out = []
    for e in (StockEntry.objects.filter(household=household, kind=StockEntry.Kind.GIVEN, reversed_by__isnull=True)
              .select_related("supermarket")):
        out.append({"source": "慈善超市", "kind": "积分兑换物品", "on": e.on, "amount_fen": -e.value_fen,
                    "description": f"{e.supermarket.name}：{e.item} × {-e.quantity}（{e.points} 积分）"})
    for d in Delivery.objects.filter(household=household).select_related("project__organisation"):
        out.append({"source": d.project.get_kind_display(), "kind": d.project.name, "on": d.on,
                    "amount_fen": d.value_fen or None,
                    "description": f"{d.project.organisation.name}：{d.description}"})
    for e in (DonationEntry.objects.filter(household=household, kind=DonationEntry.Kind.SPENT,
                                           reversed_by__isnull=True).select_related("organisation")):
        out.append({"source": "慈善捐赠", "kind": purpose_label(e.purpose), "on": e.on, "amount_fen": -e.amount_fen,
                    "description": f"{e.organisation.name}：{e.description or e.get_purpose_display()}"})
    return sorted(out, key=lambda r: r["on"], reverse=True)


def organisation_for(user, organisation_id: int) -> Organisation:
    return access.get_or_404(access.organisations_for(user), pk=organisation_id)
