"""Every state change of a case: one function per transition, in a transaction, with its audit
record and its line on the case's timeline.

Two clerks acting on one case at once cannot both succeed: the row is locked (SELECT ... FOR
UPDATE on PostgreSQL; SQLite serialises writers) and the version the user saw must still be the
case's version. Dates are the dates of the acts (``on``); deadlines count working days on the
State Council calendar from the area's time limit in force (policy parameters).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetynet.cases import messages as _messages  # noqa: F401  (registers the messages)
from safetynet.cases import programmes
from safetynet.cases.backdating import LIMIT_WORKING_DAYS, earliest_direct, is_backdated
from safetynet.cases.models import (
    CLOSED_STATES,
    TRANSITIONS,
    Authorization,
    BackdatedAct,
    Case,
    CaseEvent,
    HomeVisit,
    Objection,
    State,
)
from safetynet.payments.services import sync_entitlements
from safetynet.policy import exits
from safetynet.policy.assessment import assess_households
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.household import parse_household
from safetynet.policy.months import add_months, first_of_next_month
from safetynet.policy.parameters import value
from safetynet.policy.working_days import add_working_days
from safetynet.registry.models import Household, Person, Staff
from safetynet.registry.selectors import acting_user, amount_changes_since, assessment_input, require_role, staff_of
from safetynet.site.inputs import day_or_error
from safetynet.supervision.services import record
from safetynet.verification import services as verification
from safetynet.verification.selectors import (
    NOT_ELIGIBLE_IMPACTS,
    check_reading,
    latest_check,
    missing_authorizations,
)
from safetynet.web import clock
from safetynet.web.errors import Conflict

ACTION_NAMES = {
    "start_precheck": _("发起核对"),
    "accept": _("受理申请"),
    "record_home_visit": _("登记入户调查"),
    "approve": _("审核确认"),
    "refuse": _("不予确认"),
    "object": _("登记公示异议"),
    "close_notice": _("结束公示并确认"),
    "start_review": _("启动复核"),
    "continue_after_review": _("复核后继续保障"),
    "suspend": _("暂停保障"),
    "resume": _("恢复保障"),
    "give_termination_notice": _("发布终止公示"),
    "terminate": _("终止保障"),
    "start_graduated_exit": _("启动渐退"),
    "end_graduated_exit": _("渐退期满终止"),
    "withdraw": _("撤回申请"),
    "reprice": _("标准调整重新核定"),
    "confirm_backdated": _("确认补录"),
}


class TransitionError(Conflict):
    """A step the case's state, its version or the user's role does not allow."""


class DutyError(PermissionDenied):
    """Two duties one person may not hold on the same file (separation of duties); in Chinese."""

    def __init__(self, code: str, **params) -> None:
        self.error = PolicyError(code, **params)
        super().__init__(self.error.message("zh"))


# While a backdated step is checked (``"dry-run"``) or taken on its confirmation (the act): the
# step passes the backdating rule; anything else acting on the case meanwhile does not.
_backdate_pass: ContextVar[BackdatedAct | str | None] = ContextVar("safetynet_backdate_pass", default=None)


MAX_TEXT = 2000  # a reason, a finding, an objection: a page of text
MAX_INVESTIGATORS = 10


def _text_errors(path: str, value, *, required: bool = False, max_length: int = MAX_TEXT) -> list[FieldError]:
    if not isinstance(value, str):
        return [FieldError(path, "type_string")]
    if required and not value.strip():
        return [FieldError(path, "required")]
    if len(value.strip()) > max_length:
        return [FieldError(path, "too_long", max=max_length, length=len(value.strip()))]
    return []


def _day_errors(path: str, on: date) -> list[FieldError]:
    """An act's date: within the office's dates, and not after today."""
    if e := day_or_error(on, path):
        return [e]
    return [FieldError(path, "date_future", on=on.isoformat())] if on > clock.today() else []


def _limit(name: str, case_or_area: Case | str, on: date) -> int:
    area = case_or_area if isinstance(case_or_area, str) else case_or_area.area_code
    return value(name, area[:6], on)


def _check_role(actor, action: str, roles: tuple[str, ...], area_code: str) -> Staff:
    return require_role(actor, roles, area_code, ACTION_NAMES.get(action, action))


def _transition(
    actor,
    case: Case,
    name: str,
    *,
    version: int,
    on: date,
    note: str = "",
    data: dict | None = None,
    change: Callable[[Case], None] | None = None,
    overrides_check: bool = False,
    after: Callable[[Case, CaseEvent], None] | None = None,
) -> Case:
    from_states, to_state, roles = TRANSITIONS[name]
    if errors := [e for e in _day_errors("on", on) if e.code != "date_future"]:
        raise InputError(errors)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        _check_role(actor, name, roles, locked.area_code)
        if locked.version != version:
            raise TransitionError("stale_version", current=locked.version, seen=version)
        if locked.state not in from_states:
            raise TransitionError(
                "illegal_transition",
                state=State(locked.state).label,
                action=ACTION_NAMES[name],
                allowed="、".join(str(State(s).label) for s in from_states),
            )
        if on > clock.today():
            raise InputError([FieldError("on", "date_future", on=on.isoformat())])
        last = locked.events.order_by("-on").values_list("on", flat=True).first()
        if last and on < last:
            raise InputError([FieldError("on", "date_order", on=on.isoformat(), last=last.isoformat())])
        data = dict(data or {})
        passing = _backdate_pass.get()
        pending = locked.backdated_acts.filter(status=BackdatedAct.Status.PENDING).first()
        if pending and not (isinstance(passing, BackdatedAct) and passing.pk == pending.pk):
            raise TransitionError("backdate_pending", act=pending.pk, action=ACTION_NAMES.get(pending.transition, ""),
                                  on=pending.on.isoformat())  # fmt: skip
        if passing is None and is_backdated(on):
            raise InputError([FieldError("on", "backdated", on=on.isoformat(), limit=LIMIT_WORKING_DAYS,
                                         earliest=earliest_direct().isoformat())])  # fmt: skip
        if isinstance(passing, BackdatedAct):
            # who asked and who confirmed, by user id (a login is not a name; the page names them)
            data["backdated"] = {"act": passing.pk, "reason": passing.reason,
                                 "requested_by": passing.requested_by_id,
                                 "confirmed_by": passing.decided_by_id}  # fmt: skip
        from_state = locked.state
        if change:
            change(locked)
        locked.state = to_state
        locked.version += 1
        locked.persons_covered = programmes.get(locked.programme).persons_covered(locked)
        locked.save()
        event = CaseEvent.objects.create(
            case=locked,
            on=on,
            actor=acting_user(actor),
            transition=name,
            from_state=from_state,
            to_state=to_state,
            note=note,
            data=data,
            overrides_check=overrides_check,
            persons_covered=locked.persons_covered,
            monthly_amount_fen=locked.monthly_amount_fen,
        )
        if after:
            after(locked, event)  # what the decision sets going, in its transaction
        record(
            actor,
            f"case.{name}",
            object_type="case",
            object_id=locked.pk,
            area_code=locked.area_code,
            details={"from": from_state, "to": to_state, "on": on.isoformat(), **data},
        )
        if name in programmes.get(locked.programme).money_steps:
            sync_entitlements(locked)  # what is owed follows the decision, in the same transaction
    case.refresh_from_db()
    return case


# A programme's own step calls this (``cases.programmes.register_step``).
transition = _transition


def _assess(case: Case, on: date) -> dict:
    """The policy floor's answer for the case in the month of ``on``, as its programme declares it."""
    return programmes.get(case.programme).assess(case, on)


# The steps at which the household's facts were assessed for the amount.
FACT_DECISIONS = ("approve", "continue_after_review")


def facts_changed(case: Case) -> dict | None:
    """Facts recorded on the household since its facts were last assessed (approval, review) that
    can alter the amount: the month from which they all hold (the month the latest took effect,
    or the next one if it took effect after the 1st) and what the case would be owed then."""
    last = max((e.at for e in case.events.all() if e.transition in FACT_DECISIONS), default=None)
    changes = amount_changes_since(case.household, last) if last and case.approved_on else []
    if not changes:
        return None
    latest = changes[-1].effective_on
    month = latest if latest.day == 1 else first_of_next_month(latest)
    eligible, amount, reasons = _amount_fen(case, _assess(case, month))
    return {"month": month, "changes": changes, "eligible": eligible, "amount_fen": amount, "reasons": reasons}


def _amount_fen(case: Case, result: dict) -> tuple[bool, int, list[dict]]:
    """Eligible, amount in fen, reasons: the part of the answer its programme declares (the
    household's dibao, the applicant's tekun)."""
    return programmes.get(case.programme).amount(case, result)


# ---- the transitions ------------------------------------------------------------------------


@transaction.atomic
def record_authorization(
    actor, *, id_number: str, signed_on: date, document: str, person: Person | None = None
) -> Authorization:
    """A signed authorisation to check a person's income and assets (授权核对)."""
    area = person.household.village_id if person else (staff_of(actor).area_id if staff_of(actor) else "")
    _check_role(actor, "start_precheck", ("clerk",), area)
    errors = _text_errors("document", document, required=True, max_length=60) + _day_errors("signed_on", signed_on)
    if errors:
        raise InputError(errors)
    document = document.strip()
    auth = Authorization.objects.create(
        person=person, id_number=id_number, signed_on=signed_on, document=document, recorded_by=acting_user(actor)
    )
    record(
        actor,
        "authorization.record",
        object_type="authorization",
        object_id=auth.pk,
        area_code=area,
        details={"document": document, "signed_on": signed_on.isoformat()},
    )
    return auth


def _verify(actor, household: Household, programme: str, on: date) -> dict:
    """The verification centre's check of the household, recorded with the case; where no
    department data has been imported yet, the case says so and rests on the declaration."""
    if not verification.has_data(verification.store_path()):
        return {"checked": False}
    run = verification.check_household(actor, household, month=on.replace(day=1), programme=programme)
    result = run.results.get()
    return {
        "checked": True,
        "run": run.pk,
        "impact": result.impact,
        "declared_amount_fen": result.declared_amount_fen,
        "verified_amount_fen": result.verified_amount_fen,
        "differences": sum(1 for line in result.lines if line["differs"]),
    }


def start_precheck(actor, *, household: Household, programme: str, applicant: Person, on: date) -> Case:
    """先核对、后申请: the economic check before the formal application, on signed authorisations."""
    _check_role(actor, "start_precheck", ("clerk",), household.village_id)
    opening = [d.code for d in programmes.opened_by("start_precheck")]
    if programme not in opening:
        raise InputError([FieldError("programme", "choice", value=programme, choices=", ".join(opening))])
    if errors := _day_errors("on", on):
        raise InputError(errors)
    if is_backdated(on):  # a check is started on the day: no pending act can stand for a case not yet open
        raise InputError([FieldError("on", "backdated_start", on=on.isoformat(), limit=LIMIT_WORKING_DAYS)])
    if applicant.household_id != household.pk:
        raise InputError([FieldError("applicant", "not_a_member")])
    missing = missing_authorizations(household, programme)
    if missing:
        raise InputError([FieldError("authorizations", "authorization_missing", names="、".join(missing))])
    due = add_working_days(on, _limit("verification_time_limit", household.village_id, on))
    with transaction.atomic():
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    programme=programme,
                    household=household,
                    applicant=applicant,
                    area_code=household.village_id,
                    opened_on=on,
                    due_on=due,
                    staff_relative=household.members.filter(staff_relative=True).exists(),
                )
        except IntegrityError:  # the database's one-live-case constraint
            raise _open_case_exists(household, programme, applicant) from None
        case.assessment = _assess(case, on)
        case.assessment["verification"] = _verify(actor, household, programme, on)
        case.save(update_fields=["assessment"])
        CaseEvent.objects.create(
            case=case,
            on=on,
            actor=acting_user(actor),
            transition="start_precheck",
            to_state=case.state,
            data={"staff_relative": case.staff_relative, "verification": case.assessment["verification"]},
        )
        record(
            actor,
            "case.start_precheck",
            object_type="case",
            object_id=case.pk,
            area_code=case.area_code,
            details={"programme": programme, "on": on.isoformat()},
        )
    return case


def _open_case_exists(household: Household, programme: str, applicant: Person) -> InputError:
    """The one live case of the household (or of the person, for a programme of persons)."""
    by_household = programmes.get(programme).unit == "household"
    whose = {"household": household} if by_household else {"applicant": applicant}
    live = Case.objects.filter(programme=programme, **whose).exclude(state__in=CLOSED_STATES).first()
    return InputError([FieldError("programme", "open_case_exists", programme=programmes.label(programme),
                                  case=live.pk if live else "?", who="家庭" if by_household else "申请人")])


def accept(actor, case: Case, *, version: int, on: date) -> Case:
    """受理: the decision is due within the area's time limit (20 working days; 2 in 汶上县)."""

    def change(c: Case) -> None:
        c.accepted_on = on
        c.decision_due_on = add_working_days(on, _limit("decision_time_limit", c, on))
        visit_due = add_working_days(on, _limit("investigation_start_limit", c, on))
        c.due_on = min(visit_due, c.decision_due_on)

    return _transition(actor, case, "accept", version=version, on=on, change=change)


def record_home_visit(
    actor,
    case: Case,
    *,
    version: int,
    on: date,
    investigators: list[str],
    family_signed: bool,
    findings: str,
    county_level: bool = False,
) -> Case:
    """入户调查: at least two investigators, the record signed by the family members present; for
    relatives of caseworkers or cadres the visit is made by the county (低保-2021 Arts. 11, 20)."""
    names = sorted({n.strip() for n in investigators if isinstance(n, str) and n.strip()})
    errors = [e for i, n in enumerate(investigators) for e in _text_errors(f"investigators[{i}]", n, max_length=40)]
    errors += _text_errors("findings", findings)
    if len(names) > MAX_INVESTIGATORS:
        errors.append(FieldError("investigators", "range", low=2, high=MAX_INVESTIGATORS, value=len(names)))
    if len(names) < 2:
        errors.append(FieldError("investigators", "investigators", count=len(names)))
    if not family_signed:
        errors.append(FieldError("family_signed", "family_signature"))
    if county_level and (staff_of(actor) is None or staff_of(actor).role != Staff.Role.COUNTY):
        errors.append(FieldError("county_level", "not_permitted", role=_role_label(actor), action="登记县级入户调查"))
    if case.staff_relative and not county_level:
        errors.append(FieldError("county_level", "county_visit_required"))
    if errors:
        raise InputError(errors)

    def change(c: Case) -> None:
        HomeVisit.objects.create(
            case=c,
            visited_on=on,
            investigators=names,
            county_level=county_level,
            family_signed=family_signed,
            findings=findings,
        )
        c.county_visit_done = c.county_visit_done or county_level
        c.due_on = c.decision_due_on

    return _transition(
        actor,
        case,
        "record_home_visit",
        version=version,
        on=on,
        change=change,
        data={"investigators": names, "county_level": county_level},
    )


def _role_label(actor) -> str:
    staff = staff_of(actor)
    return staff.get_role_display() if staff else "—"


def _not_the_visitor(actor, case: Case) -> None:
    """Separation of duties: whoever recorded a home visit of the case does not decide it."""
    user = acting_user(actor)
    if user is not None and case.events.filter(transition="record_home_visit", actor=user).exists():
        raise DutyError("visitor_cannot_decide")


def _opinion_errors(opinion: str | None) -> list[FieldError]:
    """The approver's opinion (审核意见): every way in a person uses (the page's form, the API)
    passes the text, and it is required; ``None`` is a caller with none to give (a script)."""
    if opinion is None:
        return []
    return _text_errors("opinion", opinion, required=True)


def check_against(case: Case) -> dict | None:
    """The latest department-data check of the case's household, if it says "not eligible" for
    the programme deciding: the check's own verdict where it applies (dibao, the household's), else
    the programme's reading of it (tekun: the applicant's conditions on what the check found,
    ``verification.selectors.check_reading``)."""
    programme = programmes.get(case.programme)
    result = latest_check(case.household_id)
    if result is None:
        return None
    if programme.verdict_applies:
        impact, verdict = result.impact, str(result.get_impact_display())
    elif programme.reads_household_check:
        reading = check_reading(case, result)
        if reading is None or reading["predates"]:
            return None
        impact, verdict = reading["impact"], f"按{programme.short}条件{reading['verdict']}"
    else:
        return None
    if impact not in NOT_ELIGIBLE_IMPACTS:
        return None
    return {"run": result.run_id, "impact": impact, "verdict": verdict,
            "day": f"{result.run.requested_at:%Y-%m-%d}"}  # fmt: skip


def approve(actor, case: Case, *, version: int, on: date, opinion: str | None = None, part: dict | None = None
            ) -> Case:  # fmt: skip
    """审核确认: the amount is the policy floor's, for the month of the decision; the result is
    posted in the village for 7 days. The approver's opinion goes into the decision
    (``data["opinion"]`` of its event); against a "not eligible" check it is required and the
    approval is marked as overriding the check, which the county sees and counts. ``part``: the
    programme's own part of its approval (``programmes.StepPart``; tekun's support mode), checked
    with the opinion, recorded in the decision and applied in its transaction; ``None`` is a
    caller with none to give (a script), like the opinion."""
    _not_the_visitor(actor, case)
    result = _assess(case, on)
    eligible, amount, reasons = _amount_fen(case, result)
    if not eligible:
        raise InputError(
            [FieldError("decision", "not_eligible", month=f"{on:%Y-%m}", reasons="；".join(r["text"] for r in reasons))]
        )
    against = check_against(case)
    if against and not (opinion or "").strip():
        raise InputError([FieldError("opinion", "override_opinion_required", day=against["day"], run=against["run"],
                                     verdict=against["verdict"])])  # fmt: skip
    own = programmes.step_part(case, "approve") if part is not None else None
    recorded, part_errors = own.check(actor, case, on, part) if own else ({}, [])
    if errors := _opinion_errors(opinion) + part_errors:
        raise InputError(errors)
    data = {"monthly_amount_fen": amount, "opinion": (opinion or "").strip(), **recorded}
    if against:
        data["override"] = against  # run, impact, verdict, day

    def change(c: Case) -> None:
        c.decided_on, c.decision_month = on, on.replace(day=1)
        c.assessment, c.monthly_amount_fen = result, amount
        c.notice_starts_on = on
        c.notice_ends_on = on + timedelta(days=value("public_notice_days", c.area_code[:6], on))
        c.due_on = c.notice_ends_on

    return _transition(
        actor, case, "approve", version=version, on=on, change=change, data=data, overrides_check=bool(against),
        after=(lambda c, event: own.apply(actor, c, event, recorded)) if own else None,
    )


def refuse(actor, case: Case, *, version: int, on: date, reasons: str, opinion: str | None = None) -> Case:
    """不予确认, with reasons notified in writing within 3 working days (低保-2021 Art. 21); the
    approver's opinion goes into the decision like an approval's."""
    _not_the_visitor(actor, case)
    errors = _text_errors("reasons", reasons, required=True) + _opinion_errors(opinion)
    if errors:
        raise InputError(errors)

    def change(c: Case) -> None:
        c.decided_on, c.refusal_reasons = on, reasons.strip()
        c.due_on = add_working_days(on, _limit("refusal_notice_limit", c, on))

    return _transition(actor, case, "refuse", version=version, on=on, change=change, note=reasons.strip(),
                       data={"opinion": (opinion or "").strip()})


def raise_objection(actor, case: Case, *, version: int, on: date, text: str) -> Case:
    """An objection during the notice reopens the investigation; a new notice follows."""
    if errors := _text_errors("text", text, required=True):
        raise InputError(errors)

    def change(c: Case) -> None:
        Objection.objects.create(case=c, raised_on=on, text=text.strip())
        c.notice_starts_on = c.notice_ends_on = None
        c.due_on = add_working_days(on, _limit("investigation_start_limit", c, on))

    return _transition(actor, case, "object", version=version, on=on, change=change, note=text.strip())


def close_notice(actor, case: Case, *, version: int, on: date) -> Case:
    """The notice ran its 7 days without objection: the case is approved and the entitlement
    starts the month after (低保-2012 Art. 31; 特困-2021 Art. 17)."""
    if case.notice_ends_on and on < case.notice_ends_on:
        raise TransitionError(
            "notice_running", ends=case.notice_ends_on.isoformat(), action=ACTION_NAMES["close_notice"]
        )

    def change(c: Case) -> None:
        c.approved_on = on
        c.entitlement_from = first_of_next_month(on)
        c.next_review_on = add_months(on.replace(day=1), _review_months(c))
        c.due_on = None

    return _transition(actor, case, "close_notice", version=version, on=on, change=change)


def _review_months(case: Case) -> int:
    """Its programme's period of review (tekun and stable dibao households yearly; irregular
    income or members able to work half-yearly, 低保-2021 Art. 31)."""
    months = programmes.get(case.programme).review_months
    return months(case) if months else 12


def start_review(actor, case: Case, *, version: int, on: date) -> Case:
    def change(c: Case) -> None:
        c.due_on = add_working_days(on, _limit("decision_time_limit", c, on))

    return _transition(actor, case, "start_review", version=version, on=on, change=change)


def continue_after_review(actor, case: Case, *, version: int, on: date) -> Case:
    """Still eligible: the amount of the month of the review applies from the next month; where
    facts were recorded as changed since the last assessment, the amount they give applies from
    the month they hold (the payroll then pays or recovers the months already paid)."""
    changed = facts_changed(case)
    month = changed["month"] if changed else on.replace(day=1)
    effective = month if changed else first_of_next_month(on)
    result = _assess(case, month)
    eligible, amount, reasons = _amount_fen(case, result)
    if not eligible:
        why = "；".join(r["text"] for r in reasons)
        raise InputError([FieldError("decision", "not_eligible", month=f"{month:%Y-%m}", reasons=why)])
    old = case.monthly_amount_fen

    def change(c: Case) -> None:
        c.assessment, c.monthly_amount_fen, c.decision_month = result, amount, month
        c.next_review_on = add_months(on.replace(day=1), _review_months(c))
        c.due_on = None

    return _transition(
        actor,
        case,
        "continue_after_review",
        version=version,
        on=on,
        change=change,
        data={"old_amount_fen": old, "new_amount_fen": amount, "effective": effective.isoformat(),
              **({"facts_changed": [c.pk for c in changed["changes"]]} if changed else {})},
    )


def suspend(actor, case: Case, *, version: int, on: date, reason: str) -> Case:
    if errors := _text_errors("reason", reason):
        raise InputError(errors)
    return _transition(actor, case, "suspend", version=version, on=on, note=reason)


def resume(actor, case: Case, *, version: int, on: date) -> Case:
    return _transition(actor, case, "resume", version=version, on=on)


def give_termination_notice(actor, case: Case, *, version: int, on: date, reason: str, cause: str = "") -> Case:
    """Ending support is posted for 7 days first; it takes effect the month after. ``cause``: why
    (``policy.exits.CAUSES``); while the epidemic's pause of dibao exits is in force, a special
    cause is required (``policy.exits.exit_errors``)."""
    declaration = programmes.get(case.programme)
    if errors := _text_errors("reason", reason, required=True) + exits.exit_errors(
            case.area_code, on, case.programme, cause, causes=declaration.causes(),
            required=declaration.exit_causes is not None):
        raise InputError(errors)

    def change(c: Case) -> None:
        c.notice_starts_on = on
        c.notice_ends_on = on + timedelta(days=value("public_notice_days", c.area_code[:6], on))
        c.due_on = c.notice_ends_on

    return _transition(actor, case, "give_termination_notice", version=version, on=on, change=change, note=reason,
                       data={"cause": cause} if cause else None)


def terminate(actor, case: Case, *, version: int, on: date) -> Case:
    if case.notice_ends_on and on < case.notice_ends_on:
        raise TransitionError("notice_running", ends=case.notice_ends_on.isoformat(), action=ACTION_NAMES["terminate"])

    def change(c: Case) -> None:
        c.entitlement_until = first_of_next_month(on)
        c.due_on = None

    return _transition(actor, case, "terminate", version=version, on=on, change=change)


def start_graduated_exit(actor, case: Case, *, version: int, on: date, months: int) -> Case:
    """渐退: a registered-poor household whose income has risen above the standard keeps its
    dibao for 3 to 6 more months, and in 2020 at least to the year's end (dated rules,
    ``policy.exits``; POLICY.md §3)."""
    low, high = exits.graduated_exit_months(case.area_code, on)
    if not low <= months <= high:
        raise InputError([FieldError("months", "graduated_exit_months", months=months, low=low, high=high)])
    if not case.household.registered_poor:
        raise InputError([FieldError("case", "not_registered_poor")])
    eligible, _, _ = _amount_fen(case, _assess(case, on))
    if eligible:
        raise InputError([FieldError("case", "still_eligible", month=f"{on:%Y-%m}")])

    def change(c: Case) -> None:
        c.entitlement_until = exits.graduated_exit_until(c.area_code, on, months, registered_poor=True)
        c.due_on = c.entitlement_until - timedelta(days=1)

    return _transition(
        actor, case, "start_graduated_exit", version=version, on=on, change=change, data={"months": months}
    )


def end_graduated_exit(actor, case: Case, *, version: int, on: date) -> Case:
    def change(c: Case) -> None:
        c.due_on = None

    return _transition(actor, case, "end_graduated_exit", version=version, on=on, change=change)


def withdraw(actor, case: Case, *, version: int, on: date, reason: str = "") -> Case:
    if errors := _text_errors("reason", reason):
        raise InputError(errors)

    def change(c: Case) -> None:
        c.due_on = None

    return _transition(actor, case, "withdraw", version=version, on=on, change=change, note=reason)


REPRICED_STATES = ("approved", "review", "suspended", "ending", "graduated_exit")


def reprice_for_standard(actor, *, area_code: str, effective: date, on: date) -> dict:
    """A new standard from ``effective``: every covered case of the area is assessed again for
    that month, in one batch, and a changed amount is recorded on the case as a decision
    (``reprice``) that applies from ``effective``, back pay included when the date has passed.
    A case the new rules no longer cover is listed for review, never ended silently."""
    require_role(actor, ("city", "county"), area_code, ACTION_NAMES["reprice"])
    month = effective.replace(day=1)
    # The programmes whose amounts the household's standards set (a one-off grant is not re-priced).
    priced = [d.code for d in programmes.all() if d.assess is programmes.household_assessment]
    cases = list(
        Case.objects.filter(area_code__startswith=area_code, state__in=REPRICED_STATES, programme__in=priced)
        .select_related("household", "applicant")
        .prefetch_related("household__members__incomes", "household__members__assets", "household__members__obligors",
                          "household__members__changes")
        .order_by("id")
    )
    households = [parse_household(assessment_input(c.household, month)) for c in cases]
    results = assess_households(households)
    report = {"repriced": 0, "unchanged": 0, "to_review": []}
    changes = {}  # case id -> new amount, result
    for case, result in zip(cases, results, strict=True):
        eligible, amount, _reasons = _amount_fen(case, result)
        if not eligible:
            report["to_review"].append(case.pk)
        elif amount == case.monthly_amount_fen:
            report["unchanged"] += 1
        else:
            changes[case.pk] = (amount, result, case.version)
    # The writes in bulk, in one transaction: the cases locked, updated, their decisions and
    # entitlements written together, and one audit record listing every change.
    with transaction.atomic():
        locked = []
        for case in Case.objects.select_for_update().filter(pk__in=list(changes)).order_by("id"):
            # A case someone acted on while the batch assessed it (terminated, reviewed) is not
            # re-priced on what was read before: it is listed for review.
            if case.state in REPRICED_STATES and case.version == changes[case.pk][2]:
                locked.append(case)
            else:
                report["to_review"].append(case.pk)
        events, audit = [], []
        for case in locked:
            amount, result, _version = changes[case.pk]
            data = {"old_amount_fen": case.monthly_amount_fen, "new_amount_fen": amount, "effective": month.isoformat()}
            events.append(
                CaseEvent(
                    case=case,
                    on=on,
                    actor=acting_user(actor),
                    transition="reprice",
                    from_state=case.state,
                    to_state=case.state,
                    data=data,
                    note=f"自 {month:%Y-%m} 起按新标准重新核定",
                )
            )
            audit.append([case.pk, case.monthly_amount_fen, amount])
            case.monthly_amount_fen, case.assessment, case.version = amount, result, case.version + 1
            case.persons_covered = programmes.get(case.programme).persons_covered(case)
            events[-1].persons_covered, events[-1].monthly_amount_fen = case.persons_covered, amount
        Case.objects.bulk_update(locked, ["monthly_amount_fen", "assessment", "version", "persons_covered"],
                                 batch_size=2000)
        CaseEvent.objects.bulk_create(events, batch_size=5000)
        sync_entitlements(*Case.objects.filter(pk__in=[c.pk for c in locked]).prefetch_related("events"))
        if audit:
            record(
                actor,
                "case.reprice",
                object_type="reprice",
                object_id=f"{area_code}:{month:%Y-%m}",
                area_code=area_code,
                details={"effective": month.isoformat(), "cases": audit},
            )
        report["repriced"] = len(locked)
    return report


# ---- one entry for the page and the API; backdated steps (补录) ------------------------------

STEP_FUNCTIONS: dict[str, Callable[..., Case]] = {
    name: raise_objection if name == "object" else globals()[name] for name in TRANSITIONS
}


def _with_part(case: Case, name: str, arguments: dict) -> dict:
    """The fields of a programme's own part of the step (``programmes.StepPart``) gathered as
    ``part`` for its service; given on another programme's case, they are refused."""
    names = programmes.part_fields(name)
    if not names:
        return arguments
    values = {k: arguments.pop(k) for k in list(arguments) if k in names}
    if programmes.step_part(case, name) is not None:
        return {**arguments, "part": values}
    if given := [k for k, v in values.items() if v not in (None, "")]:
        raise InputError([FieldError(k, "not_for_programme", programme=programmes.label(case.programme))
                          for k in given])  # fmt: skip
    return arguments


class _DryRun(Exception):
    """Raised at the end of a checked step to roll it back."""


def take_step(actor, case: Case, name: str, *, version: int, on: date, backdate_reason: str = "", **arguments):
    """A step as a person asks it: taken now, or, dated more than the allowed working days back,
    filed with its reason for a second approver's confirmation (``BackdatedAct``; no change to
    the case until then). Returns the case, or the waiting act."""
    arguments = _with_part(case, name, arguments)
    if not is_backdated(on):
        return STEP_FUNCTIONS[name](actor, case, version=version, on=on, **arguments)
    if not (backdate_reason or "").strip():
        raise InputError([FieldError("on", "backdated", on=on.isoformat(), limit=LIMIT_WORKING_DAYS,
                                     earliest=earliest_direct().isoformat())])  # fmt: skip
    if errors := _text_errors("backdate_reason", backdate_reason, required=True):
        raise InputError(errors)
    # Every check the step makes, made now (role, state, version, dates, fields, duties): the step
    # is taken and rolled back, so what waits for confirmation is a step that would succeed.
    token = _backdate_pass.set("dry-run")
    try:
        with transaction.atomic():
            STEP_FUNCTIONS[name](actor, case, version=version, on=on, **arguments)
            raise _DryRun
    except _DryRun:
        pass
    finally:
        _backdate_pass.reset(token)
    case.refresh_from_db()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.version != version:
            raise TransitionError("stale_version", current=locked.version, seen=version)
        try:
            with transaction.atomic():
                act = BackdatedAct.objects.create(
                    case=locked, transition=name, on=on, arguments=arguments, version=version,
                    reason=backdate_reason.strip(), requested_by=acting_user(actor),
                )  # fmt: skip
        except IntegrityError:  # one waiting act per case (the database's constraint)
            pending = locked.backdated_acts.filter(status=BackdatedAct.Status.PENDING).first()
            raise TransitionError("backdate_pending", act=pending.pk if pending else "?",
                                  action=ACTION_NAMES.get(name, name), on=on.isoformat()) from None  # fmt: skip
        record(actor, "case.backdate_request", object_type="case", object_id=locked.pk, area_code=locked.area_code,
               details={"act": act.pk, "transition": name, "on": on.isoformat(), "reason": act.reason})  # fmt: skip
    return act


def _pending(act: BackdatedAct) -> BackdatedAct:
    act = BackdatedAct.objects.select_for_update().select_related("case", "requested_by").get(pk=act.pk)
    if act.status != BackdatedAct.Status.PENDING:
        raise TransitionError("backdate_not_pending", status=act.get_status_display())
    return act


def _confirmer_of(actor, act: BackdatedAct) -> None:
    """A second approver of the case's township: not the person who entered the act."""
    require_role(actor, ("approver",), act.case.area_code, ACTION_NAMES["confirm_backdated"])
    if acting_user(actor) == act.requested_by:
        raise DutyError("backdate_same_person")


def confirm_backdated(actor, act: BackdatedAct, *, note: str = "") -> Case:
    """The second approver confirms: the step is taken as its author asked it, at its date, with
    the reason and both names on the timeline; if the step no longer holds, nothing changes."""
    if errors := _text_errors("note", note):
        raise InputError(errors)
    with transaction.atomic():
        act = _pending(act)
        _confirmer_of(actor, act)
        act.decided_by = acting_user(actor)
        token = _backdate_pass.set(act)
        try:
            case = STEP_FUNCTIONS[act.transition](act.requested_by, act.case, version=act.version, on=act.on,
                                                  **act.arguments)  # fmt: skip
        finally:
            _backdate_pass.reset(token)
        act.status, act.decided_at, act.decision_note = BackdatedAct.Status.CONFIRMED, timezone.now(), note.strip()
        act.save()
        record(actor, "case.backdate_confirm", object_type="case", object_id=act.case_id,
               area_code=act.case.area_code, details={"act": act.pk, "transition": act.transition,
                                                      "on": act.on.isoformat(), "note": act.decision_note})  # fmt: skip
    return case


def refuse_backdated(actor, act: BackdatedAct, *, note: str) -> BackdatedAct:
    """The second approver (or the author, withdrawing it) declines: the case stays as it was."""
    if errors := _text_errors("note", note, required=True):
        raise InputError(errors)
    with transaction.atomic():
        act = _pending(act)
        if acting_user(actor) != act.requested_by:
            require_role(actor, ("approver",), act.case.area_code, ACTION_NAMES["confirm_backdated"])
        act.status, act.decided_by, act.decided_at = BackdatedAct.Status.REFUSED, acting_user(actor), timezone.now()
        act.decision_note = note.strip()
        act.save()
        record(actor, "case.backdate_refuse", object_type="case", object_id=act.case_id,
               area_code=act.case.area_code, details={"act": act.pk, "note": act.decision_note})  # fmt: skip
    return act
