"""The rules' own Polars expressions, compiled once into Python functions of one row.

A single household at the window is one to a dozen rows. Polars plans and runs the city's query
for it in 2 – 3 ms, nearly all of it fixed cost per node and per expression; the same
expressions read as a tree and evaluated on a dict of Python values take a few hundred
microseconds. Nothing here knows a rule: ``compile_expr`` takes any expression of the rules
(``dibao.member_columns()`` …) as Polars serializes it and returns a function of a row, with
Polars' semantics for the operations the rules use — nulls propagate through arithmetic and
comparisons, ``&``/``|``/``any_horizontal``/``all_horizontal`` follow three-valued logic, a null
predicate takes the ``otherwise`` branch, ``//`` floors and gives null on a zero divisor,
``sum_horizontal`` skips nulls. An operation it does not know raises ``Unsupported`` when the
plan is built, and the caller runs the Polars plan instead; literals are evaluated by Polars
itself. ``tests/test_rowplan.py`` checks that every rule compiles and that the compiled rows
equal Polars' on generated households, value and type.
"""

from __future__ import annotations

import io
import json
import operator
from collections.abc import Callable
from typing import Any

import polars as pl

Row = dict[str, Any]
RowFn = Callable[[Row], Any]


class Unsupported(Exception):
    """An expression the row compiler does not know; the caller uses the Polars plan."""


class Fallback(Exception):
    """A row whose values the compiled plan does not decide exactly like Polars (a null where a
    total expects a number); the caller runs the Polars plan for that household."""


def compile_expr(expr: pl.Expr) -> tuple[str, RowFn]:
    """The output name of ``expr`` and a function computing its value on one row (a dict)."""
    node = json.loads(expr.meta.serialize(format="json"))
    return expr.meta.output_name(), _compile(node)


def compile_layer(layer: list[pl.Expr]) -> tuple[tuple[str, RowFn], ...]:
    return tuple(compile_expr(e) for e in layer)


def run_layer(layer: tuple[tuple[str, RowFn], ...], row: Row) -> None:
    """``with_columns`` on one row: every expression reads the row as it was before the layer."""
    values = [(name, fn(row)) for name, fn in layer]
    row.update(values)


def _literal(node: dict) -> Any:
    expr = pl.Expr.deserialize(io.StringIO(json.dumps(node)), format="json")
    series = pl.select(expr.alias("value")).to_series()
    if isinstance(series.dtype, pl.List):
        return tuple(series[0].to_list())
    if series.len() != 1:
        return tuple(series.to_list())
    return series.item()


def _compile(node: Any) -> RowFn:
    if not isinstance(node, dict) or len(node) != 1:
        raise Unsupported(repr(node)[:200])
    ((kind, arg),) = node.items()
    if kind == "Alias":
        return _compile(arg[0])
    if kind == "Column":
        return operator.itemgetter(arg)
    if kind == "Literal":
        value = _literal(node)
        return lambda row: value
    if kind == "BinaryExpr":
        return _binary(arg["op"], _compile(arg["left"]), _compile(arg["right"]))
    if kind == "Ternary":
        return _ternary(_compile(arg["predicate"]), _compile(arg["truthy"]), _compile(arg["falsy"]))
    if kind == "Cast":
        return _cast(arg["dtype"], _compile(arg["expr"]))
    if kind == "Function":
        return _function(arg["function"], arg["input"])
    raise Unsupported(kind)


def _binary(op: str, left: RowFn, right: RowFn) -> RowFn:
    if op == "And":

        def and_(row: Row) -> Any:
            a = left(row)
            if a is False:
                return False
            b = right(row)
            if b is False:
                return False
            return None if a is None or b is None else a & b

        return and_
    if op == "Or":

        def or_(row: Row) -> Any:
            a = left(row)
            if a is True:
                return True
            b = right(row)
            if b is True:
                return True
            return None if a is None or b is None else a | b

        return or_
    if op == "FloorDivide":

        def floor_divide(row: Row) -> Any:
            a, b = left(row), right(row)
            return None if a is None or b is None or b == 0 else a // b

        return floor_divide
    function = _BINARY.get(op)
    if function is None:
        raise Unsupported(op)

    def binary(row: Row) -> Any:
        a, b = left(row), right(row)
        return None if a is None or b is None else function(a, b)

    return binary


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "Eq": operator.eq,
    "NotEq": operator.ne,
    "Lt": operator.lt,
    "LtEq": operator.le,
    "Gt": operator.gt,
    "GtEq": operator.ge,
    "Plus": operator.add,
    "Minus": operator.sub,
    "Multiply": operator.mul,
}


def _ternary(predicate: RowFn, truthy: RowFn, falsy: RowFn) -> RowFn:
    # Only the branch taken is computed: the expressions have no effects, and a null predicate
    # takes the otherwise branch as in Polars.
    return lambda row: truthy(row) if predicate(row) else falsy(row)


_INTEGERS = {"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"}


def _cast(dtype: Any, inner: RowFn) -> RowFn:
    if dtype not in ({"Literal": name} for name in _INTEGERS):
        raise Unsupported(f"cast to {dtype}")

    def to_int(row: Row) -> Any:
        value = inner(row)
        if value is None or type(value) is int:
            return value
        if type(value) is bool:
            return int(value)
        raise Fallback(f"cast of {value!r}")

    return to_int


def _function(function: Any, inputs: list) -> RowFn:
    if function == "Repeat":  # pl.repeat(value, pl.len()): the value on every row
        return _compile(inputs[0])
    fns = [_compile(i) for i in inputs]
    if function == "FillNull":
        value, fill = fns

        def fill_null(row: Row) -> Any:
            v = value(row)
            return fill(row) if v is None else v

        return fill_null
    if function in ("MaxHorizontal", "MinHorizontal"):
        pick = max if function == "MaxHorizontal" else min

        def extreme(row: Row) -> Any:
            values = [v for v in (f(row) for f in fns) if v is not None]
            return pick(values) if values else None

        return extreme
    if function == {"SumHorizontal": {"ignore_nulls": True}}:
        return lambda row: sum(v for v in (f(row) for f in fns) if v is not None)
    if function == {"Boolean": "AllHorizontal"}:

        def all_(row: Row) -> Any:
            values = [f(row) for f in fns]
            return False if False in values else None if None in values else True

        return all_
    if function == {"Boolean": "AnyHorizontal"}:

        def any_(row: Row) -> Any:
            values = [f(row) for f in fns]
            return True if True in values else None if None in values else False

        return any_
    if function == {"Boolean": "Not"}:
        (value,) = fns

        def not_(row: Row) -> Any:
            v = value(row)
            if v is None:
                return None
            if type(v) is not bool:
                raise Fallback(f"not of {v!r}")
            return not v

        return not_
    if function == {"Boolean": {"IsIn": {"nulls_equal": False}}}:
        if "Literal" not in inputs[1]:
            raise Unsupported("is_in of a column")
        value, choices = fns
        members = frozenset(choices({}))

        def is_in(row: Row) -> Any:
            v = value(row)
            return None if v is None else v in members

        return is_in
    if isinstance(function, dict) and function.get("TemporalExpr") in ("Year", "Month", "Day"):
        (value,) = fns
        part = operator.attrgetter(function["TemporalExpr"].lower())

        def temporal(row: Row) -> Any:
            v = value(row)
            return None if v is None else part(v)

        return temporal
    raise Unsupported(f"function {function}")


def run_frame(layers: list[list[pl.Expr]], frame: pl.DataFrame) -> pl.DataFrame:
    """Layered rules on a batch: each layer a ``with_columns`` of the one before."""
    for layer in layers:
        frame = frame.with_columns(*layer)
    return frame


def run_row(layers: Callable[[], list[list[pl.Expr]]], compiled: Callable[[], tuple], row: Row) -> Row:
    """The same layered rules on one row through their compiled plan (``compiled``: the layers
    compiled once, cached by the caller); Polars on a one-row frame where an operation is unknown."""
    row = dict(row)
    try:
        plan = compiled()
    except Unsupported:
        return run_frame(layers(), pl.DataFrame([row])).row(0, named=True)
    for layer in plan:
        run_layer(layer, row)
    return row
