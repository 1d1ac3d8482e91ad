"""Screening the population: every planted case found, nothing flagged without evidence, the
same answer for any slicing of the households; the obligor rule as a lawyer reads it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
import yaml

from safetynet.batch import screen
from safetynet.batch.facts import person_facts
from safetynet.batch.feed_items import ITEMS
from safetynet.batch.generate import PLANTED_KINDS, generate_city
from safetynet.policy.obligors import able_obligor

MONTH = date(2026, 11, 1)


@pytest.fixture(scope="module", params=[11, 12])
def city(request, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp(f"city{request.param}")
    generate_city(4000, out, month=MONTH, seed=request.param, townships=3, villages=3)
    return out


@pytest.fixture(scope="module")
def findings(city) -> pl.DataFrame:
    return screen.screen_store(city, MONTH)


def test_every_planted_case_is_found(city, findings):
    planted = pl.read_parquet(city / "planted.parquet")
    assert set(planted["kind"]) == set(PLANTED_KINDS)
    found = set(findings.select("kind", "household_no").iter_rows())
    missing = [row for row in planted.select("kind", "household_no").iter_rows() if row not in found]
    assert missing == []
    # person-level findings name the very person planted
    persons = planted.filter(~pl.col("kind").is_in(["missed_dibao", "edge_family", "wrong_dibao"]))
    named = set(findings.select("kind", "id_number").iter_rows())
    assert all(row in named for row in persons.select("kind", "id_number").iter_rows())


def test_nothing_is_flagged_outside_the_planted_households(city, findings):
    planted = set(pl.read_parquet(city / "planted.parquet")["household_no"])
    assert set(findings["household_no"]) <= planted


def test_every_finding_names_its_evidence_and_departments(findings):
    assert findings.height > 0
    for f in findings.iter_rows(named=True):
        assert f["kind"] in screen.FINDING_KINDS
        assert f["evidence"] and len(f["evidence"]) > 8
        assert f["sources"] and all(code in ITEMS for code in f["sources"].split(","))
    wrong = findings.filter(pl.col("kind") == "wrong_dibao")["evidence"].to_list()
    assert all("人均" in e and "保障标准" in e for e in wrong)
    cars = findings.filter(pl.col("kind") == "owns_car")["evidence"].to_list()
    assert all("号牌 鲁H" in e for e in cars)


def test_a_slice_of_households_gets_the_findings_of_its_households(city, findings):
    persons = screen.in_households(screen.with_links(person_facts(city, MONTH), MONTH).collect()).drop("household_id")
    chunks = screen.household_chunks(persons, size=2500)
    assert len(chunks) > 3
    assert all(a["household_no"][-1] != b["household_no"][0] for a, b in zip(chunks, chunks[1:], strict=False))
    pieces = pl.concat([screen.screen_persons(c, MONTH) for c in chunks]).sort("kind", "household_no", "id_number")
    assert pieces.equals(findings)


def test_an_unknown_area_is_left_out_not_an_error(city):
    persons = screen.with_links(person_facts(city, MONTH), MONTH).collect()
    moved = persons.with_columns(pl.lit("110101001001").alias("area_code"))
    assert screen.screen_persons(moved, MONTH).height == 0


CASES = yaml.safe_load((Path(__file__).parent / "obligor_cases.yaml").read_text(encoding="utf-8"))


def _fen(text):
    return None if text is None else int(Decimal(text) * 100)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_obligor_cases(case):
    o = case["obligor"]
    row = pl.DataFrame(
        {
            "deceased": [o.get("deceased", False)],
            "covered_tekun": [o.get("tekun", False)],
            "covered_dibao": [o.get("dibao", False)],
            "age": [o["age"]],
            "disability_grade": [o.get("disability", {}).get("grade")],
            "disability_kind": [o.get("disability", {}).get("kind")],
            "own_income_fen": [_fen(o["income"])],
            "income_line_fen": [_fen(o["income_line"])],
        },
        schema_overrides={"disability_grade": pl.Int8, "disability_kind": pl.String, "own_income_fen": pl.Int64,
                          "income_line_fen": pl.Int64},
    )  # fmt: skip
    assert row.select(able_obligor()).item() is case["able"]


def test_a_slice_holding_only_the_deceased_still_reports_them(city, findings):
    persons = screen.in_households(screen.with_links(person_facts(city, MONTH), MONTH).collect())
    dead = findings.filter(pl.col("kind") == "deceased")
    only = persons.filter(pl.col("household_no").is_in(dead["household_no"].implode()) & pl.col("deceased"))
    alone = screen.screen_persons(only.drop("household_id"), MONTH)
    assert set(alone.filter(pl.col("kind") == "deceased")["id_number"]) == set(dead["id_number"])


def test_links_person_by_person_equal_links_pair_by_pair(city):
    """The local engine folds relatives person by person; Spark, pair by pair: the same answers,
    also for parents outside the register (aged 86: unable only if shown to be poor)."""
    persons = person_facts(city, MONTH).collect()
    outside = pl.Series([int(f"37083019400101{i:03d}") for i in range(100)])
    orphans = persons["father_key"].is_null().arg_true().head(100)
    persons = persons.with_columns(persons["father_key"].scatter(orphans, outside.head(orphans.len())))
    ours = screen.with_links(persons.lazy(), MONTH).collect()
    pairs = screen.with_links_by_pairs(persons.lazy(), MONTH).collect()
    columns = ["person_key", "able_obligor", "official_relative_id", "official_relative_role"]
    assert ours.select(columns).equals(pairs.select(columns))
    assert ours["official_relative_id"].drop_nulls().len() > 0
    assert ours["able_obligor"].sum() > 0 and (~ours["able_obligor"]).sum() > 0
