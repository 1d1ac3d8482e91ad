"""Writes of the values the city enters: a year's holiday arrangement, and the deadlines it moves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from safetynet.administration import selectors
from safetynet.administration.models import HolidayArrangement
from safetynet.cases.models import OPEN_STATES, Case, CaseEvent
from safetynet.policy import working_days
from safetynet.registry.selectors import acting_user, require_role
from safetynet.supervision.services import record


@dataclass(frozen=True)
class MovedDeadline:
    case_id: int
    area_code: str
    field: str  # "due_on" or "decision_due_on"
    before: date
    after: date


def _working_day_deadlines(case: Case, last_step_on: date) -> list[tuple[str, date, date]]:
    """(field, counted from, due) of the case's deadlines that are counted in working days.

    The decision deadline runs from acceptance; the current step's deadline from the step that set
    it, unless it is the decision deadline itself or a notice period (counted in calendar days)."""
    out = []
    if case.decision_due_on and case.accepted_on:
        out.append(("decision_due_on", case.accepted_on, case.decision_due_on))
    due = case.due_on
    calendar_days = {case.notice_ends_on, case.decision_due_on}
    if case.entitlement_until:
        calendar_days.add(case.entitlement_until - timedelta(days=1))
    if due and due not in calendar_days:
        out.append(("due_on", last_step_on, due))
    return out


@transaction.atomic
def enter_holiday_arrangement(actor, *, year: int, holidays: list[date], workdays: list[date], notice_title: str,
                              notice_number: str) -> tuple[HolidayArrangement, list[MovedDeadline]]:
    """Enter (or correct) a year's official arrangement; every open deadline reaching into that year
    or later is counted again on it. Returns the arrangement and the deadlines that moved."""
    require_role(actor, ("city",), "3708", "录入节假日安排")
    cases = list(
        Case.objects.select_for_update()
        .filter(state__in=OPEN_STATES)
        .filter(Q(due_on__gte=date(year, 1, 1)) | Q(decision_due_on__gte=date(year, 1, 1)))
        .order_by("id")
    )
    last_on = dict(CaseEvent.objects.filter(case__in=cases).values("case").annotate(on=Max("on"))
                   .values_list("case", "on"))
    # Count each deadline's working days on the calendar it was set on, before the year changes.
    counted = [
        (case, field, start, due, working_days.working_days_between(start, due))
        for case in cases
        for field, start, due in _working_day_deadlines(case, last_on.get(case.pk, case.opened_on))
    ]
    before = HolidayArrangement.objects.filter(year=year).first()
    arrangement, _ = HolidayArrangement.objects.update_or_create(year=year, defaults={
        "holidays": sorted(d.isoformat() for d in holidays), "workdays": sorted(d.isoformat() for d in workdays),
        "notice_title": notice_title.strip(), "notice_number": notice_number.strip(),
        "entered_by": acting_user(actor), "entered_at": timezone.now(),
    })
    selectors.clear_cache()
    transaction.on_commit(selectors.clear_cache)  # again: another thread may have read the table meanwhile
    moved = []
    for case, field, start, due, n in counted:
        after = working_days.add_working_days(start, n)
        if after != due:
            setattr(case, field, after)
            moved.append(MovedDeadline(case.pk, case.area_code, field, due, after))
    Case.objects.bulk_update([c for c in cases if any(m.case_id == c.pk for m in moved)],
                             ["due_on", "decision_due_on"])
    record(actor, "calendar.enter_year", object_type="holiday_arrangement", object_id=year, area_code="3708",
           details={
               "notice": f"{arrangement.notice_title}（{arrangement.notice_number}）",
               "holidays": arrangement.holidays, "workdays": arrangement.workdays,
               "replaced": None if before is None else {"holidays": before.holidays, "workdays": before.workdays,
                                                        "notice_number": before.notice_number},
               "moved": [{"case": m.case_id, "field": m.field, "before": m.before, "after": m.after} for m in moved],
           })
    return arrangement, moved
