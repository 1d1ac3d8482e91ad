"""What the departments say about each person: the feeds summed up per person for a month.

``item_facts`` turns one item's rows into one row per person (``person_key``); it needs all of
a person's rows and nothing else, so it runs on a whole file or on any partition of rows
grouped by person (the Spark job runs it per partition). ``person_facts`` joins them onto a base
of persons (the population register, or the members of the households being checked) with the
empty values a missing record means: no deposit record is no deposit.

The month decided is M; department data delivered up to the last day of M-1 is read; monthly
income is the average over the ``income_reference_months`` before M (a month with no record
counts as none), rounded down to the fen, in the applicant's favour.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl

from safetynet.batch.feed_items import ITEMS
from safetynet.batch.feeds import scan_item
from safetynet.policy.areas import all_areas
from safetynet.policy.months import add_months
from safetynet.policy.parameters import value
from safetynet.policy.rules import age_at_month

# Polars' in-memory engine: faster and leaner than its streaming default for these plans
# (benchmarks/screen.py measured both on the whole city).
ENGINE = "in-memory"

# One row per person after the item's aggregation, and the value a missing record means.
FACT_COLUMNS: dict[str, tuple[pl.DataType, object]] = {
    "deceased": (pl.Boolean, False),
    "death_date": (pl.Date, None),
    "spouse_key": (pl.Int64, None),
    "income_wage_fen": (pl.Int64, 0),
    "income_pension_fen": (pl.Int64, 0),
    "income_pension_basic_fen": (pl.Int64, 0),
    "income_unemployment_benefit_fen": (pl.Int64, 0),
    "employee_insurance_months": (pl.Int32, 0),
    "housing_fund_months": (pl.Int32, 0),
    "deposits_fen": (pl.Int64, 0),
    "securities_fen": (pl.Int64, 0),
    "insurance_fen": (pl.Int64, 0),
    "vehicles_ordinary": (pl.Int32, 0),
    "vehicles_disability": (pl.Int32, 0),
    "vehicles_farm": (pl.Int32, 0),
    "vehicle_plates": (pl.String, None),  # the first plate (evidence),
    "dwellings": (pl.Int32, 0),
    "businesses": (pl.Int32, 0),
    "business_codes": (pl.String, None),
    "payroll_role": (pl.String, None),
    "payroll_employer": (pl.String, None),
    "disability_kind": (pl.String, None),
    "disability_grade": (pl.Int8, None),
    "registered_poor": (pl.Boolean, False),
    "serious_illness": (pl.Boolean, False),
    "medical_self_paid_fen": (pl.Int64, 0),
    "covered_dibao": (pl.Boolean, False),
    "covered_tekun": (pl.Boolean, False),
    "assistance_records": (pl.Int32, 0),
    "assistance_areas": (pl.Int32, 0),
    "assistance_area_code": (pl.String, None),
    "assistance_household_no": (pl.String, None),
    "assistance_amount_fen": (pl.Int64, 0),
}
# Which item gives which facts (and so which department is the source of each).
ITEM_FACTS: dict[str, tuple[str, ...]] = {
    "deaths": ("deceased", "death_date"),
    "marriage": ("spouse_key",),
    "income_tax": ("income_wage_fen",),
    "pensions": ("income_pension_fen", "income_pension_basic_fen"),
    "unemployment": ("income_unemployment_benefit_fen",),
    "social_insurance": ("employee_insurance_months",),
    "housing_fund": ("housing_fund_months",),
    "deposits": ("deposits_fen",),
    "securities": ("securities_fen",),
    "insurance": ("insurance_fen",),
    "vehicles": ("vehicles_ordinary", "vehicles_disability", "vehicles_farm", "vehicle_plates"),
    "real_estate": ("dwellings",),
    "business": ("businesses", "business_codes"),
    "public_payroll": ("payroll_role", "payroll_employer"),
    "disability": ("disability_kind", "disability_grade"),
    "registered_poor": ("registered_poor",),
    "medical": ("serious_illness", "medical_self_paid_fen"),
    "assistance": (
        "covered_dibao", "covered_tekun", "assistance_records", "assistance_areas", "assistance_area_code",
        "assistance_household_no", "assistance_amount_fen",
    ),
}  # fmt: skip
assert set(ITEM_FACTS) == set(ITEMS) - {"household_registration"}
assert {c for cols in ITEM_FACTS.values() for c in cols} == set(FACT_COLUMNS)

# Roles whose relatives on the rolls are recorded and visited (POLICY.md §9).
OFFICIAL_ROLES = ("caseworker", "village_cadre")
REGISTER_COLUMNS = {
    "person_key": pl.Int64,
    "household_no": pl.String,
    "area_code": pl.String,
    "hukou": pl.String,
    "relation": pl.String,
    "father_key": pl.Int64,
    "mother_key": pl.Int64,
    "birth_date": pl.Date,
}


def as_of(month: date) -> date:
    """The last day whose deliveries count for the month decided."""
    return month - timedelta(days=1)


def window(month: date) -> tuple[date, date, int]:
    # a city-wide parameter (``by: []``): every area reads the same value
    months = value("income_reference_months", all_areas()[0].code, month)
    return add_months(month, -months), add_months(month, -1), months


def birth_date(person_key: pl.Expr) -> pl.Expr:
    """The birth date in an ID number's key (digits 7-14), by arithmetic rather than parsing."""
    ymd = (person_key // 1000) % 100_000_000
    return pl.date(ymd // 10000, (ymd // 100) % 100, ymd % 100)


def age_at(birth: pl.Expr, month: date) -> pl.Expr:
    """The age on the first of ``month`` of a person born on ``birth`` (a date): the policy's one
    definition (``rules.age_at_month``) worked out once for every day from 1800 on and looked up
    by the day, which for millions of persons is far cheaper than taking each date apart."""
    first, ages = _ages(month)
    at = birth.cast(pl.Int32) - first
    return pl.lit(ages).gather(pl.when((at >= 0) & (at < ages.len())).then(at)).alias("age")


@lru_cache(maxsize=16)
def _ages(month: date) -> tuple[int, pl.Series]:
    """(the first day, as days since 1970-01-01; the age of someone born on each day from it on)."""
    days = pl.DataFrame({"birth_date": pl.date_range(date(1800, 1, 1), date(month.year + 100, 12, 31), eager=True)})
    ages = days.with_columns(pl.lit(month).alias("month")).select(age_at_month()).to_series()
    return int(days.get_column("birth_date").cast(pl.Int32)[0]), ages


def item_facts(code: str, rows: pl.LazyFrame, month: date, known_on: date | None = None) -> pl.LazyFrame:
    """One row per person of the facts ``code`` gives for ``month`` (all of a person's rows in)."""
    first, last, months = window(month)
    in_window = pl.col("month").is_between(first, last)
    cutoff = known_on or as_of(month)
    g = rows.group_by("person_key")
    if code == "deaths":
        dead = rows.filter(pl.col("death_date") < month).group_by("person_key")
        out = dead.agg(pl.col("death_date").min(), pl.lit(True).alias("deceased"))
    elif code == "marriage":
        # The person's latest registration decides. Most people have one: only those with more
        # are put in date order (ties broken by status and spouse, so that any engine agrees).
        known = rows.filter(pl.col("event_date") <= cutoff)
        key = pl.col("person_key")
        # in person order a repeated person is next to itself; otherwise ask the hash table
        repeated = (
            pl.when(key.is_sorted())
            .then((key == key.shift(1)).fill_null(False) | (key == key.shift(-1)).fill_null(False))
            .otherwise(key.is_duplicated())
        )
        ordered = known.filter(repeated).sort("person_key", "event_date", "status", "spouse_key")
        latest = pl.concat([
            known.filter(~repeated),
            ordered.filter(pl.col("person_key") != pl.col("person_key").shift(-1).fill_null(-1)),
        ])  # fmt: skip
        out = latest.select(
            "person_key", pl.when(pl.col("status") == "married").then(pl.col("spouse_key")).alias("spouse_key")
        )
    elif code == "income_tax":
        net = pl.max_horizontal(pl.col("wage_income") - pl.col("tax") - pl.col("personal_insurance"), 0)
        # a plain column summed per person: the fast path over rows in person order
        wages = rows.filter(in_window).select("person_key", net.alias("net"))
        out = wages.group_by("person_key").agg((pl.col("net").sum() // months).alias("income_wage_fen"))
    elif code == "pensions":
        out = (
            rows.filter(in_window)
            .group_by("person_key")
            .agg(
                ((pl.col("amount") - pl.col("central_basic")).sum() // months).alias("income_pension_fen"),
                (pl.col("central_basic").sum() // months).alias("income_pension_basic_fen"),
            )
        )
    elif code == "unemployment":
        out = (
            rows.filter(in_window)
            .group_by("person_key")
            .agg((pl.col("amount").sum() // months).alias("income_unemployment_benefit_fen"))
        )
    elif code == "social_insurance":
        employee = in_window & pl.col("insurance").str.starts_with("employee_")
        out = (
            rows.filter(employee)
            .group_by("person_key")
            .agg(pl.col("month").n_unique().cast(pl.Int32).alias("employee_insurance_months"))
        )
    elif code == "housing_fund":
        out = (
            rows.filter(in_window & (pl.col("deposit") > 0))
            .group_by("person_key")
            .agg(pl.col("month").n_unique().cast(pl.Int32).alias("housing_fund_months"))
        )
    elif code in ("deposits", "securities", "insurance"):
        amount = {"deposits": "balance", "securities": "market_value", "insurance": "cash_value"}[code]
        out = g.agg(pl.col(amount).sum().alias(f"{code}_fen"))
    elif code == "vehicles":
        v = rows.filter(pl.col("registered_date") <= cutoff)
        kind = pl.col("vehicle_type")
        out = v.group_by("person_key").agg(
            kind.is_in(["car", "truck", "motorcycle"]).sum().cast(pl.Int32).alias("vehicles_ordinary"),
            (kind == "disability").sum().cast(pl.Int32).alias("vehicles_disability"),
            (kind == "farm").sum().cast(pl.Int32).alias("vehicles_farm"),
            pl.col("plate").min().alias("vehicle_plates"),
        )
    elif code == "real_estate":
        homes = rows.filter((pl.col("use") == "residential") & (pl.col("registered_date") <= cutoff))
        out = homes.group_by("person_key").agg(pl.len().cast(pl.Int32).alias("dwellings"))
    elif code == "business":
        active = rows.filter((pl.col("status") == "active") & (pl.col("registered_date") <= cutoff))
        out = active.group_by("person_key").agg(
            pl.col("credit_code").n_unique().cast(pl.Int32).alias("businesses"),
            pl.col("credit_code").min().alias("business_codes"),
        )
    elif code == "public_payroll":
        paid = rows.filter(in_window).sort("month", "employer", "role")
        out = paid.group_by("person_key").agg(
            pl.col("role").last().alias("payroll_role"), pl.col("employer").last().alias("payroll_employer")
        )
    elif code == "disability":
        cert = rows.filter(pl.col("issued_date") <= cutoff).sort(
            "issued_date", "grade", "disability_kind", descending=[False, True, True]
        )
        out = cert.group_by("person_key").agg(
            pl.col("disability_kind").last(), pl.col("grade").last().alias("disability_grade")
        )
    elif code == "registered_poor":
        out = g.agg((pl.col("status") == "in_poverty").any().alias("registered_poor"))
    elif code == "medical":
        out = (
            rows.filter(in_window)
            .group_by("person_key")
            .agg(pl.col("serious_illness").any(), pl.col("self_paid").sum().alias("medical_self_paid_fen"))
        )
    elif code == "assistance":
        live = rows.filter(pl.col("since") <= cutoff)
        out = live.group_by("person_key").agg(
            (pl.col("programme") == "dibao").any().alias("covered_dibao"),
            (pl.col("programme") == "tekun").any().alias("covered_tekun"),
            pl.len().cast(pl.Int32).alias("assistance_records"),
            pl.col("area_code").n_unique().cast(pl.Int32).alias("assistance_areas"),
            pl.col("area_code").min().alias("assistance_area_code"),
            pl.col("household_no").min().alias("assistance_household_no"),
            pl.col("monthly_amount").sum().alias("assistance_amount_fen"),
        )
    else:
        raise ValueError(code)
    return out.select("person_key", *(pl.col(c).cast(FACT_COLUMNS[c][0]) for c in ITEM_FACTS[code]))


def join_facts(base: pl.LazyFrame, facts: dict[str, pl.LazyFrame]) -> pl.LazyFrame:
    """The base persons with every item's facts, a missing record read as its empty value.

    Not a hash join per item (18 joins of the whole population): the base's keys are sorted
    once, each item's persons are found in them by binary search, and each fact column is
    scattered into a column of the base's length, so the base keeps its order.
    """
    codes = list(ITEM_FACTS)
    # Facts in key order: a binary search for keys in order is ten times one for keys at random.
    frames = pl.collect_all([base, *(facts[c].sort("person_key") for c in codes)], engine=ENGINE)
    people, n = frames[0], frames[0].height
    keys = people.get_column("person_key")
    order = keys.arg_sort()
    sorted_keys = keys.gather(order)

    def attached(frame: pl.DataFrame) -> list[pl.Series]:
        if n == 0:  # nobody in the base (no register delivered): empty columns, nothing to search
            return frame.drop("person_key").clear().get_columns()
        found = frame.get_column("person_key")
        at = sorted_keys.search_sorted(found, side="left").clip(0, n - 1)
        in_base = sorted_keys.gather(at) == found
        where = np.full(n, -1, dtype=np.int64)
        where[order.gather(at).filter(in_base).to_numpy()] = np.flatnonzero(in_base.to_numpy())
        index = pl.select(pl.when(pl.lit(where) >= 0).then(pl.lit(where))).to_series()
        return frame.drop("person_key").select(pl.all().gather(index)).get_columns()

    # the items one per thread: the searches and scatters hold one core each
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        columns = [c for cols in pool.map(attached, frames[1:]) for c in cols]
    return (
        people.hstack(columns)
        .lazy()
        .with_columns(
            pl.col(c).fill_null(pl.lit(empty, dtype)).cast(dtype)
            for c, (dtype, empty) in FACT_COLUMNS.items()
            if empty is not None
        )
    )


class KeyIndex:
    """A table (one row per key) made ready for lookups by key: sorted once, searched often."""

    def __init__(self, table: pl.DataFrame, key: str = "person_key", order: pl.Series | None = None):
        """``order``: the table's ``arg_sort`` by key, when the caller has it already."""
        self.values = table.drop(key)
        self.order = table.get_column(key).arg_sort() if order is None else order
        self.sorted_keys = table.get_column(key).gather(self.order)

    def gather(self, keys: pl.Series, order: pl.Series | None = None) -> pl.DataFrame:
        """The rows for each of ``keys`` in order, nulls where there is none or the key is null:
        a left join keeping the left side's order, by binary search (the keys searched in order,
        which is ten times faster than at random). ``order``: the keys' ``arg_sort``, for keys
        with no nulls, when the caller has it already."""
        n, size = keys.len(), self.values.height
        if size == 0 or n == 0:
            return self.values.clear(n)
        if order is not None:
            wanted_at, wanted, asked = pl.int_range(n, dtype=pl.UInt32, eager=True), keys, order
        else:
            wanted_at = keys.is_not_null().arg_true()
            wanted = keys.gather(wanted_at)
            asked = wanted.arg_sort()
        in_order = wanted.gather(asked)
        at = self.sorted_keys.search_sorted(in_order, side="left").clip(0, size - 1)
        hit = (self.sorted_keys.gather(at) == in_order).to_numpy()
        # the table row for each key asked, scattered back to where it was asked (O(n))
        where = np.full(n, -1, dtype=np.int64)
        where[wanted_at.gather(asked).to_numpy()[hit]] = self.order.gather(at).to_numpy()[hit]
        rows = pl.Series(where).set(pl.Series(where < 0), None)
        return self.values.select(pl.all().gather(rows))


def gather_by_key(keys: pl.Series, table: pl.DataFrame, key: str = "person_key") -> pl.DataFrame:
    """``table``'s row for each of ``keys`` (see ``KeyIndex.gather``)."""
    return KeyIndex(table, key).gather(keys)


def register_frame(rows: pl.LazyFrame) -> pl.LazyFrame:
    """The population register with the keys the joins use and the birth date from the ID."""
    return rows.select(
        "person_key", "household_no", "area_code", "hukou", "relation",
        "father_key", "mother_key",
        birth_date(pl.col("person_key")).alias("birth_date"),
    )  # fmt: skip


def all_item_facts(
    store: Path, month: date, keys: list[int] | None = None, known_on: date | None = None
) -> tuple[dict[str, pl.LazyFrame], pl.LazyFrame]:
    """Every item's facts per person (of ``keys`` only, if given) as delivered by ``known_on``
    (by default the last day before the month), and the register read the same way."""
    cutoff = known_on or as_of(month)

    def scan(code: str) -> pl.LazyFrame:
        rows = scan_item(store, code, cutoff)
        return rows.filter(pl.col("person_key").is_in(keys)) if keys is not None else rows

    return {code: item_facts(code, scan(code), month, cutoff) for code in ITEM_FACTS}, scan("household_registration")


def person_facts(store: Path, month: date, keys: list[int] | None = None, known_on: date | None = None) -> pl.LazyFrame:
    """The register (or, with ``keys``, just those persons) with every department's facts."""
    facts, register = all_item_facts(store, month, keys, known_on)
    return join_facts(register_frame(register), facts)
