"""Personal data (PIPL): the one rule of who sees whole resident ID numbers.

Every page, list, export and API answer asks this module; it imports no app, so any app may.

The rule (see ``docs/personal-data.md``):

- The window clerk and the township approver of the household's township see the whole number:
  they decide on the person, in casework and in the ledger items they visit and close.
- The verification officer sees the whole number of the residents of the county in the
  verification centre's work (check results, ledger items): checking against department data
  needs it. In casework pages (registry, cases, payroll) a masked number serves them.
- County supervisors, the city and the auditor see masked numbers (370811********0015).
- A file with whole numbers is a separate permission (``site.export_full_id``), held in the area
  it covers, whatever the role; without it every export masks.
- Nobody sees a whole number outside their own area.
"""

from __future__ import annotations

CASEWORK = "casework"  # registry, cases, payroll
VERIFICATION = "verification"  # the verification centre: check results, the problem ledger

EXPORT_FULL_ID = "site.export_full_id"

# Whose duty needs the whole number, in each kind of work.
FULL_ID_ROLES = {CASEWORK: ("clerk", "approver"), VERIFICATION: ("clerk", "approver", "verifier")}


def mask_id(number: str) -> str:
    """An ID number for readers whose work does not need it: 370811********0015."""
    if not number:
        return ""
    return f"{number[:6]}********{number[-4:]}"


def _staff(user):
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "staff", None)  # a missing related row raises AttributeError: None


def _covers(staff, area_code: str) -> bool:
    return bool(area_code) and str(area_code).startswith(staff.area_id)


def sees_full_id(user, area_code: str, *, work: str = CASEWORK) -> bool:
    """Whether ``user`` sees whole ID numbers of residents of ``area_code`` in ``work``."""
    staff = _staff(user)
    return staff is not None and staff.role in FULL_ID_ROLES[work] and _covers(staff, area_code)


def shown_id(user, id_number: str, area_code: str, *, work: str = CASEWORK) -> str:
    """The ID number as ``user`` may see it: whole, or masked."""
    return id_number if sees_full_id(user, area_code, work=work) else mask_id(id_number)


def exports_full_id(user, area_code: str) -> bool:
    """Whether a file ``user`` takes of ``area_code`` carries whole ID numbers: a permission of its own."""
    staff = _staff(user)
    return staff is not None and _covers(staff, area_code) and user.has_perm(EXPORT_FULL_ID)
