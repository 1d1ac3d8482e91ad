"""Education aid for students of dibao and tekun families and for orphans (seed), POLICY.md §7.

- entrant aid (新生入学救助): a student of a dibao (or tekun, the reading in
  ``education_aid_families``) family admitted to a full-time bachelor's programme gets 5,000 yuan,
  to a junior-college or higher-vocational one 3,000 yuan, once, for the school year of admission;
- enrolled aid (在校救助): from the second school year to graduation, 1,000 yuan a school year
  while enrolled in such a programme;
- orphan aid (福彩圆梦·孤儿助学): an orphan aged 18 or over, enrolled full time in a bachelor's,
  junior-college, higher-vocational, secondary-vocational or master's programme, 10,000 yuan a
  school year.
One aid per student per school year: the highest of those the student meets, refused when the
student has been aided for that school year already. The school year begins on
``school_year_start`` (9-01); an entrant applying with the admission notice before that day
applies for the school year of admission. Amounts are the dated ``education_aid_amount``.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

import polars as pl

from safetynet.policy import rowplan
from safetynet.policy.errors import MESSAGES, FieldError, InputError, PolicyError
from safetynet.policy.household import _Collector
from safetynet.policy.money import fmt, to_fen
from safetynet.policy.parameters import value
from safetynet.policy.reasons import REASONS, explain, reason_codes
from safetynet.policy.tekun import ADULT_AGE

PROGRAMME = "education_aid"
LEVELS = ("bachelor", "junior_college", "higher_vocational", "secondary_vocational", "master")
LEVEL_ZH = {
    "bachelor": "本科",
    "junior_college": "专科",
    "higher_vocational": "高职",
    "secondary_vocational": "中职（中专）",
    "master": "硕士研究生",
}
ENTRANT_LEVELS = {"bachelor": "entrant_bachelor", "junior_college": "entrant_vocational",
                  "higher_vocational": "entrant_vocational"}  # fmt: skip
FAMILIES = ("dibao", "tekun", "none")
KINDS = ("orphan", "entrant_bachelor", "entrant_vocational", "enrolled")
KIND_ZH = {
    "orphan": "福彩圆梦·孤儿助学",
    "entrant_bachelor": "本科新生入学救助",
    "entrant_vocational": "专科（高职）新生入学救助",
    "enrolled": "在校生救助",
}
KIND_ENUM = pl.Enum(list(KINDS))
FIELDS = ("programme", "area", "applied_on", "born", "family", "orphan", "level", "admission_year",
          "school_year", "enrolled", "aided_this_school_year", "note")  # fmt: skip

# The document as users read it (the seed holds the city bureau's material on the projects).
AID_DOCUMENT = "济宁市民政局“民政领域困难家庭学生助学项目”材料"
_SEED = AID_DOCUMENT
REASONS.update(
    {
        "education.orphan": {
            "zh": "孤儿，年满 18 周岁，在{level_zh}就读，{school_year_zh}资助 {amount} 元",
            "en": "an orphan aged 18 or over enrolled in a {level} programme: {amount} yuan for the school year "
            "{school_year_label}",
            "basis": _SEED + "（福彩圆梦·孤儿助学工程）",
        },
        "education.entrant_bachelor": {
            "zh": "{family_zh}家庭学生，{admission_year} 年录取全日制本科，一次性新生入学救助 {amount} 元",
            "en": "a student of a {family} family admitted to a bachelor's programme in {admission_year}: "
            "a one-off entrant aid of {amount} yuan",
            "basis": _SEED + "（低保家庭大学生全程救助）",
        },
        "education.entrant_vocational": {
            "zh": "{family_zh}家庭学生，{admission_year} 年录取{level_zh}，一次性新生入学救助 {amount} 元",
            "en": "a student of a {family} family admitted to a {level} programme in {admission_year}: "
            "a one-off entrant aid of {amount} yuan",
            "basis": _SEED + "（低保家庭大学生全程救助）",
        },
        "education.enrolled": {
            "zh": "{family_zh}家庭学生，入学后第 {study_year} 学年在校，在校生救助 {amount} 元",
            "en": "a student of a {family} family in school year {study_year} of the programme: {amount} yuan",
            "basis": _SEED + "（低保家庭大学生全程救助：自入学第二年起至大学毕业每人每年1000元）",
        },
        "education.not_qualifying": {
            "zh": "不属低保、特困家庭的大学生，也不属年满 18 周岁在校就读的孤儿，不予助学",
            "en": "neither a university student of a dibao or tekun family nor an orphan of 18 or over in school",
            "basis": _SEED,
        },
        "education.not_enrolled": {
            "zh": "{school_year_zh}不在校就读，不予在校生救助",
            "en": "not enrolled in the school year {school_year_label}: no aid",
            "basis": _SEED,
        },
        "education.already_aided": {
            "zh": "{school_year_zh}已获助学，每人每学年一次",
            "en": "already aided for the school year {school_year_label}: once per student per school year",
            "basis": _SEED,
        },
    }
)
REASON_COLUMNS: dict[str, tuple[str, object]] = {
    "education.orphan": ("paid_kind", "orphan"),
    "education.entrant_bachelor": ("paid_kind", "entrant_bachelor"),
    "education.entrant_vocational": ("paid_kind", "entrant_vocational"),
    "education.enrolled": ("paid_kind", "enrolled"),
    "education.not_enrolled": ("kind_unenrolled", True),
    "education.not_qualifying": ("qualifies", False),
    "education.already_aided": ("refused_once", True),
}


MESSAGES.update(
    {
        "school_year_not_begun": {
            "zh": "{school_year} 学年尚未开始，不能申请：受理日期所在学年为 {current}"
            "（只有持录取通知书在入学当年 9 月 1 日前申请的新生，可申请入学当年开始的学年）",
            "en": "the school year {school_year} has not begun (the application date is in {current}); only an "
            "entrant with the admission notice before 1 September of the admission year applies ahead",
        },
    }
)


def school_year_of(day: date, area: str) -> int:
    """The school year ``day`` falls in, named by the year it begins (2022 = 2022-09-01 …)."""
    month, dom = (int(x) for x in value("school_year_start", area, day).split("-"))
    return day.year if (day.month, day.day) >= (month, dom) else day.year - 1


def school_year_label(year: int) -> str:
    return f"{year}-{year + 1}"


# The orphan's aid is paid "按月或季度" to the student's own card (seed, 福彩圆梦·孤儿助学工程):
# quarterly here, four parts in the first month of each quarter of the school year, so the money
# is there before the quarter's costs and 10,000.00 divides to the fen (monthly would not).
INSTALMENT_KINDS = {"orphan": 4}


def instalments(kind: str | None, school_year: int, area: str, amount_fen: int) -> list[tuple[date, int]]:
    """(first day of the month, fen) of each part of the aid of ``kind`` for ``school_year``; an
    empty list for a kind paid once. The parts sum to ``amount_fen`` exactly: any remainder of
    the division is on the last part."""
    parts = INSTALMENT_KINDS.get(kind or "", 0)
    if parts < 2 or amount_fen <= 0:
        return []
    month, _day = (int(x) for x in value("school_year_start", area, date(school_year, 1, 1)).split("-"))
    step = 12 // parts
    share, rest = divmod(amount_fen, parts)
    out = []
    for i in range(parts):
        n = month - 1 + i * step
        out.append((date(school_year + n // 12, n % 12 + 1, 1), share + (rest if i == parts - 1 else 0)))
    return out


@cache
def columns() -> list[list[pl.Expr]]:
    """Layers over a frame of applications: ``age`` (at the application), ``family``, ``orphan``,
    ``level``, ``study_year`` (1 = the school year of admission), ``enrolled``,
    ``aided_this_school_year``, ``families_ok`` and the amounts of each kind in fen."""
    level, study_year = pl.col("level"), pl.col("study_year")
    layer1 = [
        (pl.col("orphan") & (pl.col("age") >= ADULT_AGE) & level.is_in(LEVELS)).alias("orphan_kind"),
        (pl.col("families_ok") & (study_year == 1) & (level == "bachelor")).alias("entrant_bachelor_kind"),
        (pl.col("families_ok") & (study_year == 1) & level.is_in(("junior_college", "higher_vocational"))).alias(
            "entrant_vocational_kind"
        ),
        (pl.col("families_ok") & (study_year >= 2) & level.is_in(tuple(ENTRANT_LEVELS))).alias("enrolled_kind"),
    ]
    layer2 = [
        pl.any_horizontal("orphan_kind", "entrant_bachelor_kind", "entrant_vocational_kind", "enrolled_kind").alias(
            "qualifies"
        ),
        # The highest kind met; the orphan aid and the later years need the student enrolled.
        pl.when(pl.col("orphan_kind"))
        .then(pl.lit("orphan", KIND_ENUM))
        .when(pl.col("entrant_bachelor_kind"))
        .then(pl.lit("entrant_bachelor", KIND_ENUM))
        .when(pl.col("entrant_vocational_kind"))
        .then(pl.lit("entrant_vocational", KIND_ENUM))
        .when(pl.col("enrolled_kind"))
        .then(pl.lit("enrolled", KIND_ENUM))
        .alias("kind"),
    ]
    kind = pl.col("kind")
    needs_enrolment = kind.is_in(("orphan", "enrolled")).fill_null(False)
    layer3 = [
        (needs_enrolment & ~pl.col("enrolled")).alias("kind_unenrolled"),
        (pl.col("qualifies") & pl.col("aided_this_school_year")).alias("refused_once"),
    ]
    layer4 = [
        (pl.col("qualifies") & ~pl.col("kind_unenrolled") & ~pl.col("refused_once")).alias("eligible"),
    ]
    amount = (
        pl.when(kind == "orphan")
        .then(pl.col("orphan_fen"))
        .when(kind == "entrant_bachelor")
        .then(pl.col("entrant_bachelor_fen"))
        .when(kind == "entrant_vocational")
        .then(pl.col("entrant_vocational_fen"))
        .otherwise(pl.col("enrolled_fen"))
    )
    layer5 = [
        pl.when(pl.col("eligible")).then(kind).alias("paid_kind"),
        pl.when(pl.col("eligible")).then(amount).otherwise(0).alias("amount_fen"),
        amount.alias("kind_amount_fen"),
    ]
    return [layer1, layer2, layer3, layer4, layer5]


def assess_aid_frame(applications: pl.DataFrame) -> pl.DataFrame:
    return rowplan.run_frame(columns(), applications)


@cache
def _row_plan() -> tuple:
    return tuple(rowplan.compile_layer(layer) for layer in columns())


def decide_row(row: dict) -> dict:
    """The same rules on one row, through the compiled expressions."""
    return rowplan.run_row(columns, _row_plan, row)




def parse_application(data: Any) -> dict:
    c = _Collector()
    raw = c.obj(data, "", FIELDS) or {}
    area = c.area(raw.get("area"))
    applied_on = c.day(raw.get("applied_on"), "applied_on")
    born = c.day(raw.get("born"), "born")
    family = c.choice(raw.get("family", "none"), "family", FAMILIES)
    orphan = c.boolean(raw, "orphan", "", False)
    level = c.choice(raw.get("level"), "level", LEVELS)
    admission = c.integer(raw.get("admission_year"), "admission_year", 1950, 2100)
    school_year = raw.get("school_year")
    if school_year is not None:
        school_year = c.integer(school_year, "school_year", 1950, 2100)
    enrolled = c.boolean(raw, "enrolled", "", True)
    aided = c.boolean(raw, "aided_this_school_year", "", False)
    if c.errors:
        raise InputError(c.errors)
    area = str(area)
    if school_year is None:
        school_year = school_year_of(applied_on, area)
        if applied_on.year == admission and school_year < admission:
            school_year = admission  # the entrant applies with the admission notice before term
    if school_year < admission:
        raise InputError([FieldError("school_year", "range", low=admission, high=2100, value=school_year)])
    # A school year that has not begun is not applied for (the aid is for a year of study), save
    # the entrant's with the admission notice before 9-01 of the admission year (POLICY.md §7).
    current = school_year_of(applied_on, area)
    entrant_ahead = school_year == admission == applied_on.year and current < admission
    if school_year > current and not entrant_ahead:
        raise InputError([FieldError("school_year", "school_year_not_begun", school_year=school_year_label(school_year),
                                     current=school_year_label(current))])  # fmt: skip
    return {
        "area": area,
        "applied_on": applied_on,
        "born": born,
        "family": family,
        "orphan": orphan,
        "level": level,
        "admission_year": admission,
        "school_year": school_year,
        "enrolled": enrolled,
        "aided_this_school_year": aided,
    }


def _age(born: date, on: date) -> int:
    return max(on.year - born.year - ((on.month, on.day) < (born.month, born.day)), 0)


def application_row(app: dict) -> dict:
    on = app["applied_on"]
    amounts = value("education_aid_amount", app["area"], on)
    return {
        "age": _age(app["born"], on),
        "family": app["family"],
        "orphan": app["orphan"],
        "level": app["level"],
        "study_year": app["school_year"] - app["admission_year"] + 1,
        "enrolled": app["enrolled"],
        "aided_this_school_year": app["aided_this_school_year"],
        "families_ok": app["family"] in value("education_aid_families", app["area"], on),
        **{f"{k}_fen": to_fen(amounts[k]) for k in KINDS},
    }


def assess_aid(data: Any, lang: str = "zh") -> dict:
    """One application's decision as JSON: the kind, the amount, the school year and the reasons."""
    app = parse_application(data)
    try:
        row = decide_row(application_row(app))
    except PolicyError as exc:  # a date before the first amount known: named, never guessed
        raise InputError([FieldError("applied_on", exc.code, **exc.params)]) from exc
    label = school_year_label(app["school_year"])
    facts = {
        **row,
        "amount": fmt(row["kind_amount_fen"]),
        "level_zh": LEVEL_ZH[app["level"]],
        "family_zh": {"dibao": "低保", "tekun": "特困", "none": ""}[app["family"]],
        "admission_year": app["admission_year"],
        "school_year_label": label,
        "school_year_zh": f"{label} 学年",
    }
    return {
        "programme": PROGRAMME,
        "eligible": row["eligible"],
        "kind": row["kind"],
        "amount": fmt(row["amount_fen"]),
        "school_year": app["school_year"],
        "school_year_label": label,
        "study_year": row["study_year"],
        # The parts the amount is paid in (the orphan's aid, quarterly); empty: paid once.
        "instalments": [{"month": f"{m:%Y-%m}", "amount": fmt(f)}
                        for m, f in instalments(row["paid_kind"], app["school_year"], app["area"], row["amount_fen"])],
        "reasons": explain(reason_codes(row, REASON_COLUMNS), lang, facts, app["applied_on"]),
    }
