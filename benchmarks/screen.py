"""Benchmark: screening the whole population (漏保, 错保 and the anomaly rules), against reading its input.

    python benchmarks/screen.py [--households N] [--store DIR] [--rounds 5] [--sample N] [--no-duckdb] [--keep]

Builds a synthetic Jining with ``generate_city`` (or reuses the one in ``--store`` if it holds a
``planted.parquet``). The screening reads the month's facts kept at import (``month_facts``), so:

1. **The imports' share**, in a fresh process: the month's facts made from scratch from the
   store's deliveries, as importing them one after another makes them (each item's share too).
2. **The screening against the read of its input**, in one fresh process, ``--rounds`` times:
   reading every row of the files the screening reads, the columns it uses (``month_facts.scans``
   with ``screen.READ``), then ``screen_store``; both times and their ratio (the median round's:
   target at most 2), the peak memory of the screening (target: at most 4 GB), and the findings
   checked against the planted cases (every one found, nothing outside the planted households).
3. The stages of the screening one by one, in another fresh process.
4. **The baselines**: the same screening as SQL on DuckDB over the store's Parquet files
   (``benchmarks/duckdb_screen.py``) on the full city, and with pandas on a sample city (scaled
   to the city), each in a fresh process, the findings compared with ours; ours from the raw
   deliveries (the facts made, then the screening) beside them, as they start from the raw rows.

Each figure is wall time, with the CPU time of all the process's threads beside it: on a busy
machine the CPU time is the steadier, and the ratios measured in one process are what count.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

from safetynet.batch import month_facts, screen
from safetynet.batch.facts import ENGINE, as_of, window
from safetynet.batch.feed_items import ITEMS
from safetynet.batch.generate import generate_city

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/ is not a package

MONTH = date(2026, 11, 1)
STARTED = time.perf_counter()
GB = 1024**3
TARGET_RATIO, TARGET_PEAK = 2.0, 4 * GB


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


def child_facts(args) -> dict:
    """The month's facts made from scratch, as importing the month's deliveries makes them: the
    register first (each item is placed on its rows), then each item, timed one by one."""
    shutil.rmtree(month_facts.folder(args.store, MONTH), ignore_errors=True)
    marks = [("register", time.perf_counter(), time.process_time())]

    def progress(code: str) -> None:
        marks.append((code, time.perf_counter(), time.process_time()))

    (_, made), figures = measured(lambda: month_facts.ensure(args.store, MONTH, progress=progress))
    marks.append(("end", time.perf_counter(), time.process_time()))
    steps = {a[0]: (b[1] - a[1], b[2] - a[2]) for a, b in zip(marks, marks[1:], strict=False)}
    return {**figures, "made": made, "steps": steps}


def read_input(store: Path) -> list[pl.DataFrame]:
    """Every row of the files the screening reads, the columns it uses, as it reads them."""
    return pl.collect_all(month_facts.scans(month_facts.folder(store, MONTH), screen.READ), engine=ENGINE)


def child_screen(args) -> dict:
    """``rounds`` times: the read of the screening's input, then ``screen_store``; the findings
    of the last round are written beside the result."""
    start_rss = rss_bytes("VmRSS")
    month_facts.ensure(args.store, MONTH)  # current facts: what the import leaves
    reads, screens = [], []
    for _ in range(args.rounds):
        frames, read = measured(read_input, args.store)
        read["rows"] = max(f.height for f in frames)
        read["values"] = sum(f.height * f.width for f in frames)
        del frames
        reads.append(read)
        findings, figures = measured(screen.screen_store, args.store, MONTH)
        screens.append(figures)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    findings.write_parquet(args.result.with_suffix(".parquet"))
    return {"reads": reads, "screens": screens, "start_rss": start_rss, "maxrss": maxrss}


def child_stages(args) -> dict:
    """The screening's stages one after the other (``screen_store_counted`` runs some of them side
    by side)."""
    out = {"start_rss": rss_bytes("VmRSS")}
    target, _ = month_facts.ensure(args.store, MONTH)

    def read():
        first = pl.collect_all(month_facts.scans(target, screen.FIRST), engine=ENGINE)
        later = pl.collect_all(month_facts.scans(target, screen.LATER, households=False), engine=ENGINE)
        return (
            pl.concat(first[:-2], how="horizontal"),
            pl.concat(first[-2:], how="horizontal"),
            pl.concat(later, how="horizontal"),
        )

    (persons, households, rest), out["read"] = measured(read)
    first, out["on_rolls_or_poor"] = measured(screen.on_rolls_or_poor, households, MONTH)
    flags, out["flags"] = measured(
        lambda: (
            screen.person_flags(persons.lazy(), MONTH).with_columns(screen.AS_RELATIVE).collect(engine=screen.EVERYONE)
        )
    )
    rows = {link: persons.get_column(f"{link}_row") for link in screen.RELATIVE_LINKS}
    (able, officials), out["fold"] = measured(screen.fold_links, flags, rows)
    chosen, out["alone"] = measured(lambda: first | screen.alone(persons, able, MONTH))
    linked, out["as_linked"] = measured(screen.chosen_rows, persons, rest, households, able, officials, chosen)
    findings, out["screen_persons"] = measured(
        lambda: [screen.screen_persons(c, MONTH) for c in screen.household_chunks(linked)]
    )
    out["households"], out["chosen"] = len(chosen), int(chosen.sum())
    out["persons"], out["chosen_persons"] = persons.height, linked.height
    return out


def child_baseline(args) -> dict:
    start_rss = rss_bytes("VmRSS")
    findings, figures = measured(pandas_screen, args.store, MONTH)
    findings.to_parquet(args.result.with_suffix(".parquet"), index=False)
    return {**figures, "start_rss": start_rss}


def child_raw(args) -> dict:
    """Ours from the raw deliveries, as the baselines start: the facts made, then the screening."""
    shutil.rmtree(month_facts.folder(args.store, MONTH), ignore_errors=True)
    findings, figures = measured(screen.screen_store, args.store, MONTH)
    findings.write_parquet(args.result.with_suffix(".parquet"))
    return figures


def child_duckdb(args) -> dict:
    from duckdb_screen import duckdb_screen

    findings, figures = measured(duckdb_screen, args.store, MONTH)
    findings.write_parquet(args.result.with_suffix(".parquet"))
    return figures


CHILDREN = {
    "generate": child_generate, "facts": child_facts, "screen": child_screen, "stages": child_stages,
    "baseline": child_baseline, "raw": child_raw, "duckdb": child_duckdb,
}  # fmt: skip


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
# The baseline: the same screening in pandas, as an analyst would write it without Polars.
# Read each feed, aggregate it per person, merge everything onto the register, find each
# person's relatives, then decide households and members and list the findings.


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
    parser.add_argument("--rounds", type=int, default=5, help="reads and screenings, one after the other")
    parser.add_argument("--sample", type=int, default=100_000, help="households of the pandas baseline's sample")
    parser.add_argument("--no-duckdb", action="store_true", help="leave out the DuckDB baseline on the full city")
    parser.add_argument("--keep", action="store_true", help="keep the generated temporary cities")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.result.write_text(json.dumps(CHILDREN[args.child](args)))
        return 0

    import duckdb
    import pandas as pd

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"machine: {os.cpu_count()} cores, {gb(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES'))} RAM, "
        f"Python {platform.python_version()}, Polars {pl.__version__}, pandas {pd.__version__}, DuckDB "
        f"{duckdb.__version__}; load average {load} (other processes on the machine make timings noisy)"
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


def figure(f: dict) -> str:
    return f"{f['seconds']:.2f} s ({f['cpu']:.1f} s CPU)"


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

    # 1. The imports' share: the month's facts made from scratch.
    say("the imports' share: the month's facts made from scratch, in a fresh process")
    facts = in_fresh_process("facts", store, work)
    steps = sorted(facts["steps"].items(), key=lambda kv: -kv[1][0])
    print(
        f"imports' share: the month's facts made from the store's deliveries in {figure(facts)}, peak "
        f"{gb(facts['peak'])}; each delivery's share (the register places everyone, then each item): "
        + ", ".join(f"{k} {v[0]:.2f}" for k, v in steps)
    )

    # 2. The screening against the read of its input, in one fresh process.
    say(f"full city: the read of the screening's input, then screen_store, {args.rounds} times in a fresh process")
    full = in_fresh_process("screen", store, work, "--rounds", str(args.rounds))
    findings = full.pop("findings")
    reads, screens = full["reads"], full["screens"]
    ratios = [s["seconds"] / r["seconds"] for r, s in zip(reads, screens, strict=True)]
    ratio = sorted(ratios)[len(ratios) // 2]  # the median round's: its read and screening back to back
    best_read = min(reads, key=lambda f: f["seconds"])
    best_screen = min(screens, key=lambda f: f["seconds"])
    print(
        f"read of the screening's input (the month's facts: {len(screen.READ) + 2} files, "
        f"{best_read['rows']:,} rows, {best_read['values']:,} values): " + ", ".join(figure(r) for r in reads)
    )
    print("screening (screen_store): " + ", ".join(figure(s) for s in screens))
    cpu = sorted(s["cpu"] / r["cpu"] for r, s in zip(reads, screens, strict=True))
    print(
        "ratio screening / read, round by round: "
        + ", ".join(f"{r:.2f}" for r in ratios)
        + f"; the median {ratio:.2f} (target at most {TARGET_RATIO:.0f}: "
        + f"{'met' if ratio <= TARGET_RATIO else 'NOT met'})"
        + f"; the fastest screening against the fastest read {best_screen['seconds'] / best_read['seconds']:.2f}"
        + f"; in CPU seconds {cpu[len(cpu) // 2]:.2f}"
    )
    peak = max(s["peak"] for s in screens)
    what = "high-water mark of RSS reset just before each screening" if screens[0]["resettable"] else "ru_maxrss"
    print(
        f"peak memory of the screening: {gb(peak)} (target at most {gb(TARGET_PEAK)}: "
        f"{'met' if peak <= TARGET_PEAK else 'NOT met'}; {what}; the process's after imports "
        f"{gb(full['start_rss'])}, its ru_maxrss {gb(full['maxrss'])})"
    )
    print(
        f"the imports' share against the screening: {facts['seconds']:.1f} s once a month (spread over the "
        f"deliveries) against {best_screen['seconds']:.2f} s a screening; from the raw deliveries to the "
        f"findings {facts['seconds'] + best_screen['seconds']:.1f} s"
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

    # 3. The stages one by one.
    say("full city: the screening's stages one by one, in a fresh process")
    st = in_fresh_process("stages", store, work)
    names = ("read", "on_rolls_or_poor", "flags", "fold", "alone", "as_linked", "screen_persons")
    what = {
        "read": "the month's facts read",
        "on_rolls_or_poor": "households with someone covered, or under the highest dibao line",
        "flags": "each person as a relative (obligor, official)", "fold": "each person's relatives folded",
        "alone": "households with someone without an able obligor, under the highest standard",
        "as_linked": "those households' rows taken", "screen_persons": "the rules and the findings",
    }  # fmt: skip
    print(
        f"stages: {sum(st[n]['seconds'] for n in names):.2f} s ({sum(st[n]['cpu'] for n in names):.1f} s CPU) "
        f"one after the other; the rules ran on {st['chosen']:,} of {st['households']:,} households "
        f"({st['chosen_persons']:,} of {st['persons']:,} residents)"
    )
    for n in names:
        print(f"  {n:15} {figure(st[n]):26} peak {gb(st[n]['peak'])}  {what[n]}")

    # 4. The baselines: DuckDB on the full city; pandas and DuckDB on a sample; ours from the raw rows.
    if not args.no_duckdb:
        say("full city: ours from the raw deliveries, then DuckDB, each in a fresh process")
        raw = in_fresh_process("raw", store, work)
        duck = in_fresh_process("duckdb", store, work)
        compare_baseline("DuckDB", duck, raw, best_screen, findings)
    if args.sample >= households:
        sample_store = store
    else:
        sample_store = work / "sample"
        temporary.append(sample_store)
        ensure_store(sample_store, args.sample, work, "sample")
    sample_residents = count_rows(sample_store)["household_registration"]
    say("sample: ours from the raw deliveries, pandas, DuckDB, each in a fresh process")
    ours = in_fresh_process("raw", sample_store, work)
    base = in_fresh_process("baseline", sample_store, work)
    duck_sample = in_fresh_process("duckdb", sample_store, work)
    print(f"sample: {sample_residents:,} residents")
    compare_baseline("pandas", base, ours, None, ours["findings"])
    compare_baseline("DuckDB", duck_sample, ours, None, ours["findings"])
    scale = residents / sample_residents
    projected = base["seconds"] * scale
    print(
        f"  pandas scaled linearly to {residents:,} residents ({scale:.1f}x the sample): {projected:,.1f} s and "
        f"about {gb(base['peak'] * scale)}"
    )
    print(
        f"targets: screening / read {ratio:.2f} (at most {TARGET_RATIO:.0f}: "
        f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}), peak {gb(peak)} (at most {gb(TARGET_PEAK)}: "
        f"{'met' if peak <= TARGET_PEAK else 'NOT met'}), findings "
        f"{'OK' if found == total and outside == 0 else 'MISMATCH'}"
    )
    return 0


def compare_baseline(name: str, theirs: dict, raw: dict, screening: dict | None, ours: pl.DataFrame) -> None:
    """A baseline's time, memory and findings beside ours (from the raw rows, and the screening alone)."""
    from duckdb_screen import compare

    keys = finding_keys(theirs["findings"]).join(finding_keys(ours), on=["kind", "household_no", "id_number"])
    if set(screen.FINDING_SCHEMA) <= set(theirs["findings"].columns):
        same, only_ours, only_theirs = compare(ours, theirs["findings"].cast(screen.FINDING_SCHEMA))
        columns = f"; the same in every column {same:,} (only ours {only_ours:,}, only {name}'s {only_theirs:,})"
    else:  # the pandas baseline words its evidence apart
        columns = ""
    alone = (
        f"; against the screening alone ({screening['seconds']:.2f} s) {theirs['seconds'] / screening['seconds']:.1f}x"
        if screening
        else ""
    )
    print(
        f"  {name}: {figure(theirs)}, peak {gb(theirs['peak'])}; ours from the raw deliveries {figure(raw)}, peak "
        f"{gb(raw['peak'])}: {name} takes {theirs['seconds'] / raw['seconds']:.1f}x ours{alone}"
    )
    print(
        f"    findings: ours {ours.height:,}, {name} {theirs['findings'].height:,}; the same (kind, household, "
        f"person) {keys.height:,}{columns}"
    )


if __name__ == "__main__":
    sys.exit(main())
