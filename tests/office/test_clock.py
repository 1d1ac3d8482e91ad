"""The office's one clock: a simulated date in the demo runs every service at that date, and a
production office refuses to start with one."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

from django.utils import timezone

from safetynet.web import clock


def test_today_is_the_simulated_date_when_set_else_the_local_date(settings, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2031, 5, 6))
    settings.SAFETYNET_TODAY = None
    assert clock.today() == date(2031, 5, 6)
    settings.SAFETYNET_TODAY = date(2026, 12, 18)
    assert clock.today() == date(2026, 12, 18)


def _load_settings(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if k not in ("SAFETYNET_DEMO", "SAFETYNET_DEBUG", "SAFETYNET_TODAY", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'safetynet.site.settings'; "
         "django.setup(); from safetynet.web import clock; print(clock.today())"],
        env={**base, **env}, capture_output=True, text=True, timeout=120,
    )


def test_a_simulated_date_is_refused_outside_the_demo_and_a_bad_one_is_named():
    refused = _load_settings(SAFETYNET_TODAY="2026-12-18")
    assert refused.returncode != 0 and "SAFETYNET_TODAY（模拟日期）只能在演示" in refused.stderr
    bad = _load_settings(SAFETYNET_TODAY="18/12/2026", SAFETYNET_DEMO="1")
    assert bad.returncode != 0 and "YYYY-MM-DD" in bad.stderr and "'18/12/2026'" in bad.stderr
    demo = _load_settings(SAFETYNET_TODAY="2026-12-18", SAFETYNET_DEMO="1")
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout.strip() == "2026-12-18"
