"""补录: acts dated more than ``LIMIT_WORKING_DAYS`` working days before today.

The office records an act on the day it happens, or within a few working days (a visit written
up the next week). An act dated further back could make a notice "run" its 7 days in a moment,
or a deadline look kept: such a step is not taken when it is entered. It is filed with its
reason (``BackdatedAct``) and takes effect, as at its date, only once a second approver of the
township (not the one who entered it) confirms it; the reason and both names go on the case's
timeline and into the audit log. Refused, it leaves the case as it was. Today is the office's
``clock.today()``.

A replay (the demo's seed, a replay of a past year, the test suite's fixtures) runs the services
as at each act's own date: inside ``replaying()`` no act counts as backdated. It holds for the
whole process (threads included: a replay's workers act as it does), so only a process that
does nothing else enters it; no page, API route or command of the office does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from safetynet.policy.working_days import add_working_days, working_days_between
from safetynet.web import clock

LIMIT_WORKING_DAYS = 5

_replays = 0  # how many replays are running in this process


@contextmanager
def replaying() -> Iterator[None]:
    """Run the services as at each act's own date (see the module's note)."""
    global _replays
    _replays += 1
    try:
        yield
    finally:
        _replays -= 1


def earliest_direct(today: date | None = None) -> date:
    """The earliest date an act can be entered without a second person's confirmation."""
    return add_working_days(today or clock.today(), -LIMIT_WORKING_DAYS)


def is_backdated(on: date, today: date | None = None) -> bool:
    """More than ``LIMIT_WORKING_DAYS`` working days before today (never inside a replay)."""
    if _replays:
        return False
    return working_days_between(on, today or clock.today()) > LIMIT_WORKING_DAYS
