"""The verification centre's fixtures: the office's small city, a feed store in a temporary
directory, a synthetic city's feeds for screening, and small delivery files written here."""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import Client

from safetynet.batch.generate import generate_city
from safetynet.policy import idnumber
from safetynet.registry.models import Area
from safetynet.registry.services import create_household
from safetynet.site import demo
from safetynet.verification.models import CheckRun
from tests.office.conftest import TODAY, city, other_household, poor_household  # noqa: F401  (fixtures)

MONTH = date(2026, 11, 1)  # the synthetic city's screening month
DELIVERED = date(2026, 10, 31)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def store(settings, tmp_path) -> Path:
    """An empty feed store for this test."""
    path = tmp_path / "feeds"
    path.mkdir()
    settings.FEED_STORE = path
    return path


@pytest.fixture(scope="session")
def generated(tmp_path_factory, django_db_setup, django_db_blocker) -> Path:
    """The synthetic city's feeds, made once; the parameters it reads include those entered in the
    office (none in the test database)."""
    path = tmp_path_factory.mktemp("city") / "feeds"
    with django_db_blocker.unblock():
        generate_city(2000, path, month=MONTH, townships=3, villages=3, seed=3)
    return path


@pytest.fixture
def city_store(settings, tmp_path, generated) -> Path:
    """The synthetic city's 19 feeds (2000 households), a copy of its own for this test."""
    path = tmp_path / "feeds"
    shutil.copytree(generated, path)
    settings.FEED_STORE = path
    return path


@pytest.fixture
def centre(city):
    """The office's city with staff of another county who must see nothing of 任城区."""
    return {
        **city,
        "wenshang_county": demo.make_staff("wenshang_county", "county", "370830"),
        "wenshang_verifier": demo.make_staff("wenshang_verifier", "verifier", "370830"),
    }


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def run_tasks(settings, django_capture_on_commit_callbacks):
    """Queued tasks run in this process (Django's ImmediateBackend) once their transaction
    commits. The test's own transaction never commits, so ``with run_tasks(): client.post(...)``
    runs what the block queued when it ends, in the test's transaction."""
    settings.TASKS = IMMEDIATE
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _drop_append_only_triggers() -> None:
    """Let the test database be emptied after a transactional test: the supervision logs refuse
    DELETE and TRUNCATE; the flush's post_migrate puts the triggers back (supervision.apps)."""
    from safetynet.supervision import dbtriggers

    dbtriggers.drop(connection)


@pytest.fixture
def committed(transactional_db):
    """Data committed as in production, for a worker to find: a transactional test."""
    yield
    _drop_append_only_triggers()


@pytest.fixture
def background(committed, settings):
    """Requests whose tasks run as soon as the request commits them, in the request's process."""
    settings.TASKS = IMMEDIATE


def person_id(born: date, no: int, area: str = "370811") -> str:
    return idnumber.generate(area, born, no)


def write_csv(path: Path, header: str, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return path


def unauthorized_household(clerk, village_code: str = "370811001001", names=("赵一", "钱二")):
    """A household of two registered without any signed authorisation."""
    members = [
        {"name": names[0], "id_number": person_id(date(1960, 5, 1), 401), "relation": "head"},
        {"name": names[1], "id_number": person_id(date(1962, 7, 1), 402), "relation": "spouse"},
    ]
    return create_household(clerk, village=Area.objects.get(code=village_code), hukou="urban",
                            address="测试路 1 号", members=members)  # fmt: skip


def wait_for(run_id: int, timeout: float = 60.0) -> CheckRun:
    """The run once it has finished, polling its status (SQLite may report the table locked
    while a worker writes: then ask again)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            run = CheckRun.objects.get(pk=run_id)
            if run.status in (CheckRun.Status.DONE, CheckRun.Status.FAILED):
                return run
        except OperationalError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"run {run_id} did not finish in {timeout} s")
        time.sleep(0.1)


__all__ = ["TODAY", "city", "other_household", "poor_household"]
