"""The price-subsidy rule (POLICY.md §7) on its own."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from safetynet.policy.price_subsidy import subsidy_fen, trigger

MARCH = date(2024, 3, 1)


@pytest.mark.parametrize("cpi, food, expected", [
    ("3.5", "0", ("cpi", Decimal("3.5"))),       # exactly the trigger
    ("3.49", "5.99", None),                      # neither
    ("1.0", "6", ("food_cpi", Decimal("6"))),
    ("4.0", "7.2", ("food_cpi", Decimal("7.2"))),  # both: the higher rise
])
def test_the_triggers(cpi, food, expected):
    found = trigger(MARCH, Decimal(cpi), Decimal(food))
    assert (found and (found.index, found.rise)) == (expected or None)


def test_the_amount_is_the_standard_times_the_rise_to_the_whole_yuan():
    standards = pl.DataFrame({"fen": [59000, 63000, 44500, 47500]})
    got = standards.select(subsidy_fen(pl.col("fen"), Decimal("3.8")))["fen"].to_list()
    assert got == [2200, 2400, 1700, 1800]  # 22.42, 23.94, 16.91, 18.05 yuan
    half = pl.DataFrame({"fen": [50000]}).select(subsidy_fen(pl.col("fen"), Decimal("4.1")))["fen"].item()
    assert half == 2100  # 20.50 rounds half up to 21


def test_a_month_before_the_first_trigger_is_an_error():
    from safetynet.policy.errors import PolicyError

    with pytest.raises(PolicyError):
        trigger(date(2015, 1, 1), Decimal("5"), Decimal("0"))
