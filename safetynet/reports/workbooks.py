"""The dashboard's figures as Excel files: one sheet per table, its totals line last (the same
``tables.Table`` the page shows), amounts in yuan as exact numbers to two decimals."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook

from safetynet.cases import programmes
from safetynet.policy.money import fen_to_yuan
from safetynet.reports.dashboard import Dashboard
from safetynet.reports.exports import _sheet
from safetynet.reports.figures import HUKOU, Coverage, Scope
from safetynet.reports.tables import Line, Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORBIDDEN = re.compile(r"[:\\/?*\[\]]")


def cell(value, kind: str):
    if value is None:
        return None
    if kind == "fen":
        return fen_to_yuan(int(value))
    if isinstance(value, Decimal | int):
        return value
    return str(value)


def line_cells(table: Table, line: Line) -> list:
    return [str(line.label), *(cell(line.values.get(c.key), c.kind) for c in table.columns)]


def rows_of(table: Table) -> list[list]:
    rows = [line_cells(table, line) for line in table.lines]
    if table.total is not None:
        rows.append(line_cells(table, table.total))
    return rows


def header(table: Table) -> list[str]:
    return [str(table.head), *(str(c.label) for c in table.columns)]


def _title(text: str, taken: set[str]) -> str:
    title = FORBIDDEN.sub("-", text)[:31]
    n = 2
    while title in taken:
        title = f"{title[:28]}({n})"
        n += 1
    taken.add(title)
    return title


def _about(scope: Scope) -> list[list]:
    return [[_("区划"), scope.area.name], [_("区划代码"), scope.area.code], [_("统计日期"), scope.as_of.isoformat()],
            [_("统计期间"), f"{scope.start:%Y-%m} — {scope.end:%Y-%m}"]]  # fmt: skip


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def table_workbook(scope: Scope, table: Table) -> bytes:
    wb = Workbook(write_only=True)
    rows = rows_of(table)
    _sheet(wb, _title(str(table.title), set()), header(table), rows, bold_last=bool(rows) and table.total is not None)
    _sheet(wb, _("说明"), [_("项目"), _("内容")], _about(scope) + [[_("口径"), str(table.note)]] if table.note
           else _about(scope))  # fmt: skip
    return _save(wb)


def dashboard_workbook(board: Dashboard) -> bytes:
    wb = Workbook(write_only=True)
    _sheet(wb, _("说明"), [_("项目"), _("内容")], _about(board.scope))
    taken = {_("说明")}
    for table in board.tables.values():
        _sheet(wb, _title(str(table.title), taken), header(table), rows_of(table), bold_last=table.total is not None)
    return _save(wb)


def funds_workbook(scope: Scope, detail, cov: Coverage) -> bytes:
    """``/reports/funds.xlsx``: the funds' finest rows (month, programme, township) and who is
    covered by area, programme and hukou on the as-of day, each with its totals line."""
    wb = Workbook(write_only=True)
    rows, total = [], [0, 0, 0, 0, 0]
    for r in detail:
        values = [r["lines"], r["total_fen"] or 0, r["back_pay_fen"] or 0, r["recovery_fen"] or 0,
                  r["subsidy_fen"] or 0]  # fmt: skip
        total = [a + b for a, b in zip(total, values, strict=True)]
        rows.append([f"{r['month']:%Y-%m}", programmes.label(r["programme"]), r["run__township_id"],
                     r["run__township__name"], values[0], *map(fen_to_yuan, values[1:])])  # fmt: skip
    if rows:
        rows.append([_("合计"), "", "", "", total[0], *map(fen_to_yuan, total[1:])])
    _sheet(wb, "资金发放", ["月份", "救助项目", "乡镇（街道）代码", "乡镇（街道）", "笔数", "金额（元）",
                          "其中补发（元）", "其中追回（元）", "其中价格补贴（元）"], rows)  # fmt: skip
    names = {a.code: a.name for a in scope.children}
    cover, households, persons = [], 0, 0
    for (day, area, programme, hukou), c in sorted(cov.cells.items()):
        if day != cov.last or not (c.households or c.persons):
            continue
        cover.append([names.get(area, area), programmes.label(programme), str(HUKOU.get(hukou, hukou)), c.households,
                      c.persons])  # fmt: skip
        households, persons = households + c.households, persons + c.persons
    if cover:
        cover.append([_("合计"), "", "", households, persons])
    _sheet(wb, "保障对象", ["区划", "救助项目", "城乡", "户数", "人数"], cover)
    return _save(wb)
