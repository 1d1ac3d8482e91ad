"""Reads of the values the city entered."""

from __future__ import annotations

import time
from datetime import date

from safetynet.administration.models import HolidayArrangement
from safetynet.policy import working_days

# Years entered, read once and kept for a short while: the calendar is asked about every day of
# every deadline. A save in this process clears it at once; other processes see it within this.
CACHE_SECONDS = 30
_cache: dict = {}


def clear_cache() -> None:
    _cache.clear()


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
