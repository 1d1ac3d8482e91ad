"""The synthetic rolls of Jining on 2020-06-30 that ``plan`` describes, as the old system would
export them: one frame of areas, one of households (each with its case), one of members.

Vectorised with NumPy and Polars and deterministic for a seed. Each stratum of ``plan`` (county,
programme, hukou, registered poor) gets exactly its households and persons covered: first the
households the replay will act on (``plan.Move``, with the size the move says), then a few
single-person-route households (a family above the standard but under 1.5 times it, a member
with a grade-1 disability covered alone), then the rest at sizes drawn about 汶上县's means and
adjusted to the exact total. Incomes put every household below its standard (the benefit
averages 40 % of the standard a person, as 汶上县's 267 of 445 and 354 of 590).

ID numbers use the sequences 000-499 of each county, birth date and sex; households registered
during the replay use 500-999 (``SEQUENCE_REPLAY``), so the two never meet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from safetynet.policy.areas import all_areas
from safetynet.policy.idnumber import check_digit_expr
from safetynet.policy.money import to_fen
from safetynet.policy.parameters import value
from safetynet.scenario import plan

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
                "余杜叶程苏魏吕丁任沈姚卢")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红鹏志建国文斌宇浩凯春梅德胜永海燕")
TOWNSHIP_NAMES = ["城关街道", "东关街道", "南关镇", "北湖镇", "西郊镇", "马营镇", "杨店镇", "王庄镇", "郭楼镇",
                  "义桥镇", "康庄镇", "白石镇", "刘楼镇", "苑庄镇"]  # fmt: skip
VILLAGE_SUFFIX = ["社区", "社区", "村", "村", "村", "村", "村", "村", "村", "村", "村", "村"]
RELATIONS = ("head", "spouse", "child", "child", "parent", "parent")
SEQUENCE_REPLAY = 500  # the ID sequences from here on are the replay's
ROLL_SINGLES = {plan.WENSHANG: 12}  # single-person-route households in a county's roll (3 elsewhere)
SIZE_P = (0.45, 0.33, 0.14, 0.06, 0.02)  # household sizes 1-5 before the adjustment to the total


@dataclass
class Roll:
    areas: pl.DataFrame  # code, name, level, parent
    households: pl.DataFrame  # household_no, village, hukou, address, registered_poor, programme, approved_on
    members: pl.DataFrame  # household_no, id_number, name, relation, birth_date, sex, phone, bank_card, ...
    moves: dict[int, str]  # index in plan.moves() -> household_no of the household it acts on


def areas() -> pl.DataFrame:
    """Townships and villages under the 14 areas (invented names; 汶上县 has 14 townships)."""
    rows = []
    for a in all_areas():
        for t in range(1, plan.townships(a.code) + 1):
            township = f"{a.code}{t:03d}"
            rows.append((township, f"{a.name}{TOWNSHIP_NAMES[(t - 1) % len(TOWNSHIP_NAMES)]}", "township", a.code))
            for v in range(1, plan.VILLAGES_PER_TOWNSHIP + 1):
                name = SURNAMES[(t * 7 + v) % len(SURNAMES)] + ("庄", "屯", "楼", "集")[v % 4] + VILLAGE_SUFFIX[v - 1]
                rows.append((f"{township}{v:03d}", name, "village", township))
    return pl.DataFrame(rows, schema={"code": pl.String, "name": pl.String, "level": pl.String, "parent": pl.String},
                        orient="row")


def _sizes(rng: np.random.Generator, n: int, persons: int) -> np.ndarray:
    """``n`` household sizes of 1 to 6 adding up to ``persons``."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if not n <= persons <= 6 * n:
        raise ValueError(f"{persons} persons cannot make {n} households")
    size = rng.choice(np.arange(1, 6), n, p=SIZE_P)
    while (diff := persons - int(size.sum())) != 0:
        room = np.flatnonzero(size < 6) if diff > 0 else np.flatnonzero(size > 1)
        pick = rng.choice(room, min(abs(diff), len(room)), replace=False)
        size[pick] += 1 if diff > 0 else -1
    return size


def _luhn(body: np.ndarray) -> np.ndarray:
    """The Luhn check digit of each row of digits (the body of a card number)."""
    doubled = body[:, ::-1].copy()
    doubled[:, ::2] *= 2  # from the right, every other digit of the body is doubled
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    return (10 - doubled.sum(axis=1) % 10) % 10


def build(seed: int = 2020) -> Roll:
    """The rolls of the whole city on 2020-06-30, for ``plan.opening_strata``."""
    rng = np.random.default_rng(seed)
    area_frame = areas()
    villages = area_frame.filter(pl.col("level") == "village")
    moves = plan.moves()
    columns: dict[str, list] = {k: [] for k in ("county", "programme", "hukou", "poor", "size", "single", "move")}
    for s in plan.opening_strata(moves):
        flagged = [(i, m) for i, m in enumerate(moves) if m.in_roll and m.key == s.key]
        singles = ROLL_SINGLES.get(s.county, 3) if (s.programme, s.hukou, s.poor) == ("dibao", "rural", False) else 0
        rest_n = s.households - len(flagged) - singles
        rest_persons = s.persons - sum(m.covered for _, m in flagged) - singles
        size = np.concatenate([[m.size for _, m in flagged], np.full(singles, 3),
                               _sizes(rng, rest_n, rest_persons) if s.programme == "dibao" else np.ones(rest_n)])
        n = len(size)
        columns["county"].append(np.full(n, s.county))
        columns["programme"].append(np.full(n, s.programme))
        columns["hukou"].append(np.full(n, s.hukou))
        columns["poor"].append(np.full(n, s.poor))
        columns["size"].append(size.astype(np.int64))
        columns["single"].append((np.arange(n) >= len(flagged)) & (np.arange(n) < len(flagged) + singles))
        columns["move"].append(np.concatenate([[i for i, _ in flagged], np.full(n - len(flagged), -1)]))
    hh = pl.DataFrame({k: np.concatenate(v) for k, v in columns.items()})
    n = hh.height
    county = hh["county"].to_numpy()

    # Villages: urban households in the communities (社区, the first two of a township), rural in the villages.
    community = villages["name"].str.ends_with("社区").to_numpy()
    village_codes = villages["code"].to_numpy()
    village = np.empty(n, dtype="<U12")
    for code in np.unique(county):
        for hukou, pool in (("urban", community), ("rural", ~community)):
            mine = np.flatnonzero((county == code) & (hh["hukou"].to_numpy() == hukou))
            options = village_codes[pool & (village_codes.astype("<U6") == code)]
            village[mine] = options[rng.integers(0, len(options), len(mine))]
    household_no = (pl.Series(county, dtype=pl.String) + pl.int_range(0, n, eager=True).cast(pl.String).str.zfill(10)
                    ).to_numpy()
    # The old system's decisions: from 2014 to mid-June 2020 (the notice closes by the 30th).
    first, last = np.datetime64("2014-01-06"), np.datetime64("2020-06-19")
    approved = first + rng.integers(0, int((last - first).astype(int)), n).astype("timedelta64[D]")
    standard = np.zeros(n, dtype=np.int64)
    for code in np.unique(county):
        for hukou in ("urban", "rural"):
            standard[(county == code) & (hh["hukou"].to_numpy() == hukou)] = to_fen(
                value("dibao_standard", code, plan.START, hukou=hukou))
    single = hh["single"].to_numpy()
    size = hh["size"].to_numpy()
    # Drawn 0 to 80 % of the standard, then scaled in each county and hukou so that the persons'
    # mean is 40 % exactly (to the yuan): the benefit then averages 60 % of the standard.
    drawn = rng.uniform(0, 2 * plan.INCOME_SHARE, n)
    group = ("county", "hukou", "programme", "single")
    weights = pl.DataFrame({"county": county, "hukou": hh["hukou"], "programme": hh["programme"], "single": single,
                            "x": drawn * size, "size": size})
    scale = weights.select((plan.INCOME_SHARE * pl.col("size").sum().over(group) / pl.col("x").sum().over(group))
                           .alias("scale"))["scale"].to_numpy()  # fmt: skip
    per_capita = (np.minimum(drawn * scale, 0.95) * standard).round(-2).astype(np.int64)
    income = np.where(single, (standard * size * 6 // 5) // 100 * 100, per_capita * size)  # edge: 1.2 × standard
    tekun = hh["programme"].to_numpy() == "tekun"
    income = np.where(tekun, 0, income)
    households = pl.DataFrame({
        "household_no": household_no, "village": village, "hukou": hh["hukou"],
        "registered_poor": hh["poor"], "programme": hh["programme"],
        "approved_on": approved.astype("datetime64[D]"),
    }).with_columns(pl.col("approved_on").cast(pl.Date))  # fmt: skip
    names = pl.Series(villages["name"]).to_list()
    village_name = dict(zip(village_codes.tolist(), names, strict=True))
    households = households.with_columns(
        pl.col("village").replace_strict(village_name).alias("_v"),
    ).with_columns(
        (pl.col("_v") + pl.Series(rng.integers(1, 300, n)).cast(pl.String) + "号").alias("address")
    ).drop("_v")

    # Members: a tekun person alone (60 to 95, or a younger one with a grade-2 intellectual
    # disability); a dibao family head, spouse, children, parents; in a single-person-route
    # household the grown child has a grade-1 physical disability and is covered alone.
    total = int(size.sum())
    h = np.repeat(np.arange(n), size)
    pos = np.arange(total) - np.repeat(np.cumsum(size) - size, size)
    is_tekun, is_single = tekun[h], single[h]
    disabled_tekun = tekun & (rng.random(n) < 0.12)
    head_age = np.where(tekun, np.where(disabled_tekun, rng.integers(30, 60, n), rng.integers(60, 96, n)),
                        np.where(single, rng.integers(48, 62, n), rng.integers(25, 82, n)))
    age = np.select(
        [pos == 0, pos == 1, pos < 4],
        [head_age[h], np.clip(head_age[h] + rng.integers(-5, 6, total), 20, 95),
         np.where(head_age[h] < 45, rng.integers(0, 18, total),
                  np.clip(head_age[h] - rng.integers(20, 30, total), 18, 60))],
        np.minimum(head_age[h] + rng.integers(20, 30, total), 99),
    )  # fmt: skip
    days = rng.integers(0, 365, total)
    birth = (np.datetime64("2020-07-01") - (age * 365.25 + days + 1).astype("timedelta64[D]")).astype("datetime64[D]")
    male = np.where(pos == 0, rng.random(total) < 0.6, np.where(pos == 1, False, rng.random(total) < 0.5))
    member_county = county[h]
    people = pl.DataFrame({"county": member_county, "birth": birth, "male": male}).with_columns(
        pl.col("birth").cast(pl.Date), pl.int_range(pl.len()).over("county", "birth", "male").alias("rank"))
    if people["rank"].max() >= SEQUENCE_REPLAY // 2:
        raise ValueError("too many residents of one county born on one day")
    first17 = (pl.col("county") + pl.col("birth").dt.strftime("%Y%m%d")
               + (pl.col("rank") * 2 + pl.col("male").cast(pl.Int64) + 1000).cast(pl.String).str.slice(-3))
    ids = people.select((first17 + check_digit_expr(first17)).alias("id"))["id"]
    given = pl.Series(GIVEN)
    name = (pl.Series(SURNAMES).gather(rng.integers(0, len(SURNAMES), n)[h]) + given.gather(
        rng.integers(0, len(GIVEN), total)) + given.append(pl.Series([""])).gather(
        np.where(rng.random(total) < 0.6, rng.integers(0, len(GIVEN), total), len(GIVEN))))
    account = rng.integers(0, 10**14, total)  # a UnionPay debit card: 6228, 14 digits, the Luhn digit
    body = np.concatenate([np.tile([6, 2, 2, 8], (total, 1)), account[:, None] // 10 ** np.arange(13, -1, -1) % 10],
                          axis=1)
    card = "6228" + pl.Series(account).cast(pl.String).str.zfill(14) + pl.Series(_luhn(body)).cast(pl.String)
    grown_child = is_single & (pos == 2)
    unable = rng.random(total) < plan.UNABLE_SHARE
    complete = rng.random(total) < plan.COMPLETE_OF_UNABLE
    adl = np.where(is_tekun & unable, np.where(complete, rng.integers(4, 7, total), rng.integers(1, 4, total)), 0)
    grade = np.where(grown_child, 1, np.where(disabled_tekun[h], 2, 0))
    kind = np.where(grown_child, "physical", np.where(disabled_tekun[h], "intellectual", ""))
    head_income = np.where(pos == 0, income[h], 0)
    income_kind = np.where(is_tekun, np.where(age >= 60, "pension_basic", ""),
                           np.where(head_income > 0, np.where(hh["hukou"].to_numpy()[h] == "urban", "wage",
                                                              "business"), ""))
    income_fen = np.where(is_tekun, np.where(age >= 60, 11800, 0), head_income)
    members = pl.DataFrame({
        "household_no": household_no[h], "id_number": ids, "name": name, "relation": np.array(RELATIONS)[pos],
        "birth_date": birth, "sex": np.where(male, "male", "female"),
        "phone": "13" + pl.Series(rng.integers(0, 10**9, total)).cast(pl.String).str.zfill(9), "bank_card": card,
        "disability_grade": grade, "disability_kind": kind, "serious_illness": np.zeros(total, dtype=bool),
        "adl_unmet": adl, "able_obligor": ~is_tekun, "income_kind": income_kind, "income_fen": income_fen,
    }).with_columns(
        pl.col("birth_date").cast(pl.Date),
        pl.when(pl.col("disability_grade") > 0).then(pl.col("disability_grade")).cast(pl.Int64),
        pl.when(pl.col("disability_kind") != "").then(pl.col("disability_kind")),
        pl.when(pl.col("income_kind") != "").then(pl.col("income_kind")),
    )  # fmt: skip
    move_of = hh["move"].to_numpy()
    flagged = np.flatnonzero(move_of >= 0)
    return Roll(area_frame, households, members, {int(move_of[i]): str(household_no[i]) for i in flagged})
