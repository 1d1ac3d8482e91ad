"""Jining 2020: the counts the seed publishes, the weighting of what it does not, and the
movements of July to December. Pure Python: the roll (``city``) and the replay read it.

What the seed gives (sources/000_8a7d024908f0948a.txt) and is reproduced as of 2020-12-31:

- 汶上县: 农村低保 9,802 户 18,192 人, 其中建档立卡贫困户 6,396 户 11,706 人 (64.35 %);
  城市低保 277 户 504 人; 农村特困人员 2,696 人 (its urban tekun: none given, none built).
- 邹城市: 保障城乡低保人员 12,597 人、特困人员 5,564 人.
- the city: 保障城乡低保对象 16.11 万人、特困人员 3.39 万人.

What it does not give, and is chosen here (say so wherever it is shown):

- The rest of the city's persons (dibao 161,100 − 汶上 − 邹城; tekun likewise) over the other
  12 areas by weight: 4 for a county, county-level city or district, 1 for each of the three
  functional zones (smaller, and no count of theirs is held).
- Urban persons' share of dibao: 30 % in the districts and zones, 8 % in the counties and
  county-level cities (汶上县's own: 504 of 18,696, 2.7 %); of tekun: 10 % and 3 %.
- Registered poor among rural dibao elsewhere: 汶上县's rates (65.25 % of households).
- Household sizes elsewhere: 汶上县's (1.830 persons a registered-poor household, 1.904 another
  rural, 1.819 an urban one).
- Tekun unable to care for themselves: 汶上县's 209 in concentrated support are 66 % of them
  (seed), so 317 of 2,696 (11.8 %): 120 completely, 197 partly; the same share elsewhere.
- Benefit levels: per-capita income drawn so that the benefit averages 汶上县's published 267
  yuan (rural) and 354 yuan (urban) a person a month, i.e. 40 % of the standard on average.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from safetynet.policy.areas import all_areas

START = date(2020, 7, 1)  # the first day of the office (the take-over) and of the new standards
END = date(2020, 12, 31)
MONTHS = (7, 8, 9, 10, 11, 12)
WENSHANG = "370830"
ZOUCHENG = "370883"

CITY_DIBAO_PERSONS = 161_100  # 16.11 万
CITY_TEKUN_PERSONS = 33_900  # 3.39 万
WENSHANG_FIGURES = {
    ("dibao", "rural", True): (6_396, 11_706),
    ("dibao", "rural", False): (9_802 - 6_396, 18_192 - 11_706),
    ("dibao", "urban", False): (277, 504),
    ("tekun", "rural", False): (2_696, 2_696),
}
ZOUCHENG_FIGURES = {"dibao": 12_597, "tekun": 5_564}

KIND = {
    "370811": "district", "370812": "district", "370826": "county", "370827": "county", "370828": "county",
    "370829": "county", "370830": "county", "370831": "county", "370832": "county", "370881": "county",
    "370883": "county", "370871": "zone", "370872": "zone", "370873": "zone",
}  # fmt: skip
WEIGHT = {"district": 4, "county": 4, "zone": 1}
URBAN_SHARE = {"dibao": {"district": 0.30, "county": 0.08, "zone": 0.30},
               "tekun": {"district": 0.10, "county": 0.03, "zone": 0.10}}  # fmt: skip
POOR_HOUSEHOLD_SHARE = 6_396 / 9_802
SIZE = {("rural", True): 11_706 / 6_396, ("rural", False): 6_486 / 3_406, ("urban", False): 504 / 277}
UNABLE_SHARE, COMPLETE_OF_UNABLE = 317 / 2_696, 120 / 317
INCOME_SHARE = 0.40  # mean per-capita income over the standard: 汶上 (445 − 267) / 445, (590 − 354) / 590
TOWNSHIPS = {"district": 10, "county": 10, "zone": 4}
WENSHANG_TOWNSHIPS = 14  # the seed's 14 township homes for the aged (乡镇敬老院)
VILLAGES_PER_TOWNSHIP = 12


@dataclass(frozen=True)
class Stratum:
    """Covered households and persons of one county, programme, hukou and registered-poor flag."""

    county: str
    programme: str
    hukou: str
    poor: bool
    households: int
    persons: int

    @property
    def key(self) -> tuple[str, str, str, bool]:
        return self.county, self.programme, self.hukou, self.poor


@dataclass(frozen=True)
class Move:
    """One movement of the replay, dated ``month``/``day`` (moved to a working day).

    ``kind``: ``apply`` (a new household through every step; ``outcome`` approved, refused or
    single: the single-person route), ``exit`` (a household of the roll leaves, ``outcome`` its
    cause), ``graduate`` (a registered-poor household whose income rose: graduated exit),
    ``hold`` (another household whose income rose: reviewed, kept while exits are paused),
    ``review`` (reviewed, continued), and the screening's ``deceased``, ``car`` (households of
    the roll the department data finds) and ``missed`` (a household it finds not covered)."""

    month: int
    day: int
    county: str
    kind: str
    programme: str = "dibao"
    hukou: str = "rural"
    poor: bool = False
    size: int = 1
    outcome: str = "approved"

    @property
    def key(self) -> tuple[str, str, str, bool]:
        return self.county, self.programme, self.hukou, self.poor

    @property
    def covered(self) -> int:
        """Persons covered by the household of the move (after approval, or before leaving)."""
        if self.programme == "tekun" or self.outcome == "single":
            return 1
        return 0 if self.outcome == "refused" else self.size

    @property
    def in_roll(self) -> bool:
        return self.kind not in ("apply", "missed")

    @property
    def leaves(self) -> bool:
        return self.kind in ("exit", "deceased", "car")


def distribute(total: int, weights: dict[str, float]) -> dict[str, int]:
    """``total`` split by ``weights`` in whole numbers that add up (largest remainder)."""
    whole = sum(weights.values())
    exact = {k: total * w / whole for k, w in weights.items()}
    out = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: (out[k] - exact[k], k))[: total - sum(out.values())]:
        out[k] += 1
    return out


def _split(county: str, programme: str, persons: int) -> list[Stratum]:
    """A county's persons of one programme as strata: urban, rural (registered poor or not)."""
    urban = round(persons * URBAN_SHARE[programme][KIND[county]])
    rural = persons - urban
    if programme == "tekun":
        return [Stratum(county, "tekun", "urban", False, urban, urban), Stratum(county, "tekun", "rural", False,
                                                                                rural, rural)]
    # Households from persons at 汶上县's sizes and registered-poor share.
    rural_households = round(rural / (POOR_HOUSEHOLD_SHARE * SIZE["rural", True]
                                      + (1 - POOR_HOUSEHOLD_SHARE) * SIZE["rural", False]))
    poor_households = round(rural_households * POOR_HOUSEHOLD_SHARE)
    poor_persons = round(poor_households * SIZE["rural", True])
    return [
        Stratum(county, "dibao", "urban", False, round(urban / SIZE["urban", False]), urban),
        Stratum(county, "dibao", "rural", True, poor_households, poor_persons),
        Stratum(county, "dibao", "rural", False, rural_households - poor_households, rural - poor_persons),
    ]


def end_strata() -> list[Stratum]:
    """The covered rolls as of 2020-12-31: the seed's counts where it gives them, the rest by weight."""
    out = [Stratum(WENSHANG, p, h, poor, n, persons) for (p, h, poor), (n, persons) in WENSHANG_FIGURES.items()]
    others = {a.code: WEIGHT[KIND[a.code]] for a in all_areas() if a.code not in (WENSHANG, ZOUCHENG)}
    for programme, city in (("dibao", CITY_DIBAO_PERSONS), ("tekun", CITY_TEKUN_PERSONS)):
        wenshang = sum(s.persons for s in out if s.programme == programme)
        out += _split(ZOUCHENG, programme, ZOUCHENG_FIGURES[programme])
        for county, persons in distribute(city - wenshang - ZOUCHENG_FIGURES[programme], others).items():
            out += _split(county, programme, persons)
    return [s for s in out if s.households]


# The movements of a month in 汶上县 (each at its day), and in every other area.
WENSHANG_MONTH = (
    Move(0, 2, WENSHANG, "apply", size=3), Move(0, 6, WENSHANG, "apply", size=1),
    Move(0, 9, WENSHANG, "apply", size=2, poor=True), Move(0, 13, WENSHANG, "apply", size=1, poor=True),
    Move(0, 10, WENSHANG, "apply", size=2, outcome="refused"),
    Move(0, 8, WENSHANG, "apply", programme="tekun"),
    Move(0, 3, WENSHANG, "exit", size=1, outcome="died"),
    Move(0, 15, WENSHANG, "exit", programme="tekun", outcome="died"),
    Move(0, 16, WENSHANG, "review", size=2), Move(0, 20, WENSHANG, "review", size=3, poor=True),
    Move(0, 14, WENSHANG, "graduate", size=2, poor=True),
)  # fmt: skip
WENSHANG_SOME_MONTHS = {
    7: (Move(0, 21, WENSHANG, "apply", hukou="urban", size=2), Move(0, 17, WENSHANG, "hold", size=2)),
    8: (Move(0, 12, WENSHANG, "apply", size=3, outcome="single"),
        Move(0, 18, WENSHANG, "exit", size=2, outcome="moved_away")),
    9: (Move(0, 22, WENSHANG, "apply", hukou="urban", size=1), Move(0, 17, WENSHANG, "hold", size=1)),
    10: (Move(0, 12, WENSHANG, "apply", size=2, outcome="single"),
         Move(0, 19, WENSHANG, "exit", size=1, outcome="imprisoned")),
    11: (Move(0, 23, WENSHANG, "apply", hukou="urban", size=2),),
    # the screening of November: its findings followed up in December
    12: (Move(0, 3, WENSHANG, "deceased", size=1), Move(0, 4, WENSHANG, "car", size=2),
         Move(0, 7, WENSHANG, "missed", size=2), Move(0, 10, WENSHANG, "exit", size=2, outcome="voluntary")),
}  # fmt: skip
SCREENING_DAY = date(2020, 11, 16)
FINDINGS_CLOSED = date(2020, 12, 15)  # every finding of the screening visited and closed (销号) by then
PROGRAMMES_PAID = ("dibao", "tekun")
PAYROLL_DAY = 20  # each month's payroll is computed from the 20th (the next working day)


def moves() -> list[Move]:
    """Every movement of July to December, in date order."""
    out: list[Move] = []
    counties = [a.code for a in all_areas()]
    for month in MONTHS:
        for m in (*WENSHANG_MONTH, *WENSHANG_SOME_MONTHS.get(month, ())):
            out.append(Move(month, m.day, m.county, m.kind, m.programme, m.hukou, m.poor, m.size, m.outcome))
        for i, county in enumerate(c for c in counties if c != WENSHANG):
            # every other month an application, in the others a tekun death (both ways the city moves)
            day = 2 + (i % 10)
            if (month + i) % 2:
                out.append(Move(month, day + 5, county, "exit", programme="tekun", outcome="died"))
            else:
                out.append(Move(month, day, county, "apply", size=1 + (month + i) % 3))
    return sorted(out, key=lambda m: (m.month, m.day, m.county))


def opening_strata(moves_: list[Move] | None = None) -> list[Stratum]:
    """The rolls the office takes over on 2020-07-01: the end of the year, less what the
    replay approves, plus what it ends (so that the replay ends on the seed's counts)."""
    moves_ = moves() if moves_ is None else moves_
    households, persons = Counter(), Counter()
    for m in moves_:
        sign = -1 if m.kind in ("apply", "missed") else (1 if m.leaves else 0)
        if m.covered and sign:
            households[m.key] += sign
            persons[m.key] += sign * m.covered
    return [Stratum(*s.key, s.households + households[s.key], s.persons + persons[s.key]) for s in end_strata()]


def townships(county: str) -> int:
    return WENSHANG_TOWNSHIPS if county == WENSHANG else TOWNSHIPS[KIND[county]]
