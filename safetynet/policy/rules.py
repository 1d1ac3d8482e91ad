"""Small expressions the programmes share: age at the month, rounding, reason lists."""

from __future__ import annotations

import polars as pl

from safetynet.policy.frames import INCOME_COLUMNS
from safetynet.policy.parameters import excludable_kinds


def age_at_month(birth: str = "birth_date", month: str = "month") -> pl.Expr:
    """Completed years on the first day of the month decided (the month's own birthday not yet)."""
    b, m = pl.col(birth), pl.col(month)
    # As YYYYMMDD integers, age is the difference of the years less one if the birthday
    # (MMDD) is after the first of the month.
    born = b.dt.year().cast(pl.Int32) * 10000 + b.dt.month().cast(pl.Int32) * 100 + b.dt.day().cast(pl.Int32)
    on = m.dt.year().cast(pl.Int32) * 10000 + m.dt.month().cast(pl.Int32) * 100 + 1
    # Someone born later in the month decided is 0, not -1.
    return pl.max_horizontal((on - born) // 10000, pl.lit(0)).cast(pl.Int32)


def assets_within(
    financial: str, limit: str, vehicles: str, dwellings: str, businesses: str, prefix: str = ""
) -> list[pl.Expr]:
    """The asset test (暂行办法 Art. 10, local limits): one definition for a household (dibao) and
    a person (tekun). Returns the four named checks ``{prefix}financial_assets_ok``,
    ``{prefix}vehicles_ok``, ``{prefix}dwellings_ok`` and ``{prefix}businesses_ok``."""
    return [
        (pl.col(financial) <= pl.col(limit)).alias(f"{prefix}financial_assets_ok"),
        (pl.col(vehicles) <= pl.col("max_vehicles")).alias(f"{prefix}vehicles_ok"),
        (pl.col(dwellings) <= pl.col("max_dwellings")).alias(f"{prefix}dwellings_ok"),
        (pl.col(businesses) <= pl.col("max_businesses")).alias(f"{prefix}businesses_ok"),
    ]


def all_of(*columns: str) -> pl.Expr:
    return pl.all_horizontal(columns)


def round_amount(raw_fen: pl.Expr) -> pl.Expr:
    """A positive amount rounded by the ``dibao_amount_rounding`` parameter; zero stays zero.

    Reads the parameter columns ``rounding_unit_fen``, ``rounding_mode`` and
    ``rounding_minimum_fen`` that the parameter frame joins to every row.
    """
    unit, mode = pl.col("rounding_unit_fen"), pl.col("rounding_mode")
    rounded = (
        pl.when(mode == "up")
        .then((raw_fen + unit - 1) // unit * unit)
        .when(mode == "down")
        .then(raw_fen // unit * unit)
        .otherwise((raw_fen + unit // 2) // unit * unit)
    )
    return (
        pl.when(raw_fen <= 0)
        .then(pl.lit(0, pl.Int64))
        .otherwise(pl.max_horizontal(rounded, pl.col("rounding_minimum_fen")))
        .cast(pl.Int64)
    )


def excluded_income(prefix: str) -> pl.Expr:
    """A member's income of the kinds not counted in the month, by the ``{prefix}_counts_*``
    flags of the parameter frame (only kinds that some period excludes have a flag)."""
    return pl.sum_horizontal(
        pl.when(pl.col(f"{prefix}_counts_{kind}")).then(0).otherwise(pl.col(f"income_{kind}_fen"))
        for kind in excludable_kinds(f"{prefix}_income_exclusions")
    ).alias(f"{prefix}_excluded_income_fen")


def counted_income(prefix: str) -> pl.Expr:
    """All income less the column ``excluded_income`` made in an earlier layer."""
    return (pl.sum_horizontal(INCOME_COLUMNS) - pl.col(f"{prefix}_excluded_income_fen")).alias(f"{prefix}_income_fen")


def sums_by_household(
    members: pl.LazyFrame, plan: tuple[list[pl.Expr], list[pl.Expr]], carry: list[str]
) -> pl.LazyFrame:
    """One row per household with the sum of each expression over its members, and the
    ``carry`` columns (the same on every member row of a household) as they are.

    The members are in household order, so a running total read at each household's last row,
    less the one read at the household before, is the household's sum: exact in integers, and
    about three times faster here than a group_by with as many sums. ``plan`` comes from
    ``running_totals``, built once per set of totals.
    """
    running, read = plan
    kept = pl.col(carry)
    return members.select(*running, kept).filter(pl.col("_last")).select(*read, kept)


def running_totals(totals: dict[str, pl.Expr]) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """The expressions of ``sums_by_household`` for named totals of member expressions."""
    last_of_household = (pl.col("household_id") != pl.col("household_id").shift(-1)).fill_null(True)
    running = [
        pl.col("household_id"),
        last_of_household.alias("_last"),
        *(expr.cast(pl.Int64).cum_sum().alias(name) for name, expr in totals.items()),
    ]
    read = [pl.col("household_id"), *(pl.col(name).diff().fill_null(pl.col(name)) for name in totals)]
    return running, read
