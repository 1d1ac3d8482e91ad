"""Writes of the values the city enters: a year's holiday arrangement, and the deadlines it moves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from safetynet.administration import selectors
from safetynet.administration.models import HolidayArrangement, ParameterValue
from safetynet.cases.models import OPEN_STATES, Case, CaseEvent
from safetynet.policy import working_days
from safetynet.policy.errors import PolicyError
from safetynet.registry.selectors import acting_user, require_role
from safetynet.supervision.services import record
from safetynet.web import clock

# The standards behind the amounts paid: confirming a new value re-prices the cases.
REPRICING_PARAMETERS = ("dibao_standard", "tekun_basic_standard", "tekun_care_standard")


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


@transaction.atomic
def enter_parameter_value(actor, *, name: str, effective: date, value: dict | int | str, document_title: str,
                          document_number: str, document_date: date, note: str = "") -> ParameterValue:
    """A city administrator enters a new value from a date; it waits for a second administrator."""
    require_role(actor, ("city",), "3708", "录入本地参数")
    row = ParameterValue.objects.create(
        name=name, effective=effective, value=value, document_title=document_title.strip(),
        document_number=document_number.strip(), document_date=document_date, note=note.strip(),
        entered_by=acting_user(actor), entered_at=timezone.now())
    record(actor, "parameter.enter", object_type="parameter_value", object_id=row.pk, area_code="3708",
           details={"name": name, "effective": effective, "value": value, "document": row.reference})
    return row


def _pending(row: ParameterValue) -> ParameterValue:
    row = ParameterValue.objects.select_for_update().get(pk=row.pk)
    if row.status != ParameterValue.Status.PENDING:
        raise PolicyError("parameter_not_pending", status=row.get_status_display())
    return row


@transaction.atomic
def confirm_parameter_value(actor, row: ParameterValue) -> tuple[ParameterValue, dict | None]:
    """A second city administrator confirms the value: from then on it is in force like a shipped
    one. A new standard re-prices every covered case of the city from its date (back pay follows)."""
    require_role(actor, ("city",), "3708", "复核本地参数")
    row = _pending(row)
    if row.entered_by_id == getattr(actor, "pk", None):
        raise PolicyError("parameter_same_administrator")
    ParameterValue.objects.filter(name=row.name, effective=row.effective,
                                  status=ParameterValue.Status.CONFIRMED).update(
        status=ParameterValue.Status.REJECTED, rejection=f"由 {row.document_number} 取代")
    row.status, row.confirmed_by, row.confirmed_at = ParameterValue.Status.CONFIRMED, acting_user(actor), timezone.now()
    row.save()
    selectors.clear_cache()
    transaction.on_commit(selectors.clear_cache)
    record(actor, "parameter.confirm", object_type="parameter_value", object_id=row.pk, area_code="3708",
           details={"name": row.name, "effective": row.effective, "value": row.value, "document": row.reference})
    report = None
    if row.name in REPRICING_PARAMETERS:
        from safetynet.cases.services import reprice_for_standard

        report = reprice_for_standard(actor, area_code="3708", effective=row.effective, on=clock.today())
    return row, report


@transaction.atomic
def reject_parameter_value(actor, row: ParameterValue, *, reason: str) -> ParameterValue:
    require_role(actor, ("city",), "3708", "复核本地参数")
    row = _pending(row)
    row.status, row.rejection = ParameterValue.Status.REJECTED, reason.strip()
    row.confirmed_by, row.confirmed_at = acting_user(actor), timezone.now()
    row.save()
    record(actor, "parameter.reject", object_type="parameter_value", object_id=row.pk, area_code="3708",
           details={"name": row.name, "reason": row.rejection})
    return row
