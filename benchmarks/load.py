"""Benchmark: clerks at work against the production server (gunicorn), on SQLite or PostgreSQL.

    python benchmarks/load.py [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
                              [--households 200] [--duration 60] [--users 32] [--think 2]
                              [--levels 1,8,32] [--level-duration 20]

Prepares a fresh database (SQLite in a temporary folder, or a new PostgreSQL database on the
server of --database-url, dropped at the end), seeds the demo city, starts gunicorn with
``safetynet/site/gunicorn.conf.py`` on a free local port, and logs in clerks of several
townships, each with its own session and API token. Each clerk does the window's mix: the desk,
a household search, a household page, a case page, the deadline board, the intake form's live
preview, registering a household (the write), and the assessment API (``POST /api/v1/assessments``).
Two ways:

- office load: --users clerks, each acting every --think seconds on average (random pauses),
  for --duration seconds; targets (issue 14): 0 errors, page p95 <= 300 ms, assessment p95 <= 50 ms;
- saturation: 1, 8 and 32 clerks acting without pause, --level-duration seconds each: requests
  per second and p50/p95/p99, with the ratio against one clerk (the baseline, same run).

The client runs on the same machine as the server and takes some of its CPU. Times are reported,
never asserted; the exit status is 1 if any request failed.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import random
import re
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx

from safetynet.policy import idnumber

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "safetynet-demo-2026"  # the demo's (safetynet.site.demo.DEMO_PASSWORD)
# The clerk's mix, by weight: what a window clerk does in an hour, roughly; registering a
# household is the write (a transaction with its audit record) that contends for the database.
MIX = {"desk": 3, "search": 3, "household": 3, "case": 3, "deadlines": 1, "preview": 2, "register": 1, "assessment": 3}
REGISTERED = itertools.count()  # each new household's head gets an ID number of its own
SEARCHES = ["王", "李", "张", "刘", "陈", "村", "庄"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="a PostgreSQL server's URL; SQLite in a temporary folder")
    parser.add_argument("--households", type=int, default=200, help="households of the demo city")
    parser.add_argument("--townships", type=int, default=8, help="townships whose clerks log in")
    parser.add_argument("--users", type=int, default=32, help="clerks of the office load")
    parser.add_argument("--think", type=float, default=2.0, help="seconds between a clerk's acts, on average")
    parser.add_argument("--duration", type=float, default=60, help="seconds of office load")
    parser.add_argument("--levels", default="1,8,32", help="clerks without pause, for the saturation")
    parser.add_argument("--level-duration", type=float, default=20, help="seconds of each saturation level")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the config's, from the cores)")
    parser.add_argument("--threads", type=int, help="gunicorn threads per worker (default: the config's)")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    levels = [int(n) for n in args.levels.split(",") if n]

    workdir = Path(tempfile.mkdtemp(prefix="load-bench-"))
    env = {**os.environ, "SAFETYNET_DATA_DIR": str(workdir), "SAFETYNET_ACCESS_LOG": str(workdir / "access.log"),
           "SAFETYNET_SECRET_KEY": os.urandom(32).hex(), "SAFETYNET_ALLOWED_HOSTS": "127.0.0.1",
           "SAFETYNET_DEMO": "1"}  # the demo's users keep the shared password (no forced change)
    env.pop("SAFETYNET_DEBUG", None)
    for name, value in (("SAFETYNET_WORKERS", args.workers), ("SAFETYNET_THREADS", args.threads)):
        if value:
            env[name] = str(value)
    database, admin = None, None
    if args.database_url:
        import psycopg

        database = f"safetynet_load_{os.getpid()}"
        admin = args.database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = args.database_url.rsplit("/", 1)[0] + "/" + database
    else:
        env.pop("DATABASE_URL", None)
    server = None
    try:
        print(describe_machine())
        t0 = time.perf_counter()
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "seed_demo", "--households", str(args.households), "--seed", str(args.seed))
        print(f"demo city of {args.households} households seeded in {time.perf_counter() - t0:.0f} s ({workdir})")
        targets = clerk_targets(env, args.townships)
        for username in targets:
            targets[username]["token"] = manage(env, "create_api_token", username, "--name", "load").split()[-1]

        port = free_port()
        server, log = start_server(env, port, workdir)
        base = f"http://127.0.0.1:{port}"
        rng = random.Random(args.seed)
        names = sorted(targets)
        clerks = [Clerk(base, names[i % len(names)], targets[names[i % len(names)]], random.Random(rng.random()))
                  for i in range(max([args.users, *levels]))]
        t0 = time.perf_counter()
        for clerk in clerks:
            clerk.login()
        print(f"{len(clerks)} sessions of {len(names)} clerks ({', '.join(names)}) logged in "
              f"in {time.perf_counter() - t0:.1f} s")

        run(clerks[:8], server.pid, seconds=min(10.0, args.level_duration), think=0)  # warm every worker
        rows = [("office", args.users, run(clerks[: args.users], server.pid, seconds=args.duration, think=args.think))]
        rows += [("saturation", n, run(clerks[:n], server.pid, seconds=args.level_duration, think=0)) for n in levels]
        report(rows, args)
        failed = sum(len(r.errors) for _, _, r in rows)
        server_log = log.read_text(errors="replace")
        locked = server_log.count("database is locked")
        tracebacks = server_log.count("Traceback")
        print(f"server log: {tracebacks} tracebacks, {locked} 'database is locked'")
        samples: dict[tuple[str, int], list] = {}
        for _, _, result in rows:
            for kind, status, text in result.errors:
                samples.setdefault((kind, status), [0, " ".join(re.sub(r"<[^>]+>", " ", text).split())[:160]])[0] += 1
        for (kind, status), (count, text) in sorted(samples.items()):
            print(f"  failed: {kind} answered {status} {count} times, e.g. {text!r}")
        return 1 if failed or tracebacks else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        if database:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{database}" WITH (FORCE)')


def describe_machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"machine: {os.cpu_count()} cores, {model}, load average {load}; Python {platform.python_version()}"


def manage(env: dict, *command: str) -> str:
    done = subprocess.run([sys.executable, "-m", "safetynet", "manage", *command], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"safetynet manage {' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def clerk_targets(env: dict, townships: int) -> dict[str, dict]:
    """For the clerks of the first townships: their households, cases and villages (read once)."""
    os.environ.update({k: env[k] for k in ("SAFETYNET_DATA_DIR", "DATABASE_URL") if k in env})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.site.settings")
    import django

    django.setup()
    from django.db import connections

    from safetynet.cases.models import Case
    from safetynet.registry.models import Area, Household, Staff

    with connections["default"].cursor() as cursor:
        if connections["default"].vendor == "sqlite":
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            print(f"database: SQLite {cursor.execute('select sqlite_version()').fetchone()[0]}, journal mode {mode}")
        else:
            print(f"database: {cursor.execute('select version()').fetchone()[0].split(' on ')[0]}")
    out = {}
    staff = Staff.objects.filter(role="clerk", area__level=Area.Level.TOWNSHIP).select_related("user", "area")
    for s in staff.order_by("area__code", "user__username"):
        code = s.area.code
        households = list(Household.objects.filter(village__code__startswith=code).values_list("pk", flat=True))
        cases = list(Case.objects.filter(area_code__startswith=code).values_list("pk", flat=True))
        villages = list(Area.objects.filter(level=Area.Level.VILLAGE, code__startswith=code)
                        .values_list("code", flat=True))
        if households and cases and s.user.username not in out and code not in {t["township"] for t in out.values()}:
            out[s.user.username] = {"township": code, "households": households, "cases": cases, "villages": villages}
        if len(out) == townships:
            break
    connections.close_all()
    if not out:
        sys.exit("no township has both households and cases: seed more --households")
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int, workdir: Path) -> tuple[subprocess.Popen, Path]:
    log = workdir / "server.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "safetynet/site/gunicorn.conf.py")],
        env={**env, "SAFETYNET_BIND": f"127.0.0.1:{port}"}, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=5).status_code == 200:
                workers = len(re.findall(r"Booting worker", log.read_text()))
                print(f"gunicorn on 127.0.0.1:{port}: {workers} workers ({log})")
                return server, log
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not answer within 60 s")


class Clerk:
    """One browser: its own session, CSRF cookie, token and the records of its township."""

    def __init__(self, base: str, username: str, target: dict, rng: random.Random):
        self.username, self.target, self.rng = username, target, rng
        self.http = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
        self.county = target["township"][:6]

    def login(self) -> None:
        self.http.get("/accounts/login/")
        answer = self.http.post("/accounts/login/", data={
            "username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": self.http.cookies["csrftoken"]})
        if answer.status_code != 302 or "sessionid" not in self.http.cookies:
            sys.exit(f"{self.username} could not log in: {answer.status_code} {answer.text[:300]!r}")

    def person(self, born: date, relation: str) -> dict:
        return {"id_number": idnumber.generate(self.county, born, self.rng.randint(0, 499)), "relation": relation}

    def intake(self, month: date, members: list[tuple[str, str, str, str]]) -> dict:
        """The intake form's fields (safetynet.registry.forms.Intake): members, each with its incomes."""
        data = {"village": self.rng.choice(self.target["villages"]), "hukou": "rural", "month": f"{month:%Y-%m}",
                **formset("members", len(members))}
        for i, (name, id_number, relation, wage) in enumerate(members):
            data.update({f"members-{i}-name": name, f"members-{i}-id_number": id_number,
                         f"members-{i}-relation": relation, **formset(f"members-{i}-incomes", 1 if wage else 0),
                         **formset(f"members-{i}-assets", 0)})
            if wage:
                data.update({f"members-{i}-incomes-0-kind": "wage", f"members-{i}-incomes-0-monthly": wage})
        return data

    def act(self, kind: str) -> httpx.Response:
        rng, t = self.rng, self.target
        if kind == "desk":
            return self.http.get("/desk/")
        if kind == "search":
            return self.http.get("/households/", params={"q": rng.choice(SEARCHES)})
        if kind == "household":
            return self.http.get(f"/households/{rng.choice(t['households'])}/")
        if kind == "case":
            return self.http.get(f"/cases/{rng.choice(t['cases'])}/")
        if kind == "deadlines":
            return self.http.get("/deadlines/")
        month = date.today().replace(day=1)
        wage = f"{rng.randint(0, 1500)}.00"
        if kind == "register":
            n = next(REGISTERED)  # born 1901-1930: no one of the demo's, and never twice
            head = idnumber.generate(self.county, date(1901, 1, 1) + timedelta(days=n // 500), n % 500)
            return self.http.post("/households/new/", data={
                "csrfmiddlewaretoken": self.http.cookies["csrftoken"], "address": f"压力测试路{n}号",
                **self.intake(month, [("李秀英", head, "head", wage)])})
        head, child = self.person(date(1960, 5, 1), "head"), self.person(date(2012, 3, 4), "child")
        if kind == "preview":
            return self.http.post("/households/preview/", headers={
                "X-CSRFToken": self.http.cookies["csrftoken"], "HX-Request": "true"}, data=self.intake(month, [
                    ("王建国", head["id_number"], "head", wage), ("王子涵", child["id_number"], "child", "")]))
        head["incomes"] = [{"kind": "wage", "monthly": wage}]
        return self.http.post("/api/v1/assessments", headers={"Authorization": f"Bearer {t['token']}"}, json={
            "area": self.county, "hukou": "rural", "month": f"{month:%Y-%m}", "members": [head, child]})


def server_cpu(pid: int) -> float:
    """CPU seconds of the gunicorn master, its live workers and the workers it has reaped."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # from the state on: ppid, ..., utime at 11
        except OSError:
            continue
        if int(stat.parent.name) == pid:
            total += sum(int(x) for x in fields[11:15])  # utime, stime, and its reaped children's
        elif int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def formset(prefix: str, total: int) -> dict:
    """A Django formset's management form."""
    return {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": 0}


@dataclass
class Result:
    seconds: float
    server_cpu: float = 0.0  # CPU seconds the server spent, all processes
    client_cpu: float = 0.0  # and this client (the same machine's cores)
    load: float = 0.0  # the machine's load average (1 minute) at the end
    times: dict[str, list[float]] = field(default_factory=dict)  # by kind, in seconds
    errors: list[tuple[str, int, str]] = field(default_factory=list)

    def of(self, kinds) -> list[float]:
        return sorted(x for k in kinds for x in self.times.get(k, []))

    @property
    def count(self) -> int:
        return sum(map(len, self.times.values())) + len(self.errors)


def run(clerks: list[Clerk], server: int, seconds: float, think: float) -> Result:
    """Each clerk in its own thread acts until the time is up, pausing ``think`` s on average."""
    result, lock = Result(seconds), threading.Lock()
    kinds, weights = list(MIX), list(MIX.values())
    stop = time.monotonic() + seconds

    def work(clerk: Clerk) -> None:
        if think:
            time.sleep(clerk.rng.uniform(0, think))  # clerks do not all start on the same second
        while time.monotonic() < stop:
            kind = clerk.rng.choices(kinds, weights)[0]
            t0 = time.perf_counter()
            try:
                answer = clerk.act(kind)
                elapsed, status, text = time.perf_counter() - t0, answer.status_code, answer.text
            except httpx.HTTPError as exc:
                elapsed, status, text = time.perf_counter() - t0, 0, repr(exc)
            with lock:
                if status == (302 if kind == "register" else 200):  # a registration leads to the household
                    result.times.setdefault(kind, []).append(elapsed)
                else:
                    result.errors.append((kind, status, text))
            if think:
                time.sleep(min(clerk.rng.expovariate(1 / think), max(0.0, stop - time.monotonic())))

    threads = [threading.Thread(target=work, args=(c,)) for c in clerks]
    cpu0, client0 = server_cpu(server), client_cpu()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.server_cpu, result.client_cpu = server_cpu(server) - cpu0, client_cpu() - client0
    result.load = os.getloadavg()[0]
    return result


def pct(times: list[float], q: float) -> float:
    """The q-th percentile in ms (nearest rank)."""
    return times[min(len(times) - 1, max(0, round(q / 100 * len(times)) - 1))] * 1e3 if times else float("nan")


def report(rows: list[tuple[str, int, Result]], args) -> None:
    pages = [k for k in MIX if k != "assessment"]
    print(f"\n{'run':<11}{'clerks':>7}{'requests':>9}{'req/s':>8}{'errors':>7}"
          f"{'pages p50/p95/p99 ms':>24}{'assessment p50/p95/p99 ms':>28}{'CPU ms/req server+client':>26}{'load':>6}")
    for name, users, r in rows:
        p, a = r.of(pages), r.of(["assessment"])
        print(f"{name:<11}{users:>7}{r.count:>9}{r.count / r.seconds:>8.1f}{len(r.errors):>7}"
              f"{pct(p, 50):>10.0f}{pct(p, 95):>7.0f}{pct(p, 99):>7.0f}"
              f"{pct(a, 50):>14.0f}{pct(a, 95):>7.0f}{pct(a, 99):>7.0f}"
              f"{r.server_cpu / r.count * 1e3:>17.1f} + {r.client_cpu / r.count * 1e3:<6.1f}{r.load:>6.1f}")

    office = rows[0][2]
    page_p95, api_p95 = pct(office.of(pages), 95), pct(office.of(["assessment"]), 95)
    verdict = lambda ok: "met" if ok else "MISSED"  # noqa: E731
    print(f"\noffice load ({args.users} clerks, one act every {args.think:g} s on average, {args.duration:g} s): "
          f"errors {len(office.errors)} (target 0: {verdict(not office.errors)}), "
          f"page p95 {page_p95:.0f} ms (target 300: {verdict(page_p95 <= 300)}), "
          f"assessment p95 {api_p95:.0f} ms (target 50: {verdict(api_p95 <= 50)})")
    print("  by page, p50 / p95 ms: " + ", ".join(
        f"{k} {pct(sorted(office.times.get(k, [])), 50):.0f} / {pct(sorted(office.times.get(k, [])), 95):.0f}"
        for k in MIX))

    cpu = sum(r.server_cpu for _, _, r in rows) / sum(r.count for _, _, r in rows)
    print(f"server CPU per request, all runs: {cpu * 1e3:.1f} ms; {os.cpu_count()} idle cores would serve "
          f"at most about {os.cpu_count() / cpu:.0f} requests/s (the office load asks {args.users / args.think:.0f})")

    saturation = [(n, r) for name, n, r in rows if name == "saturation"]
    if saturation:
        n0, base = saturation[0]
        base_rate, base_p50 = base.count / base.seconds, pct(base.of(MIX), 50)
        print(f"saturation against {n0} clerk ({base_rate:.1f} req/s, p50 {base_p50:.0f} ms), this run's baseline:")
        for n, r in saturation[1:]:
            print(f"  {n} clerks: {r.count / r.seconds / base_rate:.2f}x the requests per second, "
                  f"p50 {pct(r.of(MIX), 50) / base_p50:.1f}x, p95 {pct(r.of(MIX), 95) / pct(base.of(MIX), 95):.1f}x")


if __name__ == "__main__":
    sys.exit(main())
