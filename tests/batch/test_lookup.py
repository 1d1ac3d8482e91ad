"""The window's fast path: the month's facts snapshot gives exactly what the deliveries give, is
used only while it does, and the checks and the batch screening built on it agree with the
full engine."""

from __future__ import annotations

import random
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from safetynet.batch import lookup, screen
from safetynet.batch.facts import person_facts
from safetynet.batch.feeds import read_store_item, write_item
from safetynet.batch.generate import generate_city
from safetynet.batch.verify import verify_frames
from safetynet.policy.frames import HOUSEHOLD_SCHEMA, MEMBER_SCHEMA

MONTH = date(2026, 11, 1)
DELIVERED = date(2026, 10, 31)


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lookupcity")
    generate_city(3000, out, month=MONTH, seed=31, townships=3, villages=3)
    lookup.build(out, MONTH)
    return out


@pytest.fixture
def store(city, tmp_path) -> Path:
    """A copy of the city that a test may add deliveries to."""
    out = tmp_path / "store"
    shutil.copytree(city, out)
    return out


def register(store: Path) -> pl.DataFrame:
    return read_store_item(store, "household_registration", DELIVERED)


def some_keys(store: Path, n: int, seed: int = 0) -> list[int]:
    """Persons of the register, persons only the departments name (a spouse from elsewhere) and
    a key nobody names."""
    residents = register(store)["person_key"].to_list()
    spouses = read_store_item(store, "marriage", DELIVERED)["spouse_key"].to_list()
    outsiders = sorted(set(spouses) - set(residents))
    rng = random.Random(seed)
    return rng.sample(residents, n) + outsiders[:20] + [37080019800101000]


def test_the_snapshot_gives_what_the_deliveries_give(city):
    keys = some_keys(city, 3000)
    snapshot = lookup.snapshot_for(city, MONTH)
    assert snapshot is not None
    fast, slow = snapshot.facts(keys), lookup.facts_from_deliveries(city, MONTH, keys)
    assert fast.height == len(set(keys))
    assert fast.equals(slow)
    # something to compare: incomes, deposits, cars and deaths among them
    assert (fast["income_wage_fen"] > 0).sum() > 100 and (fast["deposits_fen"] > 0).sum() > 100
    assert fast["vehicles_ordinary"].sum() > 0 and fast["deceased"].any()


def test_a_new_delivery_is_read_from_the_files_until_the_snapshot_is_built_again(store):
    keys = some_keys(store, 500, seed=1)
    later = date(2026, 11, 20)
    cars = register(store).filter(pl.col("person_key").is_in(keys[:50])).select(
        "person_key", "id_number", pl.format("鲁H{}", pl.int_range(pl.len())).alias("plate"),
        pl.lit("car").alias("vehicle_type"), pl.lit(date(2026, 11, 15)).alias("registered_date"),
    )  # fmt: skip
    write_item(store, "vehicles", later, cars)
    assert lookup.snapshot_for(store, MONTH, known_on=later) is None  # the files differ: not the snapshot
    assert lookup.snapshot_for(store, MONTH) is not None  # a read to the end of October: unchanged
    fresh = lookup.facts_of(store, MONTH, keys, known_on=later)
    before = lookup.facts_of(store, MONTH, keys)
    assert fresh["vehicles_ordinary"].sum() == before["vehicles_ordinary"].sum() + 50
    lookup.build(store, MONTH, known_on=date(2026, 11, 30))
    # built reading to the 30th, it answers for the 25th too: the same files, nothing dated in between
    snapshot = lookup.snapshot_for(store, MONTH, known_on=date(2026, 11, 25))
    assert snapshot is not None and snapshot.facts(keys).equals(fresh)
    assert lookup.snapshot_for(store, MONTH, known_on=date(2026, 11, 10)) is None


def test_a_row_dated_after_the_day_read_to_keeps_the_snapshot_out(store):
    """A row delivered on the 20th but dated the 28th counts when reading to the 30th, not when
    reading to the 25th: a snapshot built to the 30th must not answer for the 25th."""
    keys = some_keys(store, 200, seed=2)
    homes = register(store).filter(pl.col("person_key").is_in(keys[:30])).select(
        "person_key", "id_number", pl.format("鲁2026济宁{}", pl.int_range(pl.len())).alias("certificate_no"),
        pl.lit("residential").alias("use"), pl.lit(date(2026, 11, 28)).alias("registered_date"),
    )  # fmt: skip
    write_item(store, "real_estate", date(2026, 11, 20), homes)
    lookup.build(store, MONTH, known_on=date(2026, 11, 30))
    assert lookup.snapshot_for(store, MONTH, known_on=date(2026, 11, 30)) is not None
    assert lookup.snapshot_for(store, MONTH, known_on=date(2026, 11, 25)) is None
    on_25th = lookup.facts_of(store, MONTH, keys, known_on=date(2026, 11, 25))
    on_30th = lookup.facts_of(store, MONTH, keys, known_on=date(2026, 11, 30))
    assert on_30th["dwellings"].sum() == on_25th["dwellings"].sum() + 30


def declared_empty(store: Path, household_nos: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Households as declared with their members and nothing else (every income and asset is
    then found by the departments)."""
    people = register(store).filter(pl.col("household_no").is_in(household_nos)).sort("household_no",
                                                                                      maintain_order=True)  # fmt: skip
    ids = {h: i for i, h in enumerate(dict.fromkeys(people["household_no"]))}
    first = people.group_by("household_no", maintain_order=True).first()
    households = pl.DataFrame(
        {"household_id": [ids[h] for h in first["household_no"]], "area": first["area_code"].str.slice(0, 6),
         "hukou": first["hukou"], "month": [MONTH] * first.height}
    ).cast(HOUSEHOLD_SCHEMA)  # fmt: skip
    members = people.select(
        pl.col("household_no").replace_strict(ids, return_dtype=pl.Int64).alias("household_id"),
        pl.int_range(pl.len(), dtype=pl.Int32).over("household_no").alias("member_no"),
        "id_number", pl.col("id_number").str.slice(6, 8).str.to_date("%Y%m%d").alias("birth_date"), "relation",
    )  # fmt: skip
    empty = {c: pl.lit(None, t) if c in ("disability_grade", "disability_kind") else pl.lit(0 if t.is_integer() else
             False, t) for c, t in MEMBER_SCHEMA.items() if c not in members.columns}  # fmt: skip
    return households, members.with_columns(v.alias(c) for c, v in empty.items()).select(list(MEMBER_SCHEMA))


def test_the_check_reads_the_same_facts_either_way(city, monkeypatch):
    planted = pl.read_parquet(city / "planted.parquet")["household_no"].unique().sort().to_list()
    everyone = register(city)["household_no"].unique().sort().to_list()
    chosen = sorted(set(planted[:60]) | set(random.Random(3).sample(everyone, 600)))
    households, members = declared_empty(city, chosen)
    fast = verify_frames(households, members, city, MONTH)
    monkeypatch.setattr(lookup, "snapshot_for", lambda *a, **k: None)
    slow = verify_frames(households, members, city, MONTH)
    for a, b in zip(fast, slow, strict=True):
        assert a.equals(b)
    impacts = set(fast[0]["impact"])
    assert {"amount_changes", "no_longer_eligible"} <= impacts  # declared nothing: found something


def test_a_batch_of_households_is_screened_as_the_whole_city_screens_them(city):
    people = register(city)
    planted = pl.read_parquet(city / "planted.parquet")["household_no"].unique().sort().to_list()
    everyone = people["household_no"].unique().sort().to_list()
    # the planted households' parents (the cadres of the official-relative cases) live elsewhere
    parents = people.filter(pl.col("household_no").is_in(planted)).select(pl.concat_list("father_key", "mother_key"))
    elsewhere = people.filter(pl.col("person_key").is_in(parents.to_series().explode().drop_nulls().implode()))
    cadres = sorted(set(elsewhere["household_no"]) - set(planted))
    assert cadres
    whole = screen.screen_store(city, MONTH)
    linked = screen.with_links(person_facts(city, MONTH), MONTH).collect()
    # a batch with relatives in other households: parents (the planted), children (the cadres')
    for extra, seed in ((planted, 4), (cadres, 5)):
        chosen = sorted(set(extra) | (set(random.Random(seed).sample(everyone, 300)) - set(planted)))
        findings, read = lookup.screen_households(city, MONTH, chosen)
        assert findings.equals(whole.filter(pl.col("household_no").is_in(chosen)))
        # each member's links (an able obligor, an official among the relatives) as the whole
        # register gives them: relatives in other households were read
        persons, read = lookup.households_persons(city, MONTH, chosen)
        expected = linked.filter(pl.col("household_no").is_in(chosen))
        columns = sorted(expected.columns)
        assert persons.select(columns).sort("person_key").equals(expected.select(columns).sort("person_key"))
        assert read["persons"] > read["members"] and persons["able_obligor"].any()
    assert whole.filter(pl.col("household_no").is_in(planted)).height >= 20
