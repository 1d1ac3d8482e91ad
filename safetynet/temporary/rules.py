"""The temporary-assistance rules (``safetynet.policy.temporary``, no Django) as the frame asks
for them: the case's assessment, its amount, who decides, and the yearly sum already paid.

The rules take the household as the policy floor does (``registry.selectors.assessment_input``)
with the event and what the household was paid this calendar year (the yearly cap).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

from safetynet.cases.models import Case
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import fmt, to_fen
from safetynet.policy.parameters import value
from safetynet.policy.temporary import approval_level, assess_temporary
from safetynet.policy.temporary import township_limit_fen as policy_limit_fen
from safetynet.registry.models import Household
from safetynet.registry.selectors import assessment_input

# A dibao case on the rolls (the 2020 one-off is for people not in dibao; 通知-2020).
COVERED_STATES = ("approved", "review", "suspended", "ending", "graduated_exit")


def event_of(case: Case) -> dict:
    """The event as the rules take it, from the case's row."""
    try:
        row = case.temporary
    except ObjectDoesNotExist:
        # A temporary case opened elsewhere than its registration has no event to assess.
        raise InputError([FieldError("programme", "temporary_open_from_report")]) from None
    return event_payload(row, case.applicant.id_number)


def event_payload(row, person: str) -> dict:
    """The rules' ``event`` from a ``TemporaryCase`` (saved or not) and the member it concerns."""
    event = {"kind": row.kind, "cause": row.cause, "occurred_on": row.occurred_on.isoformat(),
             "from_elsewhere": bool(row.from_elsewhere), "person": person}
    if row.kind == "spending":
        event |= {"spending": fmt(row.spending_fen or 0), "reimbursed": fmt(row.reimbursed_fen or 0),
                  "other_assistance": fmt(row.other_assistance_fen or 0)}
    if row.cause == "unemployed":
        in_dibao = Case.objects.filter(household_id=row.household_id, programme="dibao",
                                       state__in=COVERED_STATES).exists()
        event |= {"months_without_income": row.months_without_income or 0,
                  "unemployment_insurance": bool(row.unemployment_insurance), "in_dibao": in_dibao}
    return event


def paid_this_year(household_id: int, year: int, *, exclude_case: int | None = None) -> int:
    """What the household's other temporary cases paid in ``year`` (the yearly cap): the granted
    total of a case granted that year, else the help first it was paid that year (money out of
    the fund counts, whatever became of its papers)."""
    from safetynet.temporary.models import TemporaryCase

    rows = (TemporaryCase.objects.filter(household_id=household_id)
            .filter(Q(case__approved_on__year=year, granted_fen__isnull=False)
                    | Q(helped_at__year=year, granted_fen__isnull=True, help_first_fen__isnull=False))
            .exclude(case_id=exclude_case)
            .values_list("granted_fen", "help_first_fen"))  # fmt: skip
    return sum(granted if granted is not None else (helped or 0) for granted, helped in rows)


def assess_case(case: Case, on: date) -> dict:
    """The rules' answer for the case's household and event in the month of ``on``."""
    household = Household.objects.prefetch_related("members__incomes", "members__assets", "members__obligors",
                                                   "members__changes").get(pk=case.household_id)
    payload = assessment_input(household, on.replace(day=1))
    payload |= {
        "programme": "temporary",
        "event": event_of(case),
        "paid_this_year": fmt(paid_this_year(case.household_id, on.year, exclude_case=case.pk)),
    }
    return assess_temporary(payload)


def part(case: Case, result: dict) -> dict:
    """The whole answer concerns the case (one event of one household)."""
    return result


def amount(case: Case, result: dict) -> tuple[bool, int, list[dict]]:
    """Eligible, the most the rules allow (fen), and the reasons."""
    return bool(result["eligible"]), to_fen(result["amount"]), list(result.get("reasons", []))


def deciders(case: Case, fen: int, on: date) -> tuple[str, ...]:
    """The township's approver up to its limit, the county's approver above it (seed)."""
    return ("approver",) if approval_level(case.area_code[:6], on, fen) == "township" else ("county_approver",)


def township_limit_fen(area_code: str, on: date) -> int:
    return policy_limit_fen(area_code[:6], on)


def help_first_hours(area_code: str, on: date) -> int:
    return int(value("temporary_help_first_hours", area_code[:6], on))


def papers_limit(area_code: str, on: date) -> int:
    return int(value("temporary_papers_limit", area_code[:6], on))
