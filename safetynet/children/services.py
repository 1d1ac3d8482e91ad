"""Children's allowances and education aid on the programme frame: the writes.

Children (``orphan``, ``unsupported_child``; 儿童-2019): applied for at the township window with
the parents' papers (``apply_child``, the case opens ``accepted``), the township checks (the
shared home visit) and submits to the county (``submit_child``), the county approves
(``county_approve_child``: paid monthly from the next month, to the month of the 18th birthday
unless the child is in full-time study) or refuses (``county_refuse_child``).

Education aid (``education_aid``; seed): applied for at the township window with the admission
notice or the proof of enrolment (``apply_aid``), one live application per student and school
year (the database holds it); the township grants the rules' amount once (``grant_aid``, paid in
the month's payroll to the student, the case's applicant) or refuses it (``refuse_aid``, which
frees the school year). The orphan's aid is the county's (seed: 乡镇人民政府(街道办事处)及时报县
民政部门确认孤儿身份，对学籍等进行核实): the township reports it (``submit_aid``) and the county
confirms it (``county_grant_aid``, its quarterly parts from then) or does not
(``county_refuse_aid``). Every write is one transaction, audited.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from safetynet.cases import services as cases
from safetynet.cases.models import Case, CaseEvent
from safetynet.children import rules
from safetynet.children.models import AidApplication, ChildCase, Family, Level, ParentState, Placement
from safetynet.policy.errors import MESSAGES, FieldError, InputError
from safetynet.policy.months import first_of_next_month
from safetynet.policy.tekun import ADULT_AGE
from safetynet.policy.working_days import add_working_days
from safetynet.registry.models import Household, Person
from safetynet.registry.selectors import acting_user, require_role
from safetynet.supervision.services import record

ACTION_NAMES = {
    "apply_child": _("受理儿童保障申请"),
    "submit_child": _("审核后报县级审批"),
    "county_approve_child": _("县级批准儿童保障"),
    "county_refuse_child": _("县级不予批准儿童保障"),
    "apply_aid": _("受理助学申请"),
    "grant_aid": _("批准助学"),
    "refuse_aid": _("不予助学"),
    "submit_aid": _("助学报县级确认"),
    "county_grant_aid": _("县级确认孤儿助学"),
    "county_refuse_aid": _("县级不予确认孤儿助学"),
}
MAX_TEXT = 500

MESSAGES.update(
    {
        "child_not_eligible": {
            "zh": "按所填父母情形和年龄，不符合孤儿或事实无人抚养儿童保障条件：{reasons}",
            "en": "by the parents' states and the age given, not an orphan or de-facto unsupported child: {reasons}",
        },
        "child_adult": {
            "zh": "{name}在受理日期已满 {age} 周岁，不能新申请儿童保障：请选择未满 {age} 周岁的儿童"
            "（年满 {age} 周岁仍在全日制学校就读的，只在已纳入保障后继续领取）",
            "en": "{name} is {age} or over on the date of application: a new application is for a child under {age} "
            "(one already supported continues past {age} only while in full-time study)",
        },
        "aid_not_eligible": {"zh": "不符合助学条件：{reasons}", "en": "not eligible for education aid: {reasons}"},
        "aid_county_confirms": {
            "zh": "孤儿助学须报县级民政部门确认孤儿身份、核实学籍后由县级确认，乡镇（街道）不能直接批准：请报县级确认",
            "en": "an orphan's education aid is confirmed by the county civil affairs bureau (the orphan's status "
            "and the enrolment checked there): the township reports it to the county and cannot grant it",
        },
        "aid_township_grants": {
            "zh": "该助学不属孤儿助学，由乡镇（街道）直接批准，无需报县级确认",
            "en": "this aid is not an orphan's: the township grants it, no county confirmation",
        },
        "aid_once_per_school_year": {
            "zh": "该学生 {school_year} 学年已有助学申请（案件 {case}）：每人每学年一次",
            "en": "this student already has an aid application for the school year {school_year} (case {case}): "
            "once per student per school year",
        },
    }
)


def is_minor(person: Person, on: date) -> bool:
    """Under 18 on ``on``: the child a new application is for (儿童-2019)."""
    born = person.birth_date
    if born is None:
        return True  # the registry holds every member's birth date; nothing to refuse on
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return age < ADULT_AGE


def _text(path: str, value, errors: list[FieldError], *, required: bool = False, max_length: int = MAX_TEXT) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if required and not text:
        errors.append(FieldError(path, "required"))
    elif len(text) > max_length:
        errors.append(FieldError(path, "too_long", max=max_length, length=len(text)))
    return text


def _choice(path: str, value, choices, errors: list[FieldError]) -> str:
    if value not in choices.values:
        errors.append(FieldError(path, "choice", value=str(value)[:40], choices=", ".join(choices.values)))
    return value


def _reasons(reasons: list[dict]) -> str:
    return "；".join(r["text"] for r in reasons)


# ---- children -----------------------------------------------------------------------------------


def apply_child(
    actor,
    *,
    household: Household,
    applicant: Person,
    father: str,
    mother: str,
    placement: str = "dispersed",
    full_time_study: bool = False,
    documents: str = "",
    guardian_name: str = "",
    on: date,
) -> Case:
    """受理: the child's application at the township window, with the parents' papers. The
    programme (orphan or de-facto unsupported child) is the rules' category for the parents'
    states; a child neither is refused at the window with the rules' reasons."""
    require_role(actor, ("clerk",), household.village_id, str(ACTION_NAMES["apply_child"]))
    errors = cases._day_errors("on", on)
    if applicant.household_id != household.pk:
        errors.append(FieldError("applicant", "not_a_member"))
    elif isinstance(on, date) and not is_minor(applicant, on):
        # 18+ continues only while in full-time study once supported (儿童-2019); a new application
        # is for a minor.
        errors.append(FieldError("applicant", "child_adult", name=applicant.name, age=ADULT_AGE))
    _choice("father", father, ParentState, errors)
    _choice("mother", mother, ParentState, errors)
    _choice("placement", placement, Placement, errors)
    documents = _text("documents", documents, errors, required=True)
    guardian_name = _text("guardian_name", guardian_name, errors, max_length=40)
    if errors:
        raise InputError(errors)
    row = {"father": father, "mother": mother, "placement": placement, "full_time_study": bool(full_time_study)}
    answer = rules.child_answer(applicant, household.village_id, on, row)
    if not answer["eligible"]:
        raise InputError([FieldError("father", "child_not_eligible", reasons=_reasons(answer["reasons"]))])
    with transaction.atomic():
        case = Case.objects.create(
            programme=answer["category"], household=household, applicant=applicant, area_code=household.village_id,
            state="accepted", opened_on=on, accepted_on=on, assessment=answer,
            due_on=add_working_days(on, rules.step_limit(household.village_id, on)),
        )  # fmt: skip
        ChildCase.objects.create(case=case, documents=documents, guardian_name=guardian_name, **row)
        CaseEvent.objects.create(case=case, on=on, actor=acting_user(actor), to_state="accepted",
                                 transition="apply_child", data={"documents": documents, **row})  # fmt: skip
        record(actor, "children.apply", object_type="case", object_id=case.pk, area_code=case.area_code,
               details={"programme": case.programme, "on": on.isoformat(), **row})  # fmt: skip
    return case


def submit_child(actor, case: Case, *, version: int, on: date, opinion: str) -> Case:
    """审核: the township checked the papers and the home visit and submits to the county, with the
    rules' amount for the month."""
    cases._not_the_visitor(actor, case)
    errors: list[FieldError] = []
    opinion = _text("opinion", opinion, errors, required=True)
    if errors:
        raise InputError(errors)
    answer = rules.assess_child_case(case, on)
    if not answer["eligible"]:
        raise InputError([FieldError("decision", "child_not_eligible", reasons=_reasons(answer["reasons"]))])

    def change(c: Case) -> None:
        c.assessment = answer
        c.due_on = add_working_days(on, rules.step_limit(c.area_code, on))

    return cases.transition(actor, case, "submit_child", version=version, on=on, change=change,
                            data={"opinion": opinion})  # fmt: skip


def county_approve_child(actor, case: Case, *, version: int, on: date, opinion: str = "") -> Case:
    """审批 by the county civil affairs bureau: the allowance from the next month, monthly, until
    the month the child turns 18 unless in full-time study (then until a later decision ends it)."""
    errors: list[FieldError] = []
    opinion = _text("opinion", opinion, errors)
    if errors:
        raise InputError(errors)
    answer = rules.assess_child_case(case, on)
    if not answer["eligible"]:
        raise InputError([FieldError("decision", "child_not_eligible", reasons=_reasons(answer["reasons"]))])
    amount = rules.fen(answer["monthly_amount"])

    def change(c: Case) -> None:
        c.decided_on = c.approved_on = on
        c.decision_month = on.replace(day=1)
        c.entitlement_from = first_of_next_month(on)
        c.entitlement_until = rules.allowance_until(c)
        c.assessment, c.monthly_amount_fen = answer, amount
        c.due_on = None

    return cases.transition(actor, case, "county_approve_child", version=version, on=on, change=change,
                            data={"monthly_amount_fen": amount, "opinion": opinion})  # fmt: skip


def county_refuse_child(actor, case: Case, *, version: int, on: date, reasons: str) -> Case:
    errors: list[FieldError] = []
    reasons = _text("reasons", reasons, errors, required=True)
    if errors:
        raise InputError(errors)

    def change(c: Case) -> None:
        c.decided_on, c.refusal_reasons, c.due_on = on, reasons, None

    return cases.transition(actor, case, "county_refuse_child", version=version, on=on, change=change, note=reasons)


# ---- education aid ------------------------------------------------------------------------------


def _live_application(student: Person, school_year: int) -> AidApplication | None:
    return AidApplication.objects.filter(student=student, school_year=school_year, live=True).first()


def apply_aid(
    actor,
    *,
    student: Person,
    level: str,
    admission_year: int,
    family: str,
    school: str,
    proof: str,
    orphan: bool = False,
    enrolled: bool = True,
    school_year: int | None = None,
    on: date,
) -> Case:
    """受理: a student's aid for one school year at the township window, with the admission notice
    or the proof of enrolment; a second application for the same school year is refused."""
    household = student.household
    require_role(actor, ("clerk",), household.village_id, str(ACTION_NAMES["apply_aid"]))
    errors = cases._day_errors("on", on)
    _choice("level", level, Level, errors)
    _choice("family", family, Family, errors)
    school = _text("school", school, errors, required=True, max_length=80)
    proof = _text("proof", proof, errors, required=True, max_length=120)
    if isinstance(admission_year, bool) or not isinstance(admission_year, int) or not 1950 <= admission_year <= 2100:
        errors.append(FieldError("admission_year", "range", low=1950, high=2100, value=admission_year))
    if errors:
        raise InputError(errors)
    row = {"level": level, "admission_year": admission_year, "family": family, "orphan": bool(orphan),
           "enrolled": bool(enrolled)}  # fmt: skip
    answer = rules.aid_answer(student, household.village_id, on, {**row, "school_year": school_year})
    year = answer["school_year"]
    if existing := _live_application(student, year):
        raise InputError([FieldError("school_year", "aid_once_per_school_year", school_year=answer["school_year_label"],
                                     case=existing.case_id)])  # fmt: skip
    if not answer["eligible"]:
        raise InputError([FieldError("level", "aid_not_eligible", reasons=_reasons(answer["reasons"]))])
    try:
        with transaction.atomic():
            case = Case.objects.create(
                programme="education_aid", household=household, applicant=student, area_code=household.village_id,
                state="accepted", opened_on=on, accepted_on=on, assessment=answer,
                due_on=add_working_days(on, rules.step_limit(household.village_id, on)),
            )  # fmt: skip
            AidApplication.objects.create(case=case, student=student, school_year=year, school=school, proof=proof,
                                          kind=answer["kind"] or "", **row)  # fmt: skip
            CaseEvent.objects.create(case=case, on=on, actor=acting_user(actor), to_state="accepted",
                                     transition="apply_aid", data={"school_year": year, "proof": proof, **row})
            record(actor, "children.apply_aid", object_type="case", object_id=case.pk, area_code=case.area_code,
                   details={"school_year": year, "kind": answer["kind"], "on": on.isoformat(), **row})  # fmt: skip
    except IntegrityError:  # another application for the same year at the same moment
        existing = _live_application(student, year)
        raise InputError([FieldError("school_year", "aid_once_per_school_year", school_year=answer["school_year_label"],
                                     case=existing.case_id if existing else "?")]) from None  # fmt: skip
    return case


def is_orphan_aid(case: Case) -> bool:
    """The orphan's school-year aid (福彩圆梦·孤儿助学): the county confirms it (seed)."""
    aid = getattr(case, "aid", None)
    return (aid.kind if aid is not None else (case.assessment or {}).get("kind")) == "orphan"


def _grant(actor, case: Case, name: str, *, version: int, on: date, opinion: str) -> Case:
    """The rules' amount, to the student's own card: once in the month's payroll, or for the
    orphan's aid in the quarterly parts of the school year (``rules.aid_instalments``)."""
    errors: list[FieldError] = []
    opinion = _text("opinion", opinion, errors)
    if errors:
        raise InputError(errors)
    answer = rules.assess_aid_case(case, on)
    if not answer["eligible"]:
        raise InputError([FieldError("decision", "aid_not_eligible", reasons=_reasons(answer["reasons"]))])
    amount = rules.fen(answer["amount"])

    def change(c: Case) -> None:
        c.decided_on = c.approved_on = on
        c.decision_month = c.entitlement_from = on.replace(day=1)
        c.assessment, c.monthly_amount_fen = answer, amount
        c.due_on = None

    return cases.transition(actor, case, name, version=version, on=on, change=change,
                            data={"amount_fen": amount, "kind": answer["kind"], "opinion": opinion})  # fmt: skip


def grant_aid(actor, case: Case, *, version: int, on: date, opinion: str = "") -> Case:
    """批准 by the township: any aid but the orphan's, which the county confirms (``submit_aid``)."""
    cases._not_the_visitor(actor, case)
    if is_orphan_aid(case):
        raise InputError([FieldError("decision", "aid_county_confirms")])
    return _grant(actor, case, "grant_aid", version=version, on=on, opinion=opinion)


def submit_aid(actor, case: Case, *, version: int, on: date, opinion: str) -> Case:
    """报县级确认: the township reports an orphan's aid to the county with its opinion (seed:
    及时报县民政部门确认孤儿身份，对学籍等进行核实)."""
    cases._not_the_visitor(actor, case)
    if not is_orphan_aid(case):
        raise InputError([FieldError("decision", "aid_township_grants")])
    errors: list[FieldError] = []
    opinion = _text("opinion", opinion, errors, required=True)
    if errors:
        raise InputError(errors)
    answer = rules.assess_aid_case(case, on)
    if not answer["eligible"]:
        raise InputError([FieldError("decision", "aid_not_eligible", reasons=_reasons(answer["reasons"]))])

    def change(c: Case) -> None:
        c.assessment = answer
        c.due_on = add_working_days(on, rules.step_limit(c.area_code, on))

    return cases.transition(actor, case, "submit_aid", version=version, on=on, change=change,
                            data={"opinion": opinion})  # fmt: skip


def county_grant_aid(actor, case: Case, *, version: int, on: date, opinion: str = "") -> Case:
    """确认 by the county: the orphan's aid granted; its parts are owed from the county's grant
    (a part before it is back pay in the grant's payroll)."""
    return _grant(actor, case, "county_grant_aid", version=version, on=on, opinion=opinion)


def refuse_aid(actor, case: Case, *, version: int, on: date, reasons: str) -> Case:
    """不予: with reasons; the school year is free for a new application."""
    return _refuse(actor, case, "refuse_aid", on=on, version=version, reasons=reasons)


def county_refuse_aid(actor, case: Case, *, version: int, on: date, reasons: str) -> Case:
    """不予确认 by the county (not an orphan, not enrolled): with reasons; the school year is free."""
    return _refuse(actor, case, "county_refuse_aid", on=on, version=version, reasons=reasons)


def _refuse(actor, case: Case, name: str, *, version: int, on: date, reasons: str) -> Case:
    errors: list[FieldError] = []
    reasons = _text("reasons", reasons, errors, required=True)
    if errors:
        raise InputError(errors)

    def change(c: Case) -> None:
        c.decided_on, c.refusal_reasons, c.due_on = on, reasons, None
        AidApplication.objects.filter(case=c).update(live=False)

    return cases.transition(actor, case, name, version=version, on=on, change=change, note=reasons)
