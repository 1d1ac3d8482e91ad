"""Working days on the State Council calendar, with the administrator's extension file."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetynet.policy.errors import PolicyError
from safetynet.policy.working_days import (
    add_working_days,
    is_provisional,
    is_working_day,
    provisional_years,
    statutory_holidays,
    working_days_between,
)


@pytest.fixture(autouse=True)
def library_knows_until_2026(monkeypatch):
    """chinesecalendar 1.11 knows up to 2026; a later release will know 2027. The tests keep 2027
    unknown, as it is on the day they were written, whatever release is installed."""
    from safetynet.policy import working_days

    monkeypatch.setattr(working_days, "_library_knows", lambda year: year <= 2026)
    monkeypatch.setattr(working_days, "_year_sources", [])  # the policy floor alone, without the office


def test_spring_festival_2024_holidays_and_make_up_sundays():
    # 国办发明电〔2023〕7号: 2月10日至17日放假，2月4日（星期日）、2月18日（星期日）上班。
    assert is_working_day(date(2024, 2, 4))  # a Sunday worked
    assert not is_working_day(date(2024, 2, 12))  # a Monday off
    assert is_working_day(date(2024, 2, 18))
    assert not is_working_day(date(2024, 2, 3))  # an ordinary Saturday


def test_a_deadline_skips_the_holiday_and_counts_the_make_up_day():
    assert add_working_days(date(2024, 2, 9), 1) == date(2024, 2, 18)
    assert add_working_days(date(2024, 2, 9), 2) == date(2024, 2, 19)
    assert working_days_between(date(2024, 2, 9), date(2024, 2, 19)) == 2


def test_national_day_2020_eight_days_off():
    # 2020: 10月1日至8日放假，9月27日（星期日）、10月10日（星期六）上班。
    assert add_working_days(date(2020, 9, 30), 1) == date(2020, 10, 9)
    assert add_working_days(date(2020, 9, 30), 2) == date(2020, 10, 10)
    assert working_days_between(date(2020, 9, 25), date(2020, 9, 28)) == 2  # Sun 27th worked, Mon 28th


def test_twenty_working_days_is_more_than_twenty_calendar_days_over_a_holiday():
    accepted = date(2024, 1, 29)
    due = add_working_days(accepted, 20)
    assert due - accepted > timedelta(days=28)
    assert working_days_between(accepted, due) == 20


def test_zero_and_negative_counts():
    assert add_working_days(date(2024, 3, 6), 0) == date(2024, 3, 6)
    assert add_working_days(date(2024, 3, 11), -1) == date(2024, 3, 8)  # Monday back to Friday
    assert working_days_between(date(2024, 3, 11), date(2024, 3, 8)) == -1


def test_a_year_nobody_has_entered_is_counted_on_the_provisional_calendar(tmp_path, monkeypatch):
    # chinesecalendar knows 2026 but not 2027: applications accepted from 2026-12-04 have their
    # 20 working days reach into 2027, and the office must still accept them.
    monkeypatch.setenv("SAFETYNET_HOLIDAYS_FILE", str(tmp_path / "absent.yaml"))
    accepted = date(2026, 12, 4)
    due = add_working_days(accepted, 20)
    assert due == date(2027, 1, 4)  # 1 January (元旦) is off, the weekends too
    assert provisional_years(accepted, due) == [2027]
    assert not is_provisional(date(2026, 12, 31)) and is_provisional(date(2027, 1, 1))
    assert provisional_years(date(2026, 3, 2), add_working_days(date(2026, 3, 2), 20)) == []


def test_the_provisional_calendar_has_the_statutory_holidays_of_the_2024_revision():
    # 2027: 除夕 is 5 February, 清明 5 April, 端午 9 June, 中秋 15 September.
    assert statutory_holidays(2027) == {
        date(2027, 1, 1), date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8),
        date(2027, 4, 5), date(2027, 5, 1), date(2027, 5, 2), date(2027, 6, 9), date(2027, 9, 15),
        date(2027, 10, 1), date(2027, 10, 2), date(2027, 10, 3),
    }
    assert not is_working_day(date(2027, 2, 8))  # 初三, a Monday
    assert is_working_day(date(2027, 2, 9))


def test_the_provisional_calendar_agrees_with_the_lunar_dates_the_library_published():
    # For 2026, which chinesecalendar knows, the provisional festivals fall on its holidays.
    import chinese_calendar

    for day in statutory_holidays(2026):
        assert chinese_calendar.is_holiday(day), day


@given(st.integers(2027, 2099))
def test_a_provisional_year_has_its_thirteen_statutory_days(year):
    days = statutory_holidays(year)
    assert all(d.year == year for d in days)
    assert 12 <= len(days) <= 13  # 中秋 can fall on 1 October (as in 2020)
    spring = sorted(d for d in days if d.month in (1, 2) and d != date(year, 1, 1))
    assert len(spring) == 4 and (spring[-1] - spring[0]).days == 3


def test_a_year_beyond_the_lunar_tables_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFETYNET_HOLIDAYS_FILE", str(tmp_path / "absent.yaml"))
    with pytest.raises(PolicyError) as exc:
        add_working_days(date(2100, 12, 20), 20)
    assert exc.value.code == "calendar_year_out_of_range"
    assert "2100" in exc.value.message("zh")


def test_entering_the_year_moves_the_provisional_deadline(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFETYNET_HOLIDAYS_FILE", str(tmp_path / "absent.yaml"))
    accepted = date(2026, 12, 18)
    provisional = add_working_days(accepted, 20)
    file = tmp_path / "holidays.yaml"
    # A made-up arrangement: 1-3 January off, Sunday 10 January worked.
    file.write_text("2027:\n  holidays: ['2027-01-01..2027-01-03']\n  workdays: ['2027-01-10']\n", encoding="utf-8")
    monkeypatch.setenv("SAFETYNET_HOLIDAYS_FILE", str(file))
    entered = add_working_days(accepted, 20)
    assert provisional_years(accepted, entered) == []
    assert entered < provisional  # the Sunday worked brings it a day earlier


def test_the_extension_file_answers_for_a_year_the_library_does_not_know(tmp_path, monkeypatch):
    file = tmp_path / "holidays.yaml"
    file.write_text(
        "2031:\n  reference: test\n  holidays: ['2031-01-01', '2031-01-22..2031-01-28']\n  workdays: ['2031-01-19']\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SAFETYNET_HOLIDAYS_FILE", str(file))
    assert not is_working_day(date(2031, 1, 1))  # a Wednesday holiday
    assert is_working_day(date(2031, 1, 19))  # a Sunday make-up day
    assert not is_working_day(date(2031, 1, 27))
    assert is_working_day(date(2031, 1, 29))
    assert add_working_days(date(2031, 1, 21), 1) == date(2031, 1, 29)


def test_the_extension_file_overrides_the_library_for_its_year(tmp_path, monkeypatch):
    file = tmp_path / "holidays.yaml"
    file.write_text("2024:\n  holidays: ['2024-03-06']\n", encoding="utf-8")
    monkeypatch.setenv("SAFETYNET_HOLIDAYS_FILE", str(file))
    assert not is_working_day(date(2024, 3, 6))


@pytest.mark.parametrize(
    "content, detail",
    [
        ("2031:\n  holidays: ['2031-02-30']\n", "2031-02-30"),
        ("2031:\n  holidays: ['2030-12-31']\n", "2030-12-31"),
        ("- just a list\n", "年份"),
        ("2031: [\n", ""),
    ],
)
def test_a_broken_extension_file_says_what_is_wrong(tmp_path, monkeypatch, content, detail):
    file = tmp_path / "holidays.yaml"
    file.write_text(content, encoding="utf-8")
    monkeypatch.setenv("SAFETYNET_HOLIDAYS_FILE", str(file))
    with pytest.raises(PolicyError) as exc:
        is_working_day(date(2031, 3, 3))
    assert exc.value.code == "calendar_file"
    assert detail in exc.value.message("zh")


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 10, 31)), st.integers(0, 40))
def test_counting_back_the_days_added_gives_n(start, n):
    due = add_working_days(start, n)
    assert working_days_between(start, due) == n
    if n:
        assert is_working_day(due)
