"""Who was covered on a day: the as-of reading of the decision history (``docs/figures.md``,
"Coverage as of a day").

**A case covers on day D** when the last step of its timeline dated on or before D (``CaseEvent.on``,
ties in the order they were taken) left it in a covering state (``COVERED_STATES``: 保障中, 复核中,
终止公示中, 渐退期), except a graduated exit whose paid months have run out: from its
``entitlement_until`` (the first month not paid) it no longer covers, even before the approver
ends it. Only cases whose approval took effect (``approved_on`` on or before D) and of a monthly
programme (``programmes.all()``, ``schedule == "monthly"``) can cover; a one-off programme is
counted in person-times (temporary assistance), not in coverage.

It covers the persons and the monthly amount its last step recorded (``CaseEvent.persons_covered``,
``monthly_amount_fen``: the snapshot each step keeps), the case's own values for steps taken
before the snapshot existed. Its hukou and registered-poor mark are the household's.

Two readings of the same definition, tested to agree:

- ``covered_cases``: the cases covering on D, a queryset (the drill-down list, small figures);
- ``coverage_rows``: for a whole city at once and for every day of a trend, one grouped query:
  each step of the timeline up to D with the day of the next step (``LEAD`` over the case's
  timeline) is a span in one state; the spans in a covering state are counted, by the trend's
  days they hold on, in the database. No case travels to Python.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import DateField, F, Func, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, Lead, Substr

from safetynet.cases import programmes
from safetynet.cases.models import Case, CaseEvent
from safetynet.reports.selectors import COVERED_STATES

GRADUATED_EXIT = "graduated_exit"


def monthly_programmes() -> list[str]:
    """The programmes whose cases cover month after month (declared: ``schedule == "monthly"``)."""
    return [d.code for d in programmes.all() if d.schedule == "monthly"]


def _latest_step(as_of: date) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=OuterRef("pk"), on__lte=as_of).order_by("-on", "-id")


def covered_cases(prefix: str, as_of: date) -> QuerySet[Case]:
    """The cases of the area (a code prefix) covering on ``as_of``, each annotated with
    ``state_then``, ``persons_then`` and ``amount_then`` (what its last step up to that day recorded)."""
    latest = _latest_step(as_of)
    return (
        Case.objects.filter(area_code__startswith=prefix, programme__in=monthly_programmes(), approved_on__lte=as_of)
        .annotate(
            state_then=Subquery(latest.values("to_state")[:1]),
            persons_then=Coalesce(Subquery(latest.values("persons_covered")[:1]), F("persons_covered")),
            amount_then=Coalesce(Subquery(latest.values("monthly_amount_fen")[:1]), F("monthly_amount_fen")),
        )
        .filter(state_then__in=COVERED_STATES)
        .exclude(Q(state_then=GRADUATED_EXIT) & Q(entitlement_until__lte=as_of))
    )  # fmt: skip


@dataclass(frozen=True)
class Row:
    """Cases alike (area, programme, hukou, registered poor) covering from the day of index
    ``first`` up to, not including, the day of index ``stop`` (None: still on the last day)."""

    area: str
    programme: str
    hukou: str
    poor: bool
    first: int
    stop: int | None
    households: int
    persons: int
    amount_fen: int

    def holds_on(self, index: int) -> bool:
        return self.first <= index and (self.stop is None or index < self.stop)


class MonthStart(Func):
    """The first day of a date's month: ``date(x, 'start of month')`` on SQLite (ISO text, compared
    as text), ``date_trunc`` on PostgreSQL (a date; ``to_char`` would cost a second a city)."""

    output_field = DateField()
    template = "date(%(expressions)s, 'start of month')"

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="DATE_TRUNC('month', %(expressions)s)::date", **extra)


def _month(expression) -> MonthStart:
    return MonthStart(expression)


def _month_text(value) -> str | None:
    """A month as the database gave it (a date, or ISO text on SQLite) as ``YYYY-MM``."""
    return None if value is None else str(value)[:7]


def coverage_rows(prefix: str, days: list[date], key_length: int) -> list[Row]:
    """Coverage of the area on each of ``days`` (ascending, one a month: each month's last day, the
    last of them the as-of day), grouped by the first ``key_length`` digits of the village code
    (the county, township or village), the programme, the hukou and the registered-poor mark.
    One query.

    Months are enough to place a span on these days: a step up to a month's last day is a step
    of that month or before; on the as-of day every step read is on or before it, and the end of a
    graduated exit's paid months is the first of a month."""
    as_of = days[-1]
    months = [f"{d:%Y-%m}" for d in days]
    first_month = days[0].replace(day=1)
    steps = (
        # Steps before the approval took effect leave the case in states that never cover, and
        # the approval's own step is the first span that can: the earlier ones are not read.
        CaseEvent.objects.filter(case__area_code__startswith=prefix, case__programme__in=monthly_programmes(),
                                 case__approved_on__lte=as_of, on__lte=as_of, on__gte=F("case__approved_on"))
        .order_by()
        .annotate(next_month=Window(Lead(_month("on")), partition_by=[F("case_id")],
                                    order_by=[F("on").asc(), F("id").asc()]))
        .values("next_month", step_month=_month("on"), state=F("to_state"),
                area=Substr("case__area_code", 1, key_length), programme=F("case__programme"),
                hukou=F("case__household__hukou"), poor=F("case__household__registered_poor"),
                paid_until=_month("case__entitlement_until"),
                persons=Coalesce("persons_covered", "case__persons_covered"),
                amount=Coalesce("monthly_amount_fen", "case__monthly_amount_fen"))
    )  # fmt: skip
    inner, inner_params = steps.query.sql_with_params()
    states = ", ".join(["%s"] * len(COVERED_STATES))
    # A span holds on a day when it began in that day's month or before, and the next step (or
    # the end of a graduated exit's paid months) came in a later month. Spans that began before
    # the first day count from it; those that ended by then are never counted.
    sql = f"""
        SELECT area, programme, hukou, poor, first_month, stop_month, COUNT(*), SUM(persons), SUM(amount) FROM (
            SELECT area, programme, hukou, poor, persons, amount, stop_month,
                   CASE WHEN step_month < %s THEN %s ELSE step_month END AS first_month
            FROM (
                SELECT spans.*,
                       CASE WHEN state = %s AND paid_until IS NOT NULL
                                 AND (next_month IS NULL OR paid_until < next_month)
                            THEN paid_until ELSE next_month END AS stop_month
                FROM ({inner}) spans WHERE state IN ({states})
            ) bounded
            WHERE stop_month IS NULL OR stop_month > %s
        ) counted
        GROUP BY area, programme, hukou, poor, first_month, stop_month
    """
    params = [first_month, first_month, GRADUATED_EXIT, *inner_params, *COVERED_STATES, first_month]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Compiling this one query's expressions (JIT) costs more than it saves: half a second a city.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        found = cursor.fetchall()
    rows = []
    for area, programme, hukou, poor, first, stop, n, persons, amount in found:
        first, stop = _month_text(first), _month_text(stop)
        stop_index = bisect_left(months, stop) if stop and stop <= months[-1] else None
        rows.append(Row(area, programme, hukou, bool(poor), bisect_left(months, first), stop_index, n, persons or 0,
                        amount or 0))  # fmt: skip
    return rows
