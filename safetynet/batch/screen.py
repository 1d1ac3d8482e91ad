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

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from safetynet.batch.facts import ENGINE, OFFICIAL_ROLES, KeyIndex, as_of, birth_date, gather_by_key, person_facts
from safetynet.policy.areas import all_areas
from safetynet.policy.assessment import assess_frames
from safetynet.policy.errors import PolicyError
from safetynet.policy.frames import INCOME_COLUMNS, MEMBER_SCHEMA
from safetynet.policy.idnumber import check_digit_expr
from safetynet.policy.money import fmt_expr
from safetynet.policy.obligors import able_obligor, income_line_fen, obligor_link
from safetynet.policy.rules import age_at_month

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
    "deceased", "covered_dibao", "covered_tekun", "disability_grade", "disability_kind", "payroll_role",
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
    area = pl.col("area_code").str.slice(0, 6).alias("_area")
    return (
        persons.with_columns(own, area)
        .join(
            _income_lines(month),
            left_on=["_area", "hukou"],
            right_on=["area", "hukou"],
            how="left",
            maintain_order="left",
        )
        .select(pl.col("person_key").alias("other_key"), *(pl.col(c).alias(f"other_{c}") for c in PAIR_FACTS))
    )


def pair_facts(pairs: pl.LazyFrame, persons: pl.LazyFrame, month: date) -> pl.LazyFrame:
    """Each pair with the relative's facts (a relative outside the register: none known)."""
    pairs_frame, table = pl.collect_all([pairs, relative_facts(persons, month)], engine=ENGINE)
    return pairs_frame.hstack(gather_by_key(pairs_frame.get_column("other_key"), table, "other_key")).lazy()


def link_flags(pairs: pl.DataFrame | pl.LazyFrame, month: date) -> pl.LazyFrame:
    """Per pair: is the relative an obligor able to support, an official (a caseworker or cadre)?

    A spouse and parents are obligors; children once adult (Civil Code Arts. 1059, 1067). The
    relative's age is read from their ID number, so one outside the register still counts.
    """
    o = pairs.lazy().with_columns(
        birth_date(pl.col("other_key")).alias("other_birth"), pl.lit(month).alias("month"),
        pl.col("other_deceased").fill_null(False).alias("deceased"),
        pl.col("other_covered_dibao").fill_null(False).alias("covered_dibao"),
        pl.col("other_covered_tekun").fill_null(False).alias("covered_tekun"),
        pl.col("other_disability_grade").alias("disability_grade"),
        pl.col("other_disability_kind").alias("disability_kind"),
        pl.col("other_own_income_fen").alias("own_income_fen"),
        pl.col("other_income_line_fen").alias("income_line_fen"),
    ).with_columns(age_at_month("other_birth").alias("age"))  # fmt: skip
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


def _income_lines(month: date) -> pl.LazyFrame:
    """The obligor income line of every area (by its village codes' first six digits) and hukou."""
    rows = [(a.code, h, income_line_fen(a.code, h, month)) for a in all_areas() for h in ("urban", "rural")]
    lines = pl.DataFrame(
        rows, schema={"area": pl.String, "hukou": pl.String, "income_line_fen": pl.Int64}, orient="row"
    )
    return lines.lazy()


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
    # one sort of the keys serves both looking the relatives up and each parent's children
    in_key_order = people.get_column("person_key").arg_sort()
    index = KeyIndex(flags.drop("able_as_child"), order=in_key_order)

    def relative(link: str) -> pl.DataFrame:
        keys = people.get_column(f"{link}_key")
        return index.gather(keys).with_columns(
            # a relative named but not in the register counts as able (nothing shows otherwise)
            pl.col("able_as_spouse_or_parent").fill_null(pl.lit(keys.is_not_null())).alias("able")
        )

    def children() -> pl.DataFrame:
        """Each parent's children, folded: any adult child able; the official with the lowest key."""
        with_own = people.select("father_key", "mother_key").hstack(
            flags.select("able_as_child", "official_key", "official_role")
        )
        kids = pl.concat([
            with_own.filter(pl.col(c).is_not_null()).select(pl.col(c).alias("parent_key"), "able_as_child",
                                                            "official_key", "official_role")
            for c in ("father_key", "mother_key")
        ])  # fmt: skip
        able_child = kids.group_by("parent_key").agg(pl.col("able_as_child").any().alias("able"))
        official_child = (
            kids.filter(pl.col("official_key").is_not_null())
            .sort("parent_key", "official_key")
            .group_by("parent_key", maintain_order=True)
            .agg(pl.col("official_key").first(), pl.col("official_role").first())
        )
        folded = able_child.join(official_child, on="parent_key", how="left")
        return KeyIndex(folded, "parent_key").gather(people.get_column("person_key"), order=in_key_order)

    # the four lookups are independent: one per thread
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        futures = {link: pool.submit(relative, link) for link in ("spouse", "father", "mother")}
        futures["children"] = pool.submit(children)
        looked = {link: future.result() for link, future in futures.items()}
    able = pl.Series("able_obligor", np.logical_or.reduce([f.get_column("able").fill_null(False).to_numpy()
                                                           for f in looked.values()]))  # fmt: skip
    # the official among the relatives: worked out only for the few who have one
    keys = pl.DataFrame({k: f.get_column("official_key") for k, f in looked.items()})
    some = keys.select(pl.any_horizontal(pl.all().is_not_null())).to_series().arg_true()
    keys = keys.gather(some)
    roles = pl.DataFrame({k: f.get_column("official_role").gather(some) for k, f in looked.items()})
    lowest = keys.select(pl.min_horizontal(pl.all())).to_series()
    role = roles.select(
        pl.coalesce(pl.when(pl.lit(keys.get_column(k)) == pl.lit(lowest)).then(pl.col(k)) for k in looked)
    ).to_series()
    numbers = pl.DataFrame({"k": lowest}).select(id_number_of(pl.col("k"))).to_series()

    def spread(values: pl.Series, name: str) -> pl.Series:  # a fresh column each: scatter writes in place
        return pl.repeat(None, people.height, dtype=pl.String, eager=True).scatter(some, values).alias(name)

    return people.with_columns(
        able, spread(numbers, "official_relative_id"), spread(role, "official_relative_role")
    ).lazy()


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
        households.select("household_id", "household_covered_dibao"), on="household_id", how="left",
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


def _rule_findings(hh: pl.DataFrame, m: pl.DataFrame) -> list[pl.DataFrame]:
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
        hh.filter(pl.col("dibao_eligible") & ~pl.col("household_any_covered") & ~pl.col("all_tekun")).select(
            pl.lit("missed_dibao").alias("kind"), *household_finding, pl.lit("dibao").alias("programme"),
            (income_line + assets_line + "：符合低保条件").alias("evidence"),
            pl.lit(f"{INCOME_SOURCES},{ASSET_SOURCES},assistance").alias("sources"),
        ),
        hh.filter(pl.col("edge_family") & ~pl.col("dibao_eligible") & ~pl.col("household_covered_dibao")).select(
            pl.lit("edge_family").alias("kind"), *household_finding, pl.lit("dibao").alias("programme"),
            (income_line + "，低于 " + fmt_expr(pl.col("edge_line_fen")) + "元（边缘家庭线）" + assets_line).alias("evidence"),
            pl.lit(f"{INCOME_SOURCES},{ASSET_SOURCES},assistance").alias("sources"),
        ),
        hh.filter(pl.col("household_covered_dibao") & ~pl.col("dibao_eligible")).select(
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
        m.filter(
            pl.col("tekun_eligible") & ~pl.col("covered_tekun") & ~pl.col("covered_dibao")
            & ~pl.col("household_covered_dibao")
        ).select(
            pl.lit("missed_tekun").alias("kind"), *_person(), pl.lit("tekun").alias("programme"),
            (own_income + "：符合特困条件").alias("evidence"), tekun_sources.alias("sources"),
        ),
        m.filter(pl.col("covered_tekun") & ~pl.col("tekun_eligible")).select(
            pl.lit("wrong_tekun").alias("kind"), *_person(), pl.lit("tekun").alias("programme"),
            (own_income + "：不再符合特困条件").alias("evidence"), tekun_sources.alias("sources"),
        ),
    ]  # fmt: skip
    return found


def _anomaly_findings(hh: pl.DataFrame | None, p: pl.DataFrame, found: list[pl.DataFrame], month: date) -> pl.DataFrame:
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
        .group_by("household_no").agg(pl.col("person_key").min().alias("hh_official_key"), pl.col("payroll_role").sort_by("person_key").first().alias("hh_official_role"))
    )  # fmt: skip
    on_rolls = on_rolls.join(official_in_household, on="household_no", how="left", maintain_order="left").with_columns(
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
            on_rolls.filter(condition).select(
                pl.lit(kind).alias("kind"),
                *_person(),
                programme,
                evidence.alias("evidence"),
                pl.lit(sources).alias("sources"),
            )
        )
    out = pl.concat([f.cast({k: v for k, v in FINDING_SCHEMA.items() if k != "month"}) for f in found])
    return (
        out.with_columns(pl.lit(month).alias("month"))
        .select(list(FINDING_SCHEMA))
        .sort("kind", "household_no", "id_number")
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
    screened (in ``area_prefix``). Facts and relatives are worked out for everyone at once (a
    relative may live in any household); the rules then run a slice of households at a time,
    which bounds memory."""
    step = progress or (lambda label: None)
    step("部门数据汇总到人")
    facts = person_facts(store, month, known_on=known_on).collect(engine=ENGINE)
    if facts.height == 0:
        # departments' data without the register: nobody to screen, say so rather than fail in a join
        raise PolicyError("no_register", cutoff=f"{known_on or as_of(month):%Y-%m-%d}", month=f"{month:%Y-%m}")
    step("义务人与亲属关联")
    persons = in_households(with_links(facts.lazy(), month).collect(engine=ENGINE)).drop("household_id")
    del facts
    step("按户适用政策规则")
    findings = [screen_persons(chunk, month) for chunk in household_chunks(persons)]
    step("完成")
    out = pl.concat(findings) if findings else pl.DataFrame(schema=FINDING_SCHEMA)
    screened = persons.height if not area_prefix else persons["area_code"].str.starts_with(area_prefix).sum()
    return out.sort("kind", "household_no", "id_number"), screened
