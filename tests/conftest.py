from __future__ import annotations

from datetime import date

import pytest

from safetynet.policy import idnumber


def pytest_configure(config):
    config.addinivalue_line("markers", "backdating: the test acts as the office does today, not as a replay")


def member_id(area: str, born: date, no: int) -> str:
    """A valid ID number issued in ``area`` for someone born on ``born``; ``no`` keeps them apart."""
    return idnumber.generate(area, born, no + 1)


@pytest.fixture
def household():
    """A valid input household, built from short member descriptions."""

    def build(area="370830", hukou="urban", month="2020-08", members=({"relation": "head", "born": date(1980, 1, 1)},)):
        out = []
        for no, spec in enumerate(members):
            spec = dict(spec)
            born = spec.pop("born", date(1980, 1, 1))
            spec.setdefault("id_number", member_id(area, born, no))
            out.append(spec)
        return {"area": area, "hukou": hukou, "month": month, "members": out}

    return build


@pytest.fixture(autouse=True)
def _append_only_logs_can_be_emptied(request):
    """After a transactional test Django empties the database (TRUNCATE on PostgreSQL, DELETE on
    SQLite), which the audit and access logs' triggers refuse: drop them just before, and the
    post_migrate signal of that flush creates them again (safetynet.supervision.apps)."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        from django.db import connection

        from safetynet.supervision import dbtriggers

        dbtriggers.drop(connection)


@pytest.fixture(autouse=True)
def audit_files(settings, tmp_path):
    """Every test its own audit key and checkpoint file: never the developer's var/audit.*."""
    settings.SAFETYNET_AUDIT_KEY = ""
    settings.SAFETYNET_AUDIT_KEY_FILE = tmp_path / "audit.key"
    settings.SAFETYNET_AUDIT_CHECKPOINTS = tmp_path / "audit-checkpoints.jsonl"
    return settings


@pytest.fixture(autouse=True)
def feed_store(settings, tmp_path):
    """Every test its own (empty) department feed store and upload folder: never the developer's var/."""
    settings.FEED_STORE = tmp_path / "feeds"
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.FEED_STORE


@pytest.fixture(scope="session", autouse=True)
def _policy_floor_alone():
    """Outside a test with the database (module and session fixtures included), the policy floor
    stands alone: the values the city entered in the office are read from the database."""
    from safetynet.policy import parameters, working_days

    saved = parameters._entry_sources[:], working_days._year_sources[:]
    parameters._entry_sources[:], working_days._year_sources[:] = [], []
    yield saved
    parameters._entry_sources[:], working_days._year_sources[:] = saved


@pytest.fixture(autouse=True)
def office_values(request, monkeypatch, _policy_floor_alone):
    """A test with the database counts the values entered in the office, starting from none cached."""
    from safetynet.policy import parameters, working_days

    if {"db", "transactional_db"} & set(request.fixturenames) or request.node.get_closest_marker("django_db"):
        from safetynet.administration import selectors

        entry_sources, year_sources = _policy_floor_alone
        monkeypatch.setattr(parameters, "_entry_sources", list(entry_sources))
        monkeypatch.setattr(working_days, "_year_sources", list(year_sources))
        selectors.clear_cache()
        yield
        selectors.clear_cache()
    else:
        yield


@pytest.fixture(autouse=True)
def replayed_dates(request):
    """The suite's fixtures act on the dates of 2024 they name, as a replay of that year does
    (``cases.backdating``); a test of the backdating rule itself is marked ``backdating``."""
    if request.node.get_closest_marker("backdating"):
        yield
        return
    from safetynet.cases.backdating import replaying

    with replaying():
        yield
