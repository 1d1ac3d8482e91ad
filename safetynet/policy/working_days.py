"""Working days on the State Council calendar, make-up working days included (POLICY.md §3).

Time limits of the procedure (20 working days city-wide, 2 in 汶上县, 3 to start a home visit)
are counted here. A year's calendar comes, in this order, from the holiday extension file
(``holidays.yaml`` beside this module, or the file named by ``SAFETYNET_HOLIDAYS_FILE``), the
`chinesecalendar` library, or, for a year the library does not know, the arrangement an
administrator entered in the office (handed in through ``register_year_source``).

A year none of them knows yet (the State Council publishes the next year's arrangement in
November or December) is counted on a *provisional* calendar, so the office never stops:
weekends plus the statutory public holidays of 《全国年节及纪念日放假办法》 as revised in 2024
(国务院令第795号, from 2025-01-01), their lunar and solar-term dates from `lunardate` and
`chinesecalendar`. Every deadline that reaches into such a year is marked provisional (暂定)
wherever it is shown (``is_provisional``), and moves when the year is entered.

Counting convention: ``add_working_days(d, n)`` is the n-th working day after ``d`` (the day of
acceptance itself is not counted), and ``working_days_between(a, b)`` counts the working days in
``(a, b]``, so that ``working_days_between(d, add_working_days(d, n)) == n``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import chinese_calendar
import yaml
from lunardate import LunarDate

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


YearSource = Callable[[], dict[int, tuple[set[date], set[date]]]]
_year_sources: list[YearSource] = []


def register_year_source(source: YearSource) -> None:
    """Add a source of years entered in the office: ``source()`` gives {year: (days off, make-up
    working days)}. The office registers one that reads its database, so this floor imports no Django."""
    if source not in _year_sources:
        _year_sources.append(source)


def _entered(year: int) -> tuple[set[date], set[date]] | None:
    """A year's arrangement from the extension file, or, for a year the library does not know,
    as entered in the office (the library is the State Council's calendar; the office fills gaps)."""
    from_file = _extension_years().get(year)
    if from_file is not None or _library_knows(year):
        return from_file
    for source in _year_sources:
        found = source().get(year)
        if found is not None:
            return found
    return None


@cache
def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


# The range the lunar and solar-term tables cover.
_PROVISIONAL_YEARS = range(1901, 2100)


@cache
def statutory_holidays(year: int) -> frozenset[date]:
    """The statutory public holidays of a year (全国年节及纪念日放假办法, 2024 revision, Art. 2):
    元旦 1 day; 春节 4 days, 除夕 to 初三; 清明 1; 劳动节 2; 端午 1; 中秋 1; 国庆 3."""
    if year not in _PROVISIONAL_YEARS:
        raise PolicyError("calendar_year_out_of_range", year=year)
    new_year = LunarDate(year, 1, 1).to_solar_date()
    qingming = next(day for day, name in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
                    if name == "清明")
    days = {date(year, 1, 1), qingming, date(year, 5, 1), date(year, 5, 2),
            LunarDate(year, 5, 5).to_solar_date(), LunarDate(year, 8, 15).to_solar_date(),
            date(year, 10, 1), date(year, 10, 2), date(year, 10, 3)}
    days.update(new_year + timedelta(days=i) for i in range(-1, 3))  # 除夕 is the day before 初一
    return frozenset(days)


def is_provisional(day: date) -> bool:
    """Whether ``day``'s year is counted on the provisional calendar: nobody has entered its
    official arrangement yet."""
    return _entered(day.year) is None and not _library_knows(day.year)


def is_working_day(day: date) -> bool:
    entered = _entered(day.year)
    if entered is not None:
        holidays, workdays = entered
        return day in workdays or (day.weekday() < 5 and day not in holidays)
    if _library_knows(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5 and day not in statutory_holidays(day.year)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start`` (before it when n is negative); n == 0 gives start."""
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    day, left = start, abs(n)
    while left:
        day += step
        if is_working_day(day):
            left -= 1
    return day


def provisional_years(start: date, end: date) -> list[int]:
    """The provisional years a count from ``start`` to ``end`` crossed: if any, the result is 暂定."""
    low, high = min(start, end), max(start, end)
    return [year for year in range(low.year, high.year + 1) if is_provisional(date(year, 1, 1))]


def working_days_between(a: date, b: date) -> int:
    """Working days in ``(a, b]``; negative when ``b`` is before ``a``."""
    if b < a:
        return -working_days_between(b, a)
    count, day = 0, a
    while day < b:
        day += _ONE_DAY
        count += is_working_day(day)
    return count
