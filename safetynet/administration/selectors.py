"""Reads of the values the city entered."""

from __future__ import annotations

import time
from datetime import date

from safetynet.administration.models import HolidayArrangement, ParameterValue
from safetynet.policy import parameters as policy_parameters
from safetynet.policy import working_days

# Years entered, read once and kept for a short while: the calendar is asked about every day of
# every deadline. A save in this process clears it at once; other processes see it within this.
CACHE_SECONDS = 30
_cache: dict = {}


def clear_cache() -> None:
    _cache.clear()
    _parameter_cache.clear()


def entered_years() -> dict[int, tuple[set[date], set[date]]]:
    now = time.monotonic()
    if _cache.get("until", 0) < now:
        from django.db import DatabaseError

        try:
            rows = list(HolidayArrangement.objects.values_list("year", "holidays", "workdays"))
        except DatabaseError:  # before migrations (a fresh database): nothing entered
            rows = []
        _cache["years"] = {
            year: ({date.fromisoformat(d) for d in off}, {date.fromisoformat(d) for d in on}) for year, off, on in rows
        }
        _cache["until"] = now + CACHE_SECONDS
    return _cache["years"]


def calendar_years(today: date) -> list[dict]:
    """Last year to two years ahead: where each year's calendar comes from."""
    entered = {a.year: a for a in HolidayArrangement.objects.filter(year__gte=today.year - 1)}
    rows = []
    for year in range(today.year - 1, today.year + 3):
        if year in entered:
            source = "entered"
        elif working_days.is_provisional(date(year, 1, 1)):
            source = "provisional"
        else:
            source = "official"
        rows.append({"year": year, "source": source, "arrangement": entered.get(year)})
    return rows


def next_year_missing(today: date) -> int | None:
    """From 1 November, the next year if its arrangement is still not entered (the desk warns)."""
    if today.month < 11:
        return None
    year = today.year + 1
    return year if working_days.is_provisional(date(year, 1, 1)) else None


# Units an administrator may set in the office: numbers. Lists and rules stay in the YAML.
EDITABLE_UNITS = {"yuan": "元", "ratio": "", "months": "个月", "working_days": "个工作日", "days": "天",
                  "count": "", "years": "岁"}
_parameter_cache: dict = {}


def entered_parameters() -> tuple[tuple, dict[str, list[policy_parameters.Entry]]]:
    """The confirmed values, as entries for the policy floor, with a stamp that changes with them."""
    now = time.monotonic()
    if _parameter_cache.get("until", 0) < now:
        from django.db import DatabaseError

        try:
            rows = list(ParameterValue.objects.filter(status=ParameterValue.Status.CONFIRMED).order_by("id"))
        except DatabaseError:  # before migrations (a fresh database): nothing entered
            rows = []
        shipped = policy_parameters.shipped()
        entries: dict[str, list[policy_parameters.Entry]] = {}
        for row in rows:
            if row.name not in shipped:
                continue
            entries.setdefault(row.name, []).append(policy_parameters.Entry(
                effective=row.effective, value=policy_parameters.convert(shipped[row.name].unit, row.value),
                reference=row.reference, confirmed=True, note=row.note, entered=True))
        _parameter_cache.update(until=now + CACHE_SECONDS, stamp=tuple(r.pk for r in rows), entries=entries)
    return _parameter_cache["stamp"], _parameter_cache["entries"]


def editable_parameters() -> list[policy_parameters.Parameter]:
    return [p for p in policy_parameters.parameters().values() if p.unit in EDITABLE_UNITS]


def parameter_rows(today: date) -> list[dict]:
    """Each parameter an administrator may set: the value in force today (its date and document),
    later values already confirmed, and values waiting for a second administrator."""
    pending: dict[str, list[ParameterValue]] = {}
    for row in ParameterValue.objects.filter(status=ParameterValue.Status.PENDING).select_related("entered_by"):
        pending.setdefault(row.name, []).append(row)
    rows = []
    for param in editable_parameters():
        current = next((e for e in reversed(param.entries) if e.effective <= today), None)
        rows.append({
            "parameter": param, "current": current, "leaves": leaves(current.value) if current else [],
            "later": [e for e in param.entries if e.effective > today], "pending": pending.get(param.name, []),
        })
    return rows


def leaves(value, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], object]]:
    """A nested value as (path, leaf) pairs: {"A": {"urban": 630}} -> [(("A", "urban"), 630)]."""
    if isinstance(value, dict):
        return [pair for key, sub in value.items() for pair in leaves(sub, (*path, str(key)))]
    return [(path, value)]


def values_for(user) -> list[ParameterValue]:
    return list(ParameterValue.objects.select_related("entered_by", "confirmed_by").order_by("-entered_at")[:100])
