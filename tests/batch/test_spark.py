"""The screening on Spark gives exactly the local engine's findings (one definition of the law).

A small synthetic city is screened twice: by ``screen.screen_store`` in one process, and by
``spark.screen_spark`` on a local Spark (two cores, four shuffle partitions, so every person's
and every household's rows really are brought together by Spark's shuffles). A second store adds
deliveries before, after and beside the month's, so that Spark's choice of deliveries is checked
against ``feeds.scan_item`` item by item.
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install '.[spark]')")
pytest.importorskip("pyarrow", reason="pyarrow is not installed (pip install '.[spark]')")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java 17 or newer on the PATH (no java found)", allow_module_level=True)

import polars as pl  # noqa: E402
from polars.testing import assert_frame_equal  # noqa: E402

from safetynet.batch.facts import as_of  # noqa: E402
from safetynet.batch.feed_items import ITEMS  # noqa: E402
from safetynet.batch.feeds import scan_item, store_schema, write_item  # noqa: E402
from safetynet.batch.generate import generate_city  # noqa: E402
from safetynet.batch.screen import screen_store  # noqa: E402
from safetynet.batch.spark import READ_ORDER, list_deliveries, local_spark, read_item, screen_spark  # noqa: E402

MONTH = date(2026, 11, 1)
DELIVERED = as_of(MONTH)  # the generator delivers every item on the last day of the month before


@pytest.fixture(scope="module")
def spark():
    session = local_spark(cores=2)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    out = tmp_path_factory.mktemp("spark") / "city"
    generate_city(3000, out, month=MONTH, seed=7, townships=3, villages=3)
    return out


@pytest.fixture(scope="module")
def local_findings(city):
    return screen_store(city, MONTH)


@pytest.fixture(scope="module")
def spark_findings(spark, city):
    return screen_spark(spark, city, MONTH)


def test_spark_findings_equal_the_local_engine(local_findings, spark_findings):
    assert local_findings.height > 0
    assert_frame_equal(spark_findings, local_findings)


def test_every_planted_case_is_found_on_spark(city, spark_findings):
    planted = pl.read_parquet(city / "planted.parquet").select("kind", "household_no")
    assert planted.height > 0
    missing = planted.join(spark_findings, on=["kind", "household_no"], how="anti")
    assert missing.is_empty(), f"planted cases not found on Spark:\n{missing}"


def _rows(store, code: str) -> pl.LazyFrame:
    item = ITEMS[code]
    path = store / f"department={item.department}" / f"item={code}" / f"delivery={DELIVERED:%Y-%m-%d}"
    return pl.scan_parquet(sorted(path.glob("*.parquet")))


@pytest.fixture(scope="module")
def redelivered(city, tmp_path_factory):
    """The city's store with deliveries before, after and beside the month's."""
    store = tmp_path_factory.mktemp("spark") / "redelivered"
    shutil.copytree(city, store)
    earlier, later = date(2026, 9, 30), date(2026, 11, 15)
    # register and snapshot: an older and a newer (after as_of) delivery, both ignored
    register = _rows(store, "household_registration").collect()
    write_item(store, "household_registration", earlier, register.head(100))
    write_item(store, "household_registration", later, register)
    deposits = _rows(store, "deposits").collect()
    write_item(store, "deposits", earlier, deposits.with_columns(pl.col("balance") * 2))
    write_item(store, "deposits", later, deposits.with_columns(pl.col("balance") + 1))
    # monthly: an older delivery of the same keys (replaced) and of keys the latest lacks (kept)
    wages = _rows(store, "income_tax").collect()
    write_item(store, "income_tax", earlier, wages.head(500).with_columns(pl.col("wage_income") + 7))
    a_year_before = wages.head(50).with_columns(pl.col("month").dt.offset_by("-1y"))
    write_item(store, "income_tax", earlier, a_year_before, "part-1")
    # events: an older delivery repeating rows (deduplicated) and changing one (kept)
    assistance = _rows(store, "assistance").collect()
    repeated = pl.concat([assistance.head(40), assistance.head(1).with_columns(pl.col("monthly_amount") + 1)])
    write_item(store, "assistance", earlier, repeated)
    # events delivered once: a second part repeating rows is read as is, and a later delivery ignored
    vehicles = _rows(store, "vehicles").collect()
    write_item(store, "vehicles", DELIVERED, vehicles.head(20), "part-1")
    write_item(store, "vehicles", later, vehicles)
    return store


@pytest.mark.parametrize("code", list(ITEMS))
def test_spark_picks_the_deliveries_scan_item_picks(spark, redelivered, code):
    listing = list_deliveries(spark, str(redelivered))
    item = ITEMS[code]
    read = read_item(spark, listing, code, DELIVERED).toArrow()
    on_spark = pl.DataFrame(read).sort(*READ_ORDER).drop(*READ_ORDER).cast(store_schema(item))
    local = scan_item(redelivered, code, DELIVERED).collect()
    deliveries = [d for d in listing[(item.department, code)] if d <= f"{DELIVERED:%Y-%m-%d}"]
    if len(deliveries) == 1 or item.kind in ("register", "snapshot"):
        assert_frame_equal(on_spark, local)  # the rows and their order (the files', then the rows')
    else:  # several deliveries: scan_item's order is its deduplication's
        assert_frame_equal(on_spark.sort(pl.all()), local.sort(pl.all()))
