"""Temporary assistance (临时救助), POLICY.md §6, as Polars expressions over the household frame.

Two kinds (临救-2018):
- ``emergency`` 急难型: fire, traffic accident, sudden serious illness or injury, other accident;
  the amount is months of the local monthly dibao standard (area tier, hukou, month) × the persons
  of the household, capped per event. Also the 2020 one-off for an uninsured unemployed person
  (cause ``unemployed``; seed, 通知-2020), a dated rule: months of the standard for one person.
- ``spending`` 支出型: rigid medical, education or basic-living spending; the amount is the
  spending less what insurance reimbursed, less other assistance, less what the household can
  bear (its counted income above standard × members, over ``temporary_bearable_months``), never
  below zero, capped per event; only for households under an income line (a multiple of the
  standard) and only for residents (临救-2014: people from elsewhere are helped in emergencies).
Every amount is further limited by the yearly cap less what the household was paid this year,
rounded down by ``temporary_amount_rounding`` (to the fen by default), and approved by the
township up to ``temporary_township_limit`` (3,000 yuan, seed, 汶上县), above it by the county.

The household's counted income and standard are the dibao rules' own (``assess_frames``), so
temporary assistance counts income exactly as dibao does. The event is one more frame, keyed by
``household_id``; ``assess_temporary_frames`` decides a batch of events at once, and
``assess_temporary`` one event at the window with the very same expressions compiled into
functions of one row (``rowplan``, as ``assessment.assess_one``). Every value is integer fen;
nothing is divided.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

import polars as pl

from safetynet.policy import rowplan
from safetynet.policy.assessment import assess, assess_frames, assess_one
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.frames import household_frames
from safetynet.policy.household import (
    HOUSEHOLD_FIELDS,
    INPUT_JSON_SCHEMA,
    Household,
    _Collector,
    parse_household,
    parse_month,
)
from safetynet.policy.money import fmt, ratio_to_yuan, to_fen
from safetynet.policy.months import add_months
from safetynet.policy.parameters import on_change, parameter, value
from safetynet.policy.reasons import explain, reason_codes, reason_mask

PROGRAMME = "temporary"
KINDS = ("emergency", "spending")
CAUSES = {
    "emergency": ("fire", "traffic", "illness", "accident", "unemployed"),
    "spending": ("medical", "education", "living"),
}
ALL_CAUSES = tuple(c for causes in CAUSES.values() for c in causes)
KIND_ZH = {"emergency": "急难型", "spending": "支出型"}
CAUSE_ZH = {
    "fire": "火灾",
    "traffic": "交通事故",
    "illness": "突发重大疾病或伤害",
    "accident": "其他意外事件",
    "unemployed": "2020 年未参保失业人员一次性救助",
    "medical": "医疗支出",
    "education": "教育支出",
    "living": "基本生活支出",
}
CAUSE_EN = {
    "fire": "fire",
    "traffic": "traffic accident",
    "illness": "sudden serious illness or injury",
    "accident": "other accident",
    "unemployed": "2020 one-off for the uninsured unemployed",
    "medical": "medical spending",
    "education": "education spending",
    "living": "basic living spending",
}

# The input: the household of ``safetynet assess`` and these.
TEMPORARY_FIELDS = ("programme", "event", "paid_this_year")
SPENDING_FIELDS = ("spending", "reimbursed", "other_assistance")
UNEMPLOYED_FIELDS = ("months_without_income", "unemployment_insurance", "in_dibao")
EVENT_FIELDS = (
    "kind", "cause", "occurred_on", *SPENDING_FIELDS, "from_elsewhere", *UNEMPLOYED_FIELDS, "person", "note",
)  # fmt: skip
MAX_MONTHS_WITHOUT_INCOME = 120


@dataclass(frozen=True)
class Event:
    """One hardship of one household, as the rules take it (money in integer fen)."""

    kind: str
    cause: str
    occurred_on: date
    spending_fen: int = 0
    reimbursed_fen: int = 0
    other_assistance_fen: int = 0
    from_elsewhere: bool = False  # neither a local hukou nor a local residence permit (临救-2014)
    months_without_income: int = 0
    unemployment_insurance: bool = False
    in_dibao: bool = False
    person: str | None = None  # the member it concerns (the one-off is paid to one person)
    paid_this_year_fen: int = 0  # temporary assistance the household received this calendar year


# ---------------------------------------------------------------------------------------------
# Input




def _month_of(raw: dict, month_override: str | None) -> date | None:
    try:
        return parse_month(month_override or raw.get("month"))
    except PolicyError:
        return None


def _money_or_zero(c: _Collector, data: dict, key: str, path: str) -> int | None:
    raw = data.get(key)
    return c.money("0.00" if raw is None else raw, path)


def _event(c: _Collector, raw: Any, month: date | None) -> dict | None:
    """The event's fields, checked; None when the event itself is missing or not an object."""
    if raw is None:
        c.add("event", "required")
        return None
    data = c.obj(raw, "event", EVENT_FIELDS)
    if data is None:
        return None
    kind = c.choice(data.get("kind"), "event.kind", KINDS)
    cause = c.choice(data.get("cause"), "event.cause", CAUSES[kind] if kind else ALL_CAUSES)
    occurred = c.day(data.get("occurred_on"), "event.occurred_on")
    if occurred and month and occurred >= add_months(month, 1):
        c.add("event.occurred_on", "event_after_month", occurred_on=occurred.isoformat(), month=f"{month:%Y-%m}")
    out: dict = {"kind": kind, "cause": cause, "occurred_on": occurred}
    if kind == "spending":
        spending = c.money(data.get("spending"), "event.spending")
        reimbursed = _money_or_zero(c, data, "reimbursed", "event.reimbursed")
        other = _money_or_zero(c, data, "other_assistance", "event.other_assistance")
        if spending is not None and reimbursed is not None and reimbursed > spending:
            c.add("event.reimbursed", "reimbursed_over_spending", reimbursed=fmt(reimbursed), spending=fmt(spending))
        out.update(spending_fen=spending, reimbursed_fen=reimbursed, other_assistance_fen=other)
    elif kind == "emergency":
        # An emergency is paid by the standard, not by a bill: amounts given here would be ignored.
        for key in SPENDING_FIELDS:
            if data.get(key) is not None:
                c.add(f"event.{key}", "not_accepted")
    if cause == "unemployed":
        months = data.get("months_without_income")
        if months is None:
            c.add("event.months_without_income", "required")
        else:
            out["months_without_income"] = c.integer(
                months, "event.months_without_income", 0, MAX_MONTHS_WITHOUT_INCOME
            )
        # Declared, never assumed: either answer decides the one-off.
        for key in ("unemployment_insurance", "in_dibao"):
            if data.get(key) is None:
                c.add(f"event.{key}", "required")
            else:
                out[key] = c.boolean(data, key, "event", False)
    elif cause is not None:
        for key in UNEMPLOYED_FIELDS:
            if data.get(key) is not None:
                c.add(f"event.{key}", "not_accepted")
    out["from_elsewhere"] = c.boolean(data, "from_elsewhere", "event", False)
    person = data.get("person")
    if person is not None and not isinstance(person, str):
        c.add("event.person", "type_string")
        person = None
    out["person"] = person.strip().upper() if person else None  # as ID numbers are kept: X upper case
    if data.get("note") is not None and not isinstance(data["note"], str):
        c.add("event.note", "type_string")
    return out


def parse_temporary(raw: Any, month_override: str | None = None) -> tuple[Household, Event]:
    """A validated household and its event, or an InputError listing every field that is wrong
    (the household's first, as ``safetynet assess`` names them, then the event's)."""
    if not isinstance(raw, dict):
        raise InputError([FieldError("", "type_object")])
    c = _Collector()
    known = (*HOUSEHOLD_FIELDS, *TEMPORARY_FIELDS)
    for key in raw:
        if key not in known:
            c.add(key, "unknown_field", known=", ".join(known))
    household: Household | None = None
    household_errors: list[FieldError] = []
    try:
        household = parse_household({k: v for k, v in raw.items() if k in HOUSEHOLD_FIELDS}, month_override)
    except InputError as exc:
        household_errors = exc.errors
    if "programme" in raw:
        c.choice(raw["programme"], "programme", (PROGRAMME,))
    month = household.month if household else _month_of(raw, month_override)
    event = _event(c, raw.get("event"), month)
    paid = _money_or_zero(c, raw, "paid_this_year", "paid_this_year")
    if event and household and event["person"] is not None:
        if event["person"] not in {m.id_number for m in household.members}:
            c.add("event.person", "event_person", value=event["person"])
    errors = household_errors + c.errors
    if errors:
        raise InputError(errors)
    assert household is not None and event is not None and paid is not None
    return household, Event(**{k: v for k, v in event.items() if v is not None}, paid_this_year_fen=paid)


# ---------------------------------------------------------------------------------------------
# Frames and parameters

EVENT_SCHEMA = {
    "household_id": pl.Int64,
    "kind": pl.String,
    "cause": pl.String,
    "occurred_on": pl.Date,
    "spending_fen": pl.Int64,
    "reimbursed_fen": pl.Int64,
    "other_assistance_fen": pl.Int64,
    "from_elsewhere": pl.Boolean,
    "months_without_income": pl.Int32,
    "unemployment_insurance": pl.Boolean,
    "in_dibao": pl.Boolean,
    "paid_this_year_fen": pl.Int64,
}
_EVENT_COLUMNS = tuple(c for c in EVENT_SCHEMA if c != "household_id")


def event_frame(events: Iterable[Event], first_id: int = 0) -> pl.DataFrame:
    """One row per event, numbered from ``first_id`` like ``household_frames`` numbers households."""
    rows = [(hid, *(getattr(e, c) for c in _EVENT_COLUMNS)) for hid, e in enumerate(events, start=first_id)]
    return pl.DataFrame(rows, schema=EVENT_SCHEMA, orient="row").with_columns(pl.col("household_id").set_sorted())


_ROUNDING_UNITS = {"fen": 1, "jiao": 10, "yuan": 100}


@cache
def _parameter_row(area: str, month: date) -> dict:
    """Every temporary-assistance parameter, for one area and month."""
    factor_num, factor_den = value("temporary_spending_income_factor", area, month).as_integer_ratio()
    rule = value("temporary_unemployed_2020", area, month)
    return {
        "area": area,
        "month": month,
        "emergency_months": int(value("temporary_emergency_months", area, month)),
        "emergency_cap_fen": to_fen(value("temporary_emergency_cap", area, month)),
        "spending_cap_fen": to_fen(value("temporary_spending_cap", area, month)),
        "yearly_cap_fen": to_fen(value("temporary_yearly_cap", area, month)),
        "township_limit_fen": township_limit_fen(area, month),
        "spending_factor_num": factor_num,
        "spending_factor_den": factor_den,
        "bearable_months": int(value("temporary_bearable_months", area, month)),
        "rounding_unit_fen": _ROUNDING_UNITS[value("temporary_amount_rounding", area, month)["unit"]],
        "unemployed_in_force": bool(rule["in_force"]),
        "unemployed_months": int(rule["months_of_standard"]),
        "unemployed_min_months": int(rule["months_without_income"]),
        "help_first_hours": int(value("temporary_help_first_hours", area, month)),
        "papers_limit": int(value("temporary_papers_limit", area, month)),
    }


_PARAMETER_SCHEMA = {
    "area": pl.String,
    "month": pl.Date,
    "unemployed_in_force": pl.Boolean,
    **{
        c: pl.Int64
        for c in (
            "emergency_months", "emergency_cap_fen", "spending_cap_fen", "yearly_cap_fen", "township_limit_fen",
            "spending_factor_num", "spending_factor_den", "bearable_months", "rounding_unit_fen",
            "unemployed_months", "unemployed_min_months", "help_first_hours", "papers_limit",
        )
    },
}  # fmt: skip


@lru_cache(maxsize=256)
def _parameter_frame(keys: tuple[tuple[str, date], ...]) -> pl.DataFrame:
    rows = [_parameter_row(*key) for key in keys]
    return pl.DataFrame(rows, schema=_PARAMETER_SCHEMA) if rows else pl.DataFrame(schema=_PARAMETER_SCHEMA)


def parameter_frame(households: pl.DataFrame) -> pl.DataFrame:
    """One row of temporary-assistance parameters per distinct (area, month) of the households."""
    keys = households.select("area", "month").unique().sort("area", "month").iter_rows()
    return _parameter_frame(tuple(keys))


def _clear_caches() -> None:
    _parameter_row.cache_clear()
    _parameter_frame.cache_clear()
    township_limit_fen.cache_clear()
    unemployed_periods.cache_clear()


on_change(_clear_caches)  # a value the office confirmed replaces what these rows hold


# ---------------------------------------------------------------------------------------------
# The rules

# reason code -> (decision column, value that gives it), in reading order.
REASON_COLUMNS: dict[str, tuple[str, object]] = {
    "temporary.from_elsewhere": ("emergency_from_elsewhere", True),
    "temporary.spending_from_elsewhere": ("spending_from_elsewhere", True),
    "temporary.unemployed_2020_outside_period": ("unemployed_outside_period", True),
    "temporary.unemployed_insured": ("unemployed_insured", True),
    "temporary.unemployed_in_dibao": ("unemployed_in_dibao", True),
    "temporary.unemployed_short": ("unemployed_short", True),
    "temporary.unemployed_amount": ("unemployed_amount_shown", True),
    "temporary.emergency_amount": ("emergency_amount_shown", True),
    "temporary.spending_income_below_line": ("spending_under_line", True),
    "temporary.spending_income_over_line": ("spending_over_line", True),
    "temporary.spending_bearable": ("spending_bearable_shown", True),
    "temporary.spending_amount": ("spending_amount_shown", True),
    "temporary.spending_covered": ("spending_covered", True),
    "temporary.capped": ("capped_shown", True),
    "temporary.yearly_capped": ("yearly_capped", True),
    "temporary.yearly_cap_reached": ("yearly_cap_reached", True),
    "temporary.help_first": ("help_first_shown", True),
    "temporary.township_approval": ("township_approval_shown", True),
    "temporary.county_approval": ("county_approval_shown", True),
}


def needs_county(amount_fen: pl.Expr, limit_fen: pl.Expr) -> pl.Expr:
    """The one definition of who approves: the township up to its limit, inclusive ("3000元以下",
    seed; 以下 includes the number itself, 民法典 Art. 1259); above it, the county."""
    return amount_fen > limit_fen


@cache
def amount_columns() -> list[list[pl.Expr]]:
    """The decision, as successive layers of named columns over the household, event and
    parameter columns. Each layer reads only columns of earlier layers."""
    col = pl.col
    standard, members, income = col("dibao_standard_fen"), col("members"), col("income_fen")
    emergency, spending, unemployed = col("is_emergency"), col("is_spending"), col("is_unemployed")
    zero = pl.lit(0, pl.Int64)
    layer1 = [
        (col("kind") == "emergency").alias("is_emergency"),
        (col("kind") == "spending").alias("is_spending"),
        (col("cause") == "unemployed").alias("is_unemployed"),
        (standard * members).alias("threshold_fen"),
        (col("spending_factor_num") * standard // col("spending_factor_den")).alias("spending_line_fen"),
        pl.max_horizontal(col("yearly_cap_fen") - col("paid_this_year_fen"), zero).alias("yearly_left_fen"),
        pl.max_horizontal(col("spending_fen") - col("reimbursed_fen") - col("other_assistance_fen"), zero).alias(
            "uncovered_fen"
        ),
    ]
    layer2 = [
        pl.max_horizontal(income - col("threshold_fen"), zero).alias("excess_income_fen"),
        # income / members < factor × standard, cross-multiplied so that nothing is divided.
        (income * col("spending_factor_den") < col("spending_factor_num") * col("threshold_fen")).alias(
            "below_spending_line"
        ),
        pl.when(unemployed).then(pl.lit(1, pl.Int64)).otherwise(members).alias("persons"),
        pl.when(unemployed)
        .then(col("unemployed_months"))
        .otherwise(col("emergency_months"))
        .alias("months_of_standard"),
        pl.when(spending).then(col("spending_cap_fen")).otherwise(col("emergency_cap_fen")).alias("cap_fen"),
    ]
    layer3 = [
        pl.when(spending).then(col("excess_income_fen") * col("bearable_months")).otherwise(zero).alias("bearable_fen"),
        # Refusals, each its own column so that each gives its own reason.
        (spending & col("from_elsewhere")).alias("spending_from_elsewhere"),
        (spending & ~col("below_spending_line")).alias("spending_over_line"),
        (spending & col("below_spending_line")).alias("spending_under_line"),
        (unemployed & ~col("unemployed_in_force")).alias("unemployed_outside_period"),
        (unemployed & col("unemployment_insurance")).alias("unemployed_insured"),
        (unemployed & col("in_dibao")).alias("unemployed_in_dibao"),
        (unemployed & (col("months_without_income") < col("unemployed_min_months"))).alias("unemployed_short"),
        (emergency & col("from_elsewhere")).alias("emergency_from_elsewhere"),
    ]
    layer4 = [
        pl.when(spending)
        .then(pl.max_horizontal(col("uncovered_fen") - col("bearable_fen"), zero))
        .otherwise(standard * col("months_of_standard") * col("persons"))
        .alias("need_fen"),
        (spending & (col("uncovered_fen") <= col("bearable_fen"))).alias("spending_covered"),
    ]
    refusals = (
        "spending_from_elsewhere", "spending_over_line", "spending_covered", "unemployed_outside_period",
        "unemployed_insured", "unemployed_in_dibao", "unemployed_short",
    )  # fmt: skip
    layer5 = [
        (~pl.any_horizontal(refusals)).alias("conditions_met"),
        (col("need_fen") > col("cap_fen")).alias("capped"),
        pl.min_horizontal(col("need_fen"), col("cap_fen")).alias("within_cap_fen"),
    ]
    met = col("conditions_met")
    unit = col("rounding_unit_fen")
    layer6 = [
        (met & (col("within_cap_fen") > 0) & (col("yearly_left_fen") == 0)).alias("yearly_cap_reached"),
        (met & (col("within_cap_fen") > col("yearly_left_fen")) & (col("yearly_left_fen") > 0)).alias("yearly_capped"),
        # Rounded down, so that the amount stays within every cap.
        (pl.min_horizontal(col("within_cap_fen"), col("yearly_left_fen")) // unit * unit).alias("allowed_fen"),
    ]
    layer7 = [
        (met & (col("allowed_fen") > 0)).alias("temporary_eligible"),
    ]
    eligible = col("temporary_eligible")
    layer8 = [
        pl.when(eligible).then(col("allowed_fen")).otherwise(zero).alias("temporary_amount_fen"),
        (emergency & ~unemployed).alias("help_first"),
        (met & unemployed).alias("unemployed_amount_shown"),
        (met & emergency & ~unemployed).alias("emergency_amount_shown"),
        (spending & (col("bearable_fen") > 0)).alias("spending_bearable_shown"),
        (met & spending).alias("spending_amount_shown"),
        (met & col("capped")).alias("capped_shown"),
    ]
    county = needs_county(col("temporary_amount_fen"), col("township_limit_fen"))
    layer9 = [
        county.alias("county_approval"),
        (eligible & col("help_first")).alias("help_first_shown"),
        (eligible & ~county).alias("township_approval_shown"),
        (eligible & county).alias("county_approval_shown"),
    ]
    return [layer1, layer2, layer3, layer4, layer5, layer6, layer7, layer8, layer9]


_HOUSEHOLD_COLUMNS = ("household_id", "area", "hukou", "month", "members", "dibao_standard_fen", "income_fen")
RESULT_COLUMNS = tuple(dict.fromkeys([
    *_HOUSEHOLD_COLUMNS, *_EVENT_COLUMNS, "persons", "months_of_standard", "threshold_fen", "excess_income_fen",
    "bearable_fen", "bearable_months", "uncovered_fen", "spending_line_fen", "spending_factor_num",
    "spending_factor_den", "need_fen", "cap_fen", "yearly_cap_fen", "yearly_left_fen", "township_limit_fen",
    "unemployed_min_months", "help_first_hours", "papers_limit", "help_first", "temporary_eligible",
    "temporary_amount_fen", "county_approval",
    *(column for column, _ in REASON_COLUMNS.values()),
]))  # fmt: skip


def assess_temporary_frames(
    households: pl.DataFrame, members: pl.DataFrame, events: pl.DataFrame, reasons: bool = True
) -> pl.DataFrame:
    """Decide the event of every household: one result row per household.

    ``households`` and ``members`` are the frames of ``assess_frames`` (their counted income and
    standard come from the dibao rules); ``events`` has one row per household (``EVENT_SCHEMA``).
    With ``reasons``, each row carries its reason codes as a mask (``temporary_reasons``; read
    with ``reasons.codes_from_mask``).
    """
    hh, _members = assess_frames(households, members, reasons=False)
    plan = (
        hh.lazy()
        .select(_HOUSEHOLD_COLUMNS)
        .join(events.lazy(), on="household_id", how="left", maintain_order="left")
        .join(parameter_frame(hh).lazy(), on=["area", "month"], how="left", maintain_order="left")
    )
    for layer in amount_columns():
        plan = plan.with_columns(layer)
    plan = plan.select(RESULT_COLUMNS)
    if reasons:
        plan = plan.with_columns(reason_mask(REASON_COLUMNS).alias("temporary_reasons"))
    return plan.collect()


# ---------------------------------------------------------------------------------------------
# One case: the answer of the CLI and the API


@lru_cache(maxsize=1024)
def township_limit_fen(area_code: str, on: date) -> int:
    return to_fen(value("temporary_township_limit", area_code, on))


def approval_level(area_code: str, on: date, amount_fen: int) -> str:
    """``"township"`` when ``amount_fen`` is within the township limit of the area in force on
    ``on`` (3,000.00 yuan → township, 3,000.01 → county), else ``"county"``."""
    limit = township_limit_fen(area_code, on)
    county = pl.select(needs_county(pl.lit(amount_fen, pl.Int64), pl.lit(limit, pl.Int64))).item()
    return "county" if county else "township"


@cache
def unemployed_periods() -> tuple[tuple[date, date | None], ...]:
    """The periods in which the 2020 one-off is in force, from the dated rule's entries."""
    entries = parameter("temporary_unemployed_2020").entries
    periods = []
    for i, entry in enumerate(entries):
        if not entry.value["in_force"]:
            continue
        until = entries[i + 1].effective - timedelta(days=1) if i + 1 < len(entries) else None
        if periods and periods[-1][1] == entry.effective - timedelta(days=1):
            periods[-1] = (periods[-1][0], until)
        else:
            periods.append((entry.effective, until))
    return tuple(periods)


def _periods_text(lang: str) -> str:
    parts = []
    for start, until in unemployed_periods():
        if lang == "en":
            parts.append(f"from {start} to {until}" if until else f"from {start}")
        else:
            parts.append(f"{start} 至 {until}" if until else f"{start} 起")
    return ("、" if lang != "en" else ", ").join(parts) or "—"


def facts(row: dict, lang: str = "zh") -> dict:
    """The figures the temporary sentences show, from a result row."""
    return {
        **row,
        "standard_fen": row["dibao_standard_fen"],
        "amount_fen": row["temporary_amount_fen"],
        "per_capita_income": str(ratio_to_yuan(row["income_fen"], row["members"])),
        "spending_factor": Decimal(row["spending_factor_num"]) / Decimal(row["spending_factor_den"]),
        "min_months_without_income": row["unemployed_min_months"],
        "cause_zh": CAUSE_ZH.get(row["cause"], row["cause"]),
        "cause_en": CAUSE_EN.get(row["cause"], row["cause"]),
        "month_text": f"{row['month']:%Y-%m}",
        "periods": _periods_text(lang),
    }


def result_json(row: dict, event: Event, lang: str = "zh") -> dict:
    """The answer of ``safetynet assess --programme temporary`` and the API for one result row."""
    month = row["month"]
    amount = row["temporary_amount_fen"]
    return {
        "programme": PROGRAMME,
        "area": row["area"],
        "hukou": row["hukou"],
        "month": f"{month:%Y-%m}",
        "kind": row["kind"],
        "cause": row["cause"],
        "occurred_on": row["occurred_on"].isoformat(),
        "person": event.person,
        "eligible": row["temporary_eligible"],
        "amount": fmt(amount),
        "need": fmt(row["need_fen"]),
        "persons": row["persons"],
        "standard": fmt(row["dibao_standard_fen"]),
        "bearable": fmt(row["bearable_fen"]),
        "cap": fmt(row["cap_fen"]),
        "yearly_cap": fmt(row["yearly_cap_fen"]),
        "paid_this_year": fmt(row["paid_this_year_fen"]),
        "yearly_left": fmt(row["yearly_left_fen"]),
        "approval": "county" if row["county_approval"] else "township",
        "township_limit": fmt(row["township_limit_fen"]),
        "help_first": row["help_first"],
        "help_first_hours": row["help_first_hours"],
        "papers_limit": row["papers_limit"],
        "reasons": explain(reason_codes(row, REASON_COLUMNS), lang, facts(row, lang), month),
    }


def assess_events(cases: list[tuple[Household, Event]], lang: str = "zh") -> list[dict]:
    """Decide several events (each with its household) in one plan, in order."""
    hh_frame, member_frame = household_frames(h for h, _ in cases)
    rows = assess_temporary_frames(hh_frame, member_frame, event_frame(e for _, e in cases), reasons=False)
    return [result_json(row, event, lang) for row, (_, event) in zip(rows.iter_rows(named=True), cases, strict=True)]


@cache
def _row_layers() -> list | None:
    try:
        return [rowplan.compile_layer(layer) for layer in amount_columns()]
    except rowplan.Unsupported:  # tests/test_rowplan.py fails on this; the answer stays right
        return None


def assess_event(household: Household, event: Event) -> dict:
    """One event's result row, as ``assess_temporary_frames`` gives it for one household: the
    compiled expressions, or the Polars plan for what they cannot decide exactly."""
    layers = _row_layers()
    if layers is not None:
        try:
            household_row, _members = assess_one(household)
            row = {c: household_row[c] for c in _HOUSEHOLD_COLUMNS}
            row.update((c, getattr(event, c)) for c in _EVENT_COLUMNS)
            row.update(_parameter_row(household.area, household.month))  # the join on area and month
            for layer in layers:
                rowplan.run_layer(layer, row)
            return {c: row[c] for c in RESULT_COLUMNS}
        except rowplan.Fallback:
            pass
    hh_frame, member_frame = household_frames([household])
    return assess_temporary_frames(hh_frame, member_frame, event_frame([event]), reasons=False).row(0, named=True)


def assess_temporary(payload: Any, lang: str = "zh", month: str | None = None) -> dict:
    """Decide one household's event given as parsed JSON; raises InputError naming the field on
    bad input (``event.spending``), and on a month no standard covers yet (the month field)."""
    household, event = parse_temporary(payload, month)
    try:
        return result_json(assess_event(household, event), event, lang)
    except InputError:
        raise
    except PolicyError as exc:
        raise InputError([FieldError("--month" if month else "month", exc.code, **exc.params)]) from None


# One person's fields (policy.children, policy.education_aid), not a household: their own answers.
PERSON_PROGRAMMES = ("children", "education_aid")
PROGRAMMES = ("dibao", "tekun", PROGRAMME, *PERSON_PROGRAMMES)


def _person_programme(code: str):
    from safetynet.policy.children import assess_child
    from safetynet.policy.education_aid import assess_aid

    return {"children": assess_child, "education_aid": assess_aid}[code]


def assess_programme(payload: Any, programme: str | None = None, lang: str = "zh", month: str | None = None) -> dict:
    """The answer of ``safetynet assess`` and ``POST /api/v1/assessments`` for the programme asked
    (``--programme``) or declared in the input (``"programme"``): temporary assistance, or the
    one assessment that decides dibao and tekun together (without a programme, as before)."""
    declared = payload.get("programme") if isinstance(payload, dict) else None
    if (programme or declared) == PROGRAMME:
        return assess_temporary(payload, lang, month)
    if (programme or declared) in PERSON_PROGRAMMES:
        if programme and declared is not None and declared != programme:
            raise InputError([FieldError("programme", "choice", value=declared, choices=programme)])
        if month and isinstance(payload, dict) and programme == "children":
            payload = {**payload, "month": month}
        return _person_programme(programme or declared)(payload, lang)
    if isinstance(payload, dict) and "programme" in payload:
        if declared not in PROGRAMMES or (programme and declared != programme):
            allowed = programme or ", ".join(PROGRAMMES)
            raise InputError([FieldError("programme", "choice", value=declared, choices=allowed)])
        payload = {k: v for k, v in payload.items() if k != "programme"}
    return assess(payload, month=month, lang=lang)


# ---------------------------------------------------------------------------------------------
# The input as JSON Schema, for the OpenAPI document; built from the same lists the parser uses.

_MONEY_SCHEMA = {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "examples": ["1500.00"]}

EVENT_JSON_SCHEMA: dict = {
    "type": "object",
    "required": ["kind", "cause", "occurred_on"],
    "additionalProperties": False,
    "description": "the hardship: 急难型 emergency (fire, traffic, illness, accident; unemployed: the 2020 "
    "one-off) or 支出型 spending (medical, education, living)",
    "properties": {
        "kind": {"type": "string", "enum": list(KINDS)},
        "cause": {"type": "string", "enum": list(ALL_CAUSES), "description": "one of the causes of the kind"},
        "occurred_on": {"type": "string", "format": "date", "examples": ["2020-08-03"],
                        "description": "YYYY-MM-DD, not after the month decided"},
        "spending": {**_MONEY_SCHEMA, "description": "spending type only (required there): the rigid spending"},
        "reimbursed": {**_MONEY_SCHEMA, "default": "0.00",
                       "description": "spending type only: reimbursed by medical insurance and the like"},
        "other_assistance": {**_MONEY_SCHEMA, "default": "0.00",
                             "description": "spending type only: other assistance received for it"},
        "from_elsewhere": {"type": "boolean", "default": False,
                           "description": "neither a local hukou nor a local residence permit"},
        "months_without_income": {"type": "integer", "minimum": 0, "maximum": MAX_MONTHS_WITHOUT_INCOME,
                                  "description": "cause unemployed only (required there)"},
        "unemployment_insurance": {"type": "boolean", "description": "cause unemployed only (required there)"},
        "in_dibao": {"type": "boolean", "description": "cause unemployed only (required there)"},
        "person": {"type": "string", "description": "ID number of the member it concerns"},
        "note": {"type": "string"},
    },
}  # fmt: skip

TEMPORARY_INPUT_JSON_SCHEMA: dict = {
    **INPUT_JSON_SCHEMA,
    "title": "TemporaryInput",
    "required": [*INPUT_JSON_SCHEMA["required"], "programme", "event"],
    "properties": {
        **INPUT_JSON_SCHEMA["properties"],
        "programme": {"type": "string", "enum": [PROGRAMME]},
        "event": EVENT_JSON_SCHEMA,
        "paid_this_year": {**_MONEY_SCHEMA, "default": "0.00",
                           "description": "temporary assistance the household received this calendar year"},
    },
}  # fmt: skip

# One body for ``POST /api/v1/assessments``: the household, and for temporary assistance its event.
ASSESSMENT_INPUT_JSON_SCHEMA: dict = {
    **TEMPORARY_INPUT_JSON_SCHEMA,
    "title": "AssessmentInput",
    "required": INPUT_JSON_SCHEMA["required"],
    "description": "A household (dibao and tekun are decided together, as without a programme); with "
    '"programme": "temporary", also its event (required then) and paid_this_year.',
    "properties": {
        **TEMPORARY_INPUT_JSON_SCHEMA["properties"],
        "programme": {"type": "string", "enum": list(PROGRAMMES), "description": "default: dibao and tekun"},
        "event": {**EVENT_JSON_SCHEMA, "description": "temporary only (required there): " + EVENT_JSON_SCHEMA[
            "description"]},
        "paid_this_year": {**TEMPORARY_INPUT_JSON_SCHEMA["properties"]["paid_this_year"],
                           "description": "temporary only: assistance the household received this calendar year"},
    },
}  # fmt: skip
