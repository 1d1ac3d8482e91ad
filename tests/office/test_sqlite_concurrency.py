"""The embedded SQLite default serves several clerks at once without "database is locked".

The test database of the suite lives in memory; this needs a real file with the settings the
server uses, so the work runs in a child process on a fresh database under ``tmp_path``: 8 clerks
in 8 threads each register households (services, with their audit records) and open pages (the
search and the household page, which log who saw the full ID numbers) at the same time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLERKS, ROUNDS = 8, 6


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="the SQLite default; PostgreSQL has its own concurrency tests")
def test_eight_clerks_write_and_read_a_sqlite_file_at_once(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SAFETYNET_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="safetynet.site.settings")
    done = subprocess.run([sys.executable, "-m", "tests.office.test_sqlite_concurrency"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["errors"] == []
    assert result["journal_mode"] == "wal"
    assert result["households"] == CLERKS * ROUNDS  # every write landed
    assert result["pages"] == CLERKS * ROUNDS * 2
    assert (tmp_path / "safetynet.sqlite3").stat().st_size > 0  # a file, not memory


def _office() -> dict:
    """In the child process: migrate a fresh file database, then 8 clerks at once."""
    import random
    from datetime import date

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from safetynet.registry.models import Area, Household
    from safetynet.site import demo

    call_command("migrate", verbosity=0)
    demo.build_areas(counties=["370811"], townships=CLERKS, villages=1)
    clerks = [demo.make_staff(f"clerk{i}", "clerk", f"370811{i + 1:03d}") for i in range(CLERKS)]
    villages = {c.pk: Area.objects.get(code=f"370811{i + 1:03d}001") for i, c in enumerate(clerks)}
    journal_mode = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
    connection.close()

    barrier, errors, pages = threading.Barrier(CLERKS), [], []

    def clerk_at_work(clerk, seed: int) -> None:
        rng, browser = random.Random(seed), Client()
        try:
            browser.force_login(clerk)  # a session written too
            barrier.wait()
            for _ in range(ROUNDS):
                household = demo.make_household(clerk, villages[clerk.pk], rng, date(2024, 3, 4), size=2)
                for url in ("/households/?q=", f"/households/{household.pk}/"):
                    answer = browser.get(url)
                    if answer.status_code != 200:
                        raise AssertionError(f"{url}: {answer.status_code}")
                    pages.append(url)
        except Exception as exc:  # every failure is reported, "database is locked" above all
            errors.append(f"{clerk.username}: {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk_at_work, args=(c, i)) for i, c in enumerate(clerks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"errors": errors, "journal_mode": journal_mode, "pages": len(pages),
            "households": Household.objects.count()}


if __name__ == "__main__":
    print(json.dumps(_office(), ensure_ascii=False))
