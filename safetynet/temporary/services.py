"""Temporary assistance (临时救助) casework: the opening (``report``), the programme's own steps,
and the one step to a dibao or tekun application.

Two paths open a case (POLICY.md §6; seed; 临救-2018):

- **help first, papers after**: an emergency (急难型), or any need of a household whose dibao or
  tekun application is running (seed: 视情先给予临时救助，再按照规定程序进行审批), opens in
  ``reported`` with the 24 hours running from the report; ``help_first`` pays from the township's
  standby fund and the papers are completed within ``temporary_papers_limit`` working days
  (``accept`` from ``helped``, the home visit, the decision);
- **the standard path**: spending (支出型) and the 2020 one-off open with the economic check
  as dibao does (``precheck``, on every member's signed authorisation).

The township decides up to its limit (``grant``); above it the county (``refer_to_county``, then
``county_grant`` or ``county_refuse``). What the fund already paid is not owed again: the grant
leaves the rest to the month's payroll (the frame's ``one_off`` schedule), or ``pay_cash`` pays it
from the fund with a receipt; ``close_paid`` ends the case once the payroll has paid it.

Every step is a service ``fn(actor, case, *, version, on, **fields)`` taking the frame's
``cases.services.transition`` (lock, role, area, state, version, dates, timeline, audit); its
fields are strings as the page and the API send them (a backdated step's arguments are stored
as JSON).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetynet.cases import services as cases
from safetynet.cases.backdating import LIMIT_WORKING_DAYS, is_backdated
from safetynet.cases.models import Case, CaseEvent, State
from safetynet.funds import services as funds
from safetynet.payments.models import Payment, PayrollRun
from safetynet.payments.services import lock_payroll
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import fmt, parse_money
from safetynet.policy.working_days import add_working_days
from safetynet.registry.models import Household, Person
from safetynet.registry.selectors import acting_user, require_role
from safetynet.supervision.services import record
from safetynet.temporary import messages as _messages  # noqa: F401  (registers the messages)
from safetynet.temporary import rules
from safetynet.temporary.models import KIND_CAUSES, Cause, Kind, Method, TemporaryCase
from safetynet.verification.selectors import missing_authorizations

MAX_TEXT = cases.MAX_TEXT
_TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")
# The applications a household may be given temporary help while they run.
RUNNING_APPLICATION = ("precheck", "accepted", "investigated", "notice")

ACTION_NAMES = {
    "report": _("求助登记"),
    "help_first": _("先行救助"),
    "grant": _("批准临时救助"),
    "refer_to_county": _("报县级审批"),
    "county_grant": _("县级批准"),
    "county_refuse": _("县级不予批准"),
    "pay_cash": _("备用金现金发放"),
    "close_paid": _("发放完毕办结"),
    "open_application": _("转为低保、特困申请"),
}


# ---- input -------------------------------------------------------------------------------------


def money(value, path: str, errors: list[FieldError], *, required: bool = True, positive: bool = False) -> int | None:
    """A yuan amount as the page and the API send it (``"3000.00"``), in fen; refusals go to ``errors``."""
    return parse_money(value, path, errors, required=required, positive=positive)


def _text(path: str, value, errors: list[FieldError], *, required: bool = False, max_length: int = MAX_TEXT) -> str:
    errors += cases._text_errors(path, value if value is not None else "", required=required, max_length=max_length)
    return (value or "").strip() if isinstance(value, str) else ""


def _time(path: str, value, on: date, errors: list[FieldError]) -> datetime | None:
    """``"HH:MM"`` on the day ``on``, in the office's time zone."""
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        errors.append(FieldError(path, "required"))
        return None
    if not _TIME.match(text):
        errors.append(FieldError(path, "temporary_time", value=text[:20]))
        return None
    hour, minute = (int(p) for p in text.split(":"))
    return timezone.make_aware(datetime.combine(on, time(hour, minute)))


def temporary_of(case: Case) -> TemporaryCase:
    try:
        return TemporaryCase.objects.select_for_update().get(case_id=case.pk)
    except TemporaryCase.DoesNotExist:
        raise InputError([FieldError("case", "temporary_open_from_report")]) from None


def _duplicate(household_id: int, cause: str, occurred_on: date) -> InputError | None:
    earlier = (TemporaryCase.objects.filter(household_id=household_id, cause=cause, occurred_on=occurred_on,
                                            event_live=True).values_list("case_id", flat=True).first())  # fmt: skip
    if earlier is None:
        return None
    return InputError([FieldError("occurred_on", "temporary_duplicate_event", day=occurred_on.isoformat(),
                                  cause=Cause(cause).label, case=earlier)])  # fmt: skip


def _yuan(fen: int) -> str:
    return fmt(fen)


# ---- the opening --------------------------------------------------------------------------------


def report(
    actor,
    *,
    household: Household,
    applicant: Person,
    kind: str,
    cause: str,
    occurred_on: date,
    reported_at: datetime,
    reported_by_name: str = "",
    reported_by_relation: str = "",
    description: str = "",
    from_elsewhere: bool = False,
    requested: str = "",
    spending: str = "",
    reimbursed: str = "",
    other_assistance: str = "",
    months_without_income: int | None = None,
    unemployment_insurance: bool | None = None,
    from_case: Case | None = None,
) -> Case:
    """求助登记: a person's need as the window (or anyone on their behalf) reports it. An emergency,
    or a household whose dibao or tekun application is running, opens on the help-first path in
    ``reported``, the 24 hours running from ``reported_at``; spending opens in ``precheck`` with
    the economic check, on every member's authorisation, as dibao does. The case, its row and
    its first line are written in one transaction, audited."""
    require_role(actor, ("clerk",), household.village_id, ACTION_NAMES["report"])
    errors: list[FieldError] = []
    if kind not in Kind.values:
        errors.append(FieldError("kind", "choice", value=str(kind)[:40], choices=", ".join(Kind.values)))
    elif cause not in KIND_CAUSES[Kind(kind)]:
        errors.append(FieldError("cause", "temporary_cause_kind", kind=Kind(kind).label,
                                 cause=Cause(cause).label if cause in Cause.values else str(cause)[:40],
                                 choices="、".join(str(c.label) for c in KIND_CAUSES[Kind(kind)])))  # fmt: skip
    if reported_at is None or timezone.is_naive(reported_at):
        errors.append(FieldError("reported_at", "required"))
        raise InputError(errors)
    on = timezone.localtime(reported_at).date()
    errors += cases._day_errors("reported_at", on) + cases._day_errors("occurred_on", occurred_on)
    if occurred_on > on:
        errors.append(FieldError("occurred_on", "temporary_occurred_after_report", occurred=occurred_on.isoformat(),
                                 on=on.isoformat()))  # fmt: skip
    if is_backdated(on):  # the 24 hours cannot be seen to run on a report entered a week later
        errors.append(FieldError("reported_at", "temporary_report_backdated", on=on.isoformat(),
                                 limit=LIMIT_WORKING_DAYS))  # fmt: skip
    if applicant.household_id != household.pk:
        errors.append(FieldError("applicant", "not_a_member"))
    if from_elsewhere and kind != Kind.EMERGENCY:
        errors.append(FieldError("from_elsewhere", "temporary_elsewhere_emergency_only"))
    if from_case is not None and not (from_case.household_id == household.pk and from_case.programme in (
            "dibao", "tekun") and from_case.state in RUNNING_APPLICATION):
        errors.append(FieldError("from_case", "temporary_from_case", case=from_case.pk))
    reported_by_name = _text("reported_by_name", reported_by_name, errors, max_length=40)
    reported_by_relation = _text("reported_by_relation", reported_by_relation, errors, max_length=40)
    description = _text("description", description, errors)
    requested_fen = money(requested, "requested", errors, required=False)
    spending_fen = reimbursed_fen = other_fen = None
    if kind == Kind.SPENDING:
        spending_fen = money(spending, "spending", errors, positive=True)
        reimbursed_fen = money(reimbursed, "reimbursed", errors, required=False) or 0
        other_fen = money(other_assistance, "other_assistance", errors, required=False) or 0
    if cause == Cause.UNEMPLOYED:  # 通知-2020: declared by the person, both required
        if months_without_income is None:
            errors.append(FieldError("months_without_income", "required"))
        elif isinstance(months_without_income, bool) or not isinstance(months_without_income, int) or not (
                0 <= months_without_income <= 120):
            errors.append(FieldError("months_without_income", "range", low=0, high=120, value=months_without_income))
        if unemployment_insurance is None:
            errors.append(FieldError("unemployment_insurance", "required"))
    else:
        months_without_income = unemployment_insurance = None
    if errors:
        raise InputError(errors)
    if duplicate := _duplicate(household.pk, cause, occurred_on):
        raise duplicate
    # Help first for a sudden hardship, and for a household whose application is running (seed);
    # the 2020 one-off and spending are decided before they are paid.
    help_first_path = (kind == Kind.EMERGENCY and cause != Cause.UNEMPLOYED) or from_case is not None
    row = {
        "household": household, "kind": kind, "cause": cause, "occurred_on": occurred_on, "description": description,
        "reported_at": reported_at, "reported_by_name": reported_by_name,
        "reported_by_relation": reported_by_relation, "from_elsewhere": from_elsewhere,
        "help_first_path": help_first_path, "requested_fen": requested_fen, "spending_fen": spending_fen,
        "reimbursed_fen": reimbursed_fen, "other_assistance_fen": other_fen, "from_case": from_case,
        "months_without_income": months_without_income, "unemployment_insurance": unemployment_insurance,
    }  # fmt: skip
    if not help_first_path and (missing := missing_authorizations(household, "temporary")):
        raise InputError([FieldError("authorizations", "authorization_missing", names="、".join(missing))])
    hours = rules.help_first_hours(household.village_id, on)
    with transaction.atomic():
        case = Case.objects.create(
            programme="temporary", household=household, applicant=applicant, area_code=household.village_id,
            opened_on=on, staff_relative=household.members.filter(staff_relative=True).exists(),
            # help first: due the day its hours end; spending: the check, due as dibao's
            state="reported" if help_first_path else "precheck",
            due_on=timezone.localtime(reported_at + timedelta(hours=hours)).date() if help_first_path
            else add_working_days(on, cases._limit("verification_time_limit", household.village_id, on)),
        )  # fmt: skip
        try:
            with transaction.atomic():
                TemporaryCase.objects.create(case=case, **row)
        except IntegrityError:  # the database's one-event-one-case constraint (a report at the same moment)
            raise _duplicate(household.pk, cause, occurred_on) or InputError(
                [FieldError("occurred_on", "temporary_duplicate_event", day=occurred_on.isoformat(),
                            cause=Cause(cause).label, case="?")]) from None  # fmt: skip
        case.assessment = rules.assess_case(case, on)
        data = {"reported_at": reported_at.isoformat(), "from_case": from_case.pk if from_case else None}
        if help_first_path:
            data["hours"] = hours
        else:
            # The department data are checked as for dibao: the household's income and assets,
            # counted by the dibao rules the spending rules use (policy.temporary).
            case.assessment["verification"] = data["verification"] = cases._verify(actor, household, "dibao", on)
        case.save(update_fields=["assessment"])
        # The timeline's first line: the report (help first) or the check (先核对、后申请).
        CaseEvent.objects.create(case=case, on=on, actor=acting_user(actor), to_state=case.state,
                                 transition="report" if help_first_path else "start_precheck", data=data)
        record(actor, "temporary.report", object_type="case", object_id=case.pk, area_code=case.area_code,
               details={"kind": kind, "cause": cause, "occurred_on": occurred_on.isoformat(),
                        "reported_at": reported_at.isoformat(), "help_first": help_first_path,
                        "from_elsewhere": from_elsewhere,
                        "from_case": from_case.pk if from_case else None})  # fmt: skip
    return case


# ---- help first ---------------------------------------------------------------------------------


def _rules_amount(case: Case, on: date, fen: int, errors: list[FieldError]) -> dict:
    """The rules' answer for the month of ``on``; ``fen`` above what they allow is refused."""
    result = rules.assess_case(case, on)
    eligible, most, reasons = rules.amount(case, result)
    if not eligible:
        errors.append(FieldError("amount", "temporary_not_eligible", month=f"{on:%Y-%m}",
                                 reasons="；".join(r["text"] for r in reasons) or "—"))  # fmt: skip
    elif fen > most:
        errors.append(FieldError("amount", "temporary_above_rules", value=_yuan(fen), most=_yuan(most)))
    return result


def help_first(actor, case: Case, *, version: int, on: date, amount: str, method: str, time: str,
               receipt: str = "") -> Case:
    """先行救助: the township pays from its standby fund within the hours of the report (seed:
    24 hours; ``temporary_help_first_hours``), at most what the rules allow and the township's
    limit; the fund's draw is in this transaction (its refusal leaves nothing written). Whether
    the hours were met is stored with the act; the papers are due within
    ``temporary_papers_limit`` working days."""
    errors: list[FieldError] = []
    fen = money(amount, "amount", errors, positive=True)
    if method not in Method.values:
        errors.append(FieldError("method", "choice", value=str(method)[:40], choices=", ".join(Method.values)))
    receipt = _text("receipt", receipt, errors, max_length=40)
    if method == Method.CASH and not receipt:
        errors.append(FieldError("receipt", "temporary_receipt_required"))
    helped_at = _time("time", time, on, errors)
    temp = _own(case, "help_first")
    if helped_at and helped_at < temp.reported_at:
        errors.append(FieldError("time", "temporary_help_before_report",
                                 at=f"{timezone.localtime(helped_at):%Y-%m-%d %H:%M}",
                                 reported=f"{timezone.localtime(temp.reported_at):%Y-%m-%d %H:%M}"))  # fmt: skip
    result = None
    if fen is not None:
        result = _rules_amount(case, on, fen, errors)
        limit = rules.township_limit_fen(case.area_code, on)
        if fen > limit:
            errors.append(FieldError("amount", "temporary_help_first_limit", value=_yuan(fen), limit=_yuan(limit)))
    if errors:
        raise InputError(errors)
    reported_on = timezone.localtime(temp.reported_at).date()
    hours = rules.help_first_hours(case.area_code, reported_on)
    taken = helped_at - temp.reported_at
    within = taken <= timedelta(hours=hours)
    papers_due = add_working_days(on, rules.papers_limit(case.area_code, on))

    def change(c: Case) -> None:
        row = temporary_of(c)
        funds.draw(actor, township_code=c.township_code, amount_fen=fen, on=on, case=c, purpose="先行救助",
                   receipt=receipt)
        row.help_first_fen, row.help_method, row.help_receipt, row.helped_at = fen, method, receipt, helped_at
        row.within_hours, row.help_hours, row.papers_due_on = within, hours, papers_due
        row.fund_paid_fen += fen
        row.save()
        c.assessment = result
        c.due_on = papers_due

    return cases.transition(actor, case, "help_first", version=version, on=on, change=change, data={
        "amount_fen": fen, "method": method, "receipt": receipt, "helped_at": helped_at.isoformat(),
        "hours": hours, "hours_taken": f"{taken.total_seconds() / 3600:.1f}", "within_hours": within,
        "papers_due_on": papers_due.isoformat(),
    })  # fmt: skip


# ---- the decision -------------------------------------------------------------------------------


def _not_the_visitor(actor, case: Case) -> None:
    """Separation of duties, as for dibao: whoever recorded the home visit does not decide."""
    user = acting_user(actor)
    if user is not None and case.events.filter(transition="record_home_visit", actor=user).exists():
        raise cases.DutyError("visitor_cannot_decide")


def _own(case: Case, name: str) -> TemporaryCase:
    """The case's temporary row; a step of temporary assistance on another programme's case is
    refused as a step its state does not allow."""
    row = TemporaryCase.objects.filter(case_id=case.pk).first()
    if row is None:
        from_states = cases.TRANSITIONS[name][0]
        raise cases.TransitionError("illegal_transition", state=case.get_state_display(), action=ACTION_NAMES[name],
                                    allowed="、".join(str(State(s).label) for s in from_states))
    return row


def _decision(actor, case: Case, name: str, *, version: int, on: date, fen: int, result: dict, opinion: str,
              level: str) -> Case:
    """A grant (township or county): the total granted, what the fund paid towards it, and the
    rest owed once, in the month of the grant (the frame's ``one_off`` schedule). What the fund
    paid cannot change meanwhile: it is paid only in ``reported`` and ``granted``."""
    paid = _own(case, name).fund_paid_fen
    if fen < paid:
        raise InputError([FieldError("amount", "temporary_below_paid", value=_yuan(fen), paid=_yuan(paid))])

    def change(c: Case) -> None:
        row = temporary_of(c)
        row.granted_fen = fen
        row.save()
        c.decided_on = c.approved_on = on
        c.decision_month = c.entitlement_from = on.replace(day=1)
        c.assessment, c.monthly_amount_fen = result, fen - paid
        c.due_on = None

    return cases.transition(actor, case, name, version=version, on=on, change=change, data={
        "amount_fen": fen, "fund_paid_fen": paid, "owed_fen": fen - paid, "opinion": opinion, "level": level})


def grant(actor, case: Case, *, version: int, on: date, amount: str, opinion: str) -> Case:
    """批准 at the township: up to what the rules allow, and within the township's limit (seed:
    3,000 yuan); above the limit the county decides (``refer_to_county``)."""
    _own(case, "grant")
    _not_the_visitor(actor, case)
    errors: list[FieldError] = []
    fen = money(amount, "amount", errors, positive=True)
    opinion = _text("opinion", opinion, errors, required=True)
    result = None
    if fen is not None:
        result = _rules_amount(case, on, fen, errors)
        if rules.deciders(case, fen, on) != ("approver",):
            errors.append(FieldError("amount", "temporary_needs_county", value=_yuan(fen),
                                     limit=_yuan(rules.township_limit_fen(case.area_code, on))))  # fmt: skip
    if errors:
        raise InputError(errors)
    return _decision(actor, case, "grant", version=version, on=on, fen=fen, result=result, opinion=opinion,
                     level="township")


def refer_to_county(actor, case: Case, *, version: int, on: date, amount: str, opinion: str) -> Case:
    """报县级审批: an amount above the township's limit goes to the county civil affairs bureau
    with the township's opinion; the decision is due within the case's time limit (汶上县: the
    2 working days cover 审核审批 at both levels, seed)."""
    _own(case, "refer_to_county")
    _not_the_visitor(actor, case)
    errors: list[FieldError] = []
    fen = money(amount, "amount", errors, positive=True)
    opinion = _text("opinion", opinion, errors, required=True)
    if fen is not None:
        _rules_amount(case, on, fen, errors)
        if rules.deciders(case, fen, on) == ("approver",):
            errors.append(FieldError("amount", "temporary_within_township", value=_yuan(fen),
                                     limit=_yuan(rules.township_limit_fen(case.area_code, on))))  # fmt: skip
    if errors:
        raise InputError(errors)

    def change(c: Case) -> None:
        row = temporary_of(c)
        row.proposed_fen = fen
        row.save()
        c.due_on = c.decision_due_on or add_working_days(on, cases._limit("decision_time_limit", c, on))

    return cases.transition(actor, case, "refer_to_county", version=version, on=on, change=change,
                            data={"amount_fen": fen, "opinion": opinion})


def county_grant(actor, case: Case, *, version: int, on: date, opinion: str, amount: str = "") -> Case:
    """县级批准: the amount the township proposed unless the county sets another, up to what the
    rules allow."""
    _not_the_visitor(actor, case)
    errors: list[FieldError] = []
    proposed = _own(case, "county_grant").proposed_fen
    fen = money(amount, "amount", errors, positive=True) if (amount or "").strip() else proposed
    if fen is None and not errors:
        errors.append(FieldError("amount", "required"))
    opinion = _text("opinion", opinion, errors, required=True)
    result = _rules_amount(case, on, fen, errors) if fen is not None else None
    if errors:
        raise InputError(errors)
    return _decision(actor, case, "county_grant", version=version, on=on, fen=fen, result=result, opinion=opinion,
                     level="county")


def county_refuse(actor, case: Case, *, version: int, on: date, reasons: str, opinion: str) -> Case:
    """县级不予批准, with reasons notified in writing within the refusal limit (as for dibao)."""
    _own(case, "county_refuse")
    _not_the_visitor(actor, case)
    errors: list[FieldError] = []
    reasons = _text("reasons", reasons, errors, required=True)
    opinion = _text("opinion", opinion, errors, required=True)
    if errors:
        raise InputError(errors)

    def change(c: Case) -> None:
        c.decided_on, c.refusal_reasons = on, reasons
        c.due_on = add_working_days(on, cases._limit("refusal_notice_limit", c, on))

    return cases.transition(actor, case, "county_refuse", version=version, on=on, change=change, note=reasons,
                            data={"opinion": opinion})


# ---- paying -------------------------------------------------------------------------------------


def _payroll_lines(case: Case):
    return (Payment.objects.filter(case_id=case.pk, cancelled=False).exclude(run__status=PayrollRun.Status.CANCELLED)
            .select_related("run"))  # fmt: skip


def pay_cash_question(case: Case | None) -> str:
    """What the clerk is asked before the cash leaves the fund: the amount itself."""
    owed = (case.monthly_amount_fen or 0) if case is not None else 0
    return str(_("将从乡镇（街道）备用金以现金支付其余救助金 %(amount)s 元，案件办结，支付后不能撤销。确定发放吗？")
               % {"amount": _yuan(owed)})


def pay_cash(actor, case: Case, *, version: int, on: date, receipt: str) -> Case:
    """The rest of the grant paid in cash from the standby fund, with its receipt: nothing is
    then owed to the payroll. Refused once a payroll carries the case (it pays there)."""
    _own(case, "pay_cash")
    errors: list[FieldError] = []
    receipt = _text("receipt", receipt, errors, required=True, max_length=40)
    if errors:
        raise InputError(errors)

    def change(c: Case) -> None:
        # A payroll being computed for the township now would count the case as owed: wait for it
        # (and it for us) before looking at the payroll's lines.
        lock_payroll(c.township_code, c.programme)
        row = temporary_of(c)
        owed = c.monthly_amount_fen or 0
        if owed <= 0:
            raise InputError([FieldError("receipt", "temporary_nothing_owed", paid=_yuan(row.fund_paid_fen))])
        if line := _payroll_lines(c).first():
            raise InputError([FieldError("receipt", "temporary_in_payroll", month=f"{line.run.month:%Y-%m}",
                                         run=line.run_id, status=line.run.get_status_display())])  # fmt: skip
        funds.draw(actor, township_code=c.township_code, amount_fen=owed, on=on, case=c, purpose="临时救助发放",
                   receipt=receipt)
        row.fund_paid_fen += owed
        row.cash_receipt = receipt
        row.save()
        c.monthly_amount_fen = 0
        c.due_on = None

    owed = case.monthly_amount_fen
    return cases.transition(actor, case, "pay_cash", version=version, on=on, change=change,
                            data={"amount_fen": owed, "receipt": receipt})


def close_paid(actor, case: Case, *, version: int, on: date) -> Case:
    """发放完毕办结: once approved payrolls have paid what the grant left owed (or nothing was)."""
    _own(case, "close_paid")
    paid_lines = [p for p in _payroll_lines(case) if p.run.status in (PayrollRun.Status.APPROVED,
                                                                      PayrollRun.Status.LOCKED)
                  and p.bank_status != "failed"]  # fmt: skip
    paid = sum(p.amount_fen for p in paid_lines)
    owed = case.monthly_amount_fen or 0
    if paid < owed:
        raise InputError([FieldError("on", "temporary_not_paid_yet", owed=_yuan(owed), paid=_yuan(paid))])

    def change(c: Case) -> None:
        c.due_on = None

    return cases.transition(actor, case, "close_paid", version=version, on=on, change=change,
                            data={"payments": [p.pk for p in paid_lines], "paid_fen": paid})


# ---- to and from dibao and tekun ------------------------------------------------------------------


def open_application(actor, case: Case, *, on: date, programme: str = "dibao", applicant: Person | None = None) -> Case:
    """转为低保（特困）申请: a household found eligible while getting temporary help has its
    application opened from the temporary case in one step (``start_precheck``, on the members'
    authorisations); both cases name each other."""
    require_role(actor, ("clerk",), case.area_code, ACTION_NAMES["open_application"])
    if programme not in ("dibao", "tekun"):
        raise InputError([FieldError("programme", "temporary_application_programme")])
    applicant = applicant or case.applicant
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        row = temporary_of(locked)
        opened = cases.start_precheck(actor, household=locked.household, programme=programme, applicant=applicant,
                                      on=on)
        row.dibao_case = opened
        row.save(update_fields=["dibao_case"])
        CaseEvent.objects.create(case=locked, on=on, actor=acting_user(actor), transition="open_application",
                                 from_state=locked.state, to_state=locked.state,
                                 data={"case": opened.pk, "programme": programme})  # fmt: skip
        record(actor, "temporary.open_application", object_type="case", object_id=locked.pk,
               area_code=locked.area_code, details={"case": opened.pk, "programme": programme, "on": on.isoformat()})
    return opened


# ---- keeping the event's key in step with the case ----------------------------------------------


def release_event(sender, instance: Case, **kwargs) -> None:
    """post_save of a case: a temporary case refused or withdrawn frees its event (another case
    may then help the household for it); the row follows the case in the same transaction."""
    if instance.programme != "temporary":
        return
    from safetynet.temporary.models import RELEASED_STATES

    live = instance.state not in RELEASED_STATES
    TemporaryCase.objects.filter(case_id=instance.pk).exclude(event_live=live).update(event_live=live)
