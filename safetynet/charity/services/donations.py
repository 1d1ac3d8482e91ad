"""The donations' book: receive (with a receipt numbered per year without gaps), spend (from one
gift, on its restricted purpose only), reverse (a correction: the opposite entry).

Each write locks the organisation's row first (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's
write lock), so the next receipt number and a gift's balance are read by one writer at a time:
a receipt number is taken in the transaction that writes the entry, and a transaction that rolls
back takes its number with it, so the numbers have no gaps. Lock order: organisation, then the
audit log. 慈善法 第五十五条 (a restricted gift is used as agreed); 慈善法 第三十八条 (票据)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import translation

from safetynet.charity import access
from safetynet.charity.models import DonationEntry, Organisation, Project, Supermarket
from safetynet.charity.models.donations import UNRESTRICTED, Purpose
from safetynet.charity.services.common import Errors, day, money, text
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import fmt
from safetynet.registry.models import Household
from safetynet.supervision.services import record


def _lock(organisation: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def remaining_fen(donation: DonationEntry) -> int:
    """What is left of a gift: its amount, less what was spent from it, plus reversals."""
    used = DonationEntry.objects.filter(donation=donation).aggregate(s=Sum("amount_fen"))["s"] or 0
    reversed_ = DonationEntry.objects.filter(reverses=donation).aggregate(s=Sum("amount_fen"))["s"] or 0
    return donation.amount_fen + used + reversed_


def find_receipt(organisation: Organisation, receipt: str, path: str = "receipt") -> DonationEntry:
    """The gift of a receipt number as printed (``2026-000012``)."""
    year, _, seq = str(receipt or "").strip().partition("-")
    entry = None
    if year.isdigit() and seq.isdigit():
        entry = DonationEntry.objects.filter(organisation=organisation, kind=DonationEntry.Kind.RECEIVED,
                                             receipt_year=int(year), receipt_seq=int(seq)).first()
    if entry is None:
        raise InputError([FieldError(path, "charity_receipt_unknown", receipt=str(receipt)[:20])])
    return entry


def _purpose(errors: Errors, name: str, value, *, allow_none: bool) -> str:
    value = str(value or "")
    if value == UNRESTRICTED and allow_none:
        return value
    if value not in Purpose.values:
        errors.append(FieldError(name, "choice", value=value[:20], choices="、".join(Purpose.values)))
    return value


@transaction.atomic
def receive(actor, organisation: Organisation, *, donor: str, on: date, amount_fen: int, purpose: str = UNRESTRICTED,
            goods: str = "", description: str = "") -> DonationEntry:
    """A gift of money (``goods`` empty) or of goods (``amount_fen`` their value), restricted to
    ``purpose`` or not (""); its receipt is the organisation's next number of the year of ``on``."""
    access.require_organisation_writer(actor, organisation, "接收捐赠")
    errors = Errors()
    donor = text(errors, "donor", donor, 100)
    day(errors, "on", on)
    money(errors, "amount", amount_fen)
    purpose = _purpose(errors, "purpose", purpose, allow_none=True)
    goods = text(errors, "goods", goods, 200, required=False)
    description = text(errors, "description", description, 200, required=False)
    errors.raise_any()
    _lock(organisation)
    last = DonationEntry.objects.filter(organisation=organisation, receipt_year=on.year).aggregate(
        m=Max("receipt_seq"))["m"] or 0
    entry = DonationEntry.objects.create(organisation=organisation, kind=DonationEntry.Kind.RECEIVED, on=on,
                                         amount_fen=amount_fen, purpose=purpose, donor=donor, goods=goods,
                                         receipt_year=on.year, receipt_seq=last + 1, description=description,
                                         recorded_by=actor if getattr(actor, "pk", None) else None)
    record(actor, "donation.receive", object_type="donation_entry", object_id=entry.pk,
           area_code=organisation.area_id,
           details={"organisation": organisation.code, "receipt": entry.receipt, "amount": fmt(amount_fen),
                    "purpose": purpose, "goods": goods, "donor": donor})
    return entry


@transaction.atomic
def spend(actor, organisation: Organisation, *, receipt: str, on: date, amount_fen: int, purpose: str,
          project: Project | None = None, household: Household | None = None,
          supermarket: Supermarket | None = None, description: str = "") -> DonationEntry:
    """Spend from the gift of ``receipt`` on ``purpose``, to one of a project, a household or a
    supermarket. A restricted gift is spent on its own purpose only (refused naming it)."""
    access.require_organisation_writer(actor, organisation, "支出捐赠")
    errors = Errors()
    day(errors, "on", on)
    money(errors, "amount", amount_fen)
    purpose = _purpose(errors, "purpose", purpose, allow_none=False)
    description = text(errors, "description", description, 200, required=False)
    if sum(x is not None for x in (project, household, supermarket)) != 1:
        errors.append(FieldError("target", "charity_one_target"))
    if project is not None and project.organisation_id != organisation.pk:
        errors.append(FieldError("project", "charity_one_target"))
    errors.raise_any()
    _lock(organisation)
    donation = find_receipt(organisation, receipt)
    if donation.purpose != UNRESTRICTED and purpose != donation.purpose:
        # The purposes in both languages, whichever the request speaks: the message is chosen later.
        with translation.override("zh-hans"):
            zh = str(Purpose(donation.purpose).label), str(Purpose(purpose).label)
        with translation.override("en"):
            en = str(Purpose(donation.purpose).label), str(Purpose(purpose).label)
        raise InputError([FieldError("purpose", "charity_restricted", receipt=donation.receipt, restricted=zh[0],
                                     purpose=zh[1], restricted_en=en[0], purpose_en=en[1])])
    left = remaining_fen(donation)
    if left < amount_fen:
        raise InputError([FieldError("amount", "charity_insufficient", receipt=donation.receipt, balance=fmt(left),
                                     amount=fmt(amount_fen))])
    entry = DonationEntry.objects.create(organisation=organisation, kind=DonationEntry.Kind.SPENT, on=on,
                                         amount_fen=-amount_fen, donation=donation, purpose=purpose,
                                         project=project, household=household, supermarket=supermarket,
                                         goods=donation.goods, description=description,
                                         recorded_by=actor if getattr(actor, "pk", None) else None)
    record(actor, "donation.spend", object_type="donation_entry", object_id=entry.pk, area_code=organisation.area_id,
           details={"organisation": organisation.code, "receipt": donation.receipt, "amount": fmt(amount_fen),
                    "purpose": purpose, "project": project.pk if project else None,
                    "household": household.pk if household else None,
                    "supermarket": supermarket.pk if supermarket else None})
    return entry


@transaction.atomic
def reverse(actor, entry: DonationEntry, *, on: date, reason: str) -> DonationEntry:
    """Undo ``entry`` by its opposite (a gift not received, a spending entered by mistake): both
    stay in the book and the statements. A gift is reversed only once nothing is spent from it."""
    organisation = entry.organisation
    access.require_organisation_writer(actor, organisation, "冲正捐赠账目")
    errors = Errors()
    day(errors, "on", on)
    reason = text(errors, "reason", reason, 200)
    errors.raise_any()
    _lock(organisation)
    if entry.kind == DonationEntry.Kind.REVERSAL:
        raise InputError([FieldError("entry", "charity_reverse_reversal")])
    done = DonationEntry.objects.filter(reverses=entry).first()
    if done is not None:
        raise InputError([FieldError("entry", "charity_already_reversed", entry=entry.pk, on=done.on.isoformat())])
    if entry.kind == DonationEntry.Kind.RECEIVED and (left := remaining_fen(entry)) != entry.amount_fen:
        raise InputError([FieldError("entry", "charity_reverse_spent", receipt=entry.receipt,
                                     spent=fmt(entry.amount_fen - left))])
    reversal = DonationEntry.objects.create(
        organisation=organisation, kind=DonationEntry.Kind.REVERSAL, on=on, amount_fen=-entry.amount_fen,
        reverses=entry, donation=entry.donation, purpose=entry.purpose, donor=entry.donor, goods=entry.goods,
        project=entry.project, household=entry.household, supermarket=entry.supermarket, description=reason,
        recorded_by=actor if getattr(actor, "pk", None) else None)
    record(actor, "donation.reverse", object_type="donation_entry", object_id=reversal.pk,
           area_code=organisation.area_id,
           details={"organisation": organisation.code, "reverses": entry.pk, "amount": fmt(-entry.amount_fen),
                    "reason": reason})
    return reversal
