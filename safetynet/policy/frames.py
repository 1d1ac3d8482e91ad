"""The frames the rules work on, and the parameters they need, as Polars frames.

A *household frame* has one row per household (``household_id``, ``area``, ``hukou``,
``month``); a *member frame* one row per member (``household_id``, ``member_no`` and the facts of
the person, money in integer fen). The rules never read Python objects: a single case at the
window and a city-wide batch are the same frames with one row or millions.

``parameter_frame`` looks the dated parameters up once per distinct (area, hukou, month), which
is a handful of rows even for a whole city, and the rules join it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache

import polars as pl

from safetynet.policy.areas import get_area
from safetynet.policy.household import INCOME_KINDS, Household, Member
from safetynet.policy.money import to_fen
from safetynet.policy.parameters import excludable_kinds, on_change, value

HOUSEHOLD_SCHEMA = {"household_id": pl.Int64, "area": pl.String, "hukou": pl.String, "month": pl.Date}

INCOME_COLUMNS = tuple(f"income_{kind}_fen" for kind in INCOME_KINDS)
MEMBER_SCHEMA = {
    "household_id": pl.Int64,
    "member_no": pl.Int32,
    "id_number": pl.String,
    "birth_date": pl.Date,
    "relation": pl.String,
    **{col: pl.Int64 for col in INCOME_COLUMNS},
    "financial_assets_fen": pl.Int64,
    "vehicles_ordinary": pl.Int32,
    "vehicles_disability": pl.Int32,
    "vehicles_farm": pl.Int32,
    "dwellings": pl.Int32,
    "businesses": pl.Int32,
    "disability_grade": pl.Int8,
    "disability_kind": pl.String,
    "serious_illness": pl.Boolean,
    "adl_unmet": pl.Int8,
    "able_obligor": pl.Boolean,
    "student": pl.Boolean,
    "supported_as_minor": pl.Boolean,
    "orphan_support": pl.Boolean,
}

_ROUNDING_UNITS = {"fen": 1, "jiao": 10, "yuan": 100}


def member_values(hid: int, no: int, m: Member) -> tuple:
    """One member's row of the member frame, in ``MEMBER_SCHEMA`` order."""
    return (
        hid,
        no,
        m.id_number,
        m.birth_date,
        m.relation,
        *(m.incomes.get(kind, 0) for kind in INCOME_KINDS),
        m.financial_assets_fen,
        m.vehicles.get("ordinary", 0),
        m.vehicles.get("disability", 0),
        m.vehicles.get("farm", 0),
        m.dwellings,
        m.businesses,
        m.disability_grade,
        m.disability_kind,
        m.serious_illness,
        m.adl_unmet,
        m.able_obligor,
        m.student,
        m.supported_as_minor,
        m.orphan_support,
    )


def household_frames(households: Iterable[Household], first_id: int = 0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The household and member frames of parsed households, numbered from ``first_id``."""
    hh_rows, member_rows = [], []
    for hid, hh in enumerate(households, start=first_id):
        hh_rows.append((hid, hh.area, hh.hukou, hh.month))
        member_rows.extend(member_values(hid, no, m) for no, m in enumerate(hh.members))
    sorted_ids = pl.col("household_id").set_sorted()  # numbered in order above
    return (
        pl.DataFrame(hh_rows, schema=HOUSEHOLD_SCHEMA, orient="row").with_columns(sorted_ids),
        pl.DataFrame(member_rows, schema=MEMBER_SCHEMA, orient="row").with_columns(sorted_ids),
    )


@cache
def _parameter_row(area: str, hukou: str, month) -> dict:
    """Every parameter the rules need, for one area, hukou and month (cached: never change the dict)."""
    dibao_standard = value("dibao_standard", area, month, hukou=hukou)  # first: the error users expect
    edge_num, edge_den = value("edge_family_factor", area, month).as_integer_ratio()
    rounding = value("dibao_amount_rounding", area, month)
    dibao_excluded = set(value("dibao_income_exclusions", area, month))
    tekun_excluded = set(value("tekun_income_exclusions", area, month))
    care = value("tekun_care_standard", area, month)
    return {
        "area": area,
        "hukou": hukou,
        "month": month,
        "tier": get_area(area).tier,
        "dibao_standard_fen": to_fen(dibao_standard),
        "tekun_basic_fen": to_fen(value("tekun_basic_standard", area, month, hukou=hukou)),
        "care_complete_fen": to_fen(care["complete"]),
        "care_partial_fen": to_fen(care["partial"]),
        "care_self_care_fen": to_fen(care["self_care"]),
        "edge_factor_num": edge_num,
        "edge_factor_den": edge_den,
        "asset_months": value("financial_asset_months", area, month),
        "max_vehicles": value("max_vehicles", area, month),
        "max_dwellings": value("max_dwellings", area, month),
        "max_businesses": value("max_registered_businesses", area, month),
        "rounding_unit_fen": _ROUNDING_UNITS[rounding["unit"]],
        "rounding_mode": rounding["mode"],
        "rounding_minimum_fen": to_fen(rounding["minimum"]),
        "tekun_elderly_age": value("tekun_elderly_age", area, month),
        "tekun_minor_age": value("tekun_minor_age", area, month),
        **{f"dibao_counts_{k}": k not in dibao_excluded for k in excludable_kinds("dibao_income_exclusions")},
        **{f"tekun_counts_{k}": k not in tekun_excluded for k in excludable_kinds("tekun_income_exclusions")},
    }


def parameter_frame(households: pl.DataFrame) -> pl.DataFrame:
    """One row of parameters per distinct (area, hukou, month) of the households.

    Raises the PolicyError of the first combination that has none (an unknown area, a month
    before the first known standard), naming it.
    """
    columns = [households.get_column(c) for c in ("area", "hukou", "month")]
    if households.height <= 64:  # cheaper in Python than as a query for the single case
        keys = set(zip(*(c.to_list() for c in columns), strict=True))
    else:
        keys = set(pl.DataFrame(columns).unique().iter_rows())
    return _parameter_frame(tuple(sorted(keys)))


def _clear_parameter_caches() -> None:
    _parameter_row.cache_clear()
    _parameter_frame.cache_clear()


@lru_cache(maxsize=256)
def _parameter_frame(keys: tuple[tuple, ...]) -> pl.DataFrame:
    """Cached by the combinations asked for: a window's single case asks for the same few."""
    schema = {"area": pl.String, "hukou": pl.String, "month": pl.Date}
    if not keys:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame([_parameter_row(*key) for key in keys], infer_schema_length=None).cast(schema)


on_change(_clear_parameter_caches)  # a value the office confirmed replaces what these rows hold
