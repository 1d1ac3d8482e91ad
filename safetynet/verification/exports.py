"""The findings as offices file them: an Excel sheet with Chinese headers, one finding a row."""

from __future__ import annotations

from collections.abc import Iterable

from safetynet.batch.feed_items import DEPARTMENTS, ITEMS
from safetynet.batch.screen import FINDING_KINDS
from safetynet.site.sheets import workbook_bytes

HEADERS = ("序号", "问题类型", "户号", "公民身份号码", "区划代码", "项目", "依据", "数据来源", "筛查月份")
PROGRAMMES = {"dibao": "低保", "tekun": "特困", "": ""}


def sources_zh(sources: str) -> str:
    """Item codes as their names with the departments that delivered them."""
    return "；".join(f"{ITEMS[c].name}（{DEPARTMENTS[ITEMS[c].department]}）" for c in sources.split(",") if c in ITEMS)


def sheet(title: str, headers: Iterable[str], rows: Iterable[Iterable], widths: Iterable[int]) -> bytes:
    """One worksheet: a bold header row, the rows (no text becomes a formula), the column widths;
    written as it goes (openpyxl's write-only mode), so a long list costs no more a row at its end."""
    return workbook_bytes(title, headers, rows, widths)


def findings_sheet(rows: Iterable[dict], title: str = "筛查发现") -> bytes:
    lines = (
        [
            i, FINDING_KINDS[f["kind"]][0], f["household_no"], f["id_number"] or "", f["area_code"],
            PROGRAMMES.get(f["programme"] or "", f["programme"]), f["evidence"], sources_zh(f["sources"]),
            f"{f['month']:%Y-%m}",
        ]
        for i, f in enumerate(rows, start=1)
    )  # fmt: skip
    return sheet(title, HEADERS, lines, (6, 26, 18, 20, 14, 6, 80, 60, 10))
