"""The strong baseline: the screening written as SQL on DuckDB over the feed store's Parquet files.

    python benchmarks/duckdb_screen.py --store DIR [--month 2026-11] [--threads N] [--repeat 1]

What an analyst would write with a modern tool: DuckDB reads the store's files itself, each
department's rows are summed up per person, the register gets everyone's facts, each person's
relatives (spouse, parents, children) are judged as obligors and officials, then households and
members are decided and the findings listed with their evidence. The laws' *values* (standards,
limits, the income lines) come from the parameter files, as the pandas baseline reads them; the
rules are written here again in SQL, once: this is a second implementation, kept only to measure
against and to check the engine's findings (``tests/batch/test_duckdb_baseline.py`` asserts that
both give the same findings on a generated city, evidence included).

``duckdb_screen`` returns the findings with the columns of ``screen.FINDING_SCHEMA`` in the
order of ``screen.screen_store``. Run alone, the script times it beside ``screen_store`` on the
same store in this process and compares every finding (benchmarks/screen.py prints the ratio on
the sample and the full city).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

import polars as pl

from safetynet.batch.facts import OFFICIAL_ROLES, as_of, window
from safetynet.batch.feed_items import ITEMS
from safetynet.batch.feeds import store_schema
from safetynet.batch.screen import ASSET_SOURCES, FINDING_SCHEMA, INCOME_SOURCES, PAYROLL_ROLES, ROLE_ZH
from safetynet.policy.areas import all_areas
from safetynet.policy.frames import parameter_frame
from safetynet.policy.idnumber import CHECK_CHARS, WEIGHTS
from safetynet.policy.obligors import ADULT_AGE, DIBAO_ELDERLY_AGE, UNABLE_AGE, income_line_fen
from safetynet.policy.parameters import excludable_kinds

# The incomes the departments report (the other kinds are declared, never found).
INCOMES = ("wage", "pension", "pension_basic", "unemployment_benefit")


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _rows(con, store: Path, code: str, cutoff: date) -> str:
    """SQL for the rows of an item known on ``cutoff``, one version of each (as the store
    keeps them: the latest register; a monthly or snapshot key's latest delivery; events once)."""
    item = ITEMS[code]
    base = store / f"department={item.department}" / f"item={code}"
    deliveries = sorted(
        d for d in (p.name.removeprefix("delivery=") for p in base.glob("delivery=*")) if d <= f"{cutoff:%Y-%m-%d}"
    )
    if item.kind == "register":
        deliveries = deliveries[-1:]
    files = [str(f) for d in deliveries for f in sorted((base / f"delivery={d}").glob("*.parquet"))]
    if not files:
        con.register(f"empty_{code}", pl.DataFrame(schema=store_schema(item)).to_arrow())
        return f"SELECT *, 0 AS _file, 0::BIGINT AS _row, NULL::DATE AS _d FROM empty_{code}"
    listed = f"[{', '.join(_q(f) for f in files)}]"
    source = f"read_parquet({listed}, filename = true, file_row_number = true)"
    # where each row was in the delivery (the register's order), and on which day it was delivered
    delivered = "CAST(regexp_extract(filename, 'delivery=([0-9-]+)', 1) AS DATE)" if len(deliveries) > 1 else "NULL"
    rows = (f"SELECT * EXCLUDE (filename, file_row_number), list_position({listed}, filename) AS _file, "
            f"file_row_number AS _row, {delivered} AS _d FROM {source}")  # fmt: skip
    if len(deliveries) == 1:
        return rows
    if item.kind in ("monthly", "snapshot"):
        key = ", ".join("person_key" if k == "id_number" else k for k in item.key)
        return f"SELECT * FROM ({rows}) QUALIFY _d = max(_d) OVER (PARTITION BY {key})"
    if item.kind == "event":
        columns = ", ".join(store_schema(item))
        return f"SELECT {columns}, min(_file) AS _file, min(_row) AS _row FROM ({rows}) GROUP BY ALL"
    return rows


def _counted(programme: str, alias: str = "") -> str:
    """A member's counted income: every reported kind, less those the month excludes."""
    excludable = set(excludable_kinds(f"{programme}_income_exclusions"))
    terms = [
        f"CASE WHEN {alias}{programme}_counts_{k} THEN income_{k}_fen ELSE 0 END" if k in excludable
        else f"income_{k}_fen"
        for k in INCOMES
    ]  # fmt: skip
    return " + ".join(terms)


def _round(raw: str) -> str:
    """The amount rounding parameter (unit, mode, minimum) on a positive amount; 0 stays 0."""
    unit = "rounding_unit_fen"
    rounded = (
        f"CASE rounding_mode WHEN 'up' THEN fdiv({raw} + {unit} - 1, {unit}) * {unit} "
        f"WHEN 'down' THEN fdiv({raw}, {unit}) * {unit} ELSE fdiv({raw} + {unit} // 2, {unit}) * {unit} END"
    )
    return f"CASE WHEN {raw} <= 0 THEN 0 ELSE greatest({rounded}, rounding_minimum_fen) END"


def duckdb_screen(
    store: Path, month: date, known_on: date | None = None, threads: int | None = None, memory_limit: str | None = None
) -> pl.DataFrame:
    """The findings for ``month`` from the data delivered by ``known_on`` (by default the last
    day before the month), as ``screen.screen_store`` gives them."""
    import duckdb

    cutoff = known_on or as_of(month)
    first, last, months = window(month)
    # the order of rows is always asked for explicitly, so DuckDB need not keep it
    config = {"threads": threads or os.cpu_count() or 2, "preserve_insertion_order": False}
    con = duckdb.connect(config={**config, **(
        {"memory_limit": memory_limit} if memory_limit else {})})  # fmt: skip
    try:
        return _screen(con, store, month, cutoff, first, last, months)
    finally:
        con.close()


def _screen(con, store: Path, month: date, cutoff: date, first: date, last: date, months: int) -> pl.DataFrame:
    run = con.execute
    areas = [a.code for a in all_areas()]
    params = parameter_frame(
        pl.DataFrame({"area": areas * 2, "hukou": ["urban"] * len(areas) + ["rural"] * len(areas),
                      "month": [month] * (2 * len(areas))})
    )  # fmt: skip
    lines = pl.DataFrame(
        [(a, h, income_line_fen(a, h, month)) for a in areas for h in ("urban", "rural")],
        schema={"area": pl.String, "hukou": pl.String, "income_line_fen": pl.Int64}, orient="row",
    )  # fmt: skip
    con.register("params_in", params.to_arrow())
    con.register("lines_in", lines.to_arrow())
    run("CREATE TEMP TABLE params AS SELECT * FROM params_in")
    run("CREATE TEMP TABLE income_lines AS SELECT * FROM lines_in")
    on = month.year * 10000 + month.month * 100 + 1
    run("CREATE TEMP MACRO fdiv(a, b) AS (a - ((a % b) + b) % b) // b")  # floor division, as Python's
    run("CREATE TEMP MACRO yuan(fen) AS CAST(fdiv(fen, 100) AS VARCHAR) || '.' || "
        "lpad(CAST(((fen % 100) + 100) % 100 AS VARCHAR), 2, '0')")  # fmt: skip
    run(f"CREATE TEMP MACRO age_of(k) AS greatest(({on} - (k // 1000) % 100000000) // 10000, 0)")
    # an ID number from its key: the 17 digits and the check digit (ISO 7064 MOD 11-2)
    weighted = " + ".join(f"((k // {10 ** (16 - i)}) % 10) * {w}" for i, w in enumerate(WEIGHTS))
    run(
        f"CREATE TEMP MACRO id_of(k) AS lpad(CAST(k AS VARCHAR), 17, '0') || substr({_q(CHECK_CHARS)}, "
        f"CAST(1 + ({weighted}) % 11 AS INTEGER), 1)"
    )
    rows = {code: _rows(con, store, code, cutoff) for code in ITEMS}
    window_ = f"month BETWEEN DATE '{first}' AND DATE '{last}'"
    known = f"DATE '{cutoff}'"

    # 1. Each department's rows per person (only the facts the findings read).
    run(f"""
    CREATE TEMP TABLE facts AS
    WITH deaths AS (
        SELECT person_key, min(death_date) AS death_date FROM ({rows["deaths"]})
        WHERE death_date < DATE '{month}' GROUP BY person_key
    ), marriage AS (
        SELECT person_key, CASE WHEN status = 'married' THEN spouse_key END AS spouse_key
        FROM ({rows["marriage"]}) WHERE event_date <= {known}
        QUALIFY row_number() OVER (PARTITION BY person_key ORDER BY event_date DESC, status DESC, spouse_key DESC) = 1
    ), wages AS (
        SELECT person_key, fdiv(sum(greatest(wage_income - tax - personal_insurance, 0)), {months}) AS income_wage_fen
        FROM ({rows["income_tax"]}) WHERE {window_} GROUP BY person_key
    ), pensions AS (
        SELECT person_key, fdiv(sum(amount - central_basic), {months}) AS income_pension_fen,
               fdiv(sum(central_basic), {months}) AS income_pension_basic_fen
        FROM ({rows["pensions"]}) WHERE {window_} GROUP BY person_key
    ), unemployment AS (
        SELECT person_key, fdiv(sum(amount), {months}) AS income_unemployment_benefit_fen
        FROM ({rows["unemployment"]}) WHERE {window_} GROUP BY person_key
    ), deposits AS (SELECT person_key, sum(balance) AS deposits_fen FROM ({rows["deposits"]}) GROUP BY person_key
    ), securities AS (
        SELECT person_key, sum(market_value) AS securities_fen FROM ({rows["securities"]}) GROUP BY person_key
    ), insurance AS (
        SELECT person_key, sum(cash_value) AS insurance_fen FROM ({rows["insurance"]}) GROUP BY person_key
    ), vehicles AS (
        SELECT person_key, count(*) FILTER (WHERE vehicle_type IN ('car', 'truck', 'motorcycle')) AS vehicles_ordinary,
               min(plate) AS vehicle_plates
        FROM ({rows["vehicles"]}) WHERE registered_date <= {known} GROUP BY person_key
    ), homes AS (
        SELECT person_key, count(*) AS dwellings FROM ({rows["real_estate"]})
        WHERE use = 'residential' AND registered_date <= {known} GROUP BY person_key
    ), business AS (
        SELECT person_key, count(DISTINCT credit_code) AS businesses, min(credit_code) AS business_codes
        FROM ({rows["business"]}) WHERE status = 'active' AND registered_date <= {known} GROUP BY person_key
    ), payroll AS (
        SELECT person_key, role AS payroll_role, employer AS payroll_employer FROM ({rows["public_payroll"]})
        WHERE {window_}
        QUALIFY row_number() OVER (PARTITION BY person_key ORDER BY month DESC, employer DESC, role DESC, _file DESC,
                                   _row DESC) = 1
    ), disability AS (
        SELECT person_key, disability_kind, grade AS disability_grade FROM ({rows["disability"]})
        WHERE issued_date <= {known}
        QUALIFY row_number() OVER (PARTITION BY person_key ORDER BY issued_date DESC, grade, disability_kind) = 1
    ), medical AS (
        SELECT person_key, bool_or(serious_illness) AS serious_illness FROM ({rows["medical"]})
        WHERE {window_} GROUP BY person_key
    ), assistance AS (
        SELECT person_key, bool_or(programme = 'dibao') AS covered_dibao, bool_or(programme = 'tekun') AS covered_tekun,
               count(*) AS assistance_records, count(DISTINCT area_code) AS assistance_areas
        FROM ({rows["assistance"]}) WHERE since <= {known} GROUP BY person_key
    )
    SELECT r.person_key, r.household_no, r.area_code, r.hukou, r.relation,
           r.father_key, r.mother_key, r._file, r._row,
           d.person_key IS NOT NULL AS deceased, d.death_date, m.spouse_key,
           coalesce(w.income_wage_fen, 0) AS income_wage_fen,
           coalesce(p.income_pension_fen, 0) AS income_pension_fen,
           coalesce(p.income_pension_basic_fen, 0) AS income_pension_basic_fen,
           coalesce(u.income_unemployment_benefit_fen, 0) AS income_unemployment_benefit_fen,
           coalesce(dep.deposits_fen, 0) + coalesce(sec.securities_fen, 0) + coalesce(ins.insurance_fen, 0)
               AS financial_assets_fen,
           coalesce(v.vehicles_ordinary, 0) AS vehicles_ordinary, v.vehicle_plates,
           coalesce(h.dwellings, 0) AS dwellings,
           coalesce(b.businesses, 0) AS businesses, b.business_codes,
           pay.payroll_role, pay.payroll_employer, dis.disability_kind, dis.disability_grade,
           coalesce(med.serious_illness, false) AS serious_illness,
           coalesce(a.covered_dibao, false) AS covered_dibao, coalesce(a.covered_tekun, false) AS covered_tekun,
           coalesce(a.assistance_records, 0) AS assistance_records, coalesce(a.assistance_areas, 0) AS assistance_areas
    FROM ({rows["household_registration"]}) r
    LEFT JOIN deaths d USING (person_key) LEFT JOIN marriage m USING (person_key)
    LEFT JOIN wages w USING (person_key) LEFT JOIN pensions p USING (person_key)
    LEFT JOIN unemployment u USING (person_key) LEFT JOIN deposits dep USING (person_key)
    LEFT JOIN securities sec USING (person_key) LEFT JOIN insurance ins USING (person_key)
    LEFT JOIN vehicles v USING (person_key) LEFT JOIN homes h USING (person_key)
    LEFT JOIN business b USING (person_key) LEFT JOIN payroll pay USING (person_key)
    LEFT JOIN disability dis USING (person_key) LEFT JOIN medical med USING (person_key)
    LEFT JOIN assistance a USING (person_key)
    """)

    # 2. Each person as somebody's relative (obligor able to support? official?), then folded
    # per person over spouse, father, mother and children. A relative named but outside the
    # register is not shown to be unable.
    officials = ", ".join(_q(r) for r in OFFICIAL_ROLES)
    run(f"""
    CREATE TEMP TABLE as_relative AS
    SELECT f.person_key, age_of(f.person_key) AS age,
           NOT (deceased OR covered_tekun OR (covered_dibao AND age_of(f.person_key) >= {DIBAO_ELDERLY_AGE})
                OR ((age_of(f.person_key) >= {UNABLE_AGE}
                     OR coalesce(disability_grade <= 2
                                 OR (disability_grade <= 3 AND disability_kind IN ('intellectual', 'mental')), false))
                    AND coalesce(income_wage_fen + income_pension_fen + income_pension_basic_fen
                                 + income_unemployment_benefit_fen < l.income_line_fen, false))) AS able,
           payroll_role IN ({officials}) AND NOT deceased AS official, payroll_role
    FROM facts f LEFT JOIN income_lines l ON l.area = substr(f.area_code, 1, 6) AND l.hukou = f.hukou
    """)
    run(f"""
    CREATE TEMP TABLE relatives AS
    WITH links AS (
        SELECT person_key, spouse_key AS other_key, 'spouse' AS link FROM facts WHERE spouse_key IS NOT NULL
        UNION ALL SELECT person_key, father_key, 'parent' FROM facts WHERE father_key IS NOT NULL
        UNION ALL SELECT person_key, mother_key, 'parent' FROM facts WHERE mother_key IS NOT NULL
        UNION ALL SELECT father_key, person_key, 'child' FROM facts WHERE father_key IS NOT NULL
        UNION ALL SELECT mother_key, person_key, 'child' FROM facts WHERE mother_key IS NOT NULL
    )
    SELECT l.person_key,
           bool_or(CASE WHEN r.person_key IS NULL THEN true
                        ELSE r.able AND (l.link <> 'child' OR r.age >= {ADULT_AGE}) END) AS able_obligor,
           min(l.other_key) FILTER (WHERE r.official) AS official_key,
           arg_min(r.payroll_role, l.other_key) FILTER (WHERE r.official) AS official_role
    FROM links l LEFT JOIN as_relative r ON r.person_key = l.other_key
    GROUP BY l.person_key
    """)

    # 3. The city's residents by household (as the register lists them), the living members
    # with their parameters, each member's and each household's decision.
    run(f"""
    CREATE TEMP TABLE persons AS
    SELECT f.*, substr(f.area_code, 1, 6) AS area, coalesce(r.able_obligor, false) AS able_obligor,
           id_of(r.official_key) AS official_relative_id, r.official_role AS official_relative_role
    FROM facts f LEFT JOIN relatives r USING (person_key)
    WHERE substr(f.area_code, 1, 6) IN ({", ".join(map(_q, areas))})
    """)
    run("""
    CREATE TEMP TABLE households AS
    SELECT household_no, first(area ORDER BY _file, _row) AS area,
           first(area_code ORDER BY _file, _row) AS area_code,
           coalesce(first(hukou ORDER BY _file, _row) FILTER (WHERE relation = 'head'),
                    first(hukou ORDER BY _file, _row)) AS hukou,
           bool_or(covered_dibao) AS household_covered_dibao,
           bool_or(covered_dibao OR covered_tekun) AS household_any_covered
    FROM persons WHERE NOT deceased GROUP BY household_no
    """)
    tekun_unable = " OR ".join(
        f"(disability_kind = {_q(k)} AND disability_grade <= {top})"
        for k, top in {"intellectual": 3, "mental": 3, "physical": 2, "visual": 1}.items()
    )
    run(f"""
    CREATE TEMP TABLE members AS
    WITH m AS (
        SELECT p.*, h.household_covered_dibao, pa.* EXCLUDE (area, hukou, month),
               {_counted("dibao", "pa.")} AS dibao_income_fen, {_counted("tekun", "pa.")} AS tekun_income_fen,
               age_of(p.person_key) AS age,
               coalesce(disability_grade IN (1, 2)
                        OR (disability_grade = 3 AND disability_kind IN ('intellectual', 'mental'))
                        OR serious_illness, false) AS severe
        FROM persons p JOIN households h USING (household_no)
        JOIN params pa ON pa.area = h.area AND pa.hukou = h.hukou
        WHERE NOT p.deceased
    )
    SELECT *, severe AND dibao_income_fen < dibao_standard_fen AS single_candidate,
           CASE WHEN severe AND dibao_income_fen < dibao_standard_fen
                THEN {_round("dibao_standard_fen - dibao_income_fen")} ELSE 0 END AS single_candidate_fen,
           (age >= tekun_elderly_age OR age < tekun_minor_age OR coalesce({tekun_unable}, false))
           AND tekun_income_fen < dibao_standard_fen
           AND financial_assets_fen <= dibao_standard_fen * asset_months AND vehicles_ordinary <= max_vehicles
           AND dwellings <= max_dwellings AND businesses <= max_businesses
           AND NOT able_obligor AS tekun_eligible
    FROM m
    """)
    run("""
    CREATE TEMP TABLE decided AS
    WITH totals AS (
        SELECT household_no, count(*) AS members, sum(dibao_income_fen) AS income_fen,
               sum(financial_assets_fen) AS financial, sum(vehicles_ordinary) AS vehicles, sum(dwellings) AS dwellings,
               sum(businesses) AS businesses, count(*) FILTER (WHERE single_candidate) AS single_candidates,
               bool_and(tekun_eligible OR covered_tekun) AS all_tekun,
               any_value(dibao_standard_fen) AS standard, any_value(asset_months) AS asset_months,
               any_value(max_vehicles) AS max_vehicles, any_value(max_dwellings) AS max_dwellings,
               any_value(max_businesses) AS max_businesses, any_value(edge_factor_num) AS edge_num,
               any_value(edge_factor_den) AS edge_den
        FROM members GROUP BY household_no
    ), tests AS (
        SELECT *, standard * members AS threshold, standard * asset_months * members AS financial_limit,
               fdiv(edge_num * standard, edge_den) AS edge_line,
               financial <= standard * asset_months * members AND vehicles <= max_vehicles
               AND dwellings <= max_dwellings AND businesses <= max_businesses AS assets_ok
        FROM totals
    ), family AS (
        SELECT *, income_fen < threshold AND assets_ok AS family_eligible,
               income_fen * edge_den < edge_num * threshold AS below_edge
        FROM tests
    )
    SELECT f.*, h.area_code, h.household_covered_dibao, h.household_any_covered,
           NOT family_eligible AND assets_ok AND below_edge AS edge_family,
           family_eligible OR (NOT family_eligible AND assets_ok AND below_edge AND single_candidates > 0)
               AS dibao_eligible
    FROM family f JOIN households h USING (household_no)
    """)

    # 4. The findings: missed and wrongly covered, then the anomaly rules over everyone on the rolls.
    income = ("'核实家庭月收入 ' || yuan(income_fen) || '元，' || members || '人，人均 ' "
              "|| yuan(fdiv(income_fen, members)) || '元；保障标准 ' || yuan(standard) || '元'")  # fmt: skip
    assets = ("'；金融资产 ' || yuan(financial) || '元（上限 ' || yuan(financial_limit) || '元），机动车 ' "
              "|| vehicles || ' 辆，住房 ' || dwellings || ' 套，工商登记 ' || businesses || ' 户'")  # fmt: skip
    own = ("'本人核实月收入（计入部分）' || yuan(tekun_income_fen) || '元，保障标准 ' || yuan(dibao_standard_fen) "
           "|| '元，年龄 ' || age || '，有赡养能力的义务人：' "
           "|| CASE WHEN able_obligor THEN '有' ELSE '无' END")  # fmt: skip
    household_sources = _q(f"{INCOME_SOURCES},{ASSET_SOURCES},assistance")
    tekun_sources = _q(f"{INCOME_SOURCES},{ASSET_SOURCES},disability,marriage,household_registration,assistance")
    roles_zh = " ".join(f"WHEN {_q(k)} THEN {_q(v)}" for k, v in ROLE_ZH.items())
    payroll = ", ".join(_q(r) for r in PAYROLL_ROLES)
    findings = con.sql(f"""
    WITH on_rolls AS (
        SELECT p.* FROM persons p LEFT JOIN decided d USING (household_no)
        WHERE coalesce(d.household_covered_dibao, false) OR p.covered_dibao OR p.covered_tekun
    ), household_official AS (
        SELECT household_no, min(person_key) AS hh_key, arg_min(payroll_role, person_key) AS hh_role
        FROM on_rolls WHERE payroll_role IN ({officials}) AND NOT deceased GROUP BY household_no
    ), rolls AS (
        SELECT o.*, CASE WHEN covered_tekun THEN 'tekun' ELSE 'dibao' END AS programme,
               coalesce(CASE WHEN hh_key <> person_key THEN id_of(hh_key) END, official_relative_id,
                        CASE WHEN payroll_role IN ({officials}) THEN id_of(person_key) END) AS official_id,
               coalesce(CASE WHEN hh_key <> person_key THEN hh_role END, official_relative_role,
                        CASE WHEN payroll_role IN ({officials}) THEN payroll_role END) AS official_role
        FROM on_rolls o LEFT JOIN household_official USING (household_no)
    )
    SELECT 'missed_dibao' AS kind, household_no, NULL AS id_number, area_code, 'dibao' AS programme,
           {income} || {assets} || '：符合低保条件' AS evidence, {household_sources} AS sources
    FROM decided WHERE dibao_eligible AND NOT household_any_covered AND NOT all_tekun
    UNION ALL
    SELECT 'edge_family', household_no, NULL, area_code, 'dibao',
           {income} || '，低于 ' || yuan(edge_line) || '元（边缘家庭线）' || {assets}, {household_sources}
    FROM decided WHERE edge_family AND NOT dibao_eligible AND NOT household_covered_dibao
    UNION ALL
    SELECT 'wrong_dibao', household_no, NULL, area_code, 'dibao', {income} || {assets} || '：不再符合低保条件',
           {household_sources}
    FROM decided WHERE household_covered_dibao AND NOT dibao_eligible
    UNION ALL
    SELECT 'missed_tekun', household_no, id_of(person_key), area_code, 'tekun', {own} || '：符合特困条件',
           {tekun_sources}
    FROM members WHERE tekun_eligible AND NOT covered_tekun AND NOT covered_dibao AND NOT household_covered_dibao
    UNION ALL
    SELECT 'wrong_tekun', household_no, id_of(person_key), area_code, 'tekun', {own} || '：不再符合特困条件',
           {tekun_sources}
    FROM members WHERE covered_tekun AND NOT tekun_eligible
    UNION ALL
    SELECT 'deceased', household_no, id_of(person_key), area_code, programme,
           '死亡日期 ' || strftime(death_date, '%Y-%m-%d') || '（公安局死亡注销）', 'deaths'
    FROM rolls WHERE deceased
    UNION ALL
    SELECT 'owns_car', household_no, id_of(person_key), area_code, programme,
           '登记机动车 ' || vehicles_ordinary || ' 辆，号牌 ' || vehicle_plates || ' 等', 'vehicles'
    FROM rolls WHERE NOT deceased AND vehicles_ordinary > 0
    UNION ALL
    SELECT 'owns_business', household_no, id_of(person_key), area_code, programme,
           '存续工商登记 ' || businesses || ' 户，统一社会信用代码 ' || business_codes || ' 等', 'business'
    FROM rolls WHERE NOT deceased AND businesses > 0
    UNION ALL
    SELECT 'public_payroll', household_no, id_of(person_key), area_code, programme,
           '财政供养：' || payroll_employer || '（' || payroll_role || '）', 'public_payroll'
    FROM rolls WHERE NOT deceased AND payroll_role IN ({payroll})
    UNION ALL
    SELECT 'covered_twice', household_no, id_of(person_key), area_code, programme,
           '救助记录 ' || assistance_records || ' 条，涉及 ' || assistance_areas || ' 个地区；低保：'
           || CAST(covered_dibao AS VARCHAR) || '，特困：' || CAST(covered_tekun AS VARCHAR), 'assistance'
    FROM rolls WHERE assistance_areas > 1 OR (covered_dibao AND covered_tekun)
    UNION ALL
    SELECT 'official_relative', household_no, id_of(person_key), area_code, programme,
           '本人或家庭成员、配偶、父母、子女中有' || CASE official_role {roles_zh} ELSE official_role END || '：'
           || official_id, 'public_payroll,household_registration,marriage'
    FROM rolls WHERE official_id IS NOT NULL AND relation = 'head'
    ORDER BY kind, household_no, id_number NULLS FIRST
    """).pl()
    return findings.with_columns(pl.lit(month).alias("month")).select(list(FINDING_SCHEMA)).cast(FINDING_SCHEMA)


def compare(ours: pl.DataFrame, theirs: pl.DataFrame) -> tuple[int, int, int]:
    """(findings in both, only in ``ours``, only in ``theirs``), every column compared."""
    key = list(FINDING_SCHEMA)
    a, b = ours.with_columns(pl.col(key).fill_null("")), theirs.with_columns(pl.col(key).fill_null(""))
    both = a.join(b, on=key, how="semi", nulls_equal=True).height
    return both, a.join(b, on=key, how="anti").height, b.join(a, on=key, how="anti").height


def main() -> int:
    from safetynet.batch.screen import screen_store

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a feed store (e.g. made by safetynet generate)")
    parser.add_argument("--month", default="2026-11", help="the month screened, YYYY-MM")
    parser.add_argument("--threads", type=int, help="DuckDB's threads (default: the machine's cores)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (best shown)")
    args = parser.parse_args()
    month = date.fromisoformat(args.month + "-01")
    import duckdb

    print(f"DuckDB {duckdb.__version__}, Polars {pl.__version__}; {os.cpu_count()} cores, load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    times: dict[str, list[float]] = {"duckdb": [], "engine": []}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        theirs = duckdb_screen(args.store, month, threads=args.threads)
        times["duckdb"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        ours = screen_store(args.store, month)
        times["engine"].append(time.perf_counter() - t0)
    both, only_ours, only_theirs = compare(ours, theirs)
    d, e = min(times["duckdb"]), min(times["engine"])
    print(
        f"DuckDB SQL {d:.2f} s, screen_store {e:.2f} s (best of {args.repeat}, the same process): "
        f"DuckDB / engine = {d / e:.2f}"
    )
    print(
        f"findings: engine {ours.height:,}, DuckDB {theirs.height:,}; the same in every column {both:,}; "
        f"only the engine's {only_ours:,}, only DuckDB's {only_theirs:,} -> "
        f"{'SAME' if only_ours == only_theirs == 0 else 'DIFFERENT'}"
    )
    return 0 if only_ours == only_theirs == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
