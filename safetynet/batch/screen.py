"""Screening the whole population: who qualifies but is not covered (漏保), who is covered but
no longer qualifies (错保), and the anomaly rules of POLICY.md §9.

Three stages, each a function of frames, so that the local engine and Spark share them:

1. ``person_facts`` (``facts.py``): the register with every department's facts per person.
2. ``relatives`` joins each person to spouse, parents and children (across households), and
   ``link_flags`` decides per pair whether the relative is an obligor able to support
   (``policy.obligors``) or a caseworker or village cadre; ``link_summary`` folds them per person.
3. ``screen_persons`` takes whole households (any set of them: the city, a township, one Spark
   partition) and runs the policy's dibao and tekun rules on the verified facts, then the
   finding rules. Each finding names its evidence and the items (so departments) it rests on.

Households are as registered; a member already supported as tekun is assessed in the household
too (tekun is decided on the person's own means). "Missed" says "not covered": it is never said
of anyone already covered by either programme. A household with a member covered (dibao or
tekun) is not reported as missed for dibao, nor one all of whose members qualify for tekun; a
person covered by dibao (or living in a household that is) is not reported as missed for tekun
(moving them from dibao to tekun is the township's review, not a missed case).
"""

from __future__ import annotations

import functools
import operator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl

from safetynet.batch import month_facts
from safetynet.batch.facts import ENGINE, OFFICIAL_ROLES, age_at, as_of, birth_date, gather_by_key
from safetynet.batch.month_facts import RegisterIndex
from safetynet.policy.areas import all_areas
from safetynet.policy.assessment import assess_frames
from safetynet.policy.errors import PolicyError
from safetynet.policy.frames import INCOME_COLUMNS, MEMBER_SCHEMA, parameter_frame
from safetynet.policy.idnumber import check_digit_expr
from safetynet.policy.money import fmt_expr
from safetynet.policy.obligors import able_obligor, income_line_fen, obligor_link
from safetynet.policy.parameters import excludable_kinds

FINDING_KINDS: dict[str, tuple[str, str]] = {
    "missed_dibao": ("漏保：符合低保条件未纳入", "missed: qualifies for dibao, not covered"),
    "missed_tekun": ("漏保：符合特困条件未纳入", "missed: qualifies for tekun, not covered"),
    "edge_family": ("低保边缘家庭：纳入监测", "edge family: to monitor"),
    "wrong_dibao": ("错保：低保家庭不再符合条件", "wrongly covered: dibao household no longer qualifies"),
    "wrong_tekun": ("错保：特困人员不再符合条件", "wrongly covered: tekun person no longer qualifies"),
    "deceased": ("救助对象已死亡", "beneficiary deceased"),
    "owns_car": ("救助家庭有机动车", "beneficiary household owns a motor vehicle"),
    "owns_business": ("救助家庭有工商登记", "beneficiary household has a registered business"),
    "public_payroll": ("救助家庭成员为财政供养人员", "beneficiary household member on the public payroll"),
    "covered_twice": ("重复享受：两地或两项互斥救助", "covered twice: two areas or two exclusive programmes"),
    "official_relative": ("经办人员或村干部近亲属享受救助", "relative of a caseworker or village cadre"),
}
FINDING_SCHEMA = {
    "kind": pl.String,
    "household_no": pl.String,
    "id_number": pl.String,
    "area_code": pl.String,
    "programme": pl.String,
    "evidence": pl.String,
    "sources": pl.String,
    "month": pl.Date,
}
LINK_COLUMNS = {"able_obligor": pl.Boolean, "official_relative_id": pl.String, "official_relative_role": pl.String}
PAIR_FACTS = (
    "birth_date", "deceased", "covered_dibao", "covered_tekun", "disability_grade", "disability_kind", "payroll_role",
    "own_income_fen", "income_line_fen",
)  # fmt: skip
# An obligor's own income: everything the departments report that is paid to the person.
OWN_INCOME = ("income_wage_fen", "income_pension_fen", "income_pension_basic_fen", "income_unemployment_benefit_fen")
PAYROLL_ROLES = ("civil_servant", "public_institution", "caseworker")
ROLE_ZH = {"caseworker": "民政经办人员", "village_cadre": "村（居）干部"}


def relatives(persons: pl.LazyFrame) -> pl.LazyFrame:
    """(person, relative, link) for spouse, parents and children, across households."""
    spouse = persons.filter(pl.col("spouse_key").is_not_null()).select(
        "person_key", pl.col("spouse_key").alias("other_key"), pl.lit("spouse").alias("link")
    )
    parent_links = []
    for col in ("father_key", "mother_key"):
        has = persons.filter(pl.col(col).is_not_null())
        parent_links.append(has.select("person_key", pl.col(col).alias("other_key"), pl.lit("parent").alias("link")))
        parent_links.append(
            has.select(
                pl.col(col).alias("person_key"), pl.col("person_key").alias("other_key"), pl.lit("child").alias("link")
            )
        )
    return pl.concat([spouse, *parent_links])


def relative_facts(persons: pl.LazyFrame, month: date) -> pl.LazyFrame:
    """What the obligor rule reads of each person as someone's relative, keyed ``other_key``:
    the person's own income and the income line of their area and hukou."""
    own = pl.sum_horizontal(OWN_INCOME).alias("own_income_fen")
    return persons.with_columns(own, income_line(month, county_of(persons))).select(
        pl.col("person_key").alias("other_key"), *(pl.col(c).alias(f"other_{c}") for c in PAIR_FACTS)
    )


def county_of(persons: pl.LazyFrame | pl.DataFrame) -> pl.Expr:
    """The area's first six digits as a number (null if they are not digits): a ``county``
    column where the frame has one (the month's facts), else read off ``area_code``."""
    if "county" in persons.collect_schema():
        return pl.col("county")
    return pl.col("area_code").str.slice(0, 6).cast(pl.Int32, strict=False)


def income_line(month: date, county: pl.Expr) -> pl.Expr:
    """``income_line_fen`` of each person's area (``county``: its code's first six digits) and
    hukou; null for an area outside the city."""
    first, lines = _income_lines(month)
    at = (county - first) * 2 + (pl.col("hukou") != "urban").cast(pl.Int32)
    return pl.lit(lines).gather(pl.when((at >= 0) & (at < lines.len())).then(at)).alias("income_line_fen")


@lru_cache(maxsize=16)
def _income_lines(month: date) -> tuple[int, pl.Series]:
    """(the first area number, the income line of each area number from it on, urban then rural:
    null for a number that is no area of the city), looked up by position."""
    codes = {int(a.code): a.code for a in all_areas()}
    first, last = min(codes), max(codes)
    lines = [
        income_line_fen(codes[n], hukou, month) if n in codes else None
        for n in range(first, last + 1)
        for hukou in ("urban", "rural")
    ]
    return first, pl.Series("income_line_fen", lines, dtype=pl.Int64)


def pair_facts(pairs: pl.LazyFrame, persons: pl.LazyFrame, month: date) -> pl.LazyFrame:
    """Each pair with the relative's facts (a relative outside the register: none known)."""
    pairs_frame, table = pl.collect_all([pairs, relative_facts(persons, month)], engine=ENGINE)
    found = pairs_frame.hstack(gather_by_key(pairs_frame.get_column("other_key"), table, "other_key"))
    return outsiders_born(found.lazy())


def outsiders_born(pairs: pl.LazyFrame) -> pl.LazyFrame:
    """The birth date of a relative outside the register, read from their ID number as the
    register's are (``facts.register_frame``): their age still counts."""
    return pairs.with_columns(pl.col("other_birth_date").fill_null(birth_date(pl.col("other_key"))))


def link_flags(pairs: pl.DataFrame | pl.LazyFrame, month: date) -> pl.LazyFrame:
    """Per pair: is the relative an obligor able to support, an official (a caseworker or cadre)?

    A spouse and parents are obligors; children once adult (Civil Code Arts. 1059, 1067). The
    relative's age is read from their birth date, which every pair has: the register's, or one
    outside it read from their ID number (``outsiders_born``), so that their age still counts.
    """
    o = pairs.lazy().with_columns(
        age_at(pl.col("other_birth_date"), month),
        pl.col("other_deceased").fill_null(False).alias("deceased"),
        pl.col("other_covered_dibao").fill_null(False).alias("covered_dibao"),
        pl.col("other_covered_tekun").fill_null(False).alias("covered_tekun"),
        pl.col("other_disability_grade").alias("disability_grade"),
        pl.col("other_disability_kind").alias("disability_kind"),
        pl.col("other_own_income_fen").alias("own_income_fen"),
        pl.col("other_income_line_fen").alias("income_line_fen"),
    )  # fmt: skip
    obligor = obligor_link(pl.col("link"), pl.col("age"))
    official = pl.col("other_payroll_role").is_in(OFFICIAL_ROLES) & ~pl.col("deceased")
    return o.select(
        "person_key",
        "age",
        (obligor & able_obligor()).alias("able"),
        pl.when(official).then(pl.col("other_key")).alias("official_key"),
        pl.when(official).then(pl.col("other_payroll_role")).alias("official_role"),
    )


def id_number_of(key: pl.Expr) -> pl.Expr:
    """The ID number a key stands for: its 17 digits and their check digit."""
    first17 = key.cast(pl.String).str.zfill(17)
    return first17 + check_digit_expr(first17)


def link_summary(flags: pl.LazyFrame) -> pl.LazyFrame:
    """One row per person: any able obligor; the official among the relatives with the lowest key."""
    able = flags.group_by("person_key").agg(pl.col("able").any().alias("able_obligor"))
    officials = (
        flags.filter(pl.col("official_key").is_not_null())
        .sort("person_key", "official_key")
        .group_by("person_key", maintain_order=True)
        .agg(pl.col("official_key").first(), pl.col("official_role").first().alias("official_relative_role"))
        .select(
            "person_key", id_number_of(pl.col("official_key")).alias("official_relative_id"), "official_relative_role"
        )
    )
    return able.join(officials, on="person_key", how="left")


def with_links_by_pairs(persons: pl.LazyFrame, month: date) -> pl.LazyFrame:
    """Stage 2 as the Spark job runs it: every (person, relative) pair, judged and folded."""
    summary = link_summary(link_flags(pair_facts(relatives(persons), persons, month), month))
    people, folded = pl.collect_all([persons, summary], engine=ENGINE)
    return (
        people.hstack(gather_by_key(people.get_column("person_key"), folded))
        .lazy()
        .with_columns(pl.col("able_obligor").fill_null(False))
    )


def person_flags(persons: pl.LazyFrame, month: date) -> pl.LazyFrame:
    """What each person is as somebody's relative, judged once by the same ``link_flags``: able
    to support as a spouse or parent, able as a child (only once adult), official or not."""
    as_relative = relative_facts(persons, month).with_columns(
        pl.col("other_key").alias("person_key"), pl.lit("spouse").alias("link")
    )
    judged = link_flags(as_relative, month)  # as a spouse: no age condition
    return judged.select(
        "person_key",
        pl.col("able").alias("able_as_spouse_or_parent"),
        (pl.col("able") & obligor_link(pl.lit("child"), pl.col("age"))).alias("able_as_child"),
        "official_key",
        "official_role",
    )


def with_links(persons: pl.LazyFrame, month: date) -> pl.LazyFrame:
    """The local engine's stage 2, person by person rather than pair by pair (the same answers
    as ``with_links_by_pairs``, which Spark runs; tests compare them): each person is judged once
    as a relative, then each person looks up their spouse and parents, and each parent folds
    their children. A relative outside the register is not shown to be unable, nor an official."""
    people, flags = pl.collect_all([persons, person_flags(persons, month)], engine=ENGINE)
    index = RegisterIndex(people.get_column("person_key"))
    rows = {link: index.rows(people.get_column(f"{link}_key")) for link in RELATIVE_LINKS}
    able, officials = fold_links(flags, rows)
    return people.hstack([able, *spread_officials(officials, people.height)]).lazy()


RELATIVE_LINKS = ("spouse", "father", "mother")


def fold_links(flags: pl.DataFrame, rows: dict[str, pl.Series]) -> tuple[pl.Series, pl.DataFrame]:
    """``able_obligor`` of each person, and for the few with a caseworker or village cadre among
    their relatives the one with the lowest key (``person``: their row; ``official_relative_id``,
    ``official_relative_role``: ``spread_officials`` puts them on the rows), from everyone's
    ``person_flags`` (one row per person, in the persons' order) and the rows of each person's
    spouse, father and mother among them (``rows``: -1 for a relative not in the register, -2
    for none named, as ``month_facts`` keeps them). A parent's children are the persons whose
    father or mother row it is."""
    # each person as a relative in one byte: 1 able as a spouse or parent, 2 an official; then
    # nobody (row -2: 0) and a relative outside the register (row -1: 1, nothing shows they
    # cannot support), read by those negative rows from the end
    code = flags.get_column("as_relative") if "as_relative" in flags.columns else flags.select(AS_RELATIVE).to_series()
    code = pl.concat([code, pl.Series([0, 1], dtype=pl.Int8)], rechunk=True)
    relatives = pl.DataFrame(rows)
    found = functools.reduce(operator.or_, (pl.lit(code).gather(pl.col(link)) for link in rows))
    able_as_child = flags.get_column("able_as_child").fill_null(False)
    parents = [link for link in rows if link in ("father", "mother")]
    looked = pl.collect_all(
        [
            relatives.lazy().select(((found & 1) > 0).alias("able"), ((found & 2) > 0).alias("official")),
            # each parent with an adult child able
            *(relatives.lazy().select(pl.col(p).filter((pl.col(p) >= 0) & pl.lit(able_as_child))) for p in parents),
        ],
        engine=EVERYONE,
    )
    able = looked[0].get_column("able").rechunk()
    for with_able_child in looked[1:]:
        able.scatter(with_able_child.to_series(), True)
    # the officials, few: who has one, as which relative
    with_official = looked[0].get_column("official").arg_true()
    of_them = relatives.gather(with_official)
    officials = flags.get_column("official_key").is_not_null().arg_true()
    pairs = []
    for order, link in enumerate(rows):
        r = of_them.get_column(link)
        who = (code.gather(r) & 2) > 0
        pairs.append(pl.DataFrame({"person": with_official.filter(who), "relative": r.filter(who), "order": order}))
        if link in parents:  # each parent with an official child
            parent = rows[link].gather(officials)
            kept = parent >= 0
            pairs.append(
                pl.DataFrame({"person": parent.filter(kept), "relative": officials.filter(kept), "order": len(rows)})
            )
    # the official among the relatives with the lowest key: worked out only for the few who have one
    schema = {"person": pl.Int64, "relative": pl.Int64, "order": pl.Int32}
    found = pl.concat([p.cast(schema) for p in pairs])
    relative = found.get_column("relative")
    found = found.with_columns(
        flags.get_column("official_key").gather(relative).alias("key"),
        flags.get_column("official_role").gather(relative).alias("role"),
    )
    # ties (one official as two relatives) go to spouse, father, mother, then the children
    lowest = found.sort("person", "key", "order").group_by("person", maintain_order=True).first()
    officials = lowest.select(
        "person",
        id_number_of(pl.col("key")).alias("official_relative_id"),
        pl.col("role").cast(pl.String).alias("official_relative_role"),
    )
    return able.alias("able_obligor"), officials


# ``fold_links``' byte for each person as a relative, from ``person_flags`` (null: not shown unable)
AS_RELATIVE = (
    pl.col("able_as_spouse_or_parent").fill_null(True).cast(pl.Int8)
    | (pl.col("official_key").is_not_null().cast(pl.Int8) * 2)
).alias("as_relative")


def spread_officials(officials: pl.DataFrame, n: int, rows: pl.Series | None = None) -> list[pl.Series]:
    """``fold_links``' officials as two columns of ``n`` rows (the persons' rows; or, with ``rows``,
    the rows of those persons taken, in order, ``n`` of them), null where none."""
    at = officials.get_column("person")
    if rows is not None:  # each person's place among the rows taken (in order), if taken
        taken = rows.to_numpy()
        where = np.searchsorted(taken, at.to_numpy()).clip(0, max(len(taken) - 1, 0))
        kept = (taken[where] == at.to_numpy()) if len(taken) else np.zeros(at.len(), dtype=bool)
        officials, at = officials.filter(pl.Series(kept)), pl.Series(where[kept])
    return [
        pl.repeat(None, n, dtype=pl.String, eager=True).scatter(at, officials.get_column(c)).alias(c)
        for c in ("official_relative_id", "official_relative_role")
    ]


INCOME_SOURCES = "income_tax,pensions,unemployment"
ASSET_SOURCES = "deposits,securities,insurance,vehicles,real_estate,business"


def in_households(persons: pl.DataFrame) -> pl.DataFrame:
    """The persons with each household's rows together (as the register delivers them; sorted
    here only if they are not) and a ``household_id`` numbering the households in that order."""
    if not persons.get_column("household_no").is_sorted():
        persons = persons.sort("household_no", maintain_order=True)
    starts = pl.col("household_no") != pl.col("household_no").shift(1)
    return persons.with_columns(starts.fill_null(True).cum_sum().cast(pl.Int64).set_sorted().alias("household_id"))


def screen_persons(persons: pl.DataFrame, month: date) -> pl.DataFrame:
    """The findings over whole households of ``persons`` (stage 1 and 2 columns)."""
    if persons.height == 0:
        return pl.DataFrame(schema=FINDING_SCHEMA)
    areas = [a.code for a in all_areas()]
    p = persons.with_columns(pl.col("area_code").str.slice(0, 6).alias("area"))
    if not p.get_column("area").is_in(areas).all():  # persons registered outside the city's areas
        p = p.filter(pl.col("area").is_in(areas))
    if p.height == 0:
        return pl.DataFrame(schema=FINDING_SCHEMA)
    p = in_households(p)
    # The rules read only these; the anomaly rules read ``p`` for the few on the rolls.
    needed = [
        "household_id", "household_no", "area", "area_code", "hukou", "relation", "covered_dibao", "covered_tekun",
        "person_key", "birth_date", "able_obligor", "vehicles_ordinary", "vehicles_disability", "vehicles_farm",
        "dwellings", "businesses", "disability_grade", "disability_kind", "serious_illness", "deposits_fen",
        "securities_fen", "insurance_fen", *(c for c in INCOME_COLUMNS if c in p.columns),
    ]  # fmt: skip
    living = p.select(needed).filter(~p.get_column("deceased"))
    if living.height == 0:  # only the deceased: no rules to run, the anomaly rules still apply
        return _findings(None, None, p, month)
    row = pl.int_range(pl.len(), dtype=pl.Int32)
    first_row = pl.when(pl.col("household_id") != pl.col("household_id").shift(1).fill_null(-1)).then(row)
    living = living.with_columns((row - first_row.fill_null(strategy="forward")).alias("member_no"))
    # The household's hukou is the head's (the first member's where no head is registered).
    head_hukou = pl.col("hukou").filter(pl.col("relation") == "head").first()
    households = living.group_by("household_id", maintain_order=True).agg(
        pl.col("household_no").first(), pl.col("area").first(), pl.col("area_code").first(),
        pl.coalesce(head_hukou, pl.col("hukou").first()).alias("hukou"),
        pl.col("covered_dibao").any().alias("household_covered_dibao"),
        (pl.col("covered_dibao") | pl.col("covered_tekun")).any().alias("household_any_covered"),
    )  # fmt: skip
    hh_frame = households.select("household_id", "area", "hukou", pl.lit(month).alias("month"))
    zero = {c: pl.lit(0, pl.Int64) for c in INCOME_COLUMNS}
    members = living.select(
        "household_id", "member_no", pl.lit(None, pl.String).alias("id_number"), "birth_date", pl.col("relation"),
        *(pl.col(c) if c in living.columns else zero[c].alias(c) for c in INCOME_COLUMNS),
        (pl.col("deposits_fen") + pl.col("securities_fen") + pl.col("insurance_fen")).alias("financial_assets_fen"),
        "vehicles_ordinary", "vehicles_disability", "vehicles_farm", "dwellings", "businesses", "disability_grade",
        "disability_kind", "serious_illness", pl.lit(0).alias("adl_unmet"), "able_obligor",
        pl.lit(False).alias("student"), pl.lit(False).alias("supported_as_minor"), pl.lit(False).alias("orphan_support"),
    ).cast(MEMBER_SCHEMA)  # fmt: skip
    hh_result, m_result = assess_frames(hh_frame.cast({"month": pl.Date}), members, reasons=False)
    # Both results come back in the order they went in: household, then member.
    hh = households.hstack(hh_result.drop("household_id", "area", "hukou", "month"))
    m = living.hstack(m_result.select("tekun_eligible", "tekun_income_fen", "dibao_standard_fen", "age")).join(
        households.select("household_id", "household_covered_dibao"),
        on="household_id",
        how="left",
        maintain_order="left",
    )
    all_tekun = m.group_by("household_id", maintain_order=True).agg(
        (pl.col("tekun_eligible") | pl.col("covered_tekun")).all().alias("all_tekun")
    )
    hh = hh.join(all_tekun, on="household_id", how="left", maintain_order="left")
    return _findings(hh, m, p, month)


def _person() -> list[pl.Expr]:
    """The columns that say whom a person-level finding is about."""
    return [pl.col("household_no"), id_number_of(pl.col("person_key")).alias("id_number"), pl.col("area_code")]


def _findings(hh: pl.DataFrame | None, m: pl.DataFrame | None, p: pl.DataFrame, month: date) -> pl.DataFrame:
    found = [] if hh is None else _rule_findings(hh, m)
    return _anomaly_findings(hh, p, found, month)


def _rule_findings(hh: pl.DataFrame, m: pl.DataFrame) -> list[pl.LazyFrame]:
    per_capita = fmt_expr(pl.col("income_fen") // pl.col("members"))
    income_line = (
        pl.lit("核实家庭月收入 ") + fmt_expr(pl.col("income_fen")) + "元，" + pl.col("members").cast(pl.String) + "人，人均 "
        + per_capita + "元；保障标准 " + fmt_expr(pl.col("dibao_standard_fen")) + "元"
    )  # fmt: skip
    assets_line = (
        pl.lit("；金融资产 ") + fmt_expr(pl.col("household_financial_assets_fen")) + "元（上限 "
        + fmt_expr(pl.col("financial_limit_fen")) + "元），机动车 " + pl.col("household_vehicles_ordinary").cast(pl.String)
        + " 辆，住房 " + pl.col("household_dwellings").cast(pl.String) + " 套，工商登记 "
        + pl.col("household_businesses").cast(pl.String) + " 户"
    )  # fmt: skip
    household_finding = [pl.col("household_no"), pl.lit(None, pl.String).alias("id_number"), pl.col("area_code")]
    found = [
        hh.lazy().filter(pl.col("dibao_eligible") & ~pl.col("household_any_covered") & ~pl.col("all_tekun")).select(
            pl.lit("missed_dibao").alias("kind"), *household_finding, pl.lit("dibao").alias("programme"),
            (income_line + assets_line + "：符合低保条件").alias("evidence"),
            pl.lit(f"{INCOME_SOURCES},{ASSET_SOURCES},assistance").alias("sources"),
        ),
        hh.lazy().filter(pl.col("edge_family") & ~pl.col("dibao_eligible") & ~pl.col("household_covered_dibao")).select(
            pl.lit("edge_family").alias("kind"), *household_finding, pl.lit("dibao").alias("programme"),
            (income_line + "，低于 " + fmt_expr(pl.col("edge_line_fen")) + "元（边缘家庭线）" + assets_line).alias("evidence"),
            pl.lit(f"{INCOME_SOURCES},{ASSET_SOURCES},assistance").alias("sources"),
        ),
        hh.lazy().filter(pl.col("household_covered_dibao") & ~pl.col("dibao_eligible")).select(
            pl.lit("wrong_dibao").alias("kind"), *household_finding, pl.lit("dibao").alias("programme"),
            (income_line + assets_line + "：不再符合低保条件").alias("evidence"),
            pl.lit(f"{INCOME_SOURCES},{ASSET_SOURCES},assistance").alias("sources"),
        ),
    ]  # fmt: skip
    own_income = (
        pl.lit("本人核实月收入（计入部分）") + fmt_expr(pl.col("tekun_income_fen")) + "元，保障标准 " + fmt_expr(pl.col("dibao_standard_fen"))
        + "元，年龄 " + pl.col("age").cast(pl.String) + "，有赡养能力的义务人：" + pl.when(pl.col("able_obligor")).then(pl.lit("有")).otherwise(pl.lit("无"))
    )  # fmt: skip
    tekun_sources = pl.lit(f"{INCOME_SOURCES},{ASSET_SOURCES},disability,marriage,household_registration,assistance")
    found += [
        m.lazy().filter(
            pl.col("tekun_eligible") & ~pl.col("covered_tekun") & ~pl.col("covered_dibao")
            & ~pl.col("household_covered_dibao")
        ).select(
            pl.lit("missed_tekun").alias("kind"), *_person(), pl.lit("tekun").alias("programme"),
            (own_income + "：符合特困条件").alias("evidence"), tekun_sources.alias("sources"),
        ),
        m.lazy().filter(pl.col("covered_tekun") & ~pl.col("tekun_eligible")).select(
            pl.lit("wrong_tekun").alias("kind"), *_person(), pl.lit("tekun").alias("programme"),
            (own_income + "：不再符合特困条件").alias("evidence"), tekun_sources.alias("sources"),
        ),
    ]  # fmt: skip
    return found


def _anomaly_findings(hh: pl.DataFrame | None, p: pl.DataFrame, found: list[pl.LazyFrame], month: date) -> pl.DataFrame:
    """The anomaly rules: every member of a covered household, and every covered person."""
    covered_households = (
        pl.Series([], dtype=pl.Int64) if hh is None else hh.filter(pl.col("household_covered_dibao"))["household_id"]
    ).implode()
    on_rolls = p.filter(
        pl.col("household_id").is_in(covered_households) | pl.col("covered_dibao") | pl.col("covered_tekun")
    )
    programme = pl.when(pl.col("covered_tekun")).then(pl.lit("tekun")).otherwise(pl.lit("dibao")).alias("programme")
    official_in_household = (
        on_rolls.filter(pl.col("payroll_role").is_in(OFFICIAL_ROLES) & ~pl.col("deceased"))
        .group_by("household_id").agg(pl.col("person_key").min().alias("hh_official_key"), pl.col("payroll_role").sort_by("person_key").first().alias("hh_official_role"))
    )  # fmt: skip
    on_rolls = on_rolls.join(official_in_household, on="household_id", how="left", maintain_order="left").with_columns(
        pl.coalesce(
            pl.when(pl.col("hh_official_key") != pl.col("person_key")).then(id_number_of(pl.col("hh_official_key"))),
            pl.col("official_relative_id"),
            pl.when(pl.col("payroll_role").is_in(OFFICIAL_ROLES)).then(id_number_of(pl.col("person_key"))),
        ).alias("official_id"),
        pl.coalesce(
            pl.when(pl.col("hh_official_key") != pl.col("person_key")).then(pl.col("hh_official_role")),
            pl.col("official_relative_role"),
            pl.when(pl.col("payroll_role").is_in(OFFICIAL_ROLES)).then(pl.col("payroll_role")),
        ).alias("official_role"),
    )
    rules = [
        ("deceased", pl.col("deceased"), pl.lit("死亡日期 ") + pl.col("death_date").dt.strftime("%Y-%m-%d") + "（公安局死亡注销）", "deaths"),
        ("owns_car", ~pl.col("deceased") & (pl.col("vehicles_ordinary") > 0),
         pl.lit("登记机动车 ") + pl.col("vehicles_ordinary").cast(pl.String) + " 辆，号牌 " + pl.col("vehicle_plates") + " 等", "vehicles"),
        ("owns_business", ~pl.col("deceased") & (pl.col("businesses") > 0),
         pl.lit("存续工商登记 ") + pl.col("businesses").cast(pl.String) + " 户，统一社会信用代码 " + pl.col("business_codes") + " 等", "business"),
        ("public_payroll", ~pl.col("deceased") & pl.col("payroll_role").is_in(PAYROLL_ROLES),
         pl.lit("财政供养：") + pl.col("payroll_employer") + "（" + pl.col("payroll_role") + "）", "public_payroll"),
        ("covered_twice", (pl.col("assistance_areas") > 1) | (pl.col("covered_dibao") & pl.col("covered_tekun")),
         pl.lit("救助记录 ") + pl.col("assistance_records").cast(pl.String) + " 条，涉及 " + pl.col("assistance_areas").cast(pl.String)
         + " 个地区；低保：" + pl.col("covered_dibao").cast(pl.String) + "，特困：" + pl.col("covered_tekun").cast(pl.String), "assistance"),
        ("official_relative", pl.col("official_id").is_not_null() & (pl.col("relation") == "head"),
         pl.lit("本人或家庭成员、配偶、父母、子女中有") + pl.col("official_role").replace_strict(ROLE_ZH, default=pl.col("official_role"))
         + "：" + pl.col("official_id"), "public_payroll,household_registration,marriage"),
    ]  # fmt: skip
    for kind, condition, evidence, sources in rules:
        found.append(
            on_rolls.lazy()
            .filter(condition)
            .select(
                pl.lit(kind).alias("kind"),
                *_person(),
                programme,
                evidence.alias("evidence"),
                pl.lit(sources).alias("sources"),
            )
        )
    # every rule's findings in one query: Polars runs the rules side by side
    out = pl.concat([f.cast({k: v for k, v in FINDING_SCHEMA.items() if k != "month"}) for f in found])
    return (
        out.with_columns(pl.lit(month).alias("month"))
        .select(list(FINDING_SCHEMA))
        .sort("kind", "household_no", "id_number")
        .collect(engine=ENGINE)
    )


CHUNK_PERSONS = 1_000_000


def household_chunks(persons: pl.DataFrame, size: int = CHUNK_PERSONS) -> list[pl.DataFrame]:
    """Slices of about ``size`` persons that never split a household (persons in household order)."""
    numbers = persons.get_column("household_no")
    cuts, start = [], 0
    while start < persons.height:
        end = min(start + size, persons.height)
        while end < persons.height and numbers[end] == numbers[end - 1]:
            end += 1
        cuts.append(persons.slice(start, end - start))
        start = end
    return cuts


def screen_store(store: Path, month: date, known_on: date | None = None) -> pl.DataFrame:
    """The local engine: the whole city from the feed store, in one process."""
    return screen_store_counted(store, month, known_on=known_on)[0]


def screen_store_counted(
    store: Path, month: date, progress=None, known_on: date | None = None, area_prefix: str = ""
) -> tuple[pl.DataFrame, int]:
    """The whole city, reporting each stage (``progress(label)``); the findings and the persons
    screened (in ``area_prefix``).

    The engine reads the month's facts kept at import (``month_facts``; whatever is not current
    is made again first), works out everyone's obligors (a relative may live in any household),
    keeps the households where the rules could find something (``could_find``) and runs the rules
    on those, a slice of households at a time (at most ``CHUNK_PERSONS`` residents, which bounds
    memory). What only the rules read (``LATER``: assets, evidence) is read while the obligors
    are worked out."""
    step = progress or (lambda label: None)
    step("部门数据汇总到人")
    cutoff = known_on or as_of(month)
    for _ in range(3):  # a delivery imported while the facts were read: read them again
        target, _ = month_facts.ensure(store, month, cutoff)
        before = month_facts.signatures(target)
        found = _screen_facts(target, month, step, area_prefix)
        if month_facts.signatures(target) == before:
            return found
    raise RuntimeError("the month's facts kept changing while they were read")


def _screen_facts(target: Path, month: date, step, area_prefix: str) -> tuple[pl.DataFrame, int]:
    first = pl.collect_all(month_facts.scans(target, FIRST), engine=ENGINE)
    persons, households = pl.concat(first[:-2], how="horizontal"), pl.concat(first[-2:], how="horizontal")
    if persons.height == 0:
        # departments' data without the register: nobody to screen, say so rather than fail in a join
        raise PolicyError("no_register", cutoff=target.name.removeprefix("cutoff="), month=f"{month:%Y-%m}")
    step("义务人与亲属关联")
    with ThreadPoolExecutor(max_workers=2) as pool:
        on_rolls = pool.submit(on_rolls_or_poor, households, month)
        flags = person_flags(persons.lazy(), month).with_columns(AS_RELATIVE).collect(engine=EVERYONE)
        # the fold runs mostly on one core: what only the rules read is read beside it
        later = pool.submit(pl.collect_all, month_facts.scans(target, LATER, households=False), engine=ENGINE)
        able, officials = fold_links(flags, {link: persons.get_column(f"{link}_row") for link in RELATIVE_LINKS})
        del flags
        step("按户适用政策规则")
        chosen = on_rolls.result() | alone(persons, able, month)  # ``could_find``
        rest = pl.concat(later.result(), how="horizontal")
    linked = chosen_rows(persons, rest, households, able, officials, chosen)
    findings = [screen_persons(chunk, month) for chunk in household_chunks(linked)]
    step("完成")
    out = pl.concat(findings) if findings else pl.DataFrame(schema=FINDING_SCHEMA)
    area = rest.get_column("area_code")
    screened = area.len() if not area_prefix else int(area.cat.starts_with(area_prefix).sum())
    return out.sort("kind", "household_no", "id_number"), screened


# Polars' streaming engine for the queries over everyone's rows of the month's facts (read in
# many chunks): more than twice as fast there as the in-memory one (benchmarks/screen.py).
EVERYONE = "streaming"

# What the screening reads of the month's facts (``month_facts``), in two reads: first what the
# obligors and ``could_find`` need of everyone (the spouse as a row), then (``LATER``, read while
# those are worked out) what only the rules read, for the households they run on.
FIRST = {
    "register": ["person_key", "household", "county", "birth_date", "hukou", "father_row", "mother_row"],
    "deaths": ["deceased"],
    "marriage": ["spouse_row"],
    "income_tax": ["income_wage_fen"],
    "pensions": ["income_pension_fen", "income_pension_basic_fen"],
    "unemployment": ["income_unemployment_benefit_fen"],
    "public_payroll": ["payroll_role"],
    "disability": ["disability_kind", "disability_grade"],
    "assistance": ["covered_dibao", "covered_tekun"],
}
LATER = {
    name: [c for c in columns if c not in FIRST.get(name, ()) and c != "spouse_key"]
    for name, columns in {"register": ["area_code", "relation"], **month_facts.KEPT_ITEMS}.items()
}
LATER = {name: columns for name, columns in LATER.items() if columns}
READ = {name: FIRST.get(name, []) + LATER.get(name, []) for name in {**FIRST, **LATER}}


def chosen_rows(
    persons: pl.DataFrame,
    rest: pl.DataFrame,
    households: pl.DataFrame,
    able: pl.Series,
    officials: pl.DataFrame,
    chosen: np.ndarray,
) -> pl.DataFrame:
    """The rows of the chosen households (``chosen``: by household) as ``screen_persons`` takes
    them, from the two reads of the month's facts and ``fold_links``' answers; taken in one query
    by household, their places worked out from where each household starts and its size."""
    first_row = households.get_column("first_row").to_numpy()
    size = np.diff(first_row, append=persons.height)
    start, count = first_row[chosen], size[chosen]
    rows = np.repeat(start - np.cumsum(count) + count, count) + np.arange(count.sum())
    needed = [c for c in persons.columns if c not in ("county", "father_row", "mother_row", "spouse_row")]
    frame = pl.concat([persons.select(needed), rest], how="horizontal").with_columns(able)
    taken = frame.lazy().filter(pl.lit(pl.Series(chosen)).gather(pl.col("household"))).collect(engine=EVERYONE)
    return as_linked(taken, households, spread_officials(officials, len(rows), pl.Series(rows)))


def as_linked(persons: pl.DataFrame, households: pl.DataFrame, links: list[pl.Series]) -> pl.DataFrame:
    """Rows of the month's facts (with ``able_obligor``) as ``screen_persons`` takes them
    (``with_links``' columns; ``links``: the officials among the relatives)."""
    facts = [c for c in month_facts.KEPT if c in persons.columns]
    return persons.select(
        "person_key",
        households.get_column("household_no").gather(persons.get_column("household")).alias("household_no"),
        pl.col("area_code").cast(pl.String),
        pl.col("hukou").cast(pl.String),
        pl.col("relation").cast(pl.String),
        "birth_date",
        *(pl.col(c).cast(pl.String) if c in month_facts.CODED else pl.col(c) for c in facts),
        "able_obligor",
    ).hstack(links)


def could_find(persons: pl.DataFrame, households: pl.DataFrame, able: pl.Series, month: date) -> np.ndarray:
    """For each household (``household``: 0, 1, ... in the persons' order), whether the rules
    could find anything in it; the rules run only where they could. A household where they could
    not is one with

    - nobody covered: the findings about those on the rolls (错保 and the anomaly rules) need
      someone covered, and the others need someone not covered who qualifies: for dibao, the
      household eligible or an edge family (``missed_dibao``, ``edge_family``); for tekun, a
      member eligible (``missed_tekun``);
    - a counted income at or above the highest line any area's household of its size meets
      (``dibao``: eligible below the standard, an edge family below the factor times it, both
      times the members): counted income is all income less the kinds the month's parameters
      exclude (``rules.counted_income``), so at least the kinds no period excludes;
    - every living member with an obligor able to support, or an own income of the kinds tekun
      never excludes at or above the highest standard (``tekun``: eligible only without an able
      obligor and with an own counted income below the standard).

    The living members of the city's areas are those the rules count (``month_facts.living``).
    ``persons`` and ``households`` as ``month_facts.read`` gives them (the first two conditions
    read the households' sums kept at import); ``able``: each person's ``able_obligor``. The first
    two need no obligor, so the engine works them out while the obligors are
    (``on_rolls_or_poor``, ``alone``). ``tests/batch/test_month_facts.py`` runs the rules on every
    household of a poorer city and checks that the findings are the same."""
    return on_rolls_or_poor(households, month) | alone(persons, able, month)


def _lines(month: date) -> tuple[int, int]:
    """The highest line of dibao (the standard, or the edge family's factor times it) and of
    tekun (the standard) over the city's areas and both hukou, in fen per person."""
    codes = [a.code for a in all_areas()]
    params = parameter_frame(
        pl.DataFrame(
            {
                "area": codes * 2,
                "hukou": ["urban"] * len(codes) + ["rural"] * len(codes),
                "month": [month] * 2 * len(codes),
            }
        )  # fmt: skip
    )
    standard, num, den = (params.get_column(c) for c in ("dibao_standard_fen", "edge_factor_num", "edge_factor_den"))
    return max(standard.max(), ((num * standard + den - 1) // den).max()), standard.max()


def _counted_at_least(persons: pl.DataFrame, programme: str) -> pl.Expr:
    """An own income no month's parameters exclude any of: the kinds never excluded."""
    excludable = excludable_kinds(f"{programme}_income_exclusions")
    never = [c for c in INCOME_COLUMNS if c in persons.columns and c[len("income_") : -len("_fen")] not in excludable]
    return pl.sum_horizontal(pl.lit(0, pl.Int64), *never)


def on_rolls_or_poor(households: pl.DataFrame, month: date) -> np.ndarray:
    """``could_find``'s first two reasons, from each household's sums (``month_facts``): someone
    covered, or a counted income under the highest line."""
    dibao_line, _ = _lines(month)
    excludable = excludable_kinds("dibao_income_exclusions")
    never = [c for c in month_facts.INCOMES if c[len("income_") : -len("_fen")] not in excludable]
    short = households.select(
        (pl.sum_horizontal(pl.lit(0, pl.Int64), *never) < pl.col("members").cast(pl.Int64) * dibao_line)
        | pl.col("on_rolls")
    )
    return short.to_series().to_numpy().copy()


def alone(persons: pl.DataFrame, able: pl.Series, month: date) -> np.ndarray:
    """``could_find``'s third reason, by household: a living member without an able obligor and
    with an own income under the highest standard."""
    n_households = int(persons.get_column("household")[-1]) + 1 if persons.height else 0
    _, tekun_line = _lines(month)
    who = persons.lazy().select(
        pl.col("household").filter(
            month_facts.living() & ~pl.lit(able) & (_counted_at_least(persons, "tekun") < tekun_line)
        )
    )
    could = np.zeros(n_households, dtype=bool)
    could[who.collect(engine=EVERYONE).to_series().to_numpy()] = True
    return could
