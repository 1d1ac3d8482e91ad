"""Every write to a township's standby fund: allocate, draw, return, adjust.

Each is one function in a transaction (nested in the caller's, if any: a case step that pays
help first draws inside its own transaction, so the payment and the step stand or fall together).
Each locks the fund's row before it reads the balance (``SELECT ... FOR UPDATE`` on PostgreSQL;
SQLite's transactions take the write lock when they begin), writes one entry with the balance
after it, moves the fund's balance, and appends the audit record last (its lock is held briefly).
Lock order, everywhere: the case, then the fund, then the audit log.

Who may (seed: 在镇街建立临时救助备用金制度; 临救-2018): the county civil affairs bureau allocates
and corrects; the township's window and approver pay help first from it and take back what comes
back. A correction is an entry of its own with its reason: nothing is changed silently.

The book runs in date order by month: once an entry of a month is written, no entry of an earlier
month may follow, so a month's statement, once the month is over and the next has begun, never
changes. Within a month entries may come in any order of their dates (a payment made at night is
entered the next morning).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from safetynet.cases.models import Case
from safetynet.funds.models import Fund, FundEntry
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import MAX_MONEY_FEN, fmt, parse_money
from safetynet.registry.models import Area
from safetynet.registry.selectors import require_role
from safetynet.supervision.services import record
from safetynet.web import clock
from safetynet.web.inputs import day_or_error

ALLOCATORS = ("county", "county_approver")  # the county civil affairs bureau (seed)
ADJUSTERS = ("county", "county_approver")
DRAWERS = ("clerk", "approver")  # the township pays help first (临救-2018)
RETURNERS = ("clerk", "approver")

TEXT_LIMITS = {"purpose": 200, "receipt": 40, "document": 60, "reason": 200}


# ---- inputs -------------------------------------------------------------------------------------


def parse_yuan(text, path: str = "amount", *, signed: bool = False) -> int:
    """``"390.00"`` (or ``"1,000.00"`` as people type it) -> fen, exact; a bad amount is an
    InputError naming ``path``. ``signed``: a leading minus is allowed (an adjustment that takes
    money off)."""
    errors: list[FieldError] = []
    fen = parse_money(str(text if text is not None else "").replace(",", "").replace("，", ""), path, errors,
                      signed=signed)
    if errors:
        raise InputError(errors)
    return fen


def township_of(code) -> Area:
    """The township (乡镇、街道: level township, a 9-digit code) a fund belongs to."""
    code = str(code or "").strip()
    township = Area.objects.filter(code=code, level=Area.Level.TOWNSHIP).first() if len(code) == 9 else None
    if township is None:
        raise InputError([FieldError("township_code", "fund_township", code=code[:20])])
    return township


def _check_amount(errors: list, amount_fen, *, nonzero_only: bool = False) -> None:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        errors.append(FieldError("amount", "type_int"))
    elif nonzero_only and amount_fen == 0:
        errors.append(FieldError("amount", "fund_amount_zero"))
    elif not nonzero_only and amount_fen <= 0:
        errors.append(FieldError("amount", "fund_amount_positive", value=fmt(amount_fen)))
    elif abs(amount_fen) > MAX_MONEY_FEN:
        errors.append(FieldError("amount", "money_range", value=fmt(amount_fen), limit=f"{MAX_MONEY_FEN // 100:,}"))


def _check_on(errors: list, on) -> None:
    if not isinstance(on, date):
        errors.append(FieldError("on", "date_format", value=str(on)[:40]))
        return
    if (error := day_or_error(on, "on")) is not None:
        errors.append(error)
    elif on > clock.today():
        errors.append(FieldError("on", "date_future", on=on.isoformat()))


def _check_text(errors: list, name: str, value, *, required: bool) -> str:
    value = str(value or "").strip()
    if required and not value:
        errors.append(FieldError(name, "required"))
    elif len(value) > TEXT_LIMITS[name]:
        errors.append(FieldError(name, "too_long", max=TEXT_LIMITS[name], length=len(value)))
    return value


# ---- the book -----------------------------------------------------------------------------------


def _locked_fund(township: Area, *, create: bool) -> Fund | None:
    """The township's fund, its row locked to the end of the transaction (None if it has none
    and ``create`` is false: nothing was ever allocated, the balance is 0)."""
    if create:
        Fund.objects.get_or_create(township=township)
    return Fund.objects.select_for_update().filter(township=township).first()


def _check_month_open(fund: Fund, on: date) -> None:
    last = fund.entries.order_by("-id").values_list("on", flat=True).first()
    if last is not None and (on.year, on.month) < (last.year, last.month):
        raise InputError([FieldError("on", "fund_month_closed", last=f"{last:%Y-%m}", month=f"{on:%Y-%m}",
                                     on=on.isoformat())])  # fmt: skip


def _write(actor, fund: Fund, *, kind: str, amount_fen: int, on: date, action: str, **fields) -> FundEntry:
    balance = fund.balance_fen + amount_fen
    entry = FundEntry.objects.create(fund=fund, kind=kind, on=on, amount_fen=amount_fen, balance_after_fen=balance,
                                     recorded_by=actor if getattr(actor, "pk", None) else None, **fields)
    Fund.objects.filter(pk=fund.pk).update(balance_fen=balance)
    fund.balance_fen = balance
    details = {"township": fund.township_id, "kind": kind, "on": on.isoformat(), "amount": fmt(amount_fen),
               "balance": fmt(balance), **{k: v for k, v in fields.items() if k != "case" and v}}
    if fields.get("case") is not None:
        details["case"] = fields["case"].pk
    record(actor, action, object_type="fund_entry", object_id=entry.pk, area_code=fund.township_id, details=details)
    return entry


def _raise(errors: list) -> None:
    if errors:
        raise InputError(errors)


# ---- the four acts ------------------------------------------------------------------------------


@transaction.atomic
def allocate(actor, *, township_code: str, amount_fen: int, on: date, document: str) -> FundEntry:
    """The county allocates money to a township's fund (the fund is opened by its first allocation)."""
    township = township_of(township_code)
    require_role(actor, ALLOCATORS, township.code, "拨付临时救助备用金")
    errors: list[FieldError] = []
    _check_amount(errors, amount_fen)
    _check_on(errors, on)
    document = _check_text(errors, "document", document, required=True)
    _raise(errors)
    fund = _locked_fund(township, create=True)
    _check_month_open(fund, on)
    return _write(actor, fund, kind=FundEntry.Kind.ALLOCATE, amount_fen=amount_fen, on=on, action="fund.allocate",
                  document=document)


@transaction.atomic
def draw(actor, *, township_code: str, amount_fen: int, on: date, case: Case | None = None, purpose: str,
         receipt: str = "") -> FundEntry:
    """A help-first or cash payment from the township's fund; refused, and nothing written, when
    the balance does not cover it (``FieldError("amount", "fund_insufficient", ...)``).

    Call it inside your own transaction (a case step): the fund's row stays locked until it ends,
    so two payments at once are paid one after the other, each against the balance the other left.
    ``receipt``: the receipt's number (收据编号) for cash; empty for a transfer.
    """
    township = township_of(township_code)
    require_role(actor, DRAWERS, township.code, "从临时救助备用金支出")
    errors: list[FieldError] = []
    _check_amount(errors, amount_fen)
    _check_on(errors, on)
    purpose = _check_text(errors, "purpose", purpose, required=True)
    receipt = _check_text(errors, "receipt", receipt, required=False)
    if case is not None and not str(case.area_code).startswith(township.code):
        errors.append(FieldError("case", "fund_case_township", case=case.pk, township=township.name))
    _raise(errors)
    fund = _locked_fund(township, create=False)
    if fund is None or fund.balance_fen < amount_fen:
        raise InputError([FieldError("amount", "fund_insufficient", township=township.name,
                                     balance=fmt(fund.balance_fen if fund else 0), amount=fmt(amount_fen))])
    _check_month_open(fund, on)
    return _write(actor, fund, kind=FundEntry.Kind.DRAW, amount_fen=-amount_fen, on=on, action="fund.draw",
                  case=case, purpose=purpose, receipt=receipt)


@transaction.atomic
def return_to_fund(actor, *, township_code: str, amount_fen: int, on: date, reason: str, case: Case | None = None,
                   receipt: str = "") -> FundEntry:
    """Money back into the fund: a payment not spent, or returned by its recipient."""
    township = township_of(township_code)
    require_role(actor, RETURNERS, township.code, "登记备用金退回")
    errors: list[FieldError] = []
    _check_amount(errors, amount_fen)
    _check_on(errors, on)
    reason = _check_text(errors, "reason", reason, required=True)
    receipt = _check_text(errors, "receipt", receipt, required=False)
    if case is not None and not str(case.area_code).startswith(township.code):
        errors.append(FieldError("case", "fund_case_township", case=case.pk, township=township.name))
    _raise(errors)
    fund = _locked_fund(township, create=True)
    _check_month_open(fund, on)
    return _write(actor, fund, kind=FundEntry.Kind.RETURN, amount_fen=amount_fen, on=on, action="fund.return",
                  case=case, reason=reason, receipt=receipt)


@transaction.atomic
def adjust(actor, *, township_code: str, amount_fen: int, on: date, reason: str) -> FundEntry:
    """A correction by the county, with its reason: ``amount_fen`` added to the balance (negative
    takes money off, never below zero). It stands in the book and the statement as what it is."""
    township = township_of(township_code)
    require_role(actor, ADJUSTERS, township.code, "调整临时救助备用金")
    errors: list[FieldError] = []
    _check_amount(errors, amount_fen, nonzero_only=True)
    _check_on(errors, on)
    reason = _check_text(errors, "reason", reason, required=True)
    _raise(errors)
    fund = _locked_fund(township, create=True)
    if fund.balance_fen + amount_fen < 0:
        raise InputError([FieldError("amount", "fund_adjust_below_zero", township=township.name,
                                     balance=fmt(fund.balance_fen), amount=fmt(-amount_fen))])
    _check_month_open(fund, on)
    return _write(actor, fund, kind=FundEntry.Kind.ADJUST, amount_fen=amount_fen, on=on, action="fund.adjust",
                  reason=reason)
