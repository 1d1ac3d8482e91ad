"""The policy floor's answers for a child's or a student's case (``policy.children``,
``policy.education_aid``), from the case's rows: what the declarations' ``assess`` return."""

from __future__ import annotations

from datetime import date

from safetynet.cases.models import Case
from safetynet.policy.children import assess_child
from safetynet.policy.education_aid import assess_aid, instalments
from safetynet.policy.months import add_months
from safetynet.policy.parameters import value
from safetynet.policy.tekun import ADULT_AGE
from safetynet.registry.models import Person


def fen(amount: str) -> int:
    yuan, _, cents = str(amount).partition(".")
    return int(yuan) * 100 + int(cents or 0)


def step_limit(area_code: str, on: date) -> int:
    return value("children_step_limit", area_code[:6], on)


def child_answer(child: Person, area_code: str, on: date, row: dict) -> dict:
    return assess_child({"area": area_code[:6], "month": f"{on:%Y-%m}", "born": child.birth_date.isoformat(), **row})


def assess_child_case(case: Case, on: date) -> dict:
    row = case.child
    return child_answer(case.applicant, case.area_code, on, {
        "father": row.father, "mother": row.mother, "placement": row.placement,
        "full_time_study": row.full_time_study})  # fmt: skip


def allowance_until(case: Case) -> date | None:
    """The first month not paid (exclusive): the first month the child is 18 on its first day
    (ages are counted on the first of the month); none while in full-time study."""
    if case.child.full_time_study:
        return None
    born = case.applicant.birth_date
    birthday = date(born.year + ADULT_AGE, born.month, 1)
    return birthday if born.day == 1 else add_months(birthday, 1)


def aid_answer(student: Person, area_code: str, on: date, row: dict, *, exclude_case: int | None = None) -> dict:
    """The aid rules for the application; ``aided_this_school_year`` from the student's other live
    applications of the school year the rules settle on."""
    from safetynet.children.models import AidApplication

    data = {"area": area_code[:6], "applied_on": on.isoformat(), "born": student.birth_date.isoformat(),
            **{k: v for k, v in row.items() if v is not None}}  # fmt: skip
    answer = assess_aid(data)
    others = AidApplication.objects.filter(student=student, school_year=answer["school_year"], live=True)
    if exclude_case is not None:
        others = others.exclude(case_id=exclude_case)
    if others.exists():
        answer = assess_aid({**data, "school_year": answer["school_year"], "aided_this_school_year": True})
    return answer


def assess_aid_case(case: Case, on: date) -> dict:
    row = case.aid
    return aid_answer(case.applicant, case.area_code, row.case.opened_on, {
        "level": row.level, "admission_year": row.admission_year, "family": row.family, "orphan": row.orphan,
        "enrolled": row.enrolled, "school_year": row.school_year}, exclude_case=case.pk)  # fmt: skip


def aid_instalments(case: Case) -> list[tuple[date, int]]:
    """The parts a granted aid is paid in (the orphan's aid, quarterly; ``policy.education_aid``),
    from the granted amount: what the declaration's ``instalments`` gives the payroll."""
    if case.approved_on is None or not case.monthly_amount_fen:
        return []
    row = case.aid
    return instalments(row.kind, row.school_year, case.area_code[:6], case.monthly_amount_fen)
