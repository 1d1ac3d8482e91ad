"""Months as first days: payment starts and ends on the first of a month (低保-2012 Art. 31)."""

from __future__ import annotations

from datetime import date


def first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def add_months(month: date, n: int) -> date:
    """The first day of the month ``n`` months after ``month``'s (negative goes back)."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)
