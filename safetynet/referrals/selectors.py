"""Every read of referrals, scoped to the caller's area and role.

The township and county roles, the city and the auditor see the referrals of their area. A
department's liaison sees only those sent to its own department in its area: a referral to
another department, or of another county, does not exist for them (404, like a record that does
not exist). A user without a staff role sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from safetynet.referrals.models import OPEN_STATES, Referral, State
from safetynet.registry.models import DEPARTMENTS, Area
from safetynet.registry.selectors import staff_of

# Who reads referrals (the menu's "转介" and the list), besides the department's liaison.
READERS = ("clerk", "approver", "county", "county_approver", "city", "auditor")


def referrals_for(user) -> QuerySet[Referral]:
    staff = staff_of(user)
    if staff is None or (staff.role not in READERS and staff.role != "department"):
        return Referral.objects.none()
    qs = Referral.objects.filter(area_code__startswith=staff.area_id)
    if staff.role == "department":
        qs = qs.filter(department=staff.department) if staff.department else qs.none()
    return qs.select_related("household__village__parent", "case", "sent_by", "answered_by")


def referral_for(user, referral_id: int) -> Referral:
    """One referral with its timeline; outside the user's area or department it does not exist."""
    try:
        return referrals_for(user).prefetch_related("events__actor").get(pk=referral_id)
    except (Referral.DoesNotExist, ValueError):
        raise Http404("referral") from None


def open_referrals(user) -> QuerySet[Referral]:
    return referrals_for(user).filter(state__in=OPEN_STATES)


def overdue(user, today: date) -> QuerySet[Referral]:
    """Past their due date and not answered."""
    return open_referrals(user).filter(due_on__lt=today)


def of_household(user, household) -> QuerySet[Referral]:
    """A household's referrals (the household page), latest first."""
    return referrals_for(user).filter(household=household).order_by("-sent_on", "-id")


@dataclass
class DepartmentRow:
    department: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)  # state -> number
    overdue: int = 0

    @property
    def open(self) -> int:
        return sum(self.counts.get(s, 0) for s in OPEN_STATES)

    @property
    def cells(self) -> list[int]:
        """The counts in the order of ``State`` (the table's columns)."""
        return [self.counts.get(s.value, 0) for s in State]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def by_department(rows: QuerySet[Referral], today: date) -> list[DepartmentRow]:
    """For the county: how many referrals per department in each state, and how many overdue."""
    out = {code: DepartmentRow(code, str(label)) for code, label in DEPARTMENTS}
    for r in rows.order_by().values("department", "state").annotate(
        n=Count("id"), late=Count("id", filter=Q(state__in=OPEN_STATES, due_on__lt=today))
    ):
        row = out.get(r["department"])
        if row:
            row.counts[r["state"]] = r["n"]
            row.overdue += r["late"]
    return list(out.values())


def by_township(user, rows: QuerySet[Referral], today: date) -> list[dict]:
    """Open and overdue referrals per township of the user's area, most overdue first."""
    staff = staff_of(user)
    townships = {a.code: a for a in Area.objects.filter(level=Area.Level.TOWNSHIP,
                                                         code__startswith=staff.area_id if staff else "-")}  # fmt: skip
    counts = {code: {"township": a, "open": 0, "overdue": 0} for code, a in townships.items()}
    grouped = (rows.filter(state__in=OPEN_STATES).order_by().annotate(t=Substr("area_code", 1, 9)).values("t")
               .annotate(n=Count("id"), late=Count("id", filter=Q(due_on__lt=today))))  # fmt: skip
    for r in grouped:
        if row := counts.get(r["t"]):
            row["open"], row["overdue"] = r["n"], r["late"]
    rows = [r for r in counts.values() if r["open"]]
    return sorted(rows, key=lambda r: (-r["overdue"], -r["open"], r["township"].code))


STATE_LABELS = dict(State.choices)
