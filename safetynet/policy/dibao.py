"""Minimum living allowance (最低生活保障), POLICY.md §4, as Polars expressions.

Member level: counted income by the exclusions in force in the month, and what a member would
get alone if the single-person route applies. Household level: strict comparison of counted
income with standard × members (exact, in fen, no division), the asset test, the amount, the
edge family. Every column is named so the plan reads as the rule.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from safetynet.policy.frames import INCOME_COLUMNS
from safetynet.policy.rules import income_counted, reason_mask, round_amount

SEVERE_DISABILITY_GRADES = (1, 2)
SEVERE_GRADE3_KINDS = ("intellectual", "mental")


@cache
def member_columns() -> list[pl.Expr]:
    """Per member: counted and excluded income, and the single-person candidate amount."""
    counted = income_counted("dibao")
    severe = (
        pl.col("disability_grade").is_in(SEVERE_DISABILITY_GRADES)
        | ((pl.col("disability_grade") == 3) & pl.col("disability_kind").is_in(SEVERE_GRADE3_KINDS))
        | pl.col("serious_illness")
    ).fill_null(False)
    return [
        counted.alias("dibao_income_fen"),
        (pl.sum_horizontal(INCOME_COLUMNS) - counted).alias("dibao_excluded_income_fen"),
        severe.alias("severe_disability_or_illness"),
    ]


@cache
def single_person_candidate() -> list[pl.Expr]:
    """As a household of one: own counted income below the standard, amount the difference
    (通知-2020; 低保-2021 Art. 8). Paid only if the family turns out to be an edge family."""
    candidate = pl.col("severe_disability_or_illness") & (pl.col("dibao_income_fen") < pl.col("dibao_standard_fen"))
    return [
        candidate.alias("single_person_candidate"),
        pl.when(candidate)
        .then(round_amount(pl.col("dibao_standard_fen") - pl.col("dibao_income_fen")))
        .otherwise(0)
        .alias("single_person_candidate_fen"),
    ]


@cache
def household_totals() -> dict[str, pl.Expr]:
    """What is summed over each household's members, by the name of the total."""
    return {
        "members": pl.repeat(1, pl.len(), dtype=pl.Int64),
        "income_fen": pl.col("dibao_income_fen"),
        "excluded_income_fen": pl.col("dibao_excluded_income_fen"),
        "pension_basic_fen": pl.col("income_pension_basic_fen"),
        "household_financial_assets_fen": pl.col("financial_assets_fen"),
        "household_vehicles_ordinary": pl.col("vehicles_ordinary"),
        "household_dwellings": pl.col("dwellings"),
        "household_businesses": pl.col("businesses"),
        "single_candidates": pl.col("single_person_candidate"),
        "single_candidates_fen": pl.col("single_person_candidate_fen"),
    }


@cache
def household_columns() -> list[list[pl.Expr]]:
    """The household decision, as successive layers of named columns."""
    standard, members, income = pl.col("dibao_standard_fen"), pl.col("members"), pl.col("income_fen")
    layer1 = [
        (standard * members).alias("threshold_fen"),
        (standard * pl.col("asset_months") * members).alias("financial_limit_fen"),
        (pl.col("edge_factor_num") * standard // pl.col("edge_factor_den")).alias("edge_line_fen"),
        (
            pl.col("excluded_income_fen")
            - pl.when(pl.col("dibao_counts_pension_basic")).then(0).otherwise(pl.col("pension_basic_fen"))
        ).alias("other_excluded_income_fen"),
    ]
    layer2 = [
        (income < pl.col("threshold_fen")).alias("income_below_standard"),
        (pl.col("household_financial_assets_fen") <= pl.col("financial_limit_fen")).alias("financial_assets_ok"),
        (pl.col("household_vehicles_ordinary") <= pl.col("max_vehicles")).alias("vehicles_ok"),
        (pl.col("household_dwellings") <= pl.col("max_dwellings")).alias("dwellings_ok"),
        (pl.col("household_businesses") <= pl.col("max_businesses")).alias("businesses_ok"),
        # income / members < factor × standard, cross-multiplied so that nothing is divided.
        (income * pl.col("edge_factor_den") < pl.col("edge_factor_num") * pl.col("threshold_fen")).alias(
            "income_below_edge_line"
        ),
    ]
    assets_ok = pl.col("financial_assets_ok") & pl.col("vehicles_ok") & pl.col("dwellings_ok") & pl.col("businesses_ok")
    layer3 = [
        assets_ok.alias("assets_ok"),
        (pl.col("income_below_standard") & assets_ok).alias("family_eligible"),
    ]
    layer4 = [
        pl.when(pl.col("family_eligible"))
        .then(round_amount(pl.col("threshold_fen") - income))
        .otherwise(0)
        .alias("family_amount_fen"),
        (~pl.col("family_eligible") & pl.col("assets_ok") & pl.col("income_below_edge_line")).alias("edge_family"),
    ]
    single = pl.col("edge_family") & (pl.col("single_candidates") > 0)
    layer5 = [
        pl.when(pl.col("edge_family")).then(pl.col("single_candidates_fen")).otherwise(0).alias("single_amount_fen"),
        pl.when(pl.col("edge_family")).then(pl.col("single_candidates")).otherwise(0).alias("single_count"),
        (pl.col("family_eligible") | single).alias("dibao_eligible"),
    ]
    layer6 = [
        pl.when(pl.col("family_eligible"))
        .then(pl.col("family_amount_fen"))
        .otherwise(pl.col("single_amount_fen"))
        .alias("dibao_amount_fen"),
        reason_mask(
            (pl.col("other_excluded_income_fen") > 0, "dibao.income_excluded"),
            ((pl.col("pension_basic_fen") > 0) & pl.col("dibao_counts_pension_basic"), "dibao.pension_basic_counted"),
            ((pl.col("pension_basic_fen") > 0) & ~pl.col("dibao_counts_pension_basic"), "dibao.pension_basic_excluded"),
            (pl.col("income_below_standard"), "dibao.income_below_standard"),
            (~pl.col("income_below_standard"), "dibao.income_not_below_standard"),
            (~pl.col("financial_assets_ok"), "dibao.assets_financial_over"),
            (~pl.col("vehicles_ok"), "dibao.assets_vehicle"),
            (~pl.col("dwellings_ok"), "dibao.assets_dwellings"),
            (~pl.col("businesses_ok"), "dibao.assets_business"),
            (pl.col("family_eligible"), "dibao.eligible"),
            (pl.col("edge_family"), "dibao.edge_family"),
            (single, "dibao.single_person"),
        ).alias("dibao_reasons"),
    ]
    return [layer1, layer2, layer3, layer4, layer5, layer6]


@cache
def member_result_columns() -> list[pl.Expr]:
    """After the household is decided: which members are covered alone, and for how much."""
    single = pl.col("edge_family") & pl.col("single_person_candidate")
    return [
        single.alias("dibao_single_person"),
        pl.when(single).then(pl.col("single_person_candidate_fen")).otherwise(0).alias("dibao_single_amount_fen"),
    ]
