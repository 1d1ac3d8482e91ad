"""The single case's compiled expressions give exactly what the Polars plan gives.

``assess`` decides one household with the rules' expressions compiled into functions of a row
(``safetynet.policy.rowplan``); the batch runs them as a Polars plan. Both must give the same
value, of the same type, in every result column, or the window and the city would disagree.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetynet.policy import assessment, idnumber, rowplan, temporary
from safetynet.policy.frames import household_frames
from safetynet.policy.household import parse_household
from tests.strategies import households
from tests.test_temporary_rules import events


def _typed(row: dict) -> dict:
    return {k: (type(v).__name__, v) for k, v in row.items() if k != "household_id"}


def test_every_rule_compiles():
    # An expression the compiler does not know would send every single case through the slower
    # Polars plan: the answers stay right, and this test says which operation to add.
    assessment._row_plan.cache_clear()
    assert assessment._RowPlan() is not None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(households(), min_size=1, max_size=20))
def test_compiled_rows_equal_the_polars_plan_value_and_type(payloads):
    parsed = [parse_household(p) for p in payloads]
    hh_frame, member_frame = household_frames(parsed)
    hh_rows, member_rows = assessment.assess_frames(hh_frame, member_frame, reasons=False)
    plan = assessment._RowPlan()
    by_household: dict[int, list[dict]] = {}
    for row in member_rows.iter_rows(named=True):
        by_household.setdefault(row["household_id"], []).append(row)
    for hid, household in enumerate(parsed):
        hh, members = plan.run(household)
        assert _typed(hh) == _typed(hh_rows.row(hid, named=True))
        assert [_typed(m) for m in members] == [_typed(m) for m in by_household[hid]]


def test_the_polars_plan_answers_when_the_rows_cannot(monkeypatch):
    payload = {
        "area": "370811",
        "hukou": "urban",
        "month": "2021-03",
        "members": [
            {
                "id_number": idnumber.generate("370811", date(1950, 1, 1), 1),
                "relation": "head",
                "disability": {"grade": 1, "kind": "physical"},
            },
            {
                "id_number": idnumber.generate("370811", date(1980, 1, 1), 2),
                "relation": "child",
                "incomes": [{"kind": "wage", "monthly": "900"}],
            },
        ],
    }
    compiled = assessment.assess(payload)
    monkeypatch.setattr(assessment, "_row_plan", lambda: None)
    assert assessment.assess(payload) == compiled


# The compiler on its own: every operation it knows, on rows with nulls, against Polars.
SCHEMA = {"a": pl.Int64, "b": pl.Int64, "c": pl.Int8, "p": pl.Boolean, "q": pl.Boolean, "s": pl.String, "d": pl.Date}
a, b, c, p, q, s, d = (pl.col(n) for n in SCHEMA)
EXPRESSIONS = [
    a + b, a - b, a * b, a // b, b // 3, a == b, a != b, a < b, a <= b, a > b, a >= b,
    p & q, p | q, ~p, p & (a > 0), (a < 0) | q,
    pl.when(p).then(a).otherwise(b), pl.when(p).then(a).when(q).then(b).otherwise(0), pl.when(q).then(s),
    a.fill_null(0), p.fill_null(False), c.is_in([1, 2]), s.is_in(["x"]),
    pl.sum_horizontal(a, b, c), pl.max_horizontal(a, b), pl.min_horizontal(a, c),
    pl.any_horizontal(p, q), pl.all_horizontal(p, q, a > 0),
    d.dt.year(), d.dt.month(), d.dt.day(), d.dt.year().cast(pl.Int32) * 100 + d.dt.month(),
    p.cast(pl.Int64), c.cast(pl.Int64), pl.lit(7, pl.Int64), pl.lit("z"), pl.lit(None, pl.Int64),
]  # fmt: skip


@st.composite
def frames(draw) -> pl.DataFrame:
    def maybe(strategy):
        return st.one_of(st.none(), strategy)

    rows = draw(
        st.lists(
            st.tuples(
                maybe(st.integers(-6, 6) | st.integers(-1000, 1000)),
                maybe(st.integers(-5, 5)),
                maybe(st.integers(-3, 3)),
                maybe(st.booleans()),
                maybe(st.booleans()),
                maybe(st.sampled_from(["x", "y"])),
                maybe(st.dates(date(1920, 1, 1), date(2030, 12, 31))),
            ),
            min_size=1,
            max_size=30,
        )
    )
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


@settings(max_examples=60, deadline=None)
@given(frames())
def test_each_operation_as_polars_computes_it(frame):
    for i, expr in enumerate(EXPRESSIONS):
        _, fn = rowplan.compile_expr(expr.alias(f"e{i}"))
        expected = frame.select(expr.alias("v")).to_series().to_list()
        if len(expected) == 1 and frame.height > 1:  # a literal: the same on every row
            expected = expected * frame.height
        got = [fn(row) for row in frame.iter_rows(named=True)]
        assert [(type(v), v) for v in got] == [(type(v), v) for v in expected], str(expr)


def test_an_unknown_operation_is_refused_when_the_plan_is_built():
    with pytest.raises(rowplan.Unsupported):
        rowplan.compile_expr(pl.col("a").cum_sum())


def test_every_temporary_rule_compiles():
    temporary._row_layers.cache_clear()
    assert temporary._row_layers() is not None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(events(), min_size=1, max_size=12))
def test_a_compiled_event_equals_the_polars_plan_value_and_type(payloads):
    cases = [temporary.parse_temporary(p) for p in payloads]
    hh_frame, member_frame = household_frames(h for h, _ in cases)
    events_frame = temporary.event_frame(e for _, e in cases)
    rows = temporary.assess_temporary_frames(hh_frame, member_frame, events_frame, reasons=False)
    for expected, (household, event) in zip(rows.iter_rows(named=True), cases, strict=True):
        assert _typed(temporary.assess_event(household, event)) == _typed(expected)
