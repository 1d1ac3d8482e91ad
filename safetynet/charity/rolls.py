"""Whether a household is on the rolls: a case of a programme on the frame that covers it now.

One definition for the supermarket's enrolment and the projects' named recipients. A monthly
programme (dibao, tekun) covers from its approval until it ends; a one-off one (temporary help)
for a year from its decision (the household is still "in difficulty" for charity's purposes).
The programme's schedule decides, not its name (docs/programmes.md)."""

from __future__ import annotations

from datetime import date, timedelta

from safetynet.cases import programmes
from safetynet.cases.models import Case, State
from safetynet.policy import idnumber
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.registry.models import Household, Person

COVERING = {
    "monthly": (State.APPROVED, State.REVIEW, State.SUSPENDED, State.ENDING, State.GRADUATED_EXIT),
    "one_off": (State.HELPED, State.GRANTED, State.PAID),
}
ONE_OFF_DAYS = 365


def covering_case(household: Household, on: date) -> Case | None:
    """The household's case that puts it on the rolls on ``on`` (monthly programmes first)."""
    cases = list(Case.objects.filter(household=household).order_by("-id"))
    for schedule in ("monthly", "one_off"):
        for case in cases:
            if programmes.get(case.programme).schedule != schedule or case.state not in COVERING[schedule]:
                continue
            if schedule == "one_off":
                decided = case.decided_on or case.opened_on
                if decided is None or decided < on - timedelta(days=ONE_OFF_DAYS):
                    continue
            return case
    return None


def person_by_id(text, path: str) -> Person:
    """The person of a valid ID number who is in the registry, or an InputError naming ``path``."""
    try:
        number = idnumber.parse(str(text or "").strip()).number
    except PolicyError as exc:
        raise InputError([FieldError(path, "charity_id_number", detail=exc.message("zh"))]) from None
    person = Person.objects.select_related("household__village").filter(id_number=number).first()
    if person is None:
        raise InputError([FieldError(path, "charity_person_unknown", id_number=number)])
    return person


def on_the_rolls(text, path: str, on: date) -> tuple[Person, Case]:
    person = person_by_id(text, path)
    case = covering_case(person.household, on)
    if case is None:
        raise InputError([FieldError(path, "charity_not_on_rolls", id_number=person.id_number)])
    return person, case
