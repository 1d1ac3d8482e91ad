"""Checking declarations against the department data: the verified frame, the report per item
with its department, and what it means for the decision."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from safetynet.batch.generate import generate_city
from safetynet.batch.verify import facts_for, verify_frames
from safetynet.policy.frames import HOUSEHOLD_SCHEMA, MEMBER_SCHEMA

MONTH = date(2026, 11, 1)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    out = tmp_path_factory.mktemp("vcity")
    generate_city(3000, out, month=MONTH, seed=5, townships=3, villages=3)
    register = pl.read_parquet(next(out.glob("department=public_security/item=household_registration/*/*.parquet")))
    return out, register, pl.read_parquet(out / "planted.parquet")


def declared_as_found(store, register, household_nos):
    """Declared frames that say exactly what the departments say."""
    people = register.filter(pl.col("household_no").is_in(household_nos)).sort("household_no", maintain_order=True)
    facts = facts_for(store, MONTH, people["id_number"].to_list())
    ids = {h: i for i, h in enumerate(dict.fromkeys(people["household_no"]))}
    hh = pl.DataFrame(
        [(i, h[:6], people.filter(pl.col("household_no") == h)["hukou"][0], MONTH) for h, i in ids.items()],
        schema=HOUSEHOLD_SCHEMA, orient="row",
    )  # fmt: skip
    f = people.with_columns(pl.col("id_number").str.slice(0, 17).cast(pl.Int64).alias("person_key")).join(
        facts, on="person_key", how="left", maintain_order="left"
    )
    members = f.select(
        pl.col("household_no").replace_strict(ids, return_dtype=pl.Int64).alias("household_id"),
        pl.int_range(pl.len(), dtype=pl.Int32).over("household_no").alias("member_no"),
        "id_number", pl.col("id_number").str.slice(6, 8).str.to_date("%Y%m%d").alias("birth_date"), "relation",
        *(pl.col(c).alias(c) if c in f.columns else pl.lit(0).alias(c) for c in MEMBER_SCHEMA
          if c.startswith("income_")),
        (pl.col("deposits_fen") + pl.col("securities_fen") + pl.col("insurance_fen")).alias("financial_assets_fen"),
        "vehicles_ordinary", "vehicles_disability", "vehicles_farm", "dwellings", "businesses", "disability_grade",
        "disability_kind", "serious_illness", pl.lit(0).alias("adl_unmet"), pl.lit(True).alias("able_obligor"),
        *(pl.lit(False).alias(c) for c in ("student", "supported_as_minor", "orphan_support")),
    ).select(list(MEMBER_SCHEMA)).cast(MEMBER_SCHEMA)  # fmt: skip
    return hh, members, ids


def planted(city, kind):
    return city[2].filter(pl.col("kind") == kind)["household_no"].to_list()


def test_a_true_declaration_is_confirmed(city):
    store, register, _ = city
    households = planted(city, "missed_dibao") + planted(city, "edge_family")
    hh, members, _ = declared_as_found(store, register, households)
    impact, lines, _ = verify_frames(hh, members, store, MONTH)
    assert set(impact["impact"]) == {"still_eligible", "not_eligible"}
    assert impact["dibao_amount_fen"].to_list() == impact["dibao_amount_fen_verified"].to_list()
    assert not lines.filter(pl.col("line") != "spouse")["differs"].any()


def test_an_undeclared_wage_is_found_at_the_tax_bureau(city):
    store, register, _ = city
    households = planted(city, "wrong_dibao")[:2]
    hh, members, _ = declared_as_found(store, register, households)
    hidden = members.with_columns(pl.lit(0, pl.Int64).alias("income_wage_fen"))
    impact, lines, _ = verify_frames(hh, hidden, store, MONTH)
    assert impact["dibao_eligible"].all() and not impact["dibao_eligible_verified"].any()
    assert impact["impact"].to_list() == ["no_longer_eligible"] * 2
    wage = lines.filter((pl.col("line") == "wage") & pl.col("differs"))
    assert wage.height >= 2 and set(wage["departments"]) == {"税务局"} and set(wage["declared"]) == {"0.00"}


def test_an_undeclared_car_changes_the_decision(city):
    store, register, _ = city
    households = planted(city, "owns_car")[:2]
    hh, members, _ = declared_as_found(store, register, households)
    impact, lines, _ = verify_frames(hh, members.with_columns(pl.lit(0, pl.Int32).alias("vehicles_ordinary")), store,
                                     MONTH)  # fmt: skip
    assert set(impact["impact"]) == {"no_longer_eligible"}
    cars = lines.filter((pl.col("line") == "vehicles") & pl.col("differs"))
    assert set(cars["found"]) == {"1"} and set(cars["departments"]) == {"公安局"}


def test_a_member_reported_deceased_is_not_counted(city):
    store, register, planted_frame = city
    dead = planted_frame.filter(pl.col("kind") == "deceased")["household_no"].to_list()[:1]
    hh, members, _ = declared_as_found(store, register, dead)
    impact, lines, _ = verify_frames(hh, members, store, MONTH)
    assert impact.select("members", "members_verified", "impact").row(0) == (1, 0, "no_longer_eligible")
    assert lines.filter(pl.col("line") == "deceased").height == 1
    assert lines.filter(pl.col("line") == "deceased")["departments"].item() == "公安局"
