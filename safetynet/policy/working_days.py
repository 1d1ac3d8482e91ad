"""Working days on the State Council calendar, make-up working days included (POLICY.md §3).

Time limits of the procedure (20 working days city-wide, 2 in 汶上县, 3 to start a home visit)
are counted here. The years the `chinesecalendar` library knows come from it; an administrator
adds a year it does not know yet to the holiday extension file (``holidays.yaml`` beside this
module, or the file named by ``SAFETYNET_HOLIDAYS_FILE``). A day in a year neither knows is an
error naming the missing year, never a guess from weekends alone.

Counting convention: ``add_working_days(d, n)`` is the n-th working day after ``d`` (the day of
acceptance itself is not counted), and ``working_days_between(a, b)`` counts the working days in
``(a, b]``, so that ``working_days_between(d, add_working_days(d, n)) == n``.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import chinese_calendar
import yaml

from safetynet.policy.errors import PolicyError

DEFAULT_FILE = Path(__file__).with_name("holidays.yaml")
_ONE_DAY = timedelta(days=1)


def extension_file() -> Path:
    return Path(os.environ.get("SAFETYNET_HOLIDAYS_FILE") or DEFAULT_FILE)


def _days(file: Path, year: int, items: list) -> set[date]:
    out: set[date] = set()
    for item in items or ():
        text = str(item)
        try:
            first, _, last = text.partition("..")
            start = date.fromisoformat(first.strip())
            end = date.fromisoformat(last.strip()) if last else start
        except ValueError:
            raise PolicyError("calendar_file", file=file, detail=f"{year}: {text} 不是日期或日期区间") from None
        if start.year != year or end.year != year or end < start:
            raise PolicyError("calendar_file", file=file, detail=f"{year}: {text} 不在 {year} 年内或区间颠倒")
        while start <= end:
            out.add(start)
            start += _ONE_DAY
    return out


@cache
def _extension(path: str, mtime: float) -> dict[int, tuple[set[date], set[date]]]:
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyError("calendar_file", file=file, detail=str(exc)) from None
    if not isinstance(data, dict):
        raise PolicyError("calendar_file", file=file, detail="应为以年份为键的映射")
    years = {}
    for year, spec in data.items():
        if not isinstance(year, int) or not isinstance(spec, dict):
            raise PolicyError("calendar_file", file=file, detail=f"{year}: 应为年份及其 holidays/workdays")
        years[year] = (_days(file, year, spec.get("holidays")), _days(file, year, spec.get("workdays")))
    return years


def _extension_years() -> dict[int, tuple[set[date], set[date]]]:
    file = extension_file()
    if not file.exists():
        return {}
    return _extension(str(file), file.stat().st_mtime)


def is_working_day(day: date) -> bool:
    ext = _extension_years().get(day.year)
    if ext is not None:
        holidays, workdays = ext
        return day in workdays or (day.weekday() < 5 and day not in holidays)
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise PolicyError("calendar_year_missing", year=day.year, file=extension_file()) from None


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start`` (before it when n is negative); n == 0 gives start."""
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    day, left = start, abs(n)
    while left:
        day += step
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days in ``(a, b]``; negative when ``b`` is before ``a``."""
    if b < a:
        return -working_days_between(b, a)
    count, day = 0, a
    while day < b:
        day += _ONE_DAY
        count += is_working_day(day)
    return count
