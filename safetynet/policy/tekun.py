"""Support for persons in extreme poverty (特困人员救助供养), POLICY.md §5, per member.

Three conditions, all needed (特困 Art. 4): unable to work, no means of living, no able obligor.
The amount is the basic living standard (tier and hukou) plus the care standard of the person's
self-care level, which follows from how many of the six daily activities are not achieved.

A person supported as an orphan or de-facto unsupported child is not tekun only while a minor
(特困-2021 Art. 9 speaks of minors): from 18 the orphan support no longer bars tekun.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from safetynet.policy.rules import age_at_month, all_of, assets_within, counted_income, excluded_income

# 特困 Art. 5: disabilities that mean no capacity to work, as kind -> highest qualifying grade.
UNABLE_DISABILITY_GRADES = {"intellectual": 3, "mental": 3, "physical": 2, "visual": 1}
# 民法典 Art. 17: under 18 is a minor; 特困-2021 Art. 9 bars only minors in orphan support.
ADULT_AGE = 18
# 特困-2021 Arts. 20-23: daily activities not achieved -> level.
PARTIAL_FROM, COMPLETE_FROM = 1, 4
CARE_LEVEL = pl.Enum(["self_care", "partial", "complete"])

# reason code -> (decision column, value that gives it), in reading order.
REASON_COLUMNS: dict[str, tuple[str, object]] = {
    "tekun.orphan_support": ("minor_in_orphan_support", True),
    "tekun.unable_elderly": ("unable_by_age", True),
    "tekun.unable_minor": ("unable_as_minor", True),
    "tekun.unable_disability": ("unable_by_disability", True),
    "tekun.unable_student": ("unable_as_student", True),
    "tekun.able_to_work": ("unable_to_work", False),
    "tekun.income_below": ("no_means_of_living", True),
    "tekun.income_not_below": ("tekun_income_below", False),
    "tekun.assets_over": ("tekun_assets_ok", False),
    "tekun.no_able_obligor": ("able_obligor", False),
    "tekun.able_obligor": ("able_obligor", True),
    "tekun.care_self_care": ("care_level", "self_care"),
    "tekun.care_partial": ("care_level", "partial"),
    "tekun.care_complete": ("care_level", "complete"),
    "tekun.eligible": ("tekun_eligible", True),
}


@cache
def member_columns() -> list[list[pl.Expr]]:
    grade, kind, adl = pl.col("disability_grade"), pl.col("disability_kind"), pl.col("adl_unmet")
    layer1 = [
        excluded_income("tekun"),
        age_at_month().alias("age"),
        pl.any_horizontal((kind == k) & (grade <= top) for k, top in UNABLE_DISABILITY_GRADES.items())
        .fill_null(False)
        .alias("unable_by_disability"),
        (pl.col("dibao_standard_fen") * pl.col("asset_months")).alias("own_financial_limit_fen"),
        pl.when(adl >= COMPLETE_FROM)
        .then(pl.lit("complete", CARE_LEVEL))
        .when(adl >= PARTIAL_FROM)
        .then(pl.lit("partial", CARE_LEVEL))
        .otherwise(pl.lit("self_care", CARE_LEVEL))
        .alias("assessed_care_level"),
    ]
    age = pl.col("age")
    layer2 = [
        counted_income("tekun"),
        (age >= pl.col("tekun_elderly_age")).alias("unable_by_age"),
        (age < pl.col("tekun_minor_age")).alias("unable_as_minor"),
        (pl.col("orphan_support") & (age < ADULT_AGE)).alias("minor_in_orphan_support"),
        ((age >= pl.col("tekun_minor_age")) & pl.col("student") & pl.col("supported_as_minor")).alias(
            "unable_as_student"
        ),
        *assets_within(
            "financial_assets_fen",
            "own_financial_limit_fen",
            "vehicles_ordinary",
            "dwellings",
            "businesses",
            prefix="own_",
        ),
    ]
    layer3 = [
        all_of("own_financial_assets_ok", "own_vehicles_ok", "own_dwellings_ok", "own_businesses_ok").alias(
            "tekun_assets_ok"
        ),
        pl.any_horizontal("unable_by_age", "unable_as_minor", "unable_by_disability", "unable_as_student").alias(
            "unable_to_work"
        ),
        (pl.col("tekun_income_fen") < pl.col("dibao_standard_fen")).alias("tekun_income_below"),
    ]
    layer4 = [
        (pl.col("tekun_income_below") & pl.col("tekun_assets_ok")).alias("no_means_of_living"),
    ]
    layer5 = [
        (
            pl.col("unable_to_work")
            & pl.col("no_means_of_living")
            & ~pl.col("able_obligor")
            & ~pl.col("minor_in_orphan_support")
        ).alias("tekun_eligible")
    ]
    eligible, level = pl.col("tekun_eligible"), pl.col("assessed_care_level")
    basic = pl.col("tekun_basic_fen")
    care = (
        pl.when(level == "complete")
        .then(pl.col("care_complete_fen"))
        .when(level == "partial")
        .then(pl.col("care_partial_fen"))
        .otherwise(pl.col("care_self_care_fen"))
    )
    layer6 = [
        pl.when(eligible).then(basic).otherwise(0).alias("basic_fen"),
        pl.when(eligible).then(care).otherwise(0).alias("care_fen"),
        pl.when(eligible).then(level).alias("care_level"),
        pl.when(eligible).then(basic + care).otherwise(0).alias("tekun_amount_fen"),
    ]
    return [layer1, layer2, layer3, layer4, layer5, layer6]
