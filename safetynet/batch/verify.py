"""Checking declared households against the department data (核对): one at the window, or a batch.

The declared household and member frames (``policy.frames``) are checked against the facts the
feeds give for the same persons (``facts.person_facts``). The *verified* member frame is the
declared one with every fact a department reports replaced by what it reports (no record means
none: no deposit record is no deposit); facts no department reports (business, farming,
property and transfer income; care needs; obligors declared by name) stay as declared. Both
frames go through the same ``assess_frames``; the result is the decision impact per household
and a report of what was declared against what was found, item by item, with the department.
A member the public security office reports deceased is left out of the verified household.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NamedTuple

import polars as pl

from safetynet.batch import lookup
from safetynet.batch.facts import FACT_COLUMNS
from safetynet.batch.feed_items import DEPARTMENTS, ITEMS
from safetynet.policy.assessment import HOUSEHOLD_RESULT, MEMBER_RESULT, assess_frames
from safetynet.policy.money import fmt_expr

# What is compared: (report line, member column, items it comes from).
COMPARED: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("wage", "income_wage_fen", ("income_tax",)),
    ("pension", "income_pension_fen", ("pensions",)),
    ("pension_basic", "income_pension_basic_fen", ("pensions",)),
    ("unemployment_benefit", "income_unemployment_benefit_fen", ("unemployment",)),
    ("financial_assets", "financial_assets_fen", ("deposits", "securities", "insurance")),
    ("vehicles", "vehicles_ordinary", ("vehicles",)),
    ("dwellings", "dwellings", ("real_estate",)),
    ("businesses", "businesses", ("business",)),
    ("disability_grade", "disability_grade", ("disability",)),
)
LINE_LABELS = {
    "wage": "工资收入（月）", "pension": "养老金（计入部分，月）", "pension_basic": "城乡居民基础养老金（月）",
    "unemployment_benefit": "失业保险金（月）", "financial_assets": "金融资产", "vehicles": "机动车（辆）",
    "dwellings": "住房（套）", "businesses": "工商登记（户）", "disability_grade": "残疾等级",
    "deceased": "死亡登记", "public_payroll": "财政供养", "spouse": "登记配偶",
}  # fmt: skip
MONEY_LINES = {"wage", "pension", "pension_basic", "unemployment_benefit", "financial_assets"}
REPORT_SCHEMA = {
    "household_id": pl.Int64, "id_number": pl.String, "line": pl.String, "declared": pl.String, "found": pl.String,
    "differs": pl.Boolean, "items": pl.String, "departments": pl.String,
}  # fmt: skip
IMPACTS = {
    "still_eligible": "仍符合条件，金额不变",
    "amount_changes": "仍符合条件，金额变化",
    "no_longer_eligible": "不再符合条件",
    "newly_eligible": "核对后符合条件",
    "not_eligible": "申报与核对均不符合条件",
}


def departments_of(items: tuple[str, ...]) -> str:
    return "、".join(dict.fromkeys(DEPARTMENTS[ITEMS[i].department] for i in items))


def facts_for(store: Path, month: date, id_numbers: list[str], known_on: date | None = None) -> pl.DataFrame:
    """Each person's facts, whether or not the register lists them (a newcomer's feeds still count):
    from the month's facts snapshot when it holds what the deliveries say, else from the
    deliveries (``lookup.facts_of``)."""
    return lookup.facts_of(store, month, [int(n[:17]) for n in id_numbers], known_on)


def verified_members(members: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    """The declared members with what the departments report in place of what was declared."""
    keyed = members.with_columns(pl.col("id_number").str.slice(0, 17).cast(pl.Int64).alias("person_key"))
    joined = keyed.join(facts, on="person_key", how="left", suffix="_found", maintain_order="left")
    replaced = [
        pl.col(f"{col}_found").alias(col) if f"{col}_found" in joined.columns else pl.col(col).alias(col)
        for col in ("income_wage_fen", "income_pension_fen", "income_pension_basic_fen",
                    "income_unemployment_benefit_fen", "vehicles_ordinary", "vehicles_disability", "vehicles_farm",
                    "dwellings", "businesses", "disability_grade", "disability_kind")
    ]  # fmt: skip
    out = joined.with_columns(
        *replaced,
        (pl.col("deposits_fen") + pl.col("securities_fen") + pl.col("insurance_fen")).alias("financial_assets_fen"),
        (pl.col("serious_illness") | pl.col("serious_illness_found")).alias("serious_illness"),
    ).filter(~pl.col("deceased"))
    return out.select(members.columns).cast(members.schema)


# What a check keeps of each side's run of the rules (declared, and as the departments found): the
# result rows ``policy.assessment.result_json`` shapes into the answer, so that a case reads the
# check by its own programme (its part of that answer) without running the rules again. The month
# is the check's own; the household's number is the result's.
READING_HOUSEHOLD = tuple(c for c in HOUSEHOLD_RESULT if c not in ("household_id", "month"))
READING_MEMBER = tuple(c for c in MEMBER_RESULT if c != "household_id")


class Readings(NamedTuple):
    """The result rows of both sides: ``households`` and ``members``, each with ``household_id``
    (the declared frame's) and ``verified`` (False: as declared; True: as found)."""

    households: pl.DataFrame
    members: pl.DataFrame


def impact_expr(eligible: pl.Expr, amount: pl.Expr, eligible_found: pl.Expr, amount_found: pl.Expr) -> pl.Expr:
    """What a check means for a decision, declared against found (``IMPACTS``): one definition for
    the batch's households and for one case's programme reading (``verification.selectors``)."""
    return (
        pl.when(eligible & eligible_found)
        .then(pl.when(amount == amount_found).then(pl.lit("still_eligible")).otherwise(pl.lit("amount_changes")))
        .when(eligible)
        .then(pl.lit("no_longer_eligible"))
        .when(eligible_found)
        .then(pl.lit("newly_eligible"))
        .otherwise(pl.lit("not_eligible"))
    )


def verify_frames(
    households: pl.DataFrame, members: pl.DataFrame, store: Path, month: date, known_on: date | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(impact per household, report lines, the facts read) for declared frames in ``month``,
    with the data delivered by ``known_on`` (by default the last day before the month)."""
    impact, lines, facts, _ = check_frames(households, members, store, month, known_on)
    return impact, lines, facts


def check_frames(
    households: pl.DataFrame, members: pl.DataFrame, store: Path, month: date, known_on: date | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, Readings]:
    """``verify_frames`` with the readings of both sides (``Readings``)."""
    facts = facts_for(store, month, members["id_number"].to_list(), known_on)
    found = verified_members(members, facts)
    # Declared and verified households side by side in one run of the rules.
    offset = int(households["household_id"].max()) + 1
    both_hh = pl.concat([households, households.with_columns(pl.col("household_id") + offset)])
    both_m = pl.concat([members, found.with_columns(pl.col("household_id") + offset)])
    hh_result, m_result = assess_frames(both_hh, both_m, reasons=False)
    cols = ["household_id", "dibao_eligible", "dibao_amount_fen", "income_fen", "members"]
    declared = hh_result.filter(pl.col("household_id") < offset).select(cols)
    verified = (
        hh_result.filter(pl.col("household_id") >= offset).select(cols).with_columns(pl.col("household_id") - offset)
    )
    # a household whose every member is reported deceased has no verified row: nothing to pay
    impact = (
        declared.join(verified, on="household_id", how="left", suffix="_verified")
        .with_columns(
            pl.col("dibao_eligible_verified").fill_null(False),
            pl.col("dibao_amount_fen_verified").fill_null(0),
            pl.col("income_fen_verified").fill_null(0),
            pl.col("members_verified").fill_null(0),
        )
        .with_columns(
            impact_expr(pl.col("dibao_eligible"), pl.col("dibao_amount_fen"), pl.col("dibao_eligible_verified"),
                        pl.col("dibao_amount_fen_verified")).alias("impact")
        )
    )
    side = pl.col("household_id") >= offset
    keys = (pl.when(side).then(pl.col("household_id") - offset).otherwise(pl.col("household_id")).alias("household_id"),
            side.alias("verified"))  # fmt: skip
    readings = Readings(hh_result.select(*keys, *READING_HOUSEHOLD), m_result.select(*keys, *READING_MEMBER))
    return impact.sort("household_id"), report_lines(members, facts), facts, readings


def _shown(col: pl.Expr, line: str) -> pl.Expr:
    if line in MONEY_LINES:
        return fmt_expr(col)
    return col.cast(pl.String).fill_null("无")


def report_lines(members: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    """Declared against found, one line per member and item, with the departments."""
    m = members.with_columns(pl.col("id_number").str.slice(0, 17).cast(pl.Int64).alias("person_key")).join(
        facts.with_columns(
            (pl.col("deposits_fen") + pl.col("securities_fen") + pl.col("insurance_fen")).alias("found_financial")
        ),
        on="person_key",
        how="left",
        suffix="_found",
    )
    lines = []
    for line, col, items in COMPARED:
        found_col = "found_financial" if line == "financial_assets" else f"{col}_found"
        declared, found = pl.col(col), pl.col(found_col)
        lines.append(
            m.select(
                "household_id", "id_number", pl.lit(line).alias("line"), _shown(declared, line).alias("declared"),
                _shown(found, line).alias("found"), (declared.fill_null(-1) != found.fill_null(-1)).alias("differs"),
                pl.lit(",".join(items)).alias("items"), pl.lit(departments_of(items)).alias("departments"),
            )
        )  # fmt: skip
    extra = [
        ("deceased", pl.col("deceased"), pl.col("death_date").dt.strftime("%Y-%m-%d"), ("deaths",)),
        ("public_payroll", pl.col("payroll_role").is_not_null(), pl.col("payroll_employer"), ("public_payroll",)),
        ("spouse", pl.col("spouse_key").is_not_null(), pl.col("spouse_key").cast(pl.String), ("marriage",)),
    ]
    for line, flagged, found, items in extra:
        lines.append(
            m.filter(flagged).select(
                "household_id", "id_number", pl.lit(line).alias("line"), pl.lit("未申报").alias("declared"),
                found.alias("found"), pl.lit(line != "spouse").alias("differs"), pl.lit(",".join(items)).alias("items"),
                pl.lit(departments_of(items)).alias("departments"),
            )
        )  # fmt: skip
    out = pl.concat([f.cast(REPORT_SCHEMA) for f in lines])
    return out.sort("household_id", "id_number", "line")


assert set(FACT_COLUMNS) >= {c for _, c, _ in COMPARED if c != "financial_assets_fen"}
