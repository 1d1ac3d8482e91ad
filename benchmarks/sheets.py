"""Benchmark: an office export of a few thousand rows through ``safetynet.site.sheets``.

    python benchmarks/sheets.py [--rows 3000] [--columns 18] [--repeat 3]

Times ``append_row`` on its own into a plain worksheet, the Excel writer most exports use
(``verification.exports.sheet``: bold header, the rows through ``append_row``, column widths) and
the same file in write-only mode (``sheets.workbook_bytes``), best of --repeat runs, with the load
average. Every tenth row has a formula-like text, so the guard's
path is timed too. Before the write-only rewrite ``append_row`` looked the last row up by scanning
every cell (``ws.max_row``), so the time per row grew with the sheet.
"""

from __future__ import annotations

import argparse
import os
import time

from openpyxl import Workbook


def rows(n: int, columns: int):
    for i in range(1, n + 1):
        yield [i, *(f"=HYPERLINK({i})" if i % 10 == 0 and c == 1 else f"第{i}行第{c}列" for c in range(1, columns))]


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=3000)
    p.add_argument("--columns", type=int, default=18)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    from safetynet.site.sheets import append_row, workbook_bytes
    from safetynet.verification.exports import sheet

    def plain():
        ws = Workbook().active
        for r in rows(args.rows, args.columns):
            append_row(ws, r)

    headers = [f"列{c}" for c in range(args.columns)]

    def export():
        return sheet("导出", headers, rows(args.rows, args.columns), [12] * args.columns)

    def write_only():
        return workbook_bytes("导出", headers, rows(args.rows, args.columns), [12] * args.columns)

    a = best(plain, args.repeat)
    b = best(export, args.repeat)
    c = best(write_only, args.repeat)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"append_row: {args.rows} rows x {args.columns} columns in {a:.2f} s ({a / args.rows * 1000:.3f} ms a row)")
    print(f"export (sheet() to .xlsx bytes): {b:.2f} s ({b / args.rows * 1000:.3f} ms a row)")
    print(f"write-only export (workbook_bytes): {c:.2f} s ({c / args.rows * 1000:.3f} ms a row)")


if __name__ == "__main__":
    main()
