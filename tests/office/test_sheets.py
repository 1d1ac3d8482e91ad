"""The exports' Excel writer (``site.sheets``): what a person opening the file sees, in either
mode, and a row that costs the same at the end of a long sheet as at its start."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from safetynet.site.sheets import append_row, workbook_bytes


def _open(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_a_write_only_export_keeps_its_header_widths_formats_and_text():
    rows = [[1, "张某", "=HYPERLINK(\"http://x\")", Decimal("390.50"), -390.0],
            [2, "李某", "@SUM(1+1)", Decimal("0.00"), 0],
            ["合计", "2 户", "", Decimal("390.50"), -390.0]]  # fmt: skip
    ws = _open(workbook_bytes("名册", ["序号", "姓名", "说明", "金额（元）", "追回"], rows, [6, 10, 30],
                              money_format="0.00", bold_last=True, freeze_header=True))  # fmt: skip
    assert ws.title == "名册"
    assert [c.value for c in ws[1]] == ["序号", "姓名", "说明", "金额（元）", "追回"]
    assert all(c.font.bold for c in ws[1]) and not any(c.font.bold for c in ws[2])
    assert all(c.font.bold for c in ws[4])  # the totals line
    assert [ws.column_dimensions[x].width for x in "ABC"] == [6, 10, 30]
    assert ws.freeze_panes == "A2"
    # formula-like text stays text, shown as typed; numbers stay numbers, amounts to two decimals
    assert ws["C2"].value == '=HYPERLINK("http://x")' and ws["C2"].data_type == "s" and ws["C2"].quotePrefix
    assert ws["C3"].value == "@SUM(1+1)" and ws["C3"].data_type == "s"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert ws["D2"].value == 390.5 and ws["D2"].number_format == "0.00"
    assert (ws["E2"].value, ws["E2"].data_type) == (-390.0, "n")


def test_one_width_for_every_column_and_an_empty_export_is_its_header():
    ws = _open(workbook_bytes("空", ["甲", "乙"], [], 16))
    assert [c.value for c in ws[1]] == ["甲", "乙"] and ws.max_row == 1
    assert ws.column_dimensions["A"].width == ws.column_dimensions["B"].width == 16


def test_a_long_sheet_keeps_every_row_and_guards_the_last_rows_formula_text():
    # Its speed (a row costs the same at row 3,600 as at row 1) is benchmarks/sheets.py's, not a test's.
    ws = Workbook().active
    for i in range(3600):
        append_row(ws, [i, f"第{i}行", "=1+2", Decimal("1.00"), *range(14)])
    assert ws.max_row == 3600 and ws["C3600"].quotePrefix and ws["C3600"].data_type == "s"
    assert ws["A3600"].value == 3599 and ws["B1"].value == "第0行"


def test_append_row_into_a_write_only_sheet():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("甲")
    append_row(ws, ["-2+3", 5])
    out = io.BytesIO()
    wb.save(out)
    sheet = _open(out.getvalue())
    assert (sheet["A1"].value, sheet["A1"].data_type, sheet["B1"].value) == ("-2+3", "s", 5)
