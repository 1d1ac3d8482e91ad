"""The month's facts kept at import: after the deliveries are imported one by one, what the
screening reads equals the facts worked out from all the raw rows at once; nothing stale is ever
read; and the screening gives the same findings as the rules run on every household."""

from __future__ import annotations

import os
import shutil
from datetime import date

import polars as pl
import pytest

from safetynet.batch import feeds, month_facts, screen
from safetynet.batch.facts import as_of, person_facts
from safetynet.batch.feed_items import ITEMS
from safetynet.batch.generate import generate_city
from safetynet.policy.areas import all_areas

MONTH = date(2026, 11, 1)
DELIVERED = as_of(MONTH)
REGISTER = "household_registration"


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    out = tmp_path_factory.mktemp("raw") / "city"
    generate_city(1500, out, month=MONTH, seed=5, townships=2, villages=2)
    return out


def deliver(store, tmp_path, code: str, rows: pl.DataFrame, day: date = DELIVERED) -> None:
    """One department's delivery through the importer: the rows as the department sends them."""
    path = tmp_path / f"{code}-{day}-{rows.height}.csv"
    feeds.as_delivery(code, rows).write_csv(path)
    delivery = feeds.read_delivery(path, code, day)
    assert delivery.rejections.height == 0, delivery.rejections.head(3).to_dicts()
    feeds.write_delivery(store, delivery)


def raw_facts(store, month: date = MONTH) -> pl.DataFrame:
    """Everyone's facts worked out from all the raw rows at once, households together."""
    facts = person_facts(store, month).collect()
    return screen.in_households(facts).drop("household_id")


def kept(store, month: date = MONTH) -> pl.DataFrame:
    """What the screening reads, with the register's columns given back as the raw rows have them."""
    persons, households, _ = month_facts.read(store, month)
    keys = persons.get_column("person_key")

    def key_of(rows: str) -> pl.Expr:
        return pl.when(pl.col(rows) >= 0).then(pl.lit(keys).gather(pl.col(rows).clip(0)))

    return persons.with_columns(
        households.get_column("household_no").gather(persons.get_column("household")).alias("household_no"),
        pl.col("area_code", "hukou", "relation").cast(pl.String),
        key_of("father_row").alias("father_key"),
        key_of("mother_row").alias("mother_key"),
    )


def assert_same_facts(store) -> None:
    ours, theirs = kept(store), raw_facts(store)
    columns = ["person_key", "household_no", "area_code", "hukou", "relation", "birth_date", *month_facts.KEPT]
    assert ours.height == theirs.height > 0
    assert ours.select(columns).equals(theirs.select(columns))
    # a parent outside the register is -1 in the kept rows, none -2; both name them the same way
    known = theirs.get_column("person_key").implode()
    for parent in ("father_key", "mother_key"):
        inside = theirs.select(pl.when(pl.col(parent).is_in(known)).then(pl.col(parent))).to_series()
        assert ours.get_column(parent).equals(inside)
    spouse_row = ours.get_column("spouse_row")
    assert ((spouse_row == -2) == theirs.get_column("spouse_key").is_null()).all()
    # each household's sums: its living members in the city's areas, their incomes, anyone covered
    _, households, _ = month_facts.read(store, MONTH)
    counted = ~pl.col("deceased") & pl.col("area_code").str.slice(0, 6).is_in([a.code for a in all_areas()])
    sums = theirs.group_by("household_no", maintain_order=True).agg(
        counted.sum().cast(pl.Int32).alias("members"),
        *(pl.col(c).filter(counted).sum().alias(c) for c in month_facts.INCOMES),
        (pl.col("covered_dibao") | pl.col("covered_tekun")).any().alias("on_rolls"),
    )
    assert households.select(sums.columns).equals(sums)


def test_facts_kept_delivery_by_delivery_equal_the_facts_of_all_rows(city, tmp_path):
    store = tmp_path / "store"
    # an item before the register, the register, the rest; a correction of wages a month later
    codes = ["deposits", REGISTER, *(c for c in ITEMS if c not in ("deposits", REGISTER))]
    for code in codes:
        deliver(store, tmp_path, code, feeds.read_store_item(city, code, DELIVERED))
    # every import kept the month's facts: nothing is left to make before the screening reads them
    _, made = month_facts.ensure(store, MONTH)
    assert made == []
    assert_same_facts(store)
    assert screen.screen_store(store, MONTH).equals(screen.screen_store(city, MONTH))

    # a later delivery of wages (for the next month) and of the register: next month's set is kept
    # too, and this month's is untouched (read to the last day before the month)
    later = date(2026, 11, 30)
    wages = feeds.read_store_item(city, "income_tax", DELIVERED)
    raised = wages.head(200).with_columns(pl.col("month").dt.offset_by("1mo"), pl.col("wage_income") * 3)
    deliver(store, tmp_path, "income_tax", raised, later)
    register = feeds.read_store_item(city, REGISTER, DELIVERED)
    moved = register.filter(pl.col("household_no") != register["household_no"][0])  # a household left
    deliver(store, tmp_path, REGISTER, moved, later)
    assert month_facts.ensure(store, MONTH)[1] == []
    assert month_facts.ensure(store, date(2026, 12, 1))[1] == []
    assert_same_facts(store)
    december = kept(store, date(2026, 12, 1))
    assert december.height == moved.height
    assert december.select(month_facts.KEPT).equals(raw_facts(store, date(2026, 12, 1)).select(month_facts.KEPT))


def test_facts_not_made_at_import_are_made_before_they_are_read(city, tmp_path):
    """Rows put in the store by other means than the importer (the generator, a copy): the
    screening makes the facts itself, and again whenever a file changes under them."""
    store = tmp_path / "copy"
    shutil.copytree(city, store, ignore=shutil.ignore_patterns(month_facts.FOLDER))
    _, made = month_facts.ensure(store, MONTH)
    assert made[0] == REGISTER and set(made) == {REGISTER, *month_facts.KEPT_ITEMS, "sums"}
    assert_same_facts(store)
    # deposits rewritten in place: that item's facts are made again, the others are not
    deposits = feeds.read_store_item(store, "deposits", DELIVERED)
    path = next(feeds.partition_dir(store, ITEMS["deposits"], DELIVERED).glob("*.parquet"))
    feeds.write_item(store, "deposits", DELIVERED, deposits.with_columns(pl.col("balance") * 100), path.stem)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    persons, _, made = month_facts.read(store, MONTH)
    assert made == ["deposits"]
    assert_same_facts(store)
    # a register written again: every item is placed on its rows again
    register = feeds.read_store_item(store, REGISTER, DELIVERED)
    feeds.write_item(store, REGISTER, date(2026, 10, 15), register.head(0))  # an earlier one: not read
    assert month_facts.ensure(store, MONTH)[1] == []
    feeds.write_item(store, REGISTER, date(2026, 10, 31), register.reverse(), "part-9")
    assert month_facts.ensure(store, MONTH)[1][0] == REGISTER


def test_a_month_without_a_register_is_refused(tmp_path):
    from safetynet.policy.errors import PolicyError

    store = tmp_path / "store"
    deposits = pl.DataFrame(
        {"id_number": ["370830195001010012"], "institution": ["农业银行"], "balance": [100], "as_of": [DELIVERED]}
    )
    feeds.write_item(
        store, "deposits", DELIVERED, deposits.with_columns(pl.lit(370830195001010012 // 10).alias("person_key"))
    )
    with pytest.raises(PolicyError) as exc:
        screen.screen_store(store, MONTH)
    assert exc.value.code == "no_register"


def test_poorer_households_are_all_screened(city, tmp_path):
    """The screening runs the rules only on the households where they could find something
    (``screen.could_find``): with every wage cut to a tenth, hundreds of households come under
    the lines, and the findings are still exactly those of the rules run on every household."""
    store = tmp_path / "poorer"
    shutil.copytree(city, store, ignore=shutil.ignore_patterns(month_facts.FOLDER))
    wages = feeds.read_store_item(store, "income_tax", DELIVERED)
    feeds.write_item(store, "income_tax", DELIVERED, wages.with_columns(pl.col("wage_income") // 10))
    pensions = feeds.read_store_item(store, "pensions", DELIVERED)
    feeds.write_item(store, "pensions", DELIVERED, pensions.with_columns(pl.col("amount") // 5))
    ours = screen.screen_store(store, MONTH)
    persons = raw_facts(store)
    linked = screen.in_households(screen.with_links(persons.lazy(), MONTH).collect()).drop("household_id")
    everyone = screen.screen_persons(linked, MONTH)
    missed = everyone.filter(pl.col("kind").is_in(["missed_dibao", "edge_family", "missed_tekun"]))
    assert missed.height > 100  # the poorer city is full of cases to find
    assert ours.equals(everyone)
    assert set(everyone["household_no"]) <= chosen(store)


def chosen(store) -> set[str]:
    """The households ``could_find`` sends to the rules."""
    persons, households, _ = month_facts.read(store, MONTH)
    flags = screen.person_flags(persons.lazy(), MONTH).collect()
    able, _ = screen.fold_links(flags, {link: persons.get_column(f"{link}_row") for link in screen.RELATIVE_LINKS})
    return set(households.filter(pl.Series(screen.could_find(persons, households, able, MONTH)))["household_no"])


def test_the_rules_run_on_few_households_and_every_one_with_a_finding(city):
    found = set(screen.screen_store(city, MONTH)["household_no"])
    sent = chosen(city)
    assert found <= sent
    assert len(sent) < 1500 / 10  # those on the rolls, the planted cases, few others
