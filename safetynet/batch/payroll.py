"""The monthly payroll as frames: what is owed per case and month, less what was paid.

Pure Polars: the ``payments`` app reads entitlements and earlier payments into frames, calls
these, and writes the lines back in one statement. One rule makes the regular line, back pay
for a late decision or a retroactive rise, and the recovery of an overpayment.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from safetynet.policy.months import first_of_next_month

ENTITLEMENT_SCHEMA = {"decision_id": pl.Int64, "case_id": pl.Int64, "recipient_id": pl.Int64,
                      "starts": pl.Date, "ends": pl.Date, "monthly_amount_fen": pl.Int64}  # fmt: skip
PAID_SCHEMA = {"case_id": pl.Int64, "for_month": pl.Date, "amount_fen": pl.Int64}


def owed(entitlements: pl.DataFrame, month: date) -> pl.DataFrame:
    """One row per case and month from each entitlement's start up to ``month``: the amount of
    the period covering that month (periods of a case do not overlap)."""
    after = first_of_next_month(month)
    return (
        entitlements.lazy()
        .filter(pl.col("starts") <= month)
        .with_columns(
            pl.date_ranges(
                pl.col("starts"),
                pl.min_horizontal(pl.col("ends").fill_null(after), pl.lit(after)).dt.offset_by("-1mo"),
                interval="1mo",
            ).alias("for_month")
        )
        .explode("for_month")
        .drop_nulls("for_month")
        .select("case_id", "for_month", pl.col("monthly_amount_fen").alias("owed_fen"), "decision_id", "recipient_id")
        .collect()
    )


def lines(owed_rows: pl.DataFrame, paid: pl.DataFrame, month: date) -> pl.DataFrame:
    """The lines of ``month``: owed less paid per case and month owed. This month's is the
    regular line; an earlier month's difference is back pay (positive) or recovery (negative)."""
    paid_by_month = paid.group_by("case_id", "for_month").agg(pl.col("amount_fen").sum().alias("paid_fen"))
    return (
        owed_rows.join(paid_by_month, on=["case_id", "for_month"], how="full", coalesce=True)
        .with_columns(pl.col("owed_fen").fill_null(0), pl.col("paid_fen").fill_null(0))
        .with_columns((pl.col("owed_fen") - pl.col("paid_fen")).alias("amount_fen"))
        .with_columns(
            pl.when(pl.col("for_month") == month)
            .then(pl.lit("regular"))
            .when(pl.col("amount_fen") > 0)
            .then(pl.lit("back_pay"))
            .otherwise(pl.lit("recovery"))
            .alias("kind")
        )
        .filter((pl.col("amount_fen") != 0) | ((pl.col("kind") == "regular") & (pl.col("owed_fen") > 0)))
        .sort("case_id", "for_month")
    )
