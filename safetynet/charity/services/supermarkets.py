"""Charity supermarkets: registered by the bureau; goods received (donated or bought) and given
out against a household's monthly points; households enrolled when they are on the rolls.

The allowance is a dated parameter (``charity_supermarket_points``, per household per month);
a gift beyond it is refused and nothing written. Writes lock the supermarket's row, so two
gifts to one household at once are counted one after the other."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Sum

from safetynet.charity import access, rolls
from safetynet.charity.models import DonationEntry, Enrolment, StockEntry, Supermarket
from safetynet.charity.models.organisations import Organisation
from safetynet.charity.services.common import Errors, area, day, money, text
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import fmt
from safetynet.policy.parameters import value
from safetynet.supervision.services import record

POINTS = "charity_supermarket_points"


def allowance(supermarket: Supermarket, on: date) -> int:
    return int(value(POINTS, supermarket.area_id[:6], on))


def points_used(household_id: int, month: date) -> int:
    """Points a household spent in ``month`` at every supermarket (gifts reversed not counted)."""
    start = month.replace(day=1)
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return StockEntry.objects.filter(household_id=household_id, kind=StockEntry.Kind.GIVEN, on__gte=start,
                                     on__lt=end, reversed_by__isnull=True).aggregate(s=Sum("points"))["s"] or 0


def stock_of(supermarket: Supermarket, item: str) -> int:
    return StockEntry.objects.filter(supermarket=supermarket, item=item).aggregate(s=Sum("quantity"))["s"] or 0


def _lock(supermarket: Supermarket) -> Supermarket:
    return Supermarket.objects.select_for_update().get(pk=supermarket.pk)


@transaction.atomic
def register(actor, *, name: str, area_code: str, opened_on: date, address: str = "",
             operator: Organisation | None = None) -> Supermarket:
    errors = Errors()
    name = text(errors, "name", name, 100)
    where = area(errors, "area", area_code)
    address = text(errors, "address", address, 200, required=False)
    day(errors, "opened_on", opened_on)
    errors.raise_any()
    access.require_bureau(actor, where.code, "登记慈善超市")
    market = Supermarket.objects.create(name=name, area=where, address=address, operator=operator,
                                        opened_on=opened_on)
    record(actor, "supermarket.register", object_type="supermarket", object_id=market.pk, area_code=where.code,
           details={"name": name, "operator": operator.code if operator else None})
    return market


@transaction.atomic
def enrol(actor, supermarket: Supermarket, *, id_number: str, on: date, edge_document: str = "") -> Enrolment:
    """Enrol the household of ``id_number``: on the rolls (its case names the basis), or an edge
    family with the county's document (低保边缘家庭: no programme on the frame identifies them yet)."""
    access.require_supermarket_writer(actor, supermarket, "登记慈善超市服务家庭")
    errors = Errors()
    day(errors, "on", on)
    edge_document = text(errors, "edge_document", edge_document, 60, required=False)
    errors.raise_any()
    if edge_document:
        person, case = rolls.person_by_id(id_number, "id_number"), None
    else:
        person, case = rolls.on_the_rolls(id_number, "id_number", on)
    basis = case.programme if case is not None else Enrolment.Basis.EDGE
    try:
        with transaction.atomic():
            row = Enrolment.objects.create(supermarket=supermarket, household=person.household, basis=basis,
                                           case_id_ref=case.pk if case else None, document=edge_document, since=on,
                                           recorded_by=actor)
    except IntegrityError:
        return Enrolment.objects.get(supermarket=supermarket, household=person.household)
    record(actor, "supermarket.enrol", object_type="supermarket", object_id=supermarket.pk,
           area_code=person.household.village_id, details={"household": person.household_id, "basis": basis})
    return row


@transaction.atomic
def stock_in(actor, supermarket: Supermarket, *, on: date, item: str, quantity: int, value_fen: int,
             donation: DonationEntry | None = None) -> StockEntry:
    """Goods in: bought, or given by a donor (``donation``: the spending of a gift to this supermarket)."""
    access.require_supermarket_writer(actor, supermarket, "慈善超市入库")
    errors = Errors()
    day(errors, "on", on)
    item = text(errors, "item", item, 100)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= 10**7:
        errors.append(FieldError("quantity", "type_int"))
    money(errors, "value", value_fen, zero=True)
    if donation is not None and donation.supermarket_id != supermarket.pk:
        errors.append(FieldError("donation", "charity_one_target"))
    errors.raise_any()
    _lock(supermarket)
    entry = StockEntry.objects.create(supermarket=supermarket, on=on, item=item, quantity=quantity,
                                      value_fen=value_fen, donation=donation, recorded_by=actor,
                                      kind=StockEntry.Kind.DONATED if donation else StockEntry.Kind.PURCHASED)
    record(actor, "supermarket.stock_in", object_type="stock_entry", object_id=entry.pk,
           area_code=supermarket.area_id, details={"item": item, "quantity": quantity, "value": fmt(value_fen)})
    return entry


@transaction.atomic
def give(actor, supermarket: Supermarket, *, id_number: str, on: date, item: str, quantity: int,
         points: int) -> StockEntry:
    """Goods out to an enrolled household, paid in points: refused beyond the month's allowance,
    beyond the stock, or for a household not enrolled or no longer on the rolls."""
    access.require_supermarket_writer(actor, supermarket, "慈善超市发放")
    errors = Errors()
    day(errors, "on", on)
    item = text(errors, "item", item, 100)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= 10**7:
        errors.append(FieldError("quantity", "type_int"))
    if isinstance(points, bool) or not isinstance(points, int) or not 0 <= points <= 10**7:
        errors.append(FieldError("points", "type_int"))
    errors.raise_any()
    market = _lock(supermarket)
    person = rolls.person_by_id(id_number, "id_number")
    enrolment = Enrolment.objects.filter(supermarket=market, household=person.household).first()
    if enrolment is None:
        raise InputError([FieldError("id_number", "charity_not_enrolled", id_number=person.id_number,
                                     supermarket=market.name)])
    if enrolment.basis != Enrolment.Basis.EDGE and rolls.covering_case(person.household, on) is None:
        raise InputError([FieldError("id_number", "charity_not_on_rolls", id_number=person.id_number)])
    limit, used = allowance(market, on), points_used(person.household_id, on)
    if used + points > limit:
        raise InputError([FieldError("points", "charity_points_exceeded", month=f"{on:%Y-%m}", allowance=limit,
                                     used=used, points=points)])
    stock = stock_of(market, item)
    if stock < quantity:
        raise InputError([FieldError("quantity", "charity_stock_short", item=item, stock=stock, quantity=quantity)])
    # The goods' value out at their average value in: what the statement counts as given.
    value_in = StockEntry.objects.filter(supermarket=market, item=item, quantity__gt=0).aggregate(
        q=Sum("quantity"), v=Sum("value_fen"))
    each = (value_in["v"] or 0) // (value_in["q"] or 1)
    entry = StockEntry.objects.create(supermarket=market, kind=StockEntry.Kind.GIVEN, on=on, item=item,
                                      quantity=-quantity, value_fen=-each * quantity, points=points,
                                      household=person.household, recorded_by=actor)
    record(actor, "supermarket.give", object_type="stock_entry", object_id=entry.pk,
           area_code=person.household.village_id,
           details={"supermarket": market.pk, "household": person.household_id, "item": item,
                    "quantity": quantity, "points": points})
    return entry


@transaction.atomic
def reverse(actor, entry: StockEntry, *, on: date, reason: str) -> StockEntry:
    """Undo a stock entry entered by mistake: its opposite (the household's points come back)."""
    access.require_supermarket_writer(actor, entry.supermarket, "冲正慈善超市记录")
    errors = Errors()
    day(errors, "on", on)
    reason = text(errors, "reason", reason, 200)
    errors.raise_any()
    _lock(entry.supermarket)
    if entry.kind == StockEntry.Kind.REVERSAL:
        raise InputError([FieldError("entry", "charity_reverse_reversal")])
    if (done := StockEntry.objects.filter(reverses=entry).first()) is not None:
        raise InputError([FieldError("entry", "charity_already_reversed", entry=entry.pk, on=done.on.isoformat())])
    if entry.quantity > 0 and stock_of(entry.supermarket, entry.item) < entry.quantity:
        raise InputError([FieldError("entry", "charity_stock_short", item=entry.item,
                                     stock=stock_of(entry.supermarket, entry.item), quantity=entry.quantity)])
    reversal = StockEntry.objects.create(supermarket=entry.supermarket, kind=StockEntry.Kind.REVERSAL, on=on,
                                         item=entry.item, quantity=-entry.quantity, value_fen=-entry.value_fen,
                                         points=-entry.points, household=entry.household, reverses=entry,
                                         recorded_by=actor)
    record(actor, "supermarket.reverse", object_type="stock_entry", object_id=reversal.pk,
           area_code=entry.supermarket.area_id, details={"reverses": entry.pk, "reason": reason})
    return reversal
