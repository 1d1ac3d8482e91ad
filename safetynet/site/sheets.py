"""Cells of the files the office exports, made safe to open in a spreadsheet program.

A text that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is a formula
to Excel and WPS: a household named ``=HYPERLINK(...)`` would become a live link in the roster.
Every writer of an export goes through ``append_row`` (Excel) or ``csv_row`` (CSV). Only texts
change; numbers, negative amounts included, stay numbers.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def append_row(ws, values: Iterable) -> None:
    """``ws.append(values)`` with every formula-like text stored as text (Excel's quote prefix:
    shown as typed, never evaluated, still text when the cell is edited)."""
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        if is_formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True


def csv_row(values: Iterable) -> list:
    """A CSV row for people to open: a formula-like text gets a leading apostrophe, the usual
    defence, since a CSV file cannot mark a cell as text."""
    return [f"'{v}" if is_formula_like(v) else v for v in values]
