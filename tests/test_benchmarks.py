"""Small correctness runs of the assessment and payroll benchmarks (not timed: the benchmarks
print their figures; here only that what they measure is right)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)


def test_the_single_case_and_the_batch_agree_in_the_assessment_benchmark():
    done = _run("assess.py", "--households", "3000", "--sample", "40", "--repeat", "1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "same amount as the batch: 40/40" in done.stdout


def test_the_payroll_benchmark_writes_what_is_owed_once():
    url = os.environ.get("DATABASE_URL", "")
    database = ("--database-url", url) if url.startswith("postgres") else ()
    done = _run("payroll.py", "--beneficiaries", "400", "--sample", "10", *database)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "404 lines for 400 beneficiaries" in done.stdout
    assert "check: the lines are what is owed, each once" in done.stdout
