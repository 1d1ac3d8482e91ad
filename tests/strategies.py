"""Hypothesis strategies for valid households, as the CLI and the API take them."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from safetynet.policy import idnumber
from safetynet.policy.areas import all_areas
from safetynet.policy.household import INCOME_KINDS

AREAS = [a.code for a in all_areas()]
MONTHS = [f"{y}-{m:02d}" for y in range(2020, 2027) for m in range(1, 13) if (2020, 7) <= (y, m) <= (2026, 11)]


def money(max_fen: int = 300_000):
    return st.integers(0, max_fen).map(lambda fen: f"{fen // 100}.{fen % 100:02d}")


@st.composite
def member(draw, area: str, month: str, no: int, head: bool) -> dict:
    year, mon = map(int, month.split("-"))
    born = draw(st.dates(min_value=date(1925, 1, 1), max_value=date(year, mon, 1)))
    m = {
        "id_number": idnumber.generate(area, born, no + 1),
        "relation": "head" if head else draw(st.sampled_from(["spouse", "child", "parent", "other"])),
        "incomes": draw(
            st.lists(st.fixed_dictionaries({"kind": st.sampled_from(INCOME_KINDS), "monthly": money()}), max_size=3)
        ),
        "assets": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "kind": st.sampled_from(["deposit", "securities", "insurance", "house", "vehicle", "business"]),
                        "value": money(3_000_000),
                    }
                ),
                max_size=2,
            )
        ),
        "serious_illness": draw(st.booleans()),
        "adl_unmet": draw(st.integers(0, 6)),
        "able_obligor": draw(st.booleans()),
        "student": draw(st.booleans()),
        "supported_as_minor": draw(st.booleans()),
        "orphan_support": draw(st.booleans()),
    }
    if draw(st.booleans()):
        m["disability"] = {
            "grade": draw(st.integers(1, 4)),
            "kind": draw(
                st.sampled_from(["physical", "intellectual", "mental", "visual", "hearing", "speech", "multiple"])
            ),
        }
    return m


@st.composite
def households(draw) -> dict:
    area = draw(st.sampled_from(AREAS))
    month = draw(st.sampled_from(MONTHS))
    size = draw(st.integers(1, 6))
    members = [draw(member(area, month, no, head=(no == 0))) for no in range(size)]
    return {"area": area, "hukou": draw(st.sampled_from(["urban", "rural"])), "month": month, "members": members}
