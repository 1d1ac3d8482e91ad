"""Every write of a referral, one function per step, each in a transaction that locks the row,
checks the role, the area, the state and the date, writes the timeline and the audit record.

    sent 已转介 -> received 已接收 -> answered 已办结 | declined 不予办理
    sent, received -> withdrawn 已撤回

The township window sends (``refer``) and may withdraw, and records an answer the department
gave on paper; the department's liaison (role ``department``, its ``Staff.department``) receives
and answers in the system. The due date is ``referral_answer_limit`` working days from sending.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from safetynet.cases.models import Case
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import parse_money
from safetynet.policy.parameters import value
from safetynet.policy.working_days import add_working_days
from safetynet.referrals import departments
from safetynet.referrals.models import OPEN_STATES, OUTCOME_STATES, Outcome, Referral, ReferralEvent, Source, State
from safetynet.registry.models import DEPARTMENTS, Household
from safetynet.registry.selectors import Forbidden, acting_user, require_role
from safetynet.supervision.services import record
from safetynet.web import clock
from safetynet.web.errors import Conflict
from safetynet.web.inputs import day_or_error

ACTION_NAMES = {"send": "转介", "receive": "接收转介", "answer": "答复转介", "withdraw": "撤回转介"}
# The steps and who takes them; the department's own steps also need its Staff.department.
WINDOW = ("clerk",)
DEPARTMENT = ("department",)
ANSWERERS = ("department", "clerk")  # the clerk records an answer the department gave on paper

NEED_MAX = 2000
ANSWER_MAX = 2000
DEPARTMENT_LABELS = dict(DEPARTMENTS)


class ReferralStateError(Conflict):
    """A step the referral's state does not allow (it moved meanwhile): the API's 409."""


def _money(raw, path: str, errors: list[FieldError]) -> int | None:
    """``"390.00"`` (or a Decimal) as fen; None when empty; an error naming ``path`` otherwise."""
    return parse_money(raw, path, errors, required=False)


def _text(raw, path: str, limit: int, errors: list[FieldError], *, required: bool = True) -> str:
    text = (raw or "").strip() if isinstance(raw, str) else ""
    if required and not text:
        errors.append(FieldError(path, "required"))
    elif len(text) > limit:
        errors.append(FieldError(path, "too_long", max=limit, length=len(text)))
    return text


def _day(on, errors: list[FieldError], path: str = "on") -> None:
    if not isinstance(on, date):
        errors.append(FieldError(path, "date_format", value=str(on)[:40]))
    elif e := day_or_error(on, path):
        errors.append(e)
    elif on > clock.today():
        errors.append(FieldError(path, "date_future", on=on.isoformat()))


def due_on(area_code: str, sent_on: date) -> date:
    """The day the department's answer is due: ``referral_answer_limit`` working days after sending."""
    return add_working_days(sent_on, value("referral_answer_limit", area_code[:6], sent_on))


def _event(actor, referral: Referral, action: str, from_state: str, *, on: date, note: str = "",
           data: dict | None = None) -> None:
    ReferralEvent.objects.create(referral=referral, on=on, actor=acting_user(actor), action=action,
                                 from_state=from_state, to_state=referral.state, note=note, data=data or {})
    record(actor, f"referral.{action}", object_type="referral", object_id=referral.pk, area_code=referral.area_code,
           details={"department": referral.department, "from": from_state, "to": referral.state,
                    "on": on.isoformat(), **(data or {})})  # fmt: skip


def refer(actor, *, household: Household, department: str, need: str, on: date, case: Case | None = None,
          category: str = "other", amount=None) -> Referral:
    """转介: the window passes the household's need to ``department`` with the facts that
    department may see (``departments.DEPARTMENTS``), due in ``referral_answer_limit`` working days.

    ``amount``: the money the need is about, if any ("12000.00": a hospital bill's own share)."""
    require_role(actor, WINDOW, household.village_id, ACTION_NAMES["send"])
    errors: list[FieldError] = []
    if department not in DEPARTMENT_LABELS:
        errors.append(FieldError("department", "choice", value=str(department)[:40],
                                 choices=", ".join(DEPARTMENT_LABELS)))  # fmt: skip
    elif category not in departments.categories(department):
        errors.append(FieldError("category", "choice", value=str(category)[:40],
                                 choices=", ".join(departments.categories(department))))  # fmt: skip
    need = _text(need, "need", NEED_MAX, errors)
    need_fen = _money(amount, "amount", errors)
    _day(on, errors)
    if case is not None and case.household_id != household.pk:
        errors.append(FieldError("case", "referral_case_household", case=case.pk))
    if not errors and not any(p.member_in(on) for p in household.members.all()):
        errors.append(FieldError("household", "referral_no_members", on=on.isoformat()))
    if errors:
        raise InputError(errors)
    facts, person_ids = departments.snapshot(household, department, on)
    with transaction.atomic():
        referral = Referral.objects.create(
            household=household, case=case, area_code=household.village_id, department=department,
            category=category, need=need, need_amount_fen=need_fen, facts=facts, person_ids=person_ids,
            state=State.SENT, sent_on=on, sent_by=acting_user(actor), due_on=due_on(household.village_id, on),
        )  # fmt: skip
        _event(actor, referral, "send", "", on=on, data={
            "category": category, "case": case.pk if case else None, "due_on": referral.due_on.isoformat(),
            # what left, by field name (the values are on the referral): the audit shows the minimisation
            "fields": {"household": list(facts["household"]), "members": list((facts.get("members") or [{}])[0])},
        })  # fmt: skip
    return referral


def _locked(actor, referral: Referral, action: str, roles: tuple[str, ...], states: tuple[str, ...]) -> Referral:
    """The referral locked for a step: role and area, the department's own, the state."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    staff = require_role(actor, roles, locked.area_code, ACTION_NAMES[action])
    if staff.role == "department" and staff.department != locked.department:
        raise Forbidden(staff.get_role_display(), ACTION_NAMES[action]) from None
    if locked.state not in states:
        raise ReferralStateError("referral_state", state=State(locked.state).label, action=ACTION_NAMES[action],
                                 allowed="、".join(str(State(s).label) for s in states))  # fmt: skip
    return locked


def _after_last(locked: Referral, on: date, errors: list[FieldError]) -> None:
    last = locked.events.order_by("-on").values_list("on", flat=True).first() or locked.sent_on
    if on < last:
        errors.append(FieldError("on", "date_order", on=on.isoformat(), last=last.isoformat()))


def receive(actor, referral: Referral, *, on: date) -> Referral:
    """接收: the department acknowledges the referral (the clock keeps running to the due date)."""
    errors: list[FieldError] = []
    _day(on, errors)
    if errors:
        raise InputError(errors)
    with transaction.atomic():
        locked = _locked(actor, referral, "receive", DEPARTMENT, ("sent",))
        _after_last(locked, on, errors)
        if errors:
            raise InputError(errors)
        locked.state, locked.received_on, locked.received_by = State.RECEIVED, on, acting_user(actor)
        locked.save()
        _event(actor, locked, "receive", "sent", on=on)
    return locked


def answer(actor, referral: Referral, *, outcome: str, text: str, on: date, amount=None) -> Referral:
    """答复: the department's answer, closing the referral as done (money granted, or a service)
    or as not taken up (not eligible, not its duty). The liaison answers in the system, from
    sent or received; the window records an answer the department gave on paper."""
    errors: list[FieldError] = []
    if outcome not in OUTCOME_STATES:
        errors.append(FieldError("outcome", "choice", value=str(outcome)[:40], choices=", ".join(OUTCOME_STATES)))
    text = _text(text, "answer", ANSWER_MAX, errors)
    fen = _money(amount, "amount", errors)
    if outcome == Outcome.GRANTED and fen is None and not any(e.path == "amount" for e in errors):
        errors.append(FieldError("amount", "referral_amount_required"))
    if outcome in OUTCOME_STATES and outcome != Outcome.GRANTED and fen:
        errors.append(FieldError("amount", "referral_amount_not_granted"))
    _day(on, errors)
    if errors:
        raise InputError(errors)
    with transaction.atomic():
        locked = _locked(actor, referral, "answer", ANSWERERS, OPEN_STATES)
        _after_last(locked, on, errors)
        if errors:
            raise InputError(errors)
        from_state = locked.state
        source = Source.DEPARTMENT if actor.staff.role == "department" else Source.PAPER
        locked.state = OUTCOME_STATES[outcome]
        locked.outcome, locked.answer, locked.granted_fen = outcome, text, fen if outcome == Outcome.GRANTED else None
        locked.answered_on, locked.answered_by, locked.answer_source = on, acting_user(actor), source
        locked.save()
        _event(actor, locked, "answer", from_state, on=on, note=text, data={
            "outcome": outcome, "amount": str(Decimal(fen) / 100) if fen else None, "source": source,
            "overdue": on > locked.due_on,
        })  # fmt: skip
    return locked


def withdraw(actor, referral: Referral, *, on: date, reason: str) -> Referral:
    """撤回: the window takes a referral back (the need was met otherwise, sent in error)."""
    errors: list[FieldError] = []
    reason = _text(reason, "reason", ANSWER_MAX, errors)
    _day(on, errors)
    if errors:
        raise InputError(errors)
    with transaction.atomic():
        locked = _locked(actor, referral, "withdraw", WINDOW, OPEN_STATES)
        _after_last(locked, on, errors)
        if errors:
            raise InputError(errors)
        from_state = locked.state
        locked.state = State.WITHDRAWN
        locked.save()
        _event(actor, locked, "withdraw", from_state, on=on, note=reason)
    return locked
