"""A figure as the dashboard shows it: a table of lines with a totals line, and what its chart
draws. One shape for every figure, so the page, the chart, the Excel file and the API read the
same numbers (``views``, ``static/reports/dashboard.js``, ``workbooks``, ``api``).

Values are exact: counts are ints, money is integer fen, a share or an average is computed from
the line's own counts (and the totals line's from the totals, never summed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

KINDS = ("count", "fen", "percent", "yuan")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # count | fen (money in fen) | percent (Decimal, 2 places) | yuan (Decimal, 2 places)
    # Computed from the line's other values (and on the totals line, from the totals).
    derive: Callable[[dict], Decimal | None] | None = None
    summed: bool = True  # False: the totals line leaves it empty (a standard is not added up)


@dataclass
class Line:
    label: str
    values: dict
    code: str = ""  # the area or programme the line is about (drill-down, data attributes)
    link: str = ""  # where the line leads (set by the view)


@dataclass
class Chart:
    """What the chart draws: one category per line (its label), one series per column named."""

    kind: str = "bar"  # bar | line
    horizontal: bool = False  # areas: names on the y-axis, each readable
    series: tuple[str, ...] = ()
    stacks: dict[str, str] = field(default_factory=dict)  # column key -> stack name


@dataclass
class Table:
    key: str
    title: str
    head: str  # the heading of the lines' labels: 区划, 月份, 项目
    columns: list[Column]
    lines: list[Line]
    chart: Chart | None = None
    note: str = ""
    totals: bool = True
    link_label: str = ""  # the lines' link text when it is not the line's label
    # Said instead of the chart when its series hold nothing but zeros: what is missing, and why
    # (a chart of bare axes says neither).
    empty: str = ""

    def __post_init__(self) -> None:
        for line in self.lines:
            derive(self.columns, line.values)

    @property
    def total(self) -> Line | None:
        if not self.totals:
            return None
        values: dict = {}
        for c in self.columns:
            if c.derive is None and c.summed and c.kind in ("count", "fen"):
                values[c.key] = sum(line.values.get(c.key) or 0 for line in self.lines)
            else:
                values[c.key] = None
        derive(self.columns, values)
        return Line(_("合计"), values)

    @property
    def charted(self) -> bool:
        """Whether the chart has something to draw: a value other than zero in one of its series."""
        if self.chart is None:
            return False
        return any(line.values.get(k) not in (None, 0) for line in self.lines for k in self.chart.series)

    @property
    def empty_text(self) -> str:
        return str(self.empty) if self.empty else _("尚无数据：本区域在统计期间没有这一项，暂不绘图。")

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def derive(columns: list[Column], values: dict) -> None:
    for c in columns:
        if c.derive is not None:
            values[c.key] = c.derive(values)


def share(part: str, whole: str) -> Callable[[dict], Decimal | None]:
    """A percentage to two places (64.35), None when the whole is nothing."""

    def compute(values: dict) -> Decimal | None:
        return percent(values.get(part) or 0, values.get(whole) or 0)

    return compute


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def per(amount_fen: str, count: str) -> Callable[[dict], Decimal | None]:
    """Yuan per unit to two places (a month's amount per person), None when there is none."""

    def compute(values: dict) -> Decimal | None:
        n = values.get(count) or 0
        if not n:
            return None
        return (Decimal(values.get(amount_fen) or 0) / 100 / n).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    return compute


def difference(whole: str, part: str) -> Callable[[dict], int]:
    def compute(values: dict) -> int:
        return (values.get(whole) or 0) - (values.get(part) or 0)

    return compute
