"""Assessment of households for dibao and tekun: the batch entry point and the single case.

``assess_frames`` takes a household frame and a member frame and gives one result row per
household and one per member. ``assess`` parses one household's JSON-like input, decides it with
the very same expressions compiled once into functions of one row (``rowplan``; the Polars plan
if they cannot be) and shapes the answer the CLI and the API print.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from itertools import zip_longest
from typing import Any

import polars as pl

from safetynet.policy import dibao, frames, rowplan, tekun
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.frames import MEMBER_SCHEMA, household_frames, member_values, parameter_frame
from safetynet.policy.household import Household, parse_household
from safetynet.policy.money import fmt, ratio_to_yuan
from safetynet.policy.reasons import explain, reason_codes, reason_mask
from safetynet.policy.rules import sums_by_household


def _columns(*names: str, reasons: dict) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*names, *(column for column, _ in reasons.values())]))


# The result rows: figures the sentences show, and every decision column a reason is read from.
HOUSEHOLD_RESULT = _columns(
    "household_id", "area", "hukou", "month", "members", "dibao_standard_fen", "income_fen", "excluded_income_fen",
    "other_excluded_income_fen", "pension_basic_fen", "household_financial_assets_fen", "financial_limit_fen",
    "asset_months", "household_vehicles_ordinary", "max_vehicles", "household_dwellings", "max_dwellings",
    "household_businesses", "max_businesses", "edge_factor_num", "edge_factor_den", "edge_line_fen", "assets_ok",
    "family_eligible", "family_amount_fen", "edge_family", "single_count", "single_amount_fen", "dibao_eligible",
    "dibao_amount_fen",
    reasons=dibao.REASON_COLUMNS,
)  # fmt: skip
MEMBER_RESULT = _columns(
    "household_id", "member_no", "id_number", "age", "disability_grade", "disability_kind", "adl_unmet",
    "financial_assets_fen", "own_financial_limit_fen", "vehicles_ordinary", "dwellings", "businesses",
    "dibao_standard_fen", "tekun_elderly_age", "tekun_minor_age", "dibao_income_fen", "tekun_income_fen",
    "dibao_single_person", "dibao_single_amount_fen", "tekun_eligible", "basic_fen", "care_fen", "care_level",
    "tekun_amount_fen",
    reasons=tekun.REASON_COLUMNS,
)  # fmt: skip

# What the member stage keeps for the household totals and the result.
_MEMBER_STAGE = list(dict.fromkeys([
    *(c for c in MEMBER_RESULT if c not in ("dibao_single_person", "dibao_single_amount_fen")),
    "single_person_candidate", "single_person_candidate_fen", "dibao_excluded_income_fen", "income_pension_basic_fen",
]))  # fmt: skip


SMALL_FRAME = 64


@cache
def _household_reads() -> frozenset[str]:
    """The columns the household rules and the household result read."""
    rules = (e for layer in dibao.household_columns() for e in layer)
    return (frozenset(name for e in rules for name in e.meta.root_names()) | set(HOUSEHOLD_RESULT)) - {"household_id"}


def _in_household_order(frame: pl.DataFrame, *order: str) -> pl.LazyFrame:
    """The frame in household order, flagged sorted so that joins on ``household_id`` merge."""
    ids = frame.get_column("household_id")
    if ids.flags["SORTED_ASC"]:
        return frame.lazy()
    if not ids.is_sorted():
        frame = frame.sort(*order)
    return frame.lazy().with_columns(pl.col("household_id").set_sorted())


def assess_frames(
    households: pl.DataFrame, members: pl.DataFrame, engine: str = "in-memory", reasons: bool = True
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Decide every household and member; the one definition of the dibao and tekun rules.

    Both frames are taken in ``household_id`` order (sorted here if they are not), so every join
    on it is a merge. Each member row carries its household's parameters; household totals (and
    the household's own columns) are read at each household's last member; the household
    decision goes back to the members for the single-person route. With ``reasons``, each row
    also carries its reason codes as a mask (``dibao_reasons``, ``tekun_reasons``; read with
    ``reasons.codes_from_mask``); the single case reads them off the row instead. The in-memory
    engine is the default: faster than streaming on one household and on a million
    (benchmarks/assess.py).
    """
    params = parameter_frame(households)
    hh = _in_household_order(households, "household_id").join(
        params.lazy(), on=["area", "hukou", "month"], how="left", maintain_order="left"
    )
    # Each member row carries its household and the household's parameters; the household rows
    # keep those the household rules and the result read.
    household_columns = [c for c in (*households.columns, *params.columns) if c in _household_reads()]
    m = _in_household_order(members, "household_id", "member_no").join(
        hh, on="household_id", how="left", maintain_order="left"
    )
    # The programmes' member layers are independent of each other: run them side by side.
    for dibao_layer, tekun_layer in zip_longest(dibao.member_columns(), tekun.member_columns(), fillvalue=[]):
        m = m.with_columns(*dibao_layer, *tekun_layer)
    # Member rows are read twice (household totals, and the result): compute them once.
    m = m.select(pl.col(_MEMBER_STAGE), pl.col(household_columns).exclude(_MEMBER_STAGE)).cache()
    hh = sums_by_household(m, dibao.household_totals(), household_columns)
    for layer in dibao.household_columns():
        hh = hh.with_columns(layer)
    edge = hh.select(pl.col("household_id").set_sorted(), pl.col("edge_family"))
    m = m.join(edge, on="household_id", how="left", maintain_order="left")
    m = m.with_columns(dibao.member_result_columns())
    hh, m = hh.select(pl.col(HOUSEHOLD_RESULT)), m.select(pl.col(MEMBER_RESULT))
    if reasons:
        hh = hh.with_columns(reason_mask(dibao.REASON_COLUMNS).alias("dibao_reasons"))
        m = m.with_columns(reason_mask(tekun.REASON_COLUMNS).alias("tekun_reasons"))
    # For a handful of rows (the window's single case) planning costs more than it saves.
    optimizations = pl.QueryOptFlags() if households.height > SMALL_FRAME else pl.QueryOptFlags.none()
    hh_result, m_result = pl.collect_all([hh, m], engine=engine, optimizations=optimizations)
    return hh_result, m_result


def household_facts(row: dict) -> dict:
    """The figures the dibao sentences show, from a household result row."""
    return {
        **row,
        "standard_fen": row["dibao_standard_fen"],
        "per_capita_income": str(ratio_to_yuan(row["income_fen"], row["members"])),
        "edge_factor": Decimal(row["edge_factor_num"]) / Decimal(row["edge_factor_den"]),
        "financial_assets_fen": row["household_financial_assets_fen"],
        "vehicles_ordinary": row["household_vehicles_ordinary"],
        "dwellings": row["household_dwellings"],
        "businesses": row["household_businesses"],
    }


def member_facts(row: dict) -> dict:
    """The figures the tekun sentences show, from a member result row."""
    return {
        **row,
        "standard_fen": row["dibao_standard_fen"],
        "own_income_fen": row["tekun_income_fen"],
        "elderly_age": row["tekun_elderly_age"],
        "minor_age": row["tekun_minor_age"],
        "own_financial_assets_fen": row["financial_assets_fen"],
        "amount_fen": row["tekun_amount_fen"],
    }


def result_json(household: dict, members: list[dict], lang: str = "zh") -> dict:
    """The answer of the CLI and the API for one household's result rows."""
    month = household["month"]
    singles = [m for m in members if m["dibao_single_person"]]
    return {
        "area": household["area"],
        "month": f"{month:%Y-%m}",
        "hukou": household["hukou"],
        "dibao": {
            "eligible": household["dibao_eligible"],
            "monthly_amount": fmt(household["dibao_amount_fen"]),
            "family_amount": fmt(household["family_amount_fen"]),
            "standard": fmt(household["dibao_standard_fen"]),
            "members": household["members"],
            "household_income": fmt(household["income_fen"]),
            "per_capita_income": str(ratio_to_yuan(household["income_fen"], household["members"])),
            "edge_family": household["edge_family"],
            "single_person_members": [m["id_number"] for m in singles],
            "single_person_amounts": [
                {"id_number": m["id_number"], "monthly_amount": fmt(m["dibao_single_amount_fen"])} for m in singles
            ],
            "reasons": explain(reason_codes(household, dibao.REASON_COLUMNS), lang, household_facts(household), month),
        },
        "tekun": {
            "members": [
                {
                    "id_number": m["id_number"],
                    "eligible": m["tekun_eligible"],
                    "monthly_amount": fmt(m["tekun_amount_fen"]),
                    "basic": fmt(m["basic_fen"]),
                    "care": fmt(m["care_fen"]),
                    "care_level": m["care_level"],
                    "reasons": explain(reason_codes(m, tekun.REASON_COLUMNS), lang, member_facts(m), month),
                }
                for m in members
            ],
        },
    }


def assess_households(households: list[Household], lang: str = "zh") -> list[dict]:
    hh_frame, member_frame = household_frames(households)
    hh_rows, member_rows = assess_frames(hh_frame, member_frame, reasons=False)
    by_household: dict[int, list[dict]] = {}
    for row in member_rows.iter_rows(named=True):
        by_household.setdefault(row["household_id"], []).append(row)
    return [result_json(row, by_household[row["household_id"]], lang) for row in hh_rows.iter_rows(named=True)]


class _RowPlan:
    """``assess_frames``'s steps for one household, on dicts: the same expressions, compiled."""

    def __init__(self) -> None:
        self.member_layers = [
            rowplan.compile_layer([*d, *t])
            for d, t in zip_longest(dibao.member_columns(), tekun.member_columns(), fillvalue=[])
        ]
        self.sums = rowplan.compile_layer([e.alias(name) for name, e in dibao.household_sums().items()])
        self.household_layers = [rowplan.compile_layer(layer) for layer in dibao.household_columns()]
        self.member_result = rowplan.compile_layer(dibao.member_result_columns())

    def run(self, household: Household) -> tuple[dict, list[dict]]:
        """The household's result row and its members' (``HOUSEHOLD_RESULT``, ``MEMBER_RESULT``)."""
        hh = {
            "household_id": 0,
            **frames._parameter_row(household.area, household.hukou, household.month),
        }
        members = []
        for no, member in enumerate(household.members):
            row = dict(zip(MEMBER_SCHEMA, member_values(0, no, member), strict=True))
            row.update(hh)  # the join: the household's columns and parameters on each member
            for layer in self.member_layers:
                rowplan.run_layer(layer, row)
            members.append(row)
        # The household totals: a sum over the members of each total's expression (Int64).
        for name, fn in self.sums:
            values = [fn(row) for row in members]
            if None in values:
                raise rowplan.Fallback(name)
            hh[name] = sum(int(v) for v in values)
        for layer in self.household_layers:
            rowplan.run_layer(layer, hh)
        for row in members:
            row["edge_family"] = hh["edge_family"]
            rowplan.run_layer(self.member_result, row)
        return {c: hh[c] for c in HOUSEHOLD_RESULT}, [{c: row[c] for c in MEMBER_RESULT} for row in members]


@cache
def _row_plan() -> _RowPlan | None:
    try:
        return _RowPlan()
    except rowplan.Unsupported:  # tests/test_rowplan.py fails on this; the answer stays right
        return None


def assess_one(household: Household) -> tuple[dict, list[dict]]:
    """One household's result rows, as ``assess_frames`` gives them for a one-household frame.

    The compiled expressions take about a tenth of the time of the Polars plan, whose cost for
    one row is nearly all fixed (benchmarks/assess.py); a household they cannot decide exactly
    goes through the plan.
    """
    plan = _row_plan()
    if plan is not None:
        try:
            return plan.run(household)
        except rowplan.Fallback:
            pass
    hh_frame, member_frame = household_frames([household])
    hh_rows, member_rows = assess_frames(hh_frame, member_frame, reasons=False)
    return hh_rows.row(0, named=True), list(member_rows.iter_rows(named=True))


def assess(payload: Any, month: str | None = None, lang: str = "zh") -> dict:
    """Decide one household given as parsed JSON; raises InputError naming the field on bad input.

    The input is validated first; a valid month that no standard covers yet (before the first
    date known) is reported on the month field.
    """
    household = parse_household(payload, month)
    try:
        return result_json(*assess_one(household), lang)
    except InputError:
        raise
    except PolicyError as exc:
        raise InputError([FieldError("--month" if month else "month", exc.code, **exc.params)]) from None
