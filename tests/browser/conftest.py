"""Browser tests: the real server (``safetynet manage runserver``, its worker beside it) on a
database of its own, seeded with a small demo city, driven by the system Chromium through Playwright.

The server gets a fresh SQLite file, or a fresh PostgreSQL database next to DATABASE_URL's,
dropped afterwards; the suite's own test database is not touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date

import pytest

CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "safetynet", "manage", *args], env=env, check=True, capture_output=True,
                   timeout=600)


@contextlib.contextmanager
def _start_server(tmp_path_factory, extra_env: dict, households: int):
    """A seeded demo server and its worker on a fresh database; yields its address."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (make test and .ci/run install it)")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["SAFETYNET_FEED_STORE"] = str(tmp_path_factory.mktemp("feeds"))
    env["SAFETYNET_DEMO"] = "1"  # the demo users log in with the shared demo password
    env.update(extra_env)
    base = os.environ.get("DATABASE_URL", "")
    database = None
    if base.startswith("postgres"):
        import psycopg

        database = f"safetynet_e2e_{os.getpid()}_{_free_port()}"
        admin = base.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
            conn.execute(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + database
    else:
        env.pop("DATABASE_URL", None)
        env["SAFETYNET_DATA_DIR"] = str(tmp_path_factory.mktemp("e2e"))
    _manage(env, "migrate", "--noinput")
    _manage(env, "seed_demo", "--households", str(households))
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "safetynet", "manage", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    # The worker beside it runs the screenings, checks and imports the pages queue.
    worker = subprocess.Popen(
        [sys.executable, "-m", "safetynet", "manage", "worker", "--no-reload", "--interval", "0.5"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield url
    finally:
        for p in (process, worker):
            p.terminate()
        process.wait(timeout=10)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:  # in the middle of a task: a second signal stops it
            worker.terminate()
            worker.wait(timeout=10)
        if database:
            import psycopg

            with psycopg.connect(base.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        elif env.get("SAFETYNET_DATA_DIR"):
            shutil.rmtree(env["SAFETYNET_DATA_DIR"], ignore_errors=True)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The demo at the real date."""
    with _start_server(tmp_path_factory, {}, households=28) as url:
        yield url


def first_unpublished_year() -> int:
    """The first year the installed chinesecalendar has no State Council arrangement for: the
    office counts its deadlines on the provisional calendar until the city enters it."""
    import chinese_calendar

    year = date.today().year
    while year <= 2099:
        try:
            chinese_calendar.is_holiday(date(year, 6, 1))
        except NotImplementedError:
            return year
        year += 1
    return year


@pytest.fixture(scope="session")
def server_before_unpublished_year(tmp_path_factory):
    """A second demo whose one clock (SAFETYNET_TODAY) reads 18 December of the year before the
    first year the calendar library does not know, so deadlines reach into an unentered year."""
    year = first_unpublished_year()
    if year > 2098:
        pytest.skip(f"the installed chinesecalendar knows every year up to {year - 1}: no year left to enter")
    with _start_server(tmp_path_factory, {"SAFETYNET_TODAY": f"{year - 1}-12-18"}, households=14) as url:
        yield url, year


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    p = context.new_page()
    p.set_default_timeout(15000)
    yield p
    context.close()


def login(page, url: str, username: str) -> None:
    from safetynet.site.demo import DEMO_PASSWORD

    page.goto(url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/desk/")
