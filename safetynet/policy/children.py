"""Orphans and de-facto unsupported children (孤儿、事实无人抚养儿童), POLICY.md §7, 儿童-2019.

Each parent is in one state: present, dead (死亡), declared missing (宣告失踪), or one of the
conditions of 儿童-2019 (severe disability, serious illness, serving a prison sentence,
compulsory drug rehabilitation, other restriction of liberty, failing the duty of support with a
record of it, out of contact).
- orphan: both parents dead or declared missing;
- de-facto unsupported child: both parents meet one of the conditions, or one does and the other
  is dead or declared missing.
The allowance is the local basic living allowance of the child's placement (concentrated in an
institution, dispersed), a dated parameter (儿童-2019: unsupported children at the orphans'
standard). It is paid to a minor (under 18, 民法典 Art. 17) and, from 18, while the person stays in
full-time study (the reading of 儿童-2019 written in docs/policy-engine.md). The rules are Polars
expressions over a frame of children, one row each; ``assess_child`` decides one at the window
with the same expressions compiled into row functions (``rowplan``).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

import polars as pl

from safetynet.policy import rowplan
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.household import _Collector, parse_month
from safetynet.policy.money import fmt, to_fen
from safetynet.policy.parameters import parameter, value
from safetynet.policy.reasons import DOCUMENTS, REASONS, cite, explain, reason_codes
from safetynet.policy.rules import age_at_month
from safetynet.policy.tekun import ADULT_AGE

PROGRAMMES = ("orphan", "unsupported_child")
PLACEMENTS = ("dispersed", "concentrated")
ABSENT = ("dead", "missing")  # 死亡、宣告失踪
CONDITIONS = (
    "severe_disability",  # 重残
    "serious_illness",  # 重病
    "imprisoned",  # 服刑在押
    "drug_rehabilitation",  # 强制隔离戒毒
    "restricted_liberty",  # 被执行其他限制人身自由的措施
    "support_failure",  # 不履行抚养义务（有记录）
    "out_of_contact",  # 失联
)
PARENT_STATES = ("present", *ABSENT, *CONDITIONS)
PARENT_STATE_ZH = {
    "present": "在世且能履行抚养义务",
    "dead": "死亡",
    "missing": "宣告失踪",
    "severe_disability": "重残",
    "serious_illness": "重病",
    "imprisoned": "服刑在押",
    "drug_rehabilitation": "强制隔离戒毒",
    "restricted_liberty": "被执行其他限制人身自由的措施",
    "support_failure": "不履行抚养义务（有记录）",
    "out_of_contact": "失联",
}
CATEGORY = pl.Enum(list(PROGRAMMES))
FIELDS = ("programme", "area", "month", "born", "placement", "full_time_study", "father", "mother", "note")

DOCUMENTS.setdefault("儿童-2019", "《关于进一步加强事实无人抚养儿童保障工作的意见》（民发〔2019〕62号）")
DOCUMENTS.setdefault("民法典", "《中华人民共和国民法典》")
# Why a child's allowance ends (the termination notice's cause, code -> Chinese, English): its own
# grounds, not dibao's (儿童-2019, 关于动态管理的规定: the parents' condition no longer met, the
# child adopted, dead or grown up; 18 and in full-time study:
# until the study ends). Moving away: the county that approved it no longer pays it.
EXIT_CAUSES: dict[str, tuple[str, str]] = {
    "adult_not_in_study": ("年满 18 周岁且不在全日制学校就读", "turned 18 and not in full-time study"),
    "study_ended": ("年满 18 周岁后全日制学校就读结束（毕业、退学）",
                    "over 18 and the full-time study ended (graduated or left school)"),
    "adopted": ("儿童被依法收养", "the child was adopted"),
    "parent_condition_ended": ("父母不再符合规定情形（刑满释放、解除强制隔离戒毒、重病重残治愈、失联父母被找到）",
                               "a parent's condition ended (released, out of rehabilitation, recovered, found)"),
    "died": ("儿童死亡", "the child died"),
    "moved_away": ("迁出本县（市、区）", "moved out of the county"),
    "other": ("其他", "other"),
}  # fmt: skip
EXIT_BASIS = ("儿童-2019", "关于动态管理的规定")
_DEFINITION = cite("儿童-2019", "关于保障对象的规定")
_STANDARD = cite("儿童-2019", "关于基本生活保障的规定（参照孤儿基本生活费标准）")
REASONS.update(
    {
        "children.orphan": {
            "zh": "父母双方均死亡或被宣告失踪（父亲：{father_zh}；母亲：{mother_zh}），属孤儿",
            "en": "both parents dead or declared missing (father: {father}; mother: {mother}): an orphan",
            "basis": _DEFINITION,
        },
        "children.unsupported": {
            "zh": "父母双方均符合重残、重病、服刑在押等情形之一，或一方符合、另一方死亡或失踪"
            "（父亲：{father_zh}；母亲：{mother_zh}），属事实无人抚养儿童",
            "en": "both parents meet one of the conditions, or one does and the other is dead or missing "
            "(father: {father}; mother: {mother}): a de-facto unsupported child",
            "basis": _DEFINITION,
        },
        "children.not_qualifying": {
            "zh": "父母情形（父亲：{father_zh}；母亲：{mother_zh}）不属孤儿或事实无人抚养儿童",
            "en": "the parents' states (father: {father}; mother: {mother}) make neither an orphan nor a de-facto "
            "unsupported child",
            "basis": _DEFINITION,
        },
        "children.minor": {
            "zh": "年龄符合：{age} 周岁，未满 18 周岁",
            "en": "the age qualifies: {age}, under 18",
            "basis": cite("民法典", "第十七条"),
        },
        "children.study_continues": {
            "zh": "{age} 周岁，年满 18 周岁后仍在全日制就读，继续保障",
            "en": "aged {age}: over 18 and still in full-time study, the allowance continues",
            "basis": _STANDARD,
        },
        "children.adult": {
            "zh": "{age} 周岁，年满 18 周岁且不在全日制就读，不再保障",
            "en": "aged {age}: 18 or over and not in full-time study, no allowance",
            "basis": _STANDARD,
        },
        "children.concentrated": {
            "zh": "机构集中养育，基本生活费 {standard} 元/月",
            "en": "raised in an institution: allowance {standard} yuan a month",
            "basis": _STANDARD,
        },
        "children.dispersed": {
            "zh": "社会散居，基本生活费 {standard} 元/月",
            "en": "living dispersed: allowance {standard} yuan a month",
            "basis": _STANDARD,
        },
        "children.eligible": {
            "zh": "纳入保障，每月 {amount} 元",
            "en": "supported: {amount} yuan a month",
            "basis": _STANDARD,
        },
    }
)

# reason code -> (decision column, value that gives it), in reading order.
REASON_COLUMNS: dict[str, tuple[str, object]] = {
    "children.orphan": ("category", "orphan"),
    "children.unsupported": ("category", "unsupported_child"),
    "children.not_qualifying": ("qualifies", False),
    "children.minor": ("minor", True),
    "children.study_continues": ("study_continues", True),
    "children.adult": ("past_age", True),
    "children.concentrated": ("paid_placement", "concentrated"),
    "children.dispersed": ("paid_placement", "dispersed"),
    "children.eligible": ("eligible", True),
}


@cache
def columns() -> list[list[pl.Expr]]:
    """The rules' layers over a frame with ``born``, ``month`` (dates), ``father``, ``mother``
    (parent states), ``placement``, ``full_time_study`` and the standards in fen."""
    father, mother = pl.col("father"), pl.col("mother")
    layer1 = [
        age_at_month("born", "month").alias("age"),
        father.is_in(ABSENT).alias("father_absent"),
        mother.is_in(ABSENT).alias("mother_absent"),
        father.is_in(CONDITIONS).alias("father_condition"),
        mother.is_in(CONDITIONS).alias("mother_condition"),
    ]
    # Each parent is absent or meets a condition: the child is one of the two categories.
    both_out = (pl.col("father_absent") | pl.col("father_condition")) & (
        pl.col("mother_absent") | pl.col("mother_condition")
    )
    age = pl.col("age")
    layer2 = [
        pl.when(pl.col("father_absent") & pl.col("mother_absent"))
        .then(pl.lit("orphan", CATEGORY))
        .when(both_out)
        .then(pl.lit("unsupported_child", CATEGORY))
        .alias("category"),
        both_out.alias("qualifies"),
        (age < ADULT_AGE).alias("minor"),
        ((age >= ADULT_AGE) & pl.col("full_time_study")).alias("study_continues"),
        ((age >= ADULT_AGE) & ~pl.col("full_time_study")).alias("past_age"),
    ]
    layer3 = [
        (pl.col("qualifies") & ~pl.col("past_age")).alias("eligible"),
        pl.when(pl.col("placement") == "concentrated")
        .then(pl.col("concentrated_fen"))
        .otherwise(pl.col("dispersed_fen"))
        .alias("standard_fen"),
    ]
    eligible = pl.col("eligible")
    layer4 = [
        pl.when(eligible).then(pl.col("standard_fen")).otherwise(0).alias("amount_fen"),
        pl.when(eligible).then(pl.col("placement")).alias("paid_placement"),
    ]
    return [layer1, layer2, layer3, layer4]


def assess_children_frame(children: pl.DataFrame) -> pl.DataFrame:
    """Decide a batch of children at once (one row each, the columns of ``columns``)."""
    return rowplan.run_frame(columns(), children)


@cache
def _row_plan() -> tuple:
    return tuple(rowplan.compile_layer(layer) for layer in columns())


def decide_row(row: dict) -> dict:
    """The same rules on one row, through the compiled expressions."""
    return rowplan.run_row(columns, _row_plan, row)


def standards_fen(area: str, month: date) -> dict[str, int]:
    return {f"{p}_fen": to_fen(value("children_allowance", area, month, placement=p)) for p in PLACEMENTS}




def parse_child(data: Any) -> dict:
    """The input checked: every problem at once as an InputError naming its field."""
    c = _Collector()
    raw = c.obj(data, "", FIELDS) or {}
    area = c.area(raw.get("area"))
    try:
        month = parse_month(raw.get("month"))
    except PolicyError:
        c.add("month", "month_format", value=raw.get("month"))
        month = None
    born = c.day(raw.get("born"), "born")
    placement = c.choice(raw.get("placement", "dispersed"), "placement", PLACEMENTS)
    study = c.boolean(raw, "full_time_study", "", False)
    father = c.choice(raw.get("father"), "father", PARENT_STATES)
    mother = c.choice(raw.get("mother"), "mother", PARENT_STATES)
    _raise(c)
    return {
        "area": str(area),
        "month": month,
        "born": born,
        "placement": placement,
        "full_time_study": study,
        "father": father,
        "mother": mother,
    }


def _raise(c: _Collector) -> None:
    if c.errors:
        raise InputError(c.errors)


def assess_child(data: Any, lang: str = "zh") -> dict:
    """One child's decision as JSON: category, whether the allowance is paid, the amount, reasons."""
    child = parse_child(data)
    try:
        standards = standards_fen(child["area"], child["month"])
    except PolicyError as exc:  # a month before the first standard known: named, never guessed
        raise InputError([FieldError("month", exc.code, **exc.params)]) from exc
    row = decide_row({**child, **standards})
    facts = {
        **row,
        "father_zh": PARENT_STATE_ZH[row["father"]],
        "mother_zh": PARENT_STATE_ZH[row["mother"]],
        "standard": fmt(row["standard_fen"]),
        "amount": fmt(row["amount_fen"]),
    }
    return {
        "programme": row["category"],
        "category": row["category"],
        "eligible": row["eligible"],
        "age": row["age"],
        "placement": row["placement"],
        "standard": fmt(row["standard_fen"]),
        "monthly_amount": fmt(row["amount_fen"]),
        "confirmed": parameter("children_allowance").entry_at(child["month"]).confirmed,
        "reasons": explain(reason_codes(row, REASON_COLUMNS), lang, facts, child["month"]),
    }
