"""A synthetic Jining: the population register and all 19 department feeds, as a feed store.

``generate_city`` writes what the verification centre would hold after every department's
delivery for the month before ``month``: about 2.8 residents per household, valid ID numbers
issued in each of the 14 areas, incomes, pensions, deposits, vehicles, homes, businesses,
disabilities, illnesses and deaths at plausible rates, and the people already covered by dibao
and tekun. Ordinary households earn well above 1.5 times the standard; covered households are
built to qualify. On top, a known set of cases is planted, one kind of finding each (missed,
wrongly covered, the anomaly rules), and listed in ``planted.parquet``; the screening must find
all of them and nothing else. Vectorised with NumPy and Polars; deterministic for a seed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from safetynet.batch.facts import as_of, window
from safetynet.batch.feeds import write_item
from safetynet.policy.areas import all_areas, get_area
from safetynet.policy.idnumber import check_digit_expr
from safetynet.policy.money import to_fen
from safetynet.policy.months import add_months
from safetynet.policy.parameters import value

# What the screening must report for each planted household (the finding kind).
PLANTED_KINDS = (
    "missed_dibao", "missed_tekun", "edge_family", "wrong_dibao", "wrong_tekun", "deceased", "owns_car",
    "owns_business", "public_payroll", "covered_twice", "official_relative",
)  # fmt: skip
PLANTED_SCHEMA = {"kind": pl.String, "household_no": pl.String, "id_number": pl.String}
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏志建国文斌宇浩凯")
# Household types: ordinary, covered dibao, covered tekun, well-off elderly alone; then the planted.
ORDINARY, DIBAO, TEKUN, ELDER = 0, 1, 2, 3


def _planted_count(households: int) -> int:
    return max(2, households // 2000)


def generate_city(
    households: int,
    out: Path,
    month: date = date(2026, 11, 1),
    seed: int = 0,
    townships: int = 12,
    villages: int = 20,
    progress=None,
) -> dict:
    """Write the register, the 19 feeds and ``planted.parquet`` under ``out``; returns counts."""
    rng = np.random.default_rng(seed)
    step = progress or (lambda label: None)
    k = _planted_count(households)
    planted_kinds = np.repeat(np.arange(len(PLANTED_KINDS)), k)
    n_planted = len(planted_kinds)
    n_cadre = k  # the village cadres whose children are planted as covered (official_relative)
    n_regular = max(households - n_planted - n_cadre, 0)
    draw = rng.random(n_regular)
    regular_type = np.where(draw < 0.025, DIBAO, np.where(draw < 0.029, TEKUN, np.where(draw < 0.05, ELDER, ORDINARY)))
    # Each planted kind is built on the household type it deviates from.
    base_of_kind = {
        "missed_dibao": DIBAO, "missed_tekun": TEKUN, "edge_family": DIBAO, "wrong_dibao": DIBAO,
        "wrong_tekun": TEKUN, "deceased": TEKUN, "owns_car": DIBAO, "owns_business": DIBAO,
        "public_payroll": DIBAO, "covered_twice": DIBAO, "official_relative": DIBAO,
    }  # fmt: skip
    planted_type = np.array([base_of_kind[PLANTED_KINDS[i]] for i in planted_kinds], dtype=np.int64)
    htype = np.concatenate([regular_type, planted_type, np.full(n_cadre, ORDINARY)])
    plant = np.concatenate([np.full(n_regular, -1), planted_kinds, np.full(n_cadre, -1)])
    n = len(htype)
    kind_of = {name: i for i, name in enumerate(PLANTED_KINDS)}
    covered = (htype == DIBAO) | (htype == TEKUN)
    for name in ("missed_dibao", "missed_tekun", "edge_family"):
        covered &= plant != kind_of[name]

    # Areas: county, township, village; hukou; the dibao standard of each household.
    counties = [a.code for a in all_areas()]
    county_idx = rng.integers(0, len(counties), n)
    county = np.array(counties)[county_idx]
    village_code = np.char.add(
        np.char.add(county, np.char.zfill(rng.integers(1, townships + 1, n).astype(str), 3)),
        np.char.zfill(rng.integers(1, villages + 1, n).astype(str), 3),
    )
    hukou = np.where(rng.random(n) < 0.55, "rural", "urban")
    standard = np.zeros(n, dtype=np.int64)
    for code in counties:
        for h in ("urban", "rural"):
            standard[(county == code) & (hukou == h)] = to_fen(value("dibao_standard", code, month, hukou=h))
    step("households")

    # Sizes and members. Ordinary: head, spouse, two children, two parents of the head; dibao:
    # head, spouse, two minor children; tekun and elderly: one person.
    size = np.where(
        htype == ORDINARY,
        rng.choice(np.arange(1, 7), n, p=(0.18, 0.30, 0.24, 0.17, 0.08, 0.03)),
        np.where(htype == DIBAO, rng.choice(np.arange(1, 5), n, p=(0.35, 0.30, 0.25, 0.10)), 1),
    )
    total = int(size.sum())
    hh = np.repeat(np.arange(n), size)
    pos = np.arange(total) - np.repeat(np.cumsum(size) - size, size)
    t = htype[hh]
    head_age = np.where(
        htype == ORDINARY,
        rng.integers(25, 56, n),
        np.where(htype == DIBAO, rng.integers(30, 60, n), rng.integers(60, 96, n)),
    )
    age = np.select(
        [pos == 0, pos == 1, pos < 4],
        [head_age[hh], np.clip(head_age[hh] + rng.integers(-5, 6, total), 20, 95),
         np.where(t == DIBAO, rng.integers(0, 18, total), np.minimum(rng.integers(0, 31, total), head_age[hh] - 20))],
        np.minimum(head_age[hh] + rng.integers(20, 36, total), 100),
    )  # fmt: skip
    relation = np.array(["head", "spouse", "child", "child", "parent", "parent"])[pos]
    male = np.where(
        pos == 0,
        True,
        np.where(pos == 1, False, np.where(pos == 4, True, np.where(pos == 5, False, rng.random(total) < 0.5))),
    )
    # cadre households are a village cadre aged 55-65 (the planted child's parent)
    cadre_hh = np.arange(n) >= n_regular + n_planted
    age = np.where(cadre_hh[hh] & (pos == 0), rng.integers(55, 66, total), age)
    step("members")

    # ID numbers: area, birth date, a sequence unique within area, date and sex.
    days = rng.integers(0, 365, total)
    birth = (np.datetime64(month, "D") - (age * 365.25 + days + 1).astype("timedelta64[D]")).astype("datetime64[D]")
    people = pl.DataFrame({"hh": hh, "pos": pos, "county": county[hh], "birth": birth, "male": male}).with_columns(
        pl.int_range(pl.len()).over("county", "birth", "male").alias("rank")
    )
    first17 = (
        pl.col("county") + pl.col("birth").dt.strftime("%Y%m%d")
        + (pl.col("rank") * 2 + pl.col("male").cast(pl.Int64) + 100).cast(pl.String).str.slice(-3)
    )  # fmt: skip
    people = people.with_columns(first17.alias("first17")).with_columns(
        (pl.col("first17") + check_digit_expr(pl.col("first17"))).alias("id_number")
    )
    ids = people["id_number"].to_numpy()
    # no two residents may share a number: 1,000 sequences per area, day and sex is ample
    assert people["rank"].max() < 450
    step("ID numbers")

    # Names
    surname = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)][hh]
    names = np.char.add(
        np.char.add(surname, np.array(GIVEN)[rng.integers(0, len(GIVEN), total)]),
        np.where(rng.random(total) < 0.6, np.array(GIVEN)[rng.integers(0, len(GIVEN), total)], ""),
    )

    # Links (as member indices, -1 for none): children to the head (father) and the spouse
    # (mother); the head to the parents living with them.
    first_member = np.cumsum(size) - size
    none = np.full(total, -1)
    head_idx = first_member[hh]
    spouse_idx = np.where(size >= 2, first_member + 1, -1)[hh]
    father = np.where((pos >= 2) & (pos < 4), head_idx, none)
    mother = np.where((pos >= 2) & (pos < 4), spouse_idx, none)
    father = np.where(pos == 0, np.where(size >= 5, first_member + 4, -1)[hh], father)
    mother = np.where(pos == 0, np.where(size >= 6, first_member + 5, -1)[hh], mother)
    household_no = np.char.add(county, np.char.zfill(np.arange(n).astype(str), 10))
    hh_no = household_no[hh]

    # official_relative: the planted head's father is a village cadre heading a household of his own
    rel_hh = np.flatnonzero(plant == kind_of["official_relative"])
    father[first_member[rel_hh]] = first_member[n_regular + n_planted :][: len(rel_hh)]
    out.mkdir(parents=True, exist_ok=True)
    delivered = as_of(month)

    def key(id_array) -> np.ndarray:
        return (
            np.array([int(s[:17]) for s in id_array], dtype=np.int64)
            if len(id_array) < 1000
            else (pl.Series(id_array, dtype=pl.String).str.slice(0, 17).cast(pl.Int64).to_numpy())
        )

    person_key = key(ids)
    write = lambda code, frame: write_item(out, code, delivered, frame)  # noqa: E731
    register = pl.DataFrame(
        {"person_key": person_key, "id_number": ids, "name": names, "household_no": hh_no,
         "area_code": village_code[hh], "hukou": hukou[hh], "relation": relation,
         "father_id": _gather(ids, father), "mother_id": _gather(ids, mother)}
    )  # fmt: skip
    # as public security delivers it: household by household, the head first
    write("household_registration", register.sort("household_no", maintain_order=True))
    step("register")

    # Incomes (net fen per month) by household type: ordinary earn 2.2-6 times the standard per
    # person; dibao households below it; edge families 1.05-1.45 times; planted wrong ones above.
    per_capita = np.where(
        htype == ORDINARY, rng.uniform(2.2, 6.0, n), np.where(htype == DIBAO, rng.uniform(0.0, 0.85, n), 0.0)
    )
    per_capita = np.where(plant == kind_of["edge_family"], rng.uniform(1.05, 1.45, n), per_capita)
    per_capita = np.where(plant == kind_of["wrong_dibao"], rng.uniform(2.0, 3.0, n), per_capita)
    household_wage = (per_capita * standard * size).astype(np.int64)
    wage = np.where(pos == 0, household_wage[hh], 0)
    spouse_earns = (pos == 1) & (t == ORDINARY) & (rng.random(total) < 0.6)
    wage = np.where(spouse_earns, (rng.uniform(0.5, 2.0, total) * standard[hh]).astype(np.int64), wage)
    first, last, months = window(month)
    window_months = [add_months(first, i) for i in range(months)]
    earners = np.flatnonzero(wage > 0)
    net = wage[earners]
    insurance = net * 105 // 1000
    tax = np.maximum(net - 500000, 0) * 3 // 100
    tax_rows = pl.DataFrame(
        {"person_key": np.tile(person_key[earners], months), "id_number": np.tile(ids[earners], months),
         "month": np.repeat(np.array(window_months, dtype="datetime64[D]"), len(earners)),
         "wage_income": np.tile(net + insurance + tax, months), "tax": np.tile(tax, months),
         "personal_insurance": np.tile(insurance, months)}
    )  # fmt: skip

    # Pensions: residents' scheme for the elderly (the central basic part excluded from dibao
    # since 2021-07), employees' for the well-off elderly and the planted wrong tekun.
    elderly = age >= 60
    central = np.full(total, 14300)
    personal = np.where(t == TEKUN, rng.integers(0, 4000, total), rng.integers(0, 3000, total))
    personal = np.where((t == DIBAO) | (pos >= 4), 0, personal)
    employee = (t == ELDER) | (np.isin(hh, np.flatnonzero(plant == kind_of["wrong_tekun"])))
    employee_amount = (standard[hh] * rng.uniform(2.5, 4.0, total)).astype(np.int64)
    pensioners = np.flatnonzero(elderly & ~((t == ORDINARY) & (pos < 2) & (wage > 0)))
    scheme = np.where(employee[pensioners], "employee", "resident")
    amount = np.where(employee[pensioners], employee_amount[pensioners], central[pensioners] + personal[pensioners])
    basic = np.where(employee[pensioners], 0, central[pensioners])
    pension_rows = pl.DataFrame(
        {"person_key": np.tile(person_key[pensioners], months), "id_number": np.tile(ids[pensioners], months),
         "month": np.repeat(np.array(window_months, dtype="datetime64[D]"), len(pensioners)),
         "scheme": np.tile(scheme, months), "amount": np.tile(amount, months), "central_basic": np.tile(basic, months)}
    )  # fmt: skip

    # Public payroll: some ordinary earners; the cadres; the planted (the dibao head's spouse or head).
    on_payroll = (t == ORDINARY) & (wage > 0) & (rng.random(total) < 0.05) & ~cadre_hh[hh]
    roles = np.array(["civil_servant", "public_institution", "caseworker", "village_cadre"])
    role = roles[rng.integers(0, 2, total)]
    payroll_plant = np.flatnonzero(plant == kind_of["public_payroll"])
    planted_payee = first_member[payroll_plant]
    on_payroll[planted_payee] = True
    cadre_heads = first_member[n_regular + n_planted :]
    on_payroll[cadre_heads] = True
    role[cadre_heads] = "village_cadre"
    payees = np.flatnonzero(on_payroll)
    payroll_rows = pl.DataFrame(
        {"person_key": person_key[payees], "id_number": ids[payees], "month": np.full(len(payees), np.datetime64(last, "D")),
         "employer": np.char.add(county[hh[payees]], "财政供养单位"), "role": role[payees],
         "gross_pay": np.maximum(wage[payees], 300000)}
    )  # fmt: skip
    # the planted payee's pay is also wage income (the household no longer qualifies either)
    payee_tax = pl.DataFrame(
        {"person_key": np.tile(person_key[planted_payee], months), "id_number": np.tile(ids[planted_payee], months),
         "month": np.repeat(np.array(window_months, dtype="datetime64[D]"), len(planted_payee)),
         "wage_income": np.full(len(planted_payee) * months, 300000), "tax": 0, "personal_insurance": 0}
    )  # fmt: skip
    tax_rows = pl.concat([tax_rows, payee_tax.cast(tax_rows.schema)]).filter(
        ~(pl.col("person_key").is_in(person_key[planted_payee]) & (pl.col("wage_income") != 300000))
    )
    write("income_tax", tax_rows.sort("person_key"))
    write("pensions", pension_rows.sort("person_key"))
    write("public_payroll", payroll_rows.sort("person_key"))
    step("income")

    ordinary_earner = (t == ORDINARY) & (wage > 0)
    si = np.flatnonzero(ordinary_earner & (rng.random(total) < 0.7))
    write("social_insurance", pl.DataFrame(
        {"person_key": person_key[si], "id_number": ids[si], "month": np.full(len(si), np.datetime64(last, "D")),
         "insurance": "employee_pension", "contribution_base": wage[si], "employer": "企业"}))  # fmt: skip
    hf = np.flatnonzero(ordinary_earner & (rng.random(total) < 0.35))
    write("housing_fund", pl.DataFrame(
        {"person_key": person_key[hf], "id_number": ids[hf], "month": np.full(len(hf), np.datetime64(last, "D")),
         "deposit": wage[hf] // 10, "balance": wage[hf] * rng.integers(3, 60, len(hf))}))  # fmt: skip
    jobless = np.flatnonzero((t == ORDINARY) & (age >= 20) & (age < 60) & (wage == 0) & (rng.random(total) < 0.03))
    write("unemployment", pl.DataFrame(
        {"person_key": np.tile(person_key[jobless], months), "id_number": np.tile(ids[jobless], months),
         "month": np.repeat(np.array(window_months, dtype="datetime64[D]"), len(jobless)), "amount": 150000}))  # fmt: skip

    # Assets. Covered households stay within 24 months of the standard per member.
    limit = standard[hh] * 24
    dep_share = np.where(t == ORDINARY, 0.6, np.where(t == ELDER, 0.7, 0.3))
    depositors = np.flatnonzero(rng.random(total) < dep_share)
    balance = np.where(
        np.isin(t[depositors], [ORDINARY, ELDER]),
        rng.gamma(1.5, 3_000_000, len(depositors)),
        rng.uniform(0, 0.4, len(depositors)) * limit[depositors],
    ).astype(np.int64)
    as_of_day = pl.lit(delivered).alias("as_of")
    write("deposits", pl.DataFrame({"person_key": person_key[depositors], "id_number": ids[depositors],
                                    "institution": "银行", "balance": balance}).with_columns(as_of_day))  # fmt: skip
    sec = np.flatnonzero((t == ORDINARY) & (age >= 25) & (rng.random(total) < 0.05))
    write(
        "securities",
        pl.DataFrame(
            {
                "person_key": person_key[sec],
                "id_number": ids[sec],
                "institution": "证券公司",
                "market_value": rng.integers(100_000, 50_000_000, len(sec)),
            }
        ).with_columns(as_of_day),
    )
    ins = np.flatnonzero((t == ORDINARY) & (age >= 25) & (rng.random(total) < 0.10))
    write(
        "insurance",
        pl.DataFrame(
            {
                "person_key": person_key[ins],
                "id_number": ids[ins],
                "institution": "保险公司",
                "policy_no": np.char.add("P", ins.astype(str)),
                "cash_value": rng.integers(100_000, 10_000_000, len(ins)),
            }
        ).with_columns(as_of_day),
    )
    step("financial assets")

    heads = first_member
    car = heads[(htype == ORDINARY) & (rng.random(n) < 0.35)]
    car = np.concatenate([car, heads[plant == kind_of["owns_car"]]])
    farm = heads[(htype != TEKUN) & (hukou == "rural") & (rng.random(n) < 0.08)]
    vehicles = pl.DataFrame({
        "person_key": person_key[np.concatenate([car, farm])], "id_number": ids[np.concatenate([car, farm])],
        "plate": [f"鲁H{i:05d}" for i in range(len(car) + len(farm))],
        "vehicle_type": ["car"] * len(car) + ["farm"] * len(farm),
        "registered_date": np.full(len(car) + len(farm), np.datetime64(date(2019, 5, 1), "D")),
    })  # fmt: skip
    write("vehicles", vehicles)
    owners = heads[htype != TEKUN]
    second = heads[(htype == ORDINARY) & (rng.random(n) < 0.12)]
    homes = np.concatenate([owners, second])
    write("real_estate", pl.DataFrame({
        "person_key": person_key[homes], "id_number": ids[homes], "certificate_no": [f"鲁{i:09d}" for i in range(len(homes))],
        "use": "residential", "registered_date": np.full(len(homes), np.datetime64(date(2015, 3, 1), "D"))}))  # fmt: skip
    firms = np.concatenate(
        [heads[(htype == ORDINARY) & (rng.random(n) < 0.06)], heads[plant == kind_of["owns_business"]]]
    )
    closed = heads[(htype == DIBAO) & (rng.random(n) < 0.02)]  # a business closed long ago does not count
    biz = np.concatenate([firms, closed])
    write("business", pl.DataFrame({
        "person_key": person_key[biz], "id_number": ids[biz], "credit_code": [f"91370800MA{i:08d}" for i in range(len(biz))],
        "entity_type": np.where(rng.random(len(biz)) < 0.5, "enterprise", "individual"),
        "status": ["active"] * len(firms) + ["cancelled"] * len(closed),
        "registered_date": np.full(len(biz), np.datetime64(date(2018, 6, 1), "D"))}))  # fmt: skip
    step("property")

    # Disabilities: any kind and grade in ordinary households (their obligors are able); in dibao
    # households only the kinds and grades that do not make a person unable to work.
    disabled = np.flatnonzero((t == ORDINARY) & (rng.random(total) < 0.06))
    # a head is the obligor of the rest of an ordinary household: theirs are the mild grades
    severe_ok = pos[disabled] != 0
    mild = np.flatnonzero((t == DIBAO) & (rng.random(total) < 0.08))
    kinds = np.array(["physical", "intellectual", "mental", "visual", "hearing", "speech", "multiple"])
    write("disability", pl.DataFrame({
        "person_key": person_key[np.concatenate([disabled, mild])], "id_number": ids[np.concatenate([disabled, mild])],
        "disability_kind": np.concatenate([kinds[rng.integers(0, 7, len(disabled))], np.full(len(mild), "hearing")]),
        "grade": np.concatenate([np.where(severe_ok, rng.integers(1, 5, len(disabled)), 4), rng.integers(3, 5, len(mild))]),
        "issued_date": np.full(len(disabled) + len(mild), np.datetime64(date(2016, 9, 1), "D"))}))  # fmt: skip
    poor = np.flatnonzero((t == DIBAO) & (hukou[hh] == "rural") & (rng.random(total) < 0.6))
    write("registered_poor", pl.DataFrame({
        "person_key": person_key[poor], "id_number": ids[poor], "poor_household_no": hh_no[poor],
        "status": "out_of_poverty", "year": 2020}))  # fmt: skip
    edge_hh = np.isin(hh, np.flatnonzero(plant == kind_of["edge_family"]))
    ill = np.flatnonzero((t != TEKUN) & ~edge_hh & (rng.random(total) < 0.10))
    write("medical", pl.DataFrame({
        "person_key": person_key[ill], "id_number": ids[ill], "month": np.full(len(ill), np.datetime64(last, "D")),
        "total_cost": rng.integers(5_000, 2_000_000, len(ill)), "self_paid": rng.integers(1_000, 500_000, len(ill)),
        "serious_illness": rng.random(len(ill)) < 0.3}))  # fmt: skip
    step("disability, medical")

    # Deaths: a few elderly parents in ordinary households, and the planted tekun.
    dead = np.concatenate([
        np.flatnonzero((t == ORDINARY) & (pos >= 4) & (rng.random(total) < 0.01)),
        heads[plant == kind_of["deceased"]],
    ])  # fmt: skip
    write(
        "deaths",
        pl.DataFrame(
            {
                "person_key": person_key[dead],
                "id_number": ids[dead],
                "death_date": np.full(len(dead), np.datetime64(add_months(month, -2), "D")),
            }
        ),
    )
    couples = np.flatnonzero(pos == 1)
    husbands, wives = first_member[hh[couples]], couples
    marriage = pl.DataFrame({
        "person_key": np.concatenate([person_key[husbands], person_key[wives]]),
        "id_number": np.concatenate([ids[husbands], ids[wives]]),
        "spouse_id": np.concatenate([ids[wives], ids[husbands]]), "status": "married",
        "event_date": np.full(2 * len(couples), np.datetime64(date(2000, 10, 1), "D"))})  # fmt: skip
    write("marriage", marriage)

    # Coverage: every member of a covered dibao household, each tekun person; amounts per policy.
    covered_members = np.flatnonzero(covered[hh])
    programme = np.where(t[covered_members] == TEKUN, "tekun", "dibao")
    amount = np.where(
        pos[covered_members] == 0,
        np.where(programme == "dibao", np.maximum(standard[hh[covered_members]] * size[hh[covered_members]] - household_wage[hh[covered_members]], 0), standard[hh[covered_members]]),
        0,
    )  # fmt: skip
    assistance = pl.DataFrame({
        "person_key": person_key[covered_members], "id_number": ids[covered_members], "programme": programme,
        "area_code": village_code[hh[covered_members]], "household_no": hh_no[covered_members],
        "monthly_amount": amount, "since": np.full(len(covered_members), np.datetime64(date(2023, 1, 1), "D"))})  # fmt: skip
    twice = heads[plant == kind_of["covered_twice"]]
    other_area = np.array([c for c in counties])[(county_idx[hh[twice]] + 1) % len(counties)]
    assistance = pl.concat([assistance, pl.DataFrame({
        "person_key": person_key[twice], "id_number": ids[twice], "programme": "dibao",
        "area_code": np.char.add(other_area, "001001"), "household_no": np.char.add(other_area, "9999999999"),
        "monthly_amount": standard[hh[twice]], "since": np.full(len(twice), np.datetime64(date(2024, 1, 1), "D"))})])  # fmt: skip
    write("assistance", assistance.sort("person_key"))
    step("coverage")

    # The planted cases and who in them the finding is about.
    subject = first_member[n_regular : n_regular + n_planted]
    planted = pl.DataFrame(
        {"kind": np.array(PLANTED_KINDS)[planted_kinds], "household_no": household_no[n_regular : n_regular + n_planted],
         "id_number": ids[subject]}, schema=PLANTED_SCHEMA)  # fmt: skip
    planted.write_parquet(out / "planted.parquet")
    return {
        "households": n,
        "residents": total,
        "planted": n_planted,
        "month": f"{month:%Y-%m}",
        "areas": len(counties),
        "covered": int(covered_members.size),
    }


def _gather(ids: np.ndarray, index: np.ndarray) -> pl.Series:
    """The ID numbers at ``index``, null where it is -1."""
    return pl.Series(ids, dtype=pl.String).gather(np.maximum(index, 0)).set(pl.Series(index < 0), None)


def area_name(code: str) -> str:
    return get_area(code[:6]).name
