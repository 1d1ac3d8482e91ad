"""Every read of temporary assistance, scoped to the user's area through the cases' selectors:
a case outside the area does not exist for the user (404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from safetynet.cases import selectors as case_selectors
from safetynet.cases.models import Case
from safetynet.registry.selectors import staff_of
from safetynet.temporary import rules
from safetynet.temporary.models import TemporaryCase
from safetynet.web import clock


def temporary_cases(user) -> QuerySet[TemporaryCase]:
    prefix = case_selectors.cases_for(user).values("pk")
    return TemporaryCase.objects.filter(case__in=prefix).select_related("case__applicant", "case__household__village")


def temporary_for(user, case_id: int) -> tuple[Case, TemporaryCase]:
    case = case_selectors.case_for(user, case_id)
    row = TemporaryCase.objects.select_related("from_case", "dibao_case").filter(case_id=case.pk).first()
    if row is None:
        raise Http404("temporary case")
    return case, row


def helping(case: Case) -> list[TemporaryCase]:
    """The temporary cases that help this dibao or tekun application while it runs."""
    return list(TemporaryCase.objects.filter(from_case_id=case.pk).select_related("case").order_by("id"))


def now() -> datetime:
    """The office's now: today from the office's clock (a simulated day in the demo), at the
    current time of day."""
    local = timezone.localtime()
    return timezone.make_aware(datetime.combine(clock.today(), local.time().replace(tzinfo=None)))


@dataclass(frozen=True)
class Clock:
    """The hours of help first: when they end, and how many are left (negative: overdue)."""

    hours: int
    ends: datetime
    left_hours: float | None  # while the case waits for help first
    met: bool | None  # once helped: stored at the act
    taken_hours: float | None

    @property
    def overdue(self) -> bool:
        return self.left_hours is not None and self.left_hours < 0


def help_clock(case: Case, row: TemporaryCase) -> Clock | None:
    if not row.help_first_path:
        return None
    hours = row.help_hours or rules.help_first_hours(case.area_code, timezone.localtime(row.reported_at).date())
    ends = row.reported_at + timedelta(hours=hours)
    if row.helped_at is not None:
        taken = (row.helped_at - row.reported_at).total_seconds() / 3600
        return Clock(hours, ends, None, row.within_hours, round(taken, 1))
    if case.state != "reported":
        return Clock(hours, ends, None, None, None)
    return Clock(hours, ends, round((ends - now()).total_seconds() / 3600, 1), None, None)


def may_open_application(user, case: Case) -> bool:
    staff = staff_of(user)
    return staff is not None and staff.role == "clerk" and case.area_code.startswith(staff.area_id)
