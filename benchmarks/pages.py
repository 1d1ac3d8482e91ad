"""Benchmark: the ten main pages on a city of 200,000 cases, for a township clerk, a county
supervisor and the city.

    python benchmarks/pages.py --database-url postgresql://postgres@127.0.0.1:5432/h_p_bench \
        [--cases 200000] [--baseline-cases 2000] [--requests 20] [--fresh]

Seeds the city straight into the tables (bulk inserts, consistent with the models and their
constraints; not through the services, which would take hours): the 14 areas' townships and
villages, households of two with valid ID numbers and register numbers, a case each in every
state (a tenth tekun), their timeline events, the latest department check of the open cases,
the problem ledger, a month's approved payroll of every township and the department
deliveries. The same city at ``--baseline-cases`` goes in a second database (``<name>_small``):
each page's time there is the baseline, in the same process. Both databases are kept and reused
by the next run (``--fresh`` seeds them again).

Pages are requested in-process with Django's test client (the whole stack: middleware,
sessions, views, templates, the access log), ``--requests`` times each after two warm-up
requests; it prints p50 and p95 per page and user, the ratio of the p95 to the baseline's, and
the machine. The target (issue 9) is p95 <= 300 ms per page; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import date, timedelta

STATES = [  # (state, share of the cases): most are covered, a few in every step and closed
    ("approved", 0.58), ("precheck", 0.03), ("accepted", 0.04), ("investigated", 0.04), ("notice", 0.02),
    ("review", 0.03), ("suspended", 0.01), ("ending", 0.01), ("graduated_exit", 0.01), ("refused", 0.09),
    ("terminated", 0.09), ("withdrawn", 0.05),
]  # fmt: skip
OPEN = ("precheck", "accepted", "investigated", "notice", "review", "ending")
COVERED = ("approved", "review", "graduated_exit", "ending", "suspended")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强德胜春梅海燕"
CLERK_TOWNSHIP, COUNTY = "370811001", "370811"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="postgresql://user@host:port/name (created if missing)")
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--baseline-cases", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="drop and seed the databases again")
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql://"):
        print("--database-url: a PostgreSQL URL (postgresql://user@host:port/name)", file=sys.stderr)
        return 2
    base, name = args.database_url.rsplit("/", 1)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "safetynet.site.settings"
    os.environ.setdefault("SAFETYNET_DATA_DIR", f"/tmp/pages-bench-{name}")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 403s of deliveries, expected
    results = {}
    for label, db, n in (("baseline", f"{name}_small", args.baseline_cases), ("city", name, args.cases)):
        use_database(base, db, fresh=args.fresh)
        seeded = seeded_cases()
        if seeded != n:
            t0 = time.perf_counter()
            seed(n)
            print(f"{db}: seeded {n:,} cases in {time.perf_counter() - t0:.0f} s", flush=True)
        results[label] = time_pages(args.requests)
    report(results, args)
    return 0


def use_database(base: str, name: str, *, fresh: bool) -> None:
    """Point Django at ``name`` (created, or dropped and created again with ``fresh``), migrated."""
    import psycopg
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or fresh:
            conn.execute(f'CREATE DATABASE "{name}"')
    connections["default"].settings_dict["NAME"] = name
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    from safetynet.administration import selectors

    selectors.clear_cache()
    call_command("migrate", verbosity=0)


def seeded_cases() -> int:
    from safetynet.cases.models import Case

    return Case.objects.count()


def seed(n: int) -> None:
    """The city at ``n`` cases, straight into the tables (an empty database is assumed)."""
    from django.db import connection, transaction

    from safetynet.cases.models import Case, CaseEvent
    from safetynet.payments.models import Payment, PayrollRun
    from safetynet.policy import idnumber
    from safetynet.registry import cards
    from safetynet.registry.models import Household, Person
    from safetynet.site import demo
    from safetynet.supervision.models import LedgerItem
    from safetynet.verification.models import CheckResult, CheckRun, FeedDelivery

    if Case.objects.exists():
        raise SystemExit("the database has cases but not the number asked for: run with --fresh")
    rng = random.Random(9)
    today = date.today()
    villages = demo.build_areas(townships=3, villages=3)
    users = {"clerk": demo.make_staff("bench_clerk", "clerk", CLERK_TOWNSHIP),
             "county": demo.make_staff("bench_county", "county", COUNTY),
             "city": demo.make_staff("bench_city", "city", "3708"),
             "approver": demo.make_staff("bench_approver", "approver", CLERK_TOWNSHIP)}  # fmt: skip
    states = [s for s, _ in STATES]
    weights = [w for _, w in STATES]
    with transaction.atomic():
        households = Household.objects.bulk_create(
            [Household(village=villages[i % len(villages)], hukou=rng.choice(("urban", "rural", "rural")),
                       address=f"{villages[i % len(villages)].name}{i % 500 + 1}号",
                       household_no=f"{villages[i % len(villages)].code[:6]}{i:010d}") for i in range(n)],
            batch_size=5000,
        )  # fmt: skip
        persons = []
        for i, h in enumerate(households):
            # (birth date, sequence) differs for every i, so every number is unique; the sequence
            # is spread over its thousand values, so the last four digits are too
            born = date(1940, 1, 1) + timedelta(days=i % 20000)
            for k, relation in enumerate(("head", "spouse")):
                name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
                sequence = ((i // 20000) * 2 + k + 20 * (i % 50)) % 1000
                persons.append(Person(household=h, relation=relation, name=name, sex=("male", "female")[k],
                                      birth_date=born, id_number=idnumber.generate(h.village_id[:6], born, sequence),
                                      bank_card=cards.with_check_digit(f"622848{2 * i + k:012d}")))
        persons = Person.objects.bulk_create(persons, batch_size=5000)
        cases = []
        for i, h in enumerate(households):
            state = rng.choices(states, weights)[0]
            opened = today - timedelta(days=rng.randint(5, 700))
            decided = state not in ("precheck", "accepted", "investigated", "withdrawn")
            approved = state in (*COVERED, "terminated", "notice")
            cases.append(Case(
                programme="tekun" if i % 10 == 0 else "dibao", household=h, applicant=persons[2 * i],
                area_code=h.village_id, state=state, opened_on=opened, accepted_on=opened + timedelta(days=3),
                decision_due_on=opened + timedelta(days=40),
                due_on=today + timedelta(days=rng.randint(-20, 30)) if state in OPEN else None,
                decided_on=opened + timedelta(days=rng.randint(20, 50)) if decided else None,
                approved_on=opened + timedelta(days=50) if approved else None,
                monthly_amount_fen=rng.choice((39000, 78000, 52000)) if approved else None,
                next_review_on=today + timedelta(days=rng.randint(-30, 300)) if state == "approved" else None,
            ))  # fmt: skip
        cases = Case.objects.bulk_create(cases, batch_size=5000)
        events = []
        for c in cases:
            events.append(CaseEvent(case=c, on=c.opened_on, actor=users["clerk"], transition="start_precheck",
                                    to_state="precheck"))
            if c.state != "precheck":
                events.append(CaseEvent(case=c, on=c.accepted_on, actor=users["clerk"], transition="accept",
                                        from_state="precheck", to_state="accepted"))
        CaseEvent.objects.bulk_create(events, batch_size=5000)
        # The latest check of the open cases' households, one township run each.
        runs = {}
        for t in {v.code[:9] for v in villages}:
            runs[t] = CheckRun(kind="township", area_id=t, month=today.replace(day=1), status="done", progress=100)
        CheckRun.objects.bulk_create(runs.values())
        CheckResult.objects.bulk_create(
            [CheckResult(run=runs[c.area_code[:9]], household_id=c.household_id,
                         impact=rng.choice(("still_eligible", "amount_changes", "no_longer_eligible")),
                         declared_amount_fen=0, verified_amount_fen=0) for c in cases if c.state in OPEN],
            batch_size=5000,
        )  # fmt: skip
        # The ledger: one item in twenty households, some not in the registry (missed coverage).
        LedgerItem.objects.bulk_create(
            [LedgerItem(kind=rng.choice(("owns_car", "deceased", "missed_dibao", "wrong_dibao")),
                        area_id=c.area_code, household_no=c.household.household_no,
                        id_number=persons[2 * i].id_number, programme=c.programme,
                        month=today.replace(day=1), evidence="部门数据", sources="vehicles")
             for i, c in enumerate(cases) if i % 20 == 0],
            batch_size=5000,
        )  # fmt: skip
        # Last month's payroll of every township, approved: a line per covered case.
        month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        payrolls = {t: PayrollRun(month=month, township_id=t, programme="dibao", status="approved")
                    for t in {v.code[:9] for v in villages}}  # fmt: skip
        PayrollRun.objects.bulk_create(payrolls.values())
        lines = [Payment(run=payrolls[c.area_code[:9]], case=c, recipient_id=c.applicant_id, programme="dibao",
                         month=month, for_month=month, kind="regular", amount_fen=c.monthly_amount_fen,
                         reason="当月")
                 for c in cases if c.state in COVERED and c.programme == "dibao"]  # fmt: skip
        Payment.objects.bulk_create(lines, batch_size=5000)
        for run in payrolls.values():
            run_lines = [p for p in lines if p.run_id == run.pk]
            PayrollRun.objects.filter(pk=run.pk).update(lines=len(run_lines),
                                                        total_fen=sum(p.amount_fen for p in run_lines))
        FeedDelivery.objects.bulk_create(
            [FeedDelivery(item=item, delivered_on=today - timedelta(days=d), file_name=f"{item}.csv",
                          sha256=f"{d:032d}{abs(hash(item)) % 10**32:032d}", rows_loaded=n, rows_rejected=0)
             for d in range(3) for item in ("vehicles", "income_tax", "deaths", "pensions")],
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def pages() -> list[tuple[str, str]]:
    """The ten main pages, as URLs on this database (a household, case and payroll of the clerk's
    township, which the county and the city also see)."""
    from safetynet.cases.models import Case
    from safetynet.payments.models import PayrollRun
    from safetynet.registry.models import Person

    case = Case.objects.filter(area_code__startswith=CLERK_TOWNSHIP, state="approved").order_by("id")[10]
    person = Person.objects.filter(household__village__code__startswith=CLERK_TOWNSHIP).order_by("id")[25]
    run = PayrollRun.objects.filter(township_id=CLERK_TOWNSHIP).first()
    return [
        ("desk", "/desk/"), ("deadline board", "/deadlines/"),
        ("households: name", f"/households/?q={person.name}"),
        ("households: last four", f"/households/?q={person.id_number[-4:]}"),
        ("household page", f"/households/{case.household_id}/"), ("case page", f"/cases/{case.pk}/"),
        ("ledger", "/verification/ledger/"), ("payroll lines", f"/payroll/{run.pk}/"),
        ("deliveries", "/verification/deliveries/"), ("figures", "/reports/"),
    ]  # fmt: skip


def time_pages(n: int) -> dict[tuple[str, str], dict]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    out = {}
    urls = pages()
    for who in ("clerk", "county", "city"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=f"bench_{who}"))
        for label, url in urls:
            status = client.get(url).status_code
            if status != 200:  # deliveries are the verification centre's (the city's here)
                out[(who, label)] = {"status": status}
                continue
            client.get(url)
            times = []
            for _ in range(n):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (who, url, response.status_code)
            times.sort()
            out[(who, label)] = {"p50": statistics.median(times), "p95": times[max(0, round(0.95 * n) - 1)]}
    return out


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, {cpu}; load average {load}; Python {platform.python_version()}"


def report(results: dict, args) -> None:
    from django.db import connection

    print(f"\nmachine: {machine()}; PostgreSQL {connection.cursor().connection.info.server_version}")
    print(f"{args.requests} requests a page and user, in-process (Django's test client), after 2 warm-ups\n")
    big, small = results["city"], results["baseline"]
    print(f"| page | user | p50 ms | p95 ms | p95 at {args.baseline_cases:,} cases | ratio | p95 <= 300 ms |")
    print("|---|---|---|---|---|---|---|")
    for (who, label), r in big.items():
        if "p95" not in r:
            print(f"| {label} | {who} | — | — | — | — | (HTTP {r['status']}: not this role's page) |")
            continue
        base = small.get((who, label), {}).get("p95")
        ratio = f"{r['p95'] / base:.1f}×" if base else "—"
        print(f"| {label} | {who} | {r['p50']:.0f} | {r['p95']:.0f} | {base:.0f} | {ratio} | "
              f"{'yes' if r['p95'] <= 300 else 'no'} |")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
