"""Who counts as an obligor able to support (特困人员认定办法 2021 Art. 10; POLICY.md §5).

An obligor is a spouse, a parent, or an adult child (Civil Code Arts. 1059, 1067). An obligor is
unable to support when tekun; a dibao recipient aged 60 or over; or aged 70 or over, or severely
disabled (grade 1-2, or grade 3 intellectual or mental), with an own income below the local
per-capita disposable income of the previous year. The article's further asset condition on the
aged or disabled obligor is not applied here [local, to confirm]: the home visit confirms it.
An obligor whose income is not known (outside the city's data) is not shown to be unable.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from safetynet.policy.money import to_fen
from safetynet.policy.parameters import value

ADULT_AGE = 18  # Civil Code Art. 1067: adult children support their parents
DIBAO_ELDERLY_AGE = 60
UNABLE_AGE = 70
SEVERE_GRADE = 2
SEVERE_GRADE_MIND = 3  # intellectual and mental disabilities


def income_line_fen(area: str, hukou: str, month: date) -> int:
    """The monthly income line: the previous year's per-capita disposable income over 12."""
    return to_fen(value("per_capita_disposable_income", area, month, hukou=hukou)) // 12


def obligor_link(link: pl.Expr, age: pl.Expr) -> pl.Expr:
    """Whether a relative is an obligor at all: a spouse or a parent always, a child once adult
    (Civil Code Arts. 1059, 1067); ``age`` is the relative's."""
    return (link != "child") | (age >= ADULT_AGE)


def able_obligor() -> pl.Expr:
    """True for an obligor able to support, over the obligor's own columns: ``deceased``,
    ``covered_tekun``, ``covered_dibao``, ``age``, ``disability_grade``, ``disability_kind``,
    ``own_income_fen`` and ``income_line_fen`` (both null when not known)."""
    grade, kind = pl.col("disability_grade"), pl.col("disability_kind")
    severe = (
        (grade <= SEVERE_GRADE) | ((grade <= SEVERE_GRADE_MIND) & kind.is_in(["intellectual", "mental"]))
    ).fill_null(False)
    low_income = (pl.col("own_income_fen") < pl.col("income_line_fen")).fill_null(False)
    unable = (
        pl.col("deceased")
        | pl.col("covered_tekun")
        | (pl.col("covered_dibao") & (pl.col("age") >= DIBAO_ELDERLY_AGE))
        | (((pl.col("age") >= UNABLE_AGE) | severe) & low_income)
    )
    return ~unable
