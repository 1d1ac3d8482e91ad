"""Cells of the files the office exports, made safe to open in a spreadsheet program.

A text that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is a formula
to Excel and WPS: a household named ``=HYPERLINK(...)`` would become a live link in the roster.
Every writer of an export goes through ``append_row`` (Excel) or ``csv_row`` (CSV). Only texts
change; numbers, negative amounts included, stay numbers.

``append_row`` makes the guarded cells before appending the row, so a row costs the same on the
first line and on the ten-thousandth (looking the new row up afterwards, ``ws[ws.max_row]``, scans
every cell of the sheet: 3,000 rows took seconds). ``workbook_bytes`` writes a one-sheet export
in openpyxl's write-only mode: rows are streamed to the file, never held as cells.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "0.00"
BOLD = Font(bold=True)


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def text_cell(ws, value: str):
    """A cell holding ``value`` as text (Excel's quote prefix: shown as typed, never evaluated,
    still text when the cell is edited)."""
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def append_row(ws, values: Iterable) -> None:
    """``ws.append(values)`` with every formula-like text stored as text, on a worksheet of either
    mode (an ordinary one or a write-only one)."""
    ws.append([text_cell(ws, v) if is_formula_like(v) else v for v in values])


def styled_row(ws, values: Iterable, *, font: Font | None = None, money_format: str | None = None) -> list:
    """A row for a write-only sheet: formula-like texts as text, ``font`` on each cell (a bold
    header or total line), ``money_format`` on each Decimal (exact yuan). A plain value stays a
    plain value (a cell object for each would cost more than the whole file)."""
    out = []
    for value in values:
        money = money_format is not None and isinstance(value, Decimal)
        if is_formula_like(value):
            cell = text_cell(ws, value)
        elif font is not None or money:
            cell = WriteOnlyCell(ws, value=value)
        else:
            out.append(value)
            continue
        if font is not None:
            cell.font = font
        if money:
            cell.number_format = money_format
        out.append(cell)
    return out


def write_sheet(wb: Workbook, title: str, headers: Iterable, rows: Iterable[Iterable],
                widths: Iterable[int] | int = (), *, money_format: str | None = None,
                bold_last: bool = False, freeze_header: bool = False):
    """A sheet of the write-only workbook ``wb``: column widths (a list, or one width for every
    column), a bold header, the rows as they come (formula-like text as text, Decimals in
    ``money_format``), the last row bold when it is a totals line."""
    ws = wb.create_sheet(title)
    headers = list(headers)
    if isinstance(widths, int):
        widths = [widths] * len(headers)
    # write-only: the widths and the frozen pane are written before the first row
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    if freeze_header:
        ws.freeze_panes = "A2"
    ws.append(styled_row(ws, headers, font=BOLD))
    previous = None
    for row in rows:
        if previous is not None:
            ws.append(styled_row(ws, previous, money_format=money_format))
        previous = row
    if previous is not None:
        ws.append(styled_row(ws, previous, font=BOLD if bold_last else None, money_format=money_format))
    return ws


def save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def workbook_bytes(title: str, headers: Iterable, rows: Iterable[Iterable], widths: Iterable[int] | int = (),
                   **options) -> bytes:
    """A one-sheet export (``write_sheet``) as the bytes of an .xlsx file."""
    wb = Workbook(write_only=True)
    write_sheet(wb, title, headers, rows, widths, **options)
    return save(wb)


def csv_row(values: Iterable) -> list:
    """A CSV row for people to open: a formula-like text gets a leading apostrophe, the usual
    defence, since a CSV file cannot mark a cell as text."""
    return [f"'{v}" if is_formula_like(v) else v for v in values]
