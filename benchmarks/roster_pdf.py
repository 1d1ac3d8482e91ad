"""Benchmark: the quarterly roster's files, per line: the PDF (WeasyPrint) and the Excel workbook.

    python benchmarks/roster_pdf.py [--lines 2000] [--baseline-lines 200]

Renders ``--lines`` synthetic lines (masked names, townships, villages, amounts) through the
roster's own template and stylesheet (``notices/roster_pdf.html``, ``publication.css``: a table
of fixed columns) and, as the baseline in the same process, the same lines with the table laid
out automatically (``table-layout: auto``, what a table gets without the rule). Prints the time,
the lines per second, the pages, and the ratio; then the Excel workbook (openpyxl write-only)
for the same lines. ``notices.publication.PDF_PART_ROWS`` is chosen from these figures: a part
of that many lines should take a few seconds on the office's server. Nothing asserts on time.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎欧阳"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--baseline-lines", type=int, default=200, help="lines of the auto-layout baseline")
    args = parser.parse_args()

    os.environ["DJANGO_SETTINGS_MODULE"] = "safetynet.site.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    import weasyprint
    from pypdf import PdfReader

    from safetynet.notices import publication
    from safetynet.notices.publication import Line, Quarter

    rng = random.Random(2020)

    def lines(n: int) -> list[Line]:
        return [
            Line(case_id=i, name=rng.choice(SURNAMES) + "*" * rng.choice((1, 2)), township=f"城关街道{i % 17}",
                 village=f"张庄村{i % 311}", village_code=f"370830001{i % 999:03d}",
                 programme=rng.choice(("最低生活保障", "特困人员救助供养")), persons=rng.randint(1, 5),
                 monthly_amount_fen=rng.randint(20000, 250000), first_month=date(2024, 4, 1),
                 last_month=date(2024, 6, 1))
            for i in range(n)
        ]  # fmt: skip

    title = "汶上县2024年第二季度城乡低保、特困人员救助供养对象公示名册"
    county = SimpleNamespace(name="汶上县")
    roster = SimpleNamespace(title=title, quarter=Quarter(2024, 2), area=county, village_text="")

    def render(rows: list[Line], sheets=None) -> tuple[float, int]:
        t0 = time.perf_counter()
        body = publication.roster_part_pdf(roster, rows, first=0, part=1, parts=1, count=len(rows),
                                           totals=publication.totals(rows), generated_on=date(2024, 7, 1),
                                           stylesheets=sheets)  # fmt: skip
        return time.perf_counter() - t0, len(PdfReader(io.BytesIO(body)).pages)

    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}")
    render(lines(20))  # fonts and the stylesheet loaded once, as a running server has them
    auto = Path(tempfile.mkdtemp()) / "auto.css"
    auto.write_text(publication.STYLESHEET.read_text(encoding="utf-8")
                    + "\n.publication table { table-layout: auto; }\n", encoding="utf-8")  # fmt: skip
    base_s, base_pages = render(lines(args.baseline_lines), (auto,))
    base_rate = args.baseline_lines / base_s
    print(f"baseline (table-layout: auto): {args.baseline_lines:,} lines in {base_s:.2f} s, {base_pages} pages, "
          f"{base_rate:,.0f} lines/s, {base_s / args.baseline_lines * 1000:.1f} ms a line")  # fmt: skip
    seconds, pages = render(lines(args.lines))
    rate = args.lines / seconds
    print(f"roster PDF (fixed columns): {args.lines:,} lines in {seconds:.2f} s, {pages} pages, {rate:,.0f} lines/s, "
          f"{seconds / args.lines * 1000:.1f} ms a line; {rate / base_rate:.1f}× the baseline's rate")  # fmt: skip
    part = publication.PDF_PART_ROWS
    print(f"  a part of {part:,} lines: about {part / rate:.1f} s; a county of 12,775 lines (汶上县, seed): "
          f"{-(-12775 // part)} parts, {12775 / rate:.0f} s in all")  # fmt: skip

    many = lines(max(args.lines, 20000))
    t0 = time.perf_counter()
    body = publication.workbook(many, [["名册", roster.title]])
    xs = time.perf_counter() - t0
    print(f"roster Excel (write-only): {len(many):,} lines in {xs:.2f} s, {len(many) / xs:,.0f} lines/s, "
          f"{len(body) / 1e6:.1f} MB")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
