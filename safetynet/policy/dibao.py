"""Minimum living allowance (最低生活保障), POLICY.md §4, as Polars expressions.

Member level: counted income by the exclusions in force in the month, and what a member would
get alone if the single-person route applies. Household level: strict comparison of counted
income with standard × members (exact, in fen, no division), the asset test, the amount, the
edge family. Every decision is a named boolean column; ``REASON_COLUMNS`` says which column, at which
value, gives which reason code, so the codes are read off the decision and never decided twice.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from safetynet.policy.rules import (
    all_of,
    assets_within,
    counted_income,
    excluded_income,
    round_amount,
    running_totals,
)

SEVERE_DISABILITY_GRADES = (1, 2)
SEVERE_GRADE3_KINDS = ("intellectual", "mental")

# reason code -> (decision column, value that gives it), in reading order.
REASON_COLUMNS: dict[str, tuple[str, object]] = {
    "dibao.income_excluded": ("other_income_excluded", True),
    "dibao.pension_basic_counted": ("pension_basic_counted", True),
    "dibao.pension_basic_excluded": ("pension_basic_excluded", True),
    "dibao.income_below_standard": ("income_below_standard", True),
    "dibao.income_not_below_standard": ("income_below_standard", False),
    "dibao.assets_financial_over": ("financial_assets_ok", False),
    "dibao.assets_vehicle": ("vehicles_ok", False),
    "dibao.assets_dwellings": ("dwellings_ok", False),
    "dibao.assets_business": ("businesses_ok", False),
    "dibao.eligible": ("family_eligible", True),
    "dibao.edge_family": ("edge_family", True),
    "dibao.single_person": ("single_person_route", True),
}


@cache
def member_columns() -> list[list[pl.Expr]]:
    """Per member: counted and excluded income, and the single-person candidate amount."""
    severe = (
        pl.col("disability_grade").is_in(SEVERE_DISABILITY_GRADES)
        | ((pl.col("disability_grade") == 3) & pl.col("disability_kind").is_in(SEVERE_GRADE3_KINDS))
        | pl.col("serious_illness")
    ).fill_null(False)
    # As a household of one: own counted income below the standard, amount the difference
    # (通知-2020; 低保-2021 Art. 8). Paid only if the family turns out to be an edge family.
    candidate = pl.col("severe_disability_or_illness") & (pl.col("dibao_income_fen") < pl.col("dibao_standard_fen"))
    return [
        [excluded_income("dibao"), severe.alias("severe_disability_or_illness")],
        [counted_income("dibao")],
        [
            candidate.alias("single_person_candidate"),
            pl.when(candidate)
            .then(round_amount(pl.col("dibao_standard_fen") - pl.col("dibao_income_fen")))
            .otherwise(0)
            .alias("single_person_candidate_fen"),
        ],
    ]


@cache
def household_sums() -> dict[str, pl.Expr]:
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
def household_totals() -> tuple[list[pl.Expr], list[pl.Expr]]:
    """``household_sums`` as running totals over members in household order (the batch)."""
    return running_totals(household_sums())


@cache
def household_columns() -> list[list[pl.Expr]]:
    """The household decision, as successive layers of named columns."""
    standard, members, income = pl.col("dibao_standard_fen"), pl.col("members"), pl.col("income_fen")
    pension_basic = pl.col("pension_basic_fen") > 0
    counts_pension_basic = pl.col("dibao_counts_pension_basic")
    layer1 = [
        (standard * members).alias("threshold_fen"),
        (standard * pl.col("asset_months") * members).alias("financial_limit_fen"),
        (pl.col("edge_factor_num") * standard // pl.col("edge_factor_den")).alias("edge_line_fen"),
        (
            pl.col("excluded_income_fen") - pl.when(counts_pension_basic).then(0).otherwise(pl.col("pension_basic_fen"))
        ).alias("other_excluded_income_fen"),
        (pension_basic & counts_pension_basic).alias("pension_basic_counted"),
        (pension_basic & ~counts_pension_basic).alias("pension_basic_excluded"),
    ]
    layer2 = [
        (income < pl.col("threshold_fen")).alias("income_below_standard"),
        *assets_within(
            "household_financial_assets_fen",
            "financial_limit_fen",
            "household_vehicles_ordinary",
            "household_dwellings",
            "household_businesses",
        ),
        # income / members < factor × standard, cross-multiplied so that nothing is divided.
        (income * pl.col("edge_factor_den") < pl.col("edge_factor_num") * pl.col("threshold_fen")).alias(
            "income_below_edge_line"
        ),
        (pl.col("other_excluded_income_fen") > 0).alias("other_income_excluded"),
    ]
    assets_ok = all_of("financial_assets_ok", "vehicles_ok", "dwellings_ok", "businesses_ok")
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
    # A severely disabled or seriously ill member of an edge family is covered alone.
    single_route = pl.col("edge_family") & (pl.col("single_candidates") > 0)
    layer5 = [
        single_route.alias("single_person_route"),
        pl.when(single_route).then(pl.col("single_candidates_fen")).otherwise(0).alias("single_amount_fen"),
        pl.when(single_route).then(pl.col("single_candidates")).otherwise(0).alias("single_count"),
        (pl.col("family_eligible") | single_route).alias("dibao_eligible"),
        pl.when(pl.col("family_eligible"))
        .then(pl.col("family_amount_fen"))
        .when(single_route)
        .then(pl.col("single_candidates_fen"))
        .otherwise(0)
        .alias("dibao_amount_fen"),
    ]
    return [layer1, layer2, layer3, layer4, layer5]


@cache
def member_result_columns() -> list[pl.Expr]:
    """After the household is decided: which members are covered alone, and for how much."""
    single = pl.col("edge_family") & pl.col("single_person_candidate")
    return [
        single.alias("dibao_single_person"),
        pl.when(single).then(pl.col("single_person_candidate_fen")).otherwise(0).alias("dibao_single_amount_fen"),
    ]
