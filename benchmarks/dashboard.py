"""Benchmark: the city's dashboard (``/reports/``) over about 200,000 cases, as of a day.

    python benchmarks/dashboard.py [--cases 200000] [--database-url postgresql://...]

Builds a city of dibao and tekun cases with their timelines (pre-check to approval over 2023 and
2024; some re-priced, suspended and resumed, ended, or in a graduated exit), three months of paid
payrolls and a screening's findings, straight into a fresh database (bulk inserts: the benchmark
measures the figures, not the intake). Then times every figure of the dashboard for the city and
for a county (``reports.dashboard``: grouped queries, no case in Python), and, as the baseline in
the same run, coverage read case by case in Python (each case's timeline loaded and walked) for
the same days.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL; SQLite in a temporary folder if empty")
    parser.add_argument("--keep", default="", help="PostgreSQL: build into this database and keep it")
    parser.add_argument("--reuse", default="", help="PostgreSQL: time the figures of this kept database")
    args = parser.parse_args()

    database = None
    if args.database_url:
        import psycopg

        admin = args.database_url.rsplit("/", 1)[0] + "/postgres"
        if args.reuse:
            os.environ["DATABASE_URL"] = args.database_url.rsplit("/", 1)[0] + "/" + args.reuse
        else:
            database = args.keep or f"safetynet_bench_{os.getpid()}"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{database}"')
            os.environ["DATABASE_URL"] = args.database_url.rsplit("/", 1)[0] + "/" + database
        if args.keep:
            database = None  # kept: not dropped at the end
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SAFETYNET_DATA_DIR"] = tempfile.mkdtemp(prefix="dashboard-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "safetynet.site.settings"
    import django

    django.setup()
    try:
        return run(args)
    finally:
        if database:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{database}" WITH (FORCE)')


def _timeline(rng: random.Random, opened: date) -> list[tuple[str, str, str, date]]:
    """A case's steps (transition, from, to, day) from the pre-check to its state now."""
    day = opened
    steps = [("start_precheck", "", "precheck", day)]
    for name, source, target, gap in (("accept", "precheck", "accepted", 3), ("record_home_visit", "accepted",
                                      "investigated", 5), ("approve", "investigated", "notice", 4),
                                      ("close_notice", "notice", "approved", 8)):  # fmt: skip
        day += timedelta(days=gap)
        steps.append((name, source, target, day))
    roll = rng.random()
    if roll < 0.10:  # ended
        day += timedelta(days=rng.randint(60, 300))
        steps += [("give_termination_notice", "approved", "ending", day),
                  ("terminate", "ending", "terminated", day + timedelta(days=8))]
    elif roll < 0.14:  # suspended, then resumed
        day += timedelta(days=rng.randint(30, 200))
        steps += [("suspend", "approved", "suspended", day), ("resume", "suspended", "approved",
                                                                day + timedelta(days=rng.randint(20, 90)))]
    elif roll < 0.16:  # a graduated exit
        day += timedelta(days=rng.randint(30, 200))
        steps.append(("start_graduated_exit", "approved", "graduated_exit", day))
    if rng.random() < 0.5:  # a new standard re-priced it
        last = steps[-1]
        steps.append(("reprice", last[2], last[2], max(last[3], date(2024, 7, 1))))
    return steps


def build_city(n: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from safetynet.cases.models import Case, CaseEvent
    from safetynet.payments.models import Payment, PayrollRun
    from safetynet.policy import idnumber
    from safetynet.registry.models import Area, Household, Person
    from safetynet.site import demo
    from safetynet.supervision.models import LedgerItem

    call_command("migrate", verbosity=0)
    villages = demo.build_areas(townships=6, villages=4)
    rng = random.Random(13)
    with transaction.atomic():
        households = Household.objects.bulk_create(
            [Household(village=villages[i % len(villages)], hukou=rng.choice(("urban", "rural", "rural")),
                       registered_poor=rng.random() < 0.5, address="—", household_no=f"H{i:09d}")
             for i in range(n)], batch_size=5000)  # fmt: skip
        people = Person.objects.bulk_create(
            [Person(household=h, id_number=idnumber.generate(h.village_id[:6], date(1950, 1, 1) + timedelta(
                days=i % 20000), i // 20000), name="受益人", relation="head", birth_date=date(1950, 1, 1),
                sex="male", adl_unmet=rng.choice((0, 0, 0, 2, 5))) for i, h in enumerate(households)],
            batch_size=5000)  # fmt: skip
        cases, timelines = [], []
        for i, (h, p) in enumerate(zip(households, people, strict=True)):
            programme = "tekun" if i % 6 == 0 else "dibao"
            persons = 1 if programme == "tekun" else rng.choice((1, 1, 2, 2, 3, 4))
            amount = rng.randint(100, 900) * 100 * persons
            steps = _timeline(rng, date(2023, 1, 2) + timedelta(days=rng.randint(0, 600)))
            state = steps[-1][2]
            approved = next(s[3] for s in steps if s[0] == "close_notice")
            until = None
            if state == "terminated":
                until = (steps[-1][3].replace(day=1) + timedelta(days=32)).replace(day=1)
            elif state == "graduated_exit":
                until = (steps[-1][3].replace(day=1) + timedelta(days=130)).replace(day=1)
            cases.append(Case(programme=programme, household=h, applicant=p, area_code=h.village_id, state=state,
                              opened_on=steps[0][3], approved_on=approved, decided_on=steps[3][3],
                              decision_due_on=steps[1][3] + timedelta(days=30), entitlement_until=until,
                              monthly_amount_fen=amount, persons_covered=persons))  # fmt: skip
            timelines.append((steps, persons, amount))
        cases = Case.objects.bulk_create(cases, batch_size=5000)
        if connection.vendor == "sqlite":  # SQLite's bulk_create does not return ids
            cases = list(Case.objects.order_by("id"))
        CaseEvent.objects.bulk_create(
            [CaseEvent(case=c, on=day, transition=name, from_state=source, to_state=target,
                       persons_covered=persons if name in ("approve", "close_notice", "reprice") else None,
                       monthly_amount_fen=amount if name in ("approve", "close_notice", "reprice") else None)
             for c, (steps, persons, amount) in zip(cases, timelines, strict=True)
             for name, source, target, day in steps], batch_size=10000)  # fmt: skip
        townships = list(Area.objects.filter(level=Area.Level.TOWNSHIP))
        payments = []
        for month in (date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1)):
            runs = {}
            for t in townships:
                for p in ("dibao", "tekun"):
                    runs[(t.code, p)] = PayrollRun.objects.create(month=month, township=t, programme=p,
                                                                  status="approved")
            for c in cases:
                if c.state in ("approved", "graduated_exit") and c.approved_on < month:
                    payments.append(Payment(run=runs[(c.area_code[:9], c.programme)], case=c,
                                            recipient_id=c.applicant_id, programme=c.programme, month=month,
                                            for_month=month, kind="regular", amount_fen=c.monthly_amount_fen,
                                            reason="当月保障金", bank_status="paid"))  # fmt: skip
        Payment.objects.bulk_create(payments, batch_size=10000)
        LedgerItem.objects.bulk_create(
            [LedgerItem(kind="missed_dibao", area_id=h.village_id, household_no=h.household_no, programme="dibao",
                        month=date(2023, 1, 1), evidence="—", sources="—") for h in households[: n // 50]],
            batch_size=5000)  # fmt: skip
    if connection.vendor == "postgresql":  # the statistics autovacuum would gather after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _walk(as_of_days: list[date]) -> dict:
    """The baseline: every case's timeline loaded and walked in Python, coverage counted per day."""
    from safetynet.cases.models import Case, CaseEvent
    from safetynet.reports.coverage import COVERED_STATES

    info = {c: (a, p, h, u) for c, a, p, h, u in Case.objects.values_list(
        "id", "area_code", "programme", "household__hukou", "entitlement_until")}  # fmt: skip
    out: dict = {}
    timeline: dict[int, list] = {}
    for case_id, on, to_state, persons in CaseEvent.objects.order_by("case_id", "on", "id").values_list(
            "case_id", "on", "to_state", "persons_covered"):  # fmt: skip
        timeline.setdefault(case_id, []).append((on, to_state, persons))
    for case_id, steps in timeline.items():
        area, programme, hukou, until = info[case_id]
        for i, day in enumerate(as_of_days):
            state, persons = None, None
            for on, to_state, p in steps:
                if on > day:
                    break
                state, persons = to_state, p or persons
            if state in COVERED_STATES and not (state == "graduated_exit" and until and until <= day):
                key = (i, area[:6], programme, hukou)
                n, m = out.get(key, (0, 0))
                out[key] = (n + 1, m + (persons or 0))
    return out


def run(args) -> int:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from safetynet.reports import figures
    from safetynet.reports.dashboard import dashboard

    t0 = time.perf_counter()
    if args.reuse:
        print(f"database: {connection.vendor}, {args.reuse} as built before")
    else:
        build_city(args.cases)
        print(f"database: {connection.vendor}; built {args.cases:,} cases with their timelines and three months of "
              f"payrolls in {time.perf_counter() - t0:.1f} s")
    as_of = date(2024, 12, 31)
    for code, label in (("3708", "city"), ("370811", "county 任城区")):
        scope = figures.scope_of(code, as_of)
        best = None
        for _ in range(3):
            reset_queries()
            t0 = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                board = dashboard(scope)
            elapsed = time.perf_counter() - t0
            best = elapsed if best is None else min(best, elapsed)
        t0 = time.perf_counter()
        cov = figures.coverage(scope)
        coverage_only = time.perf_counter() - t0
        total = cov.total()
        print(f"{label}: the whole dashboard ({len(board.tables)} tables, {len(ctx.captured_queries)} queries) "
              f"in {best:.2f} s; coverage on {len(scope.days)} days in {coverage_only:.2f} s "
              f"({total.households:,} households, {total.persons:,} persons covered on {as_of})")
    scope = figures.scope_of("3708", as_of)
    t0 = time.perf_counter()
    figures.coverage(scope)
    coverage_only = time.perf_counter() - t0
    t0 = time.perf_counter()
    walked = _walk(scope.days)
    baseline = time.perf_counter() - t0
    households = sum(n for (i, *_rest), (n, _m) in walked.items() if i == len(scope.days) - 1)
    assert households == figures.coverage(scope).total().households, "the baseline and the figures disagree"
    print(f"baseline: each case's timeline walked in Python for the same {len(scope.days)} days: {baseline:.2f} s "
          f"(the same {households:,} households); the grouped query is {baseline / coverage_only:.1f}× faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
