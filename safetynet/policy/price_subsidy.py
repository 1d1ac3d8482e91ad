"""Price-subsidy linkage (价格临时补贴), POLICY.md §7.

For a month whose CPI rose by the trigger or more year on year (3.5 %), or food CPI (6 %), each
person covered receives the local dibao standard times the triggering rise, to the whole yuan;
if both trigger, the higher rise. The month's indices are inputs the city enters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl

from safetynet.policy.parameters import value

CITY_AREA = "370811"  # the triggers are city-wide: any area reads the same values


@dataclass(frozen=True)
class Trigger:
    rise: Decimal  # percent, e.g. Decimal("3.8")
    index: str  # "cpi" or "food_cpi"
    text: str  # the rule as a sentence, shown with every subsidy line


def covers(programme: str, month: date) -> bool:
    """Whether ``programme``'s recipients get the price subsidy in ``month``: dibao and tekun
    (价格-2016), orphans and de-facto unsupported children from 2021 (POLICY.md §7)."""
    return programme in value("price_subsidy_programmes", CITY_AREA, month)


def trigger(month: date, cpi_yoy: Decimal, food_cpi_yoy: Decimal) -> Trigger | None:
    """The rise that applies in ``month``, or None when neither index reaches its trigger."""
    limits = value("price_subsidy_triggers", CITY_AREA, month)
    hits = [(rise, name) for rise, name in ((cpi_yoy, "cpi"), (food_cpi_yoy, "food_cpi")) if rise >= limits[name]]
    if not hits:
        return None
    rise, name = max(hits)
    shown = f"{rise.normalize():f}"
    label = {"cpi": "居民消费价格指数", "food_cpi": "食品价格指数"}[name]
    return Trigger(rise, name, f"{month:%Y 年 %m 月}{label}同比上涨 {shown}%（启动条件 {limits[name]}%），"
                               f"按低保标准 × {shown}% 发放价格临时补贴，取整到元（价格-2016）")


def subsidy_fen(standard_fen: pl.Expr, rise: Decimal) -> pl.Expr:
    """Per person: standard × rise %, half up to the whole yuan, in fen. Exact integers: the rise
    is taken in hundredths of a percent (3.8 % -> 380)."""
    hundredths = int((rise * 100).to_integral_value())
    if Decimal(hundredths) != rise * 100:
        raise ValueError(f"rise {rise}% has more than two decimals")
    # standard_fen × hundredths / 10_000 is fen; to whole yuan: / 100, half up.
    return (standard_fen * hundredths + 500_000) // 1_000_000 * 100
