"""The window's pre-check reads the month's facts snapshot once the worker has built it after an
import, and answers exactly as it does from the delivery files."""

from __future__ import annotations

from datetime import date

import polars as pl

from safetynet.batch import lookup
from safetynet.batch.feeds import read_store_item
from safetynet.registry.models import Area
from safetynet.registry.services import create_household
from safetynet.verification import services
from safetynet.verification.models import CheckResult
from tests.verification.conftest import MONTH, write_csv
from tests.verification.test_checks import authorize

TODAY = date(2026, 11, 5)  # in the month checked: the check reads what is delivered by today


def registered_household(clerk, store, kind: str):
    """A planted household of the synthetic city entered in the office as it is registered."""
    planted = pl.read_parquet(store / "planted.parquet").filter(pl.col("kind") == kind)["household_no"][0]
    people = read_store_item(store, "household_registration", date(2026, 10, 31)).filter(
        pl.col("household_no") == planted
    )
    members = [{"name": r["name"], "id_number": r["id_number"], "relation": r["relation"]}
               for r in people.sort("relation", descending=True).iter_rows(named=True)]  # fmt: skip
    household = create_household(clerk, village=Area.objects.get(code="370811001001"), hukou="rural",
                                 address="测试路 2 号", members=members)  # fmt: skip
    authorize(clerk, household)
    return household


def result(run) -> dict:
    r = CheckResult.objects.get(run=run)
    return {"impact": r.impact, "declared": r.declared_amount_fen, "verified": r.verified_amount_fen, "lines": r.lines}


def test_the_pre_check_answers_from_the_snapshot_as_from_the_deliveries(city, city_store, settings, monkeypatch):
    settings.SAFETYNET_TODAY = TODAY
    household = registered_household(city["clerk"], city_store, "owns_car")
    assert lookup.snapshot_for(city_store, MONTH, TODAY) is None
    from_files = result(services.check_household(city["verifier"], household, month=MONTH))

    services.refresh_facts()
    assert lookup.snapshot_for(city_store, MONTH, TODAY) is not None

    def unread(*args, **kwargs):
        raise AssertionError("the pre-check read the delivery files")

    monkeypatch.setattr(lookup, "facts_from_deliveries", unread)
    from_snapshot = result(services.check_household(city["verifier"], household, month=MONTH))
    assert from_snapshot == from_files
    cars = [line for line in from_snapshot["lines"] if line["line"] == "vehicles" and line["differs"]]
    assert cars and from_snapshot["impact"] == "no_longer_eligible"


def test_an_import_by_the_worker_builds_the_snapshot_again(city, city_store, settings, tmp_path, run_tasks):
    settings.SAFETYNET_TODAY = TODAY
    settings.UPLOAD_DIR = tmp_path / "uploads"
    services.refresh_facts()
    household = registered_household(city["clerk"], city_store, "missed_dibao")
    head = household.members.get(relation="head")
    key = int(head.id_number[:17])
    before = lookup.snapshot_for(city_store, MONTH, TODAY).facts([key])["deposits_fen"].item()
    folder = tmp_path / "uploads" / "one"
    folder.mkdir(parents=True)
    deposits = write_csv(folder / "deposits.csv", "id_number,institution,balance,as_of",
                         [f"{head.id_number},济宁银行,900000.00,2026-11-03"])  # fmt: skip
    with run_tasks():
        services.queue_import(city["verifier"], deposits, "deposits", date(2026, 11, 4), "deposits.csv")
    snapshot = lookup.snapshot_for(city_store, MONTH, TODAY)
    assert snapshot is not None  # built again with the new delivery among its files
    assert snapshot.facts([key])["deposits_fen"].item() == before + 90_000_000  # another bank's account
    run = services.check_household(city["verifier"], household, month=MONTH)
    assert result(run)["impact"] == "no_longer_eligible"
