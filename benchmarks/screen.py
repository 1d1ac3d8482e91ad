"""Benchmark: screening the whole population (漏保, 错保 and the anomaly rules) from the feed store.

    python benchmarks/screen.py [--households 3000000] [--store DIR] [--sample 100000] [--batch 10000] [--keep]

Builds a synthetic Jining with ``generate_city`` (or reuses the one in ``--store`` if it holds a
``planted.parquet``), then times ``screen_store`` over the whole city in a fresh process, so that
the peak memory it reports is the screening's own, and checks that every planted case is found
and that nothing is found outside the planted households; then again with Polars' in-memory
engine wherever the code leaves the engine to Polars (``collect()`` defaults to streaming). The
three stages (``person_facts``, ``with_links``, ``screen_persons``) are timed one by one in
another fresh process, and a batch of households (their members and the members' relatives read
from the store) in this one. The baseline is the same screening written with pandas the way an
analyst would write it without Polars; it runs on a separately generated sample city, beside ours
on the same sample, and is scaled linearly to the full city. Each figure is wall time, with the
CPU time of all the process's threads beside it: on a busy machine the CPU time is the steadier.
Targets (issue): the full city (3 million households, about 8.3 million residents) under 10 s
and 6 GB peak; 10,000 households under 1 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

from safetynet.batch import screen
from safetynet.batch.facts import as_of, item_facts, person_facts, register_frame, window
from safetynet.batch.feed_items import ITEMS
from safetynet.batch.feeds import scan_item
from safetynet.batch.generate import generate_city

MONTH = date(2026, 11, 1)
STARTED = time.perf_counter()
GB = 1024**3


def say(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:7.1f} s] {message}", flush=True)


# Memory: the high-water mark of the resident set. Writing "5" to /proc/self/clear_refs resets it
# (Linux 4.0 and later), so that it can be read for one stage; ru_maxrss is the whole life's.


def reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def rss_bytes(field: str = "VmHWM") -> int:
    """VmHWM (the high-water mark) or VmRSS (now) of this process, in bytes."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def gb(n: float) -> str:
    return f"{n / GB:.2f} GB"


# ------------------------------------------------------------------------------------------
# The measurements that run in a fresh process (``--child``), each writing a JSON result.


def child_generate(args) -> dict:
    t0 = time.perf_counter()
    counts = generate_city(args.households, args.store, month=MONTH, progress=lambda s: say(f"  generated {s}"))
    return {**counts, "seconds": time.perf_counter() - t0, "peak": rss_bytes()}


def measured(run, *args) -> tuple[object, dict]:
    """The result of ``run(*args)``, with its wall and CPU seconds (all threads) and the memory
    high-water mark while it ran (reset first when the kernel lets us)."""
    resettable = reset_peak()
    t0, c0 = time.perf_counter(), time.process_time()
    result = run(*args)
    figures = {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "peak": rss_bytes()}
    return result, {**figures, "rss_after": rss_bytes("VmRSS"), "resettable": resettable}


def child_screen(args) -> dict:
    """``screen_store`` as the local engine runs it; the findings are written beside the result."""
    start_rss = rss_bytes("VmRSS")
    findings, figures = measured(screen.screen_store, args.store, MONTH)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    findings.write_parquet(args.result.with_suffix(".parquet"))
    return {**figures, "start_rss": start_rss, "maxrss": maxrss}


def child_stages(args) -> dict:
    """The three stages collected one after the other, then each feed's aggregation alone."""
    out = {"start_rss": rss_bytes("VmRSS")}
    facts, out["person_facts"] = measured(lambda: person_facts(args.store, MONTH).collect())
    linked, out["with_links"] = measured(lambda f: screen.with_links(f.lazy(), MONTH).collect(), facts)
    findings, out["screen_persons"] = measured(screen.screen_persons, linked, MONTH)
    for name, frame in (("person_facts", facts), ("with_links", linked), ("screen_persons", findings)):
        out[name].update(rows=frame.height, columns=frame.width, size=frame.estimated_size())
    del facts, linked, findings
    cutoff, items = as_of(MONTH), {}
    _, items["household_registration"] = measured(
        lambda: register_frame(scan_item(args.store, "household_registration", cutoff)).collect()
    )
    for code in ITEMS:
        if code != "household_registration":
            _, items[code] = measured(lambda c=code: item_facts(c, scan_item(args.store, c, cutoff), MONTH).collect())
    out["items"] = {code: figures["seconds"] for code, figures in items.items()}
    out["items_cpu"] = sum(figures["cpu"] for figures in items.values())
    return out


def child_baseline(args) -> dict:
    start_rss = rss_bytes("VmRSS")
    findings, figures = measured(pandas_screen, args.store, MONTH)
    findings.to_parquet(args.result.with_suffix(".parquet"), index=False)
    return {**figures, "start_rss": start_rss}


CHILDREN = {"generate": child_generate, "screen": child_screen, "stages": child_stages, "baseline": child_baseline}


def in_fresh_process(mode: str, store: Path, work: Path, *extra: str, env: dict | None = None) -> dict:
    """Run a measurement in a new Python process and read back its result."""
    result = work / f"{mode}-{os.getpid()}-{time.monotonic_ns()}.json"
    command = [sys.executable, __file__, "--child", mode, "--store", str(store), "--result", str(result), *extra]
    subprocess.run(command, check=True, env={**os.environ, **(env or {})})
    out = json.loads(result.read_text())
    findings = result.with_suffix(".parquet")
    if findings.exists():
        out["findings"] = pl.read_parquet(findings)
        findings.unlink()
    result.unlink()
    return out


# ------------------------------------------------------------------------------------------
# A batch of households: their members, and those members' relatives (the obligor and official
# rules read the relatives' facts), read from the store by person_key.


def screen_households(store: Path, month: date, household_nos: list[str]) -> tuple[pl.DataFrame, dict[str, float]]:
    """The findings of just these households, and the seconds of each step."""
    seconds, t0 = {}, time.perf_counter()
    cutoff = as_of(month)
    register = register_frame(scan_item(store, "household_registration", cutoff))
    members = register.filter(pl.col("household_no").is_in(household_nos)).select(
        "person_key", "father_key", "mother_key"
    )
    keys = members.select("person_key")
    children = register.join(keys, left_on="father_key", right_on="person_key", how="semi").select("person_key")
    children_m = register.join(keys, left_on="mother_key", right_on="person_key", how="semi").select("person_key")
    marriages = scan_item(store, "marriage", cutoff).join(keys, on="person_key", how="semi")
    spouses = item_facts("marriage", marriages, month).select(pl.col("spouse_key").alias("person_key"))
    parents = [members.select(pl.col(c).alias("person_key")) for c in ("father_key", "mother_key")]
    everyone = pl.concat([keys, *parents, children, children_m, spouses]).drop_nulls().unique().collect()
    seconds["lookup"], t0 = time.perf_counter() - t0, time.perf_counter()
    linked = screen.with_links(person_facts(store, month, keys=everyone["person_key"].to_list()), month)
    persons = linked.filter(pl.col("household_no").is_in(household_nos)).collect()
    seconds["facts_links"], t0 = time.perf_counter() - t0, time.perf_counter()
    findings = screen.screen_persons(persons, month)
    seconds["screen_persons"] = time.perf_counter() - t0
    seconds["persons"], seconds["read"] = persons.height, everyone.height
    return findings, seconds


# ------------------------------------------------------------------------------------------
# The baseline: the same screening in pandas, as an analyst would write it without Polars.
# Read each feed, aggregate it per person, merge everything onto the register, find each
# person's relatives, then decide households and members and list the findings.


def check_batch(store: Path, register: pl.LazyFrame, household_nos: list[str]):
    """The households as declared with nothing but their members (every income and asset is
    then found by the departments), checked by ``verify.verify_frames``."""
    from safetynet.batch.verify import verify_frames
    from safetynet.policy.frames import HOUSEHOLD_SCHEMA, MEMBER_SCHEMA

    people = (
        register.filter(pl.col("household_no").is_in(household_nos))
        .select("household_no", "area_code", "hukou", "relation", "id_number")
        .collect()
        .sort("household_no", maintain_order=True)
    )
    numbers = {h: i for i, h in enumerate(dict.fromkeys(people["household_no"]))}
    first = people.group_by("household_no", maintain_order=True).first()
    households = pl.DataFrame(
        {"household_id": [numbers[h] for h in first["household_no"]], "area": first["area_code"].str.slice(0, 6),
         "hukou": first["hukou"], "month": [MONTH] * first.height}
    ).cast(HOUSEHOLD_SCHEMA)  # fmt: skip
    members = people.select(
        pl.col("household_no").replace_strict(numbers, return_dtype=pl.Int64).alias("household_id"),
        pl.int_range(pl.len(), dtype=pl.Int32).over("household_no").alias("member_no"),
        "id_number", pl.col("id_number").str.slice(6, 8).str.to_date("%Y%m%d").alias("birth_date"), "relation",
    )  # fmt: skip
    empty = {c: pl.lit(None, t) if c in ("disability_grade", "disability_kind") else pl.lit(0 if t.is_integer() else
             False, t) for c, t in MEMBER_SCHEMA.items() if c not in members.columns}  # fmt: skip
    members = members.with_columns(v.alias(c) for c, v in empty.items()).select(list(MEMBER_SCHEMA))
    impact, lines, _ = verify_frames(households, members.cast(MEMBER_SCHEMA), store, MONTH)
    return impact, lines


def pandas_screen(store: Path, month: date):
    import pandas as pd

    from safetynet.policy.areas import all_areas
    from safetynet.policy.frames import parameter_frame
    from safetynet.policy.obligors import income_line_fen

    first, last, months = window(month)
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    cutoff, month_ts = pd.Timestamp(as_of(month)), pd.Timestamp(month)

    def read(code: str) -> pd.DataFrame:
        """Every delivery of an item up to the cutoff (the latest only for a register or snapshot)."""
        item = ITEMS[code]
        folders = sorted(store.glob(f"department=*/item={code}/delivery=*"))
        folders = [f for f in folders if f.name.removeprefix("delivery=") <= f"{cutoff:%Y-%m-%d}"]
        if item.kind in ("register", "snapshot"):
            folders = folders[-1:]
        df = pd.concat([pd.read_parquet(f) for folder in folders for f in sorted(folder.glob("*.parquet"))])
        if item.kind == "monthly":
            df = df.drop_duplicates(subset=["person_key", *item.key[1:]], keep="last")
        for column in df.columns:
            if column in ("month", "as_of", "since") or column.endswith("_date"):
                df[column] = pd.to_datetime(df[column])
        return df

    def joined(values: pd.Series) -> str:
        return ",".join(sorted(values.dropna().unique()))

    def in_window(df: pd.DataFrame) -> pd.DataFrame:
        return df[(df["month"] >= first) & (df["month"] <= last)]

    def age_at(born: pd.Series) -> pd.Series:
        born_number = born.dt.year * 10000 + born.dt.month * 100 + born.dt.day
        return ((month.year * 10000 + month.month * 100 + 1 - born_number) // 10000).clip(lower=0)

    # 1. Each feed per person.
    facts = []
    deaths = read("deaths")
    deaths = deaths[deaths["death_date"] < month_ts]
    facts.append(deaths.groupby("person_key").agg(death_date=("death_date", "min")).assign(deceased=True))

    marriage = read("marriage")
    marriage = marriage[marriage["event_date"] <= cutoff].sort_values(["event_date", "status"])
    marriage = marriage.drop_duplicates("person_key", keep="last").set_index("person_key")
    spouse_key = marriage["spouse_id"].str[:17].astype("Int64").where(marriage["status"] == "married")
    facts.append(spouse_key.rename("spouse_key").to_frame())

    tax = in_window(read("income_tax"))
    net = (tax["wage_income"] - tax["tax"] - tax["personal_insurance"]).clip(lower=0)
    facts.append((net.groupby(tax["person_key"]).sum() // months).rename("income_wage_fen").to_frame())

    pensions = in_window(read("pensions"))
    pensions["own"] = pensions["amount"] - pensions["central_basic"]
    facts.append(
        (pensions.groupby("person_key")[["own", "central_basic"]].sum() // months).set_axis(
            ["income_pension_fen", "income_pension_basic_fen"], axis=1
        )
    )
    unemployment = in_window(read("unemployment"))
    benefit = unemployment.groupby("person_key")["amount"].sum() // months
    facts.append(benefit.rename("income_unemployment_benefit_fen").to_frame())
    insured = in_window(read("social_insurance"))
    insured = insured[insured["insurance"].str.startswith("employee_")]
    facts.append(insured.groupby("person_key")["month"].nunique().rename("employee_insurance_months").to_frame())
    fund = in_window(read("housing_fund"))
    fund = fund[fund["deposit"] > 0]
    facts.append(fund.groupby("person_key")["month"].nunique().rename("housing_fund_months").to_frame())
    for code, amount in (("deposits", "balance"), ("securities", "market_value"), ("insurance", "cash_value")):
        facts.append(read(code).groupby("person_key")[amount].sum().rename(f"{code}_fen").to_frame())

    vehicles = read("vehicles")
    vehicles = vehicles[vehicles["registered_date"] <= cutoff]
    vehicles = vehicles.assign(
        ordinary=vehicles["vehicle_type"].isin(["car", "truck", "motorcycle"]),
        disability=vehicles["vehicle_type"] == "disability",
        farm=vehicles["vehicle_type"] == "farm",
    )
    facts.append(
        vehicles.groupby("person_key").agg(
            vehicles_ordinary=("ordinary", "sum"),
            vehicles_disability=("disability", "sum"),
            vehicles_farm=("farm", "sum"),
            vehicle_plates=("plate", joined),
        )
    )
    homes = read("real_estate")
    homes = homes[(homes["use"] == "residential") & (homes["registered_date"] <= cutoff)]
    facts.append(homes.groupby("person_key")["certificate_no"].nunique().rename("dwellings").to_frame())
    business = read("business")
    business = business[(business["status"] == "active") & (business["registered_date"] <= cutoff)]
    facts.append(
        business.groupby("person_key").agg(
            businesses=("credit_code", "nunique"), business_codes=("credit_code", joined)
        )
    )
    payroll = in_window(read("public_payroll")).sort_values(["month", "employer"])
    payroll = payroll.drop_duplicates("person_key", keep="last").set_index("person_key")
    facts.append(payroll[["role", "employer"]].set_axis(["payroll_role", "payroll_employer"], axis=1))
    disability = read("disability")
    disability = disability[disability["issued_date"] <= cutoff].sort_values(
        ["issued_date", "grade"], ascending=[True, False]
    )
    disability = disability.drop_duplicates("person_key", keep="last").set_index("person_key")
    facts.append(disability[["disability_kind", "grade"]].rename(columns={"grade": "disability_grade"}))
    poor = read("registered_poor")
    in_poverty = (poor["status"] == "in_poverty").groupby(poor["person_key"]).any()
    facts.append(in_poverty.rename("registered_poor").to_frame())
    medical = in_window(read("medical"))
    facts.append(
        medical.groupby("person_key").agg(
            serious_illness=("serious_illness", "any"), medical_self_paid_fen=("self_paid", "sum")
        )
    )
    assistance = read("assistance")
    assistance = assistance[assistance["since"] <= cutoff]
    assistance = assistance.assign(dibao=assistance["programme"] == "dibao", tekun=assistance["programme"] == "tekun")
    facts.append(
        assistance.groupby("person_key").agg(
            covered_dibao=("dibao", "any"),
            covered_tekun=("tekun", "any"),
            assistance_records=("programme", "size"),
            assistance_areas=("area_code", "nunique"),
            assistance_area_code=("area_code", "min"),
            assistance_household_no=("household_no", "min"),
            assistance_amount_fen=("monthly_amount", "sum"),
        )
    )

    # 2. The register with every feed's facts; no record means nothing (no deposit, not covered).
    persons = read("household_registration")
    persons["father_key"] = persons["father_id"].str[:17].astype("Int64")
    persons["mother_key"] = persons["mother_id"].str[:17].astype("Int64")
    persons["birth_date"] = pd.to_datetime(persons["id_number"].str[6:14], format="%Y%m%d")
    for frame in facts:
        persons = persons.merge(frame, left_on="person_key", right_index=True, how="left")
    for column in ("deceased", "registered_poor", "serious_illness", "covered_dibao", "covered_tekun"):
        persons[column] = persons[column].fillna(False).astype(bool)
    counts = [c for c in persons.columns if c.endswith(("_fen", "_months")) or c.startswith("vehicles_")]
    counts += ["dwellings", "businesses", "assistance_records", "assistance_areas"]
    persons[counts] = persons[counts].fillna(0).astype("int64")

    # 3. Relatives: spouse, parents and children, across households; the relative's own facts.
    def links(person: str, other: str, link: str) -> pd.DataFrame:
        pair = persons[[person, other]].dropna().astype("int64")
        return pair.set_axis(["person_key", "other_key"], axis=1).assign(link=link)

    pairs = pd.concat(
        [
            links("person_key", "spouse_key", "spouse"),
            links("person_key", "father_key", "parent"),
            links("person_key", "mother_key", "parent"),
            links("father_key", "person_key", "child"),
            links("mother_key", "person_key", "child"),
        ]
    )
    other = persons[
        ["person_key", "id_number", "deceased", "covered_dibao", "covered_tekun", "disability_grade",
         "disability_kind", "payroll_role", "area_code", "hukou"]
    ].add_prefix("other_")  # fmt: skip
    other["other_income"] = (
        persons["income_wage_fen"] + persons["income_pension_fen"] + persons["income_pension_basic_fen"]
        + persons["income_unemployment_benefit_fen"]
    )  # fmt: skip
    pairs = pairs.merge(other, left_on="other_key", right_on="other_person_key", how="left")
    lines = pd.DataFrame(
        [(a.code, h, income_line_fen(a.code, h, month)) for a in all_areas() for h in ("urban", "rural")],
        columns=["other_area", "other_hukou", "income_line"],
    )
    pairs["other_area"] = pairs["other_area_code"].str[:6]
    pairs = pairs.merge(lines, on=["other_area", "other_hukou"], how="left")
    born = pd.to_datetime(pairs["other_key"].astype(str).str.zfill(17).str[6:14], format="%Y%m%d", errors="coerce")
    age = age_at(born)
    deceased = pairs["other_deceased"].fillna(False).astype(bool)
    grade = pairs["other_disability_grade"]
    severe = (grade <= 2) | ((grade <= 3) & pairs["other_disability_kind"].isin(["intellectual", "mental"]))
    low_income = pairs["other_income"] < pairs["income_line"]
    unable = (
        deceased | pairs["other_covered_tekun"].fillna(False).astype(bool)
        | (pairs["other_covered_dibao"].fillna(False).astype(bool) & (age >= 60))
        | (((age >= 70) | severe) & low_income)
    )  # fmt: skip
    pairs["able"] = ((pairs["link"] != "child") | (age >= 18)) & ~unable
    official = pairs["other_payroll_role"].isin(screen.OFFICIAL_ROLES) & ~deceased
    pairs["official_id"] = pairs["other_id_number"].where(official)
    able = pairs.groupby("person_key")["able"].any().rename("able_obligor")
    officials = pairs[official].sort_values(["person_key", "official_id"]).drop_duplicates("person_key")
    officials = officials.set_index("person_key")[["official_id", "other_payroll_role"]]
    officials.columns = ["official_relative_id", "official_relative_role"]
    persons = persons.merge(able, left_on="person_key", right_index=True, how="left")
    persons = persons.merge(officials, left_on="person_key", right_index=True, how="left")
    persons["able_obligor"] = persons["able_obligor"].fillna(False).astype(bool)

    # 4. Members of households in the city, household order; the parameters of each household.
    persons["area"] = persons["area_code"].str[:6]
    p = persons[persons["area"].isin([a.code for a in all_areas()])].copy()
    p["order"] = pd.Categorical(p["relation"], ["head", "spouse", "child", "parent", "other"], ordered=True)
    p = p.sort_values(["household_no", "order", "person_key"])
    living = p[~p["deceased"]].copy()
    living["hh_area"] = living.groupby("household_no")["area"].transform("first")
    living["hh_hukou"] = living.groupby("household_no")["hukou"].transform("first")
    params = parameter_frame(
        pl.DataFrame({"area": [a.code for a in all_areas()] * 2, "hukou": ["urban"] * 14 + ["rural"] * 14})
        .with_columns(pl.lit(month).alias("month"))
    ).to_pandas()  # fmt: skip
    params = params.rename(columns={"area": "hh_area", "hukou": "hh_hukou"})
    living = living.merge(params, on=["hh_area", "hh_hukou"], how="left")

    # 5. Each member: counted income (the kinds not excluded this month), severe disability,
    # the single-person route, and the tekun conditions.
    def counted(programme: str) -> pd.Series:
        total = 0
        for kind in ("wage", "pension", "pension_basic", "unemployment_benefit"):
            income, flag = living[f"income_{kind}_fen"], f"{programme}_counts_{kind}"  # a flag: excludable
            total = total + (income.where(living[flag], 0) if flag in living else income)
        return total

    standard = living["dibao_standard_fen"]
    living["dibao_income"] = counted("dibao")
    living["tekun_income"] = counted("tekun")
    living["financial"] = living["deposits_fen"] + living["securities_fen"] + living["insurance_fen"]
    living["age"] = age_at(living["birth_date"])
    grade, kind = living["disability_grade"], living["disability_kind"]
    severe = grade.isin([1, 2]) | ((grade == 3) & kind.isin(["intellectual", "mental"])) | living["serious_illness"]
    living["single_candidate"] = severe & (living["dibao_income"] < standard)
    unable_by_disability = (
        ((kind == "intellectual") & (grade <= 3)) | ((kind == "mental") & (grade <= 3))
        | ((kind == "physical") & (grade <= 2)) | ((kind == "visual") & (grade <= 1))
    )  # fmt: skip
    unable = (living["age"] >= living["tekun_elderly_age"]) | (living["age"] < living["tekun_minor_age"])
    own_assets_ok = (
        (living["financial"] <= standard * living["asset_months"])
        & (living["vehicles_ordinary"] <= living["max_vehicles"])
        & (living["dwellings"] <= living["max_dwellings"])
        & (living["businesses"] <= living["max_businesses"])
    )
    living["tekun_eligible"] = (
        (unable | unable_by_disability) & (living["tekun_income"] < standard) & own_assets_ok & ~living["able_obligor"]
    )
    living["tekun_or_covered"] = living["tekun_eligible"] | living["covered_tekun"]

    # 6. Each household: totals, the income and asset tests, the edge family.
    hh = living.groupby("household_no", sort=False).agg(
        area_code=("area_code", "first"), members=("person_key", "size"), income=("dibao_income", "sum"),
        financial=("financial", "sum"), vehicles=("vehicles_ordinary", "sum"), dwellings=("dwellings", "sum"),
        businesses=("businesses", "sum"), single_candidates=("single_candidate", "sum"),
        covered=("covered_dibao", "any"), all_tekun=("tekun_or_covered", "all"),
        standard=("dibao_standard_fen", "first"),
        asset_months=("asset_months", "first"), max_vehicles=("max_vehicles", "first"),
        max_dwellings=("max_dwellings", "first"), max_businesses=("max_businesses", "first"),
        edge_num=("edge_factor_num", "first"), edge_den=("edge_factor_den", "first"),
    )  # fmt: skip
    threshold = hh["standard"] * hh["members"]
    assets_ok = (
        (hh["financial"] <= threshold * hh["asset_months"]) & (hh["vehicles"] <= hh["max_vehicles"])
        & (hh["dwellings"] <= hh["max_dwellings"]) & (hh["businesses"] <= hh["max_businesses"])
    )  # fmt: skip
    family = (hh["income"] < threshold) & assets_ok
    hh["edge"] = ~family & assets_ok & (hh["income"] * hh["edge_den"] < hh["edge_num"] * threshold)
    hh["eligible"] = family | (hh["edge"] & (hh["single_candidates"] > 0))
    hh = hh.reset_index()

    # 7. The findings, each with its evidence written out row by row.
    def finding(kind: str, rows: pd.DataFrame, evidence, person: bool = True) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "kind": kind,
                "household_no": rows["household_no"].to_numpy(),
                "id_number": rows["id_number"].to_numpy() if person else None,
                "evidence": [evidence(row) for row in rows.itertuples()],
            }
        )

    def household_evidence(row) -> str:
        return (
            f"核实家庭月收入 {row.income / 100:.2f}元，{row.members}人，人均 {row.income // row.members / 100:.2f}元；"
            f"保障标准 {row.standard / 100:.2f}元；金融资产 {row.financial / 100:.2f}元，机动车 {row.vehicles} 辆，"
            f"住房 {row.dwellings} 套，工商登记 {row.businesses} 户"
        )

    def own_evidence(row) -> str:
        return f"本人核实月收入 {row.tekun_income / 100:.2f}元，年龄 {row.age}，有赡养能力的义务人：{row.able_obligor}"

    found = [
        finding("missed_dibao", hh[hh["eligible"] & ~hh["covered"] & ~hh["all_tekun"]], household_evidence, False),
        finding("edge_family", hh[hh["edge"] & ~hh["eligible"] & ~hh["covered"]], household_evidence, False),
        finding("wrong_dibao", hh[hh["covered"] & ~hh["eligible"]], household_evidence, False),
        finding("missed_tekun", living[living["tekun_eligible"] & ~living["covered_tekun"]], own_evidence),
        finding("wrong_tekun", living[living["covered_tekun"] & ~living["tekun_eligible"]], own_evidence),
    ]

    # The anomaly rules: every member of a covered household, and every covered person; an
    # official (caseworker, village cadre) in the household or among the relatives.
    covered_households = hh.loc[hh["covered"], "household_no"]
    on_rolls = pd.concat(
        [p[p["household_no"].isin(covered_households)], p[p["covered_dibao"] | p["covered_tekun"]]]
    ).drop_duplicates("person_key")
    is_official = on_rolls["payroll_role"].isin(screen.OFFICIAL_ROLES)
    in_household = on_rolls[is_official & ~on_rolls["deceased"]].sort_values("id_number")
    in_household = in_household.drop_duplicates("household_no").set_index("household_no")
    in_household = in_household[["id_number", "payroll_role"]].set_axis(["hh_official_id", "hh_official_role"], axis=1)
    on_rolls = on_rolls.merge(in_household, left_on="household_no", right_index=True, how="left")
    other_member = on_rolls["hh_official_id"].notna() & (on_rolls["hh_official_id"] != on_rolls["id_number"])
    on_rolls["official_id"] = (
        on_rolls["hh_official_id"]
        .where(other_member)
        .fillna(on_rolls["official_relative_id"])
        .fillna(on_rolls["id_number"].where(is_official))
    )
    alive = ~on_rolls["deceased"]
    rules = {
        "deceased": (on_rolls["deceased"], lambda r: f"死亡日期 {r.death_date:%Y-%m-%d}"),
        "owns_car": (alive & (on_rolls["vehicles_ordinary"] > 0), lambda r: f"登记机动车：{r.vehicle_plates}"),
        "owns_business": (alive & (on_rolls["businesses"] > 0), lambda r: f"存续工商登记：{r.business_codes}"),
        "public_payroll": (
            alive & on_rolls["payroll_role"].isin(screen.PAYROLL_ROLES),
            lambda r: f"财政供养：{r.payroll_employer}（{r.payroll_role}）",
        ),
        "covered_twice": (
            (on_rolls["assistance_areas"] > 1) | (on_rolls["covered_dibao"] & on_rolls["covered_tekun"]),
            lambda r: f"救助记录 {r.assistance_records} 条，涉及 {r.assistance_areas} 个地区",
        ),
        "official_relative": (
            on_rolls["official_id"].notna() & (on_rolls["relation"] == "head"),
            lambda r: f"家庭成员或近亲属中有经办人员或村干部：{r.official_id}",
        ),
    }
    for kind, (condition, evidence) in rules.items():
        found.append(finding(kind, on_rolls[condition], evidence))
    return pd.concat(found, ignore_index=True).sort_values(["kind", "household_no"])


# ------------------------------------------------------------------------------------------
# The report.


def count_rows(store: Path) -> dict[str, int]:
    rows: dict[str, int] = {}
    for f in sorted(store.glob("department=*/item=*/delivery=*/*.parquet")):
        code = f.parent.parent.name.removeprefix("item=")
        rows[code] = rows.get(code, 0) + pl.scan_parquet(f).select(pl.len()).collect().item()
    return rows


def check_planted(findings: pl.DataFrame, planted: pl.DataFrame) -> tuple[int, int, int]:
    """(planted cases found, planted cases, findings outside the planted households)."""
    keys = findings.select("kind", "household_no").unique()
    found = planted.join(keys, on=["kind", "household_no"], how="semi").height
    outside = findings.join(planted.select("household_no").unique(), on="household_no", how="anti").height
    return found, planted.height, outside


def finding_keys(findings: pl.DataFrame) -> pl.DataFrame:
    return findings.select("kind", "household_no", pl.col("id_number").fill_null("")).unique()


def ensure_store(store: Path, households: int, work: Path, label: str) -> tuple[bool, float | None]:
    """(generated here, generation seconds) after making sure ``store`` holds a city."""
    if (store / "planted.parquet").exists():
        say(f"{label}: reusing the city in {store}")
        return False, None
    if store.exists() and any(store.iterdir()):
        raise SystemExit(f"{store} is not empty and holds no planted.parquet: not a generated city")
    say(f"{label}: generating {households:,} households into {store}")
    out = in_fresh_process("generate", store, work, "--households", str(households))
    say(
        f"{label}: generated {out['households']:,} households, {out['residents']:,} residents, "
        f"{out['planted']:,} planted cases in {out['seconds']:.1f} s (not part of the target; peak {gb(out['peak'])})"
    )
    return True, out["seconds"]


def code_state() -> str:
    """The commit, and which files under safetynet/ differ from it (the figures are of this code)."""
    root = Path(__file__).resolve().parent.parent
    try:
        git = lambda *a: subprocess.run(["git", *a], cwd=root, capture_output=True, text=True, check=True).stdout  # noqa: E731
        changed = [line[3:] for line in git("status", "--porcelain", "safetynet").splitlines()]
        digest = hashlib.sha1(git("diff", "HEAD", "--", "safetynet").encode()).hexdigest()[:8]
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    state = f"{git('rev-parse', '--short', 'HEAD').strip()}"
    return f"{state} with {len(changed)} changed files under safetynet/ (diff {digest})" if changed else state


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=3_000_000)
    parser.add_argument("--store", type=Path, help="a city to reuse, or where to generate one (then kept)")
    parser.add_argument("--sample", type=int, default=100_000, help="households of the baseline's sample city")
    parser.add_argument("--batch", type=int, default=10_000, help="households screened as one batch")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the batch (best shown)")
    parser.add_argument("--keep", action="store_true", help="keep the generated temporary cities")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.result.write_text(json.dumps(CHILDREN[args.child](args)))
        return 0

    import pandas as pd

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"machine: {os.cpu_count()} cores, {gb(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES'))} RAM, "
        f"Python {platform.python_version()}, Polars {pl.__version__}, pandas {pd.__version__}; load average {load} "
        "(other processes on the machine make timings noisy)"
    )
    print(f"code: {code_state()}")
    # Generated cities go into a temporary folder, deleted at the end unless --keep; a city in
    # --store is always kept.
    work = Path(tempfile.mkdtemp(prefix="screen-bench-"))
    store = args.store or work / "city"
    temporary = [] if args.store else [store]
    try:
        return run(args, store, work, temporary)
    finally:
        if args.keep:
            say(f"kept: {', '.join(str(p) for p in temporary) or 'nothing generated'}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(args, store: Path, work: Path, temporary: list[Path]) -> int:
    ensure_store(store, args.households, work, "city")
    rows = count_rows(store)
    residents = rows["household_registration"]
    planted = pl.read_parquet(store / "planted.parquet")
    register = pl.scan_parquet(store / "department=public_security/item=household_registration/**/*.parquet")
    households = register.select(pl.col("household_no").n_unique()).collect().item()
    feed_rows = sum(rows.values())
    print(
        f"city: {households:,} households, {residents:,} residents, {feed_rows:,} rows in the store's 19 items "
        f"({', '.join(f'{k} {v:,}' for k, v in sorted(rows.items(), key=lambda kv: -kv[1])[:5])}, ...); "
        f"{planted.height:,} planted cases"
    )

    # 1. The full city, in a fresh process.
    say("full city: screen_store in a fresh process")
    full = in_fresh_process("screen", store, work)
    findings = full.pop("findings")
    seconds = full["seconds"]
    print(
        f"full city: {seconds:.2f} s (target under 10 s; {full['cpu']:.1f} s of CPU on {os.cpu_count()} cores), "
        f"{residents / seconds:,.0f} residents/s, {feed_rows / seconds:,.0f} feed rows/s"
    )
    what = (
        "high-water mark of RSS reset (/proc/self/clear_refs) just before screen_store"
        if full["resettable"]
        else "the process's ru_maxrss"
    )
    print(
        f"  peak memory: {gb(full['peak'])} (target under 6 GB): {what}, in a fresh process whose RSS was "
        f"{gb(full['start_rss'])} after imports; the process's ru_maxrss {gb(full['maxrss'])}"
    )
    by_kind = findings.group_by("kind").len().sort("kind")
    planted_by_kind = planted.group_by("kind").len()
    print(f"  findings: {findings.height:,}")
    for kind, n in by_kind.iter_rows():
        p = planted_by_kind.filter(pl.col("kind") == kind)["len"].sum()
        print(f"    {kind:18} {n:8,}  (planted {p:,})")
    found, total, outside = check_planted(findings, planted)
    print(
        f"  planted cases found: {found:,}/{total:,}; findings outside the planted households: {outside:,} "
        f"-> {'OK' if found == total and outside == 0 else 'MISMATCH'}"
    )

    # Polars' collect() runs the streaming engine unless told otherwise: the same run with the
    # in-memory engine wherever the code leaves the choice to Polars.
    say("full city: screen_store again, in a fresh process with POLARS_ENGINE_AFFINITY=in-memory")
    again = in_fresh_process("screen", store, work, env={"POLARS_ENGINE_AFFINITY": "in-memory"})
    same = finding_keys(again.pop("findings")).join(finding_keys(findings), on=["kind", "household_no", "id_number"])
    print(
        f"  with the in-memory engine: {again['seconds']:.2f} s ({again['cpu']:.1f} s CPU), peak {gb(again['peak'])}; "
        f"the same findings: {same.height:,}/{findings.height:,}"
    )

    # 2. The three stages one by one, in another fresh process.
    say("full city: the three stages one by one, in a fresh process")
    st = in_fresh_process("stages", store, work)
    stage_names = ("person_facts", "with_links", "screen_persons")
    staged, staged_cpu = (sum(st[name][k] for name in stage_names) for k in ("seconds", "cpu"))
    print(
        f"stages: {staged:.2f} s ({staged_cpu:.1f} s CPU) in all, collected one after the other; peak = RSS "
        f"high-water mark during the stage, including what earlier stages still hold (after imports "
        f"{gb(st['start_rss'])})"
    )
    for name in stage_names:
        s = st[name]
        print(
            f"  {name:15} {s['seconds']:6.2f} s ({s['cpu']:5.1f} s CPU)  peak {gb(s['peak'])}, RSS after "
            f"{gb(s['rss_after'])}; out {s['rows']:,} rows x {s['columns']} columns ({gb(s['size'])})"
        )
    items = sorted(st["items"].items(), key=lambda kv: -kv[1])
    print(
        f"  each item's aggregation alone ({sum(st['items'].values()):.2f} s, {st['items_cpu']:.1f} s CPU in all): "
        + ", ".join(f"{k} {v:.2f}" for k, v in items)
    )

    # 3. A batch of households: their members and relatives read from the store.
    all_households = register.select(pl.col("household_no").unique()).collect()["household_no"].sort().to_list()
    n_batch = min(args.batch, len(all_households))
    chosen = sorted(random.Random(7).sample(all_households, n_batch))
    say(f"batch: {n_batch:,} households chosen at random, screened {args.repeat} times")
    runs = []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        batch_findings, steps = screen_households(store, MONTH, chosen)
        runs.append((time.perf_counter() - t0, time.process_time() - c0, steps))
    best, best_cpu, steps = min(runs, key=lambda run: run[0])
    in_batch = planted.filter(pl.col("household_no").is_in(chosen))
    b_found, b_total, _ = check_planted(batch_findings, in_batch)
    b_outside = batch_findings.filter(~pl.col("household_no").is_in(chosen)).height
    full_in_batch = finding_keys(findings.filter(pl.col("household_no").is_in(chosen)))
    same = finding_keys(batch_findings).join(full_in_batch, on=["kind", "household_no", "id_number"]).height
    print(
        f"batch of {n_batch:,} households ({steps['persons']:,} residents; {steps['read']:,} persons read with their "
        f"relatives): {best:.2f} s best of {args.repeat} ({best_cpu:.1f} s CPU; first run {runs[0][0]:.2f} s; target "
        f"under 1 s): finding members and relatives in the register {steps['lookup']:.2f} s, person_facts(keys=...) "
        f"+ with_links {steps['facts_links']:.2f} s, screen_persons {steps['screen_persons']:.2f} s"
    )
    print(
        f"  {batch_findings.height:,} findings, the same as the full run's for these households: "
        f"{same:,}/{full_in_batch.height:,}; planted found {b_found}/{b_total}; outside the batch {b_outside}"
    )

    # 3b. The same households checked as the verification centre checks them (declared against
    # found, the decision impact): what the window's pre-check does for one household.
    check_runs = []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        impact, lines = check_batch(store, register, chosen)
        check_runs.append((time.perf_counter() - t0, time.process_time() - c0))
    check_best, check_cpu = min(check_runs)
    one_runs = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        check_batch(store, register, chosen[:1])
        one_runs.append(time.perf_counter() - t0)
    print(
        f"check of the same {n_batch:,} households (verify_frames: declared against found, per item): "
        f"{check_best:.2f} s best of {args.repeat} ({check_cpu:.1f} s CPU; target under 1 s); "
        f"{lines.height:,} report lines; impacts " + ", ".join(f"{k} {v:,}" for k, v in
                                                           impact.group_by("impact").len().sort("impact").iter_rows())
        + f"; one household {min(one_runs) * 1000:.0f} ms"
    )  # fmt: skip

    # 4. The baseline: pandas on a sample city, and ours on the same sample.
    if args.sample >= households:
        sample_store = store
    else:
        sample_store = work / "sample"
        temporary.append(sample_store)
        ensure_store(sample_store, args.sample, work, "sample")
    sample_residents = count_rows(sample_store)["household_registration"]
    sample_planted = pl.read_parquet(sample_store / "planted.parquet")
    say("sample: ours (screen_store) in a fresh process")
    ours = in_fresh_process("screen", sample_store, work)
    say("sample: the pandas baseline in a fresh process")
    base = in_fresh_process("baseline", sample_store, work)
    ours_keys, base_keys = finding_keys(ours["findings"]), finding_keys(base["findings"])
    print(
        f"sample: {sample_residents:,} residents; ours {ours['seconds']:.2f} s ({ours['cpu']:.1f} s CPU, peak "
        f"{gb(ours['peak'])}), pandas {base['seconds']:.2f} s ({base['cpu']:.1f} s CPU, peak {gb(base['peak'])}): "
        f"ours {base['seconds'] / ours['seconds']:.1f}x faster on the sample"
    )
    counts = (
        ours_keys.group_by("kind").len("ours")
        .join(base_keys.group_by("kind").len("pandas"), on="kind", how="full", coalesce=True)
        .join(ours_keys.join(base_keys, on=["kind", "household_no", "id_number"]).group_by("kind").len("both"),
              on="kind", how="left")
        .fill_null(0).sort("kind")
    )  # fmt: skip
    print("  findings on the sample: kind, ours, pandas, the same in both")
    for kind, n_ours, n_base, n_both in counts.select("kind", "ours", "pandas", "both").iter_rows():
        print(f"    {kind:18} {n_ours:8,} {n_base:8,} {n_both:8,}")
    print(
        f"    {'all':18} {ours_keys.height:8,} {base_keys.height:8,} {counts['both'].sum():8,}"
        f"   (planted found: ours {check_planted(ours['findings'], sample_planted)[0]}, "
        f"pandas {check_planted(base['findings'], sample_planted)[0]} of {sample_planted.height})"
    )
    scale = residents / sample_residents
    projected = base["seconds"] * scale
    print(
        f"baseline: pandas scaled linearly to {residents:,} residents ({scale:.1f}x the sample) would take "
        f"{projected:,.1f} s and about {gb(base['peak'] * scale)}; ours took {seconds:.2f} s: "
        f"{projected / seconds:.1f}x faster"
    )
    print(
        f"targets: full city {seconds:.2f} s (< 10 s: {'met' if seconds < 10 else 'NOT met'}), "
        f"peak {gb(full['peak'])} (< 6 GB: {'met' if full['peak'] < 6 * GB else 'NOT met'}); "
        f"{n_batch:,} households screened {best:.2f} s, checked {check_best:.2f} s "
        f"(< 1 s: {'met' if best < 1 else 'NOT met'} / {'met' if check_best < 1 else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
