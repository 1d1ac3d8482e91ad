"""Support for persons in extreme poverty (特困人员救助供养), POLICY.md §5, per member.

Three conditions, all needed (特困 Art. 4): unable to work, no means of living, no able obligor.
The amount is the basic living standard (tier and hukou) plus the care standard of the person's
self-care level, which follows from how many of the six daily activities are not achieved.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from safetynet.policy.rules import age_at_month, income_counted, reason_mask

# 特困 Art. 5: disabilities that mean no capacity to work, as kind -> highest qualifying grade.
UNABLE_DISABILITY_GRADES = {"intellectual": 3, "mental": 3, "physical": 2, "visual": 1}
# 特困-2021 Arts. 20-23: daily activities not achieved -> level.
PARTIAL_FROM, COMPLETE_FROM = 1, 4
CARE_LEVEL = pl.Enum(["self_care", "partial", "complete"])


@cache
def member_columns() -> list[list[pl.Expr]]:
    own_income = income_counted("tekun")
    grade, kind = pl.col("disability_grade"), pl.col("disability_kind")
    disability = pl.any_horizontal(
        (kind == k) & (grade <= top) for k, top in UNABLE_DISABILITY_GRADES.items()
    ).fill_null(False)
    layer1 = [
        age_at_month().alias("age"),
        own_income.alias("tekun_income_fen"),
        disability.alias("unable_by_disability"),
        (pl.col("dibao_standard_fen") * pl.col("asset_months")).alias("own_financial_limit_fen"),
    ]
    age = pl.col("age")
    layer2 = [
        (age >= pl.col("tekun_elderly_age")).alias("unable_by_age"),
        (age < pl.col("tekun_minor_age")).alias("unable_as_minor"),
        ((age >= pl.col("tekun_minor_age")) & pl.col("student") & pl.col("supported_as_minor")).alias(
            "unable_as_student"
        ),
        (pl.col("tekun_income_fen") < pl.col("dibao_standard_fen")).alias("tekun_income_below"),
        (
            (pl.col("financial_assets_fen") <= pl.col("own_financial_limit_fen"))
            & (pl.col("vehicles_ordinary") <= pl.col("max_vehicles"))
            & (pl.col("dwellings") <= pl.col("max_dwellings"))
            & (pl.col("businesses") <= pl.col("max_businesses"))
        ).alias("tekun_assets_ok"),
        pl.when(pl.col("adl_unmet") >= COMPLETE_FROM)
        .then(pl.lit("complete", CARE_LEVEL))
        .when(pl.col("adl_unmet") >= PARTIAL_FROM)
        .then(pl.lit("partial", CARE_LEVEL))
        .otherwise(pl.lit("self_care", CARE_LEVEL))
        .alias("assessed_care_level"),
    ]
    unable = (
        pl.col("unable_by_age")
        | pl.col("unable_as_minor")
        | pl.col("unable_by_disability")
        | pl.col("unable_as_student")
    )
    layer3 = [
        unable.alias("unable_to_work"),
        (pl.col("tekun_income_below") & pl.col("tekun_assets_ok")).alias("no_means_of_living"),
    ]
    eligible = (
        pl.col("unable_to_work") & pl.col("no_means_of_living") & ~pl.col("able_obligor") & ~pl.col("orphan_support")
    )
    care_fen = (
        pl.when(pl.col("assessed_care_level") == "complete")
        .then(pl.col("care_complete_fen"))
        .when(pl.col("assessed_care_level") == "partial")
        .then(pl.col("care_partial_fen"))
        .otherwise(pl.col("care_self_care_fen"))
    )
    level = pl.col("assessed_care_level")
    layer4 = [
        eligible.alias("tekun_eligible"),
        pl.when(eligible).then(pl.col("tekun_basic_fen")).otherwise(0).alias("basic_fen"),
        pl.when(eligible).then(care_fen).otherwise(0).alias("care_fen"),
        pl.when(eligible).then(level).alias("care_level"),
        reason_mask(
            (pl.col("orphan_support"), "tekun.orphan_support"),
            (pl.col("unable_by_age"), "tekun.unable_elderly"),
            (pl.col("unable_as_minor"), "tekun.unable_minor"),
            (pl.col("unable_by_disability"), "tekun.unable_disability"),
            (pl.col("unable_as_student"), "tekun.unable_student"),
            (~unable, "tekun.able_to_work"),
            (pl.col("tekun_income_below") & pl.col("tekun_assets_ok"), "tekun.income_below"),
            (~pl.col("tekun_income_below"), "tekun.income_not_below"),
            (~pl.col("tekun_assets_ok"), "tekun.assets_over"),
            (~pl.col("able_obligor"), "tekun.no_able_obligor"),
            (pl.col("able_obligor"), "tekun.able_obligor"),
            (eligible & (level == "self_care"), "tekun.care_self_care"),
            (eligible & (level == "partial"), "tekun.care_partial"),
            (eligible & (level == "complete"), "tekun.care_complete"),
            (eligible, "tekun.eligible"),
        ).alias("tekun_reasons"),
    ]
    layer5 = [(pl.col("basic_fen") + pl.col("care_fen")).alias("tekun_amount_fen")]
    return [layer1, layer2, layer3, layer4, layer5]
