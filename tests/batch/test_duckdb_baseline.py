"""The DuckDB baseline of the screening benchmark (benchmarks/duckdb_screen.py) finds what the
engine finds, in every column, evidence included: on a generated city, and on a store with later
deliveries (a month's wages delivered again, an event delivered twice, a new register)."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from safetynet.batch import screen
from safetynet.batch.feeds import read_store_item, write_item
from safetynet.batch.generate import PLANTED_KINDS, generate_city

pytest.importorskip("duckdb", reason="the bench extra (pip install -e '.[bench]') brings DuckDB")

MONTH = date(2026, 11, 1)
BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "duckdb_screen.py"


@pytest.fixture(scope="module")
def baseline():
    spec = importlib.util.spec_from_file_location("duckdb_screen", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("duckcity")
    generate_city(4000, out, month=MONTH, seed=21, townships=3, villages=3)
    return out


def same_in_every_column(engine: pl.DataFrame, sql: pl.DataFrame) -> None:
    assert sql.schema == engine.schema
    assert sql.to_dicts() == engine.to_dicts()


def test_the_sql_finds_what_the_engine_finds(city, baseline):
    engine = screen.screen_store(city, MONTH)
    sql = baseline.duckdb_screen(city, MONTH, threads=2)
    # not two empty answers: every kind of planted case is among them
    assert set(engine["kind"]) == set(PLANTED_KINDS)
    same_in_every_column(engine, sql)


def test_later_deliveries_are_read_alike(city, tmp_path, baseline):
    """A second delivery of wages replaces the month it repeats; an event delivered twice counts
    once; the latest register is the one read. Both implementations read them the same way."""
    store = tmp_path / "store"
    store.mkdir()
    for f in city.rglob("*.parquet"):
        target = store / f.relative_to(city)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f.read_bytes())
    first = date(2026, 10, 31)
    later = date(2026, 11, 20)
    wages = read_store_item(store, "income_tax", first)
    register = read_store_item(store, "household_registration", first)
    covered = set(pl.read_parquet(store / "planted.parquet")["household_no"])
    # the covered households' heads now earn more in the last month of the window; a few of
    # the planted households leave the register
    heads = register.filter(pl.col("household_no").is_in(covered) & (pl.col("relation") == "head"))
    october = date(2026, 10, 1)
    raised = heads.head(40).select(
        "person_key", "id_number", pl.lit(october).alias("month"), pl.lit(900_000, pl.Int64).alias("wage_income"),
        pl.lit(0, pl.Int64).alias("tax"), pl.lit(0, pl.Int64).alias("personal_insurance"),
    )  # fmt: skip
    others = ~pl.col("person_key").is_in(raised["person_key"].implode())
    again = wages.filter((pl.col("month") == october) & others).head(500)
    write_item(store, "income_tax", later, pl.concat([again, raised]))
    write_item(store, "vehicles", later, read_store_item(store, "vehicles", first))
    gone = sorted(covered)[:5]
    write_item(store, "household_registration", later, register.filter(~pl.col("household_no").is_in(gone)))
    engine = screen.screen_store(store, MONTH, known_on=later)
    sql = baseline.duckdb_screen(store, MONTH, known_on=later, threads=2)
    # the new deliveries change the answer (else this would test nothing new)
    assert engine.to_dicts() != screen.screen_store(store, MONTH).to_dicts()
    assert not engine["household_no"].is_in(gone).any()
    same_in_every_column(engine, sql)
