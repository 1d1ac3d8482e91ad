"""Long-term publication of beneficiaries: the city's and the counties' quarterly roster for their
websites and the village's standing list for its bulletin board (POLICY.md §3: "long-term notice
of beneficiaries at four levels: city and county quarterly on their websites, township and
village on bulletin boards", seed: 市、县按季度通过网站予以公示，乡镇(街道)、村(居)通过公示栏长期公示).

What is shown is what the law allows on a public list: the masked name (张*, ``mask_name``), the
township and village, the programme, the persons the decision covers (``Case.persons_covered``,
never the household's size) and the monthly amount. No ID number, address, income or health.

**Who is on a list for a period** (one reading, used by the roster and the standing list): a case
of a monthly programme (``Declaration.schedule``) with an entitlement month paid in the period:
``payments.Entitlement`` rows, rebuilt from the case's decisions (approval, review, re-pricing,
suspension, termination) by ``payments.sync_entitlements``. So a case covered at any time in the
quarter is on the quarter's roster: approved in February, or terminated from February (its last
month January), or suspended for part of it. A case approved after the quarter, whose first month
is after it, is not; nor is a month withheld by a suspension (amount 0). The persons and the
amount shown are those of the last covered month in the period: the decision that set that month
(``Entitlement.set_by``) keeps the persons it covered (``CaseEvent.persons_covered``), so a past
quarter reads its own figures, not today's. One-off programmes (temporary assistance) are paid
once, not "covered", and are published by the village notice of their decision instead.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string

from safetynet.cases import programmes
from safetynet.cases.models import Case
from safetynet.notices import pdf
from safetynet.notices.selectors import mask_name
from safetynet.payments.models import Entitlement
from safetynet.policy.money import fen_to_yuan, fmt
from safetynet.policy.months import add_months
from safetynet.registry.models import Area
from safetynet.site.sheets import is_formula_like

# The roster is the city's and the counties' (POLICY.md §3): their staff and the auditor read it.
ROSTER_ROLES = ("county", "city", "auditor")
# A roster's PDF is cut into parts of this many lines: WeasyPrint lays out a table line by line
# (5 to 16 ms a line on 2 cores, idle to loaded: benchmarks/roster_pdf.py), so a county of 12,775
# lines is seven files of 10 to 30 seconds each rather than one request of minutes.
PDF_PART_ROWS = 2000
STYLESHEET = Path(__file__).with_name("static") / "notices" / "publication.css"
QUARTER_RE = re.compile(r"(\d{4})-?[Qq]([1-4])")


# ---- quarters -------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1..4

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2024-Q1`` (also ``2024Q1``, ``2024-q1``); ValueError otherwise."""
        match = QUARTER_RE.fullmatch((text or "").strip()[:10])
        if not match:
            raise ValueError(text)
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The first day after the quarter (exclusive)."""
        return add_months(self.start, 3)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.year}年第{'一二三四'[self.number - 1]}季度"

    def previous(self) -> Quarter:
        return Quarter.of(add_months(self.start, -3))


# ---- who is covered in a period -------------------------------------------------------------------


def monthly_programmes() -> list[str]:
    """The programmes with standing beneficiaries posted in public: those paid every month (the
    frame's schedule) whose declaration publishes them (never a child's)."""
    return [d.code for d in programmes.all() if d.schedule == "monthly" and d.published]


def _paid_in(start: date, end: date) -> Q:
    """Entitlement rows with a paid month in [start, end): a month withheld (suspension) is 0."""
    return Q(monthly_amount_fen__gt=0, starts__lt=end) & (Q(ends__isnull=True) | Q(ends__gt=start))


def covered_cases(prefix: str, start: date, end: date, *, village_codes: Iterable[str] | None = None) -> QuerySet:
    """The cases of monthly programmes in the areas under ``prefix`` with a month paid in
    [start, end), in the order of the lists: township, village, programme, case."""
    paid = Entitlement.objects.filter(_paid_in(start, end), case=OuterRef("pk"))
    cases = Case.objects.filter(area_code__startswith=prefix, programme__in=monthly_programmes()).filter(Exists(paid))
    if village_codes is not None:
        cases = cases.filter(area_code__in=list(village_codes))
    return cases.order_by("area_code", "programme", "id")


@dataclass(frozen=True)
class Line:
    case_id: int
    name: str  # masked
    township: str
    village: str
    village_code: str
    programme: str
    persons: int
    monthly_amount_fen: int
    first_month: date  # the first and last month paid within the period
    last_month: date

    @property
    def monthly_amount(self) -> str:
        return fmt(self.monthly_amount_fen)

    @property
    def yuan(self) -> Decimal:
        return fen_to_yuan(self.monthly_amount_fen)


def lines_for(case_ids: list[int], start: date, end: date, places: dict[str, tuple[str, str]]) -> list[Line]:
    """The list's lines for these cases (in their order), read from their entitlement months paid
    in [start, end): the persons and amount of the last of them. ``places``: village code ->
    (township name, village name)."""
    rows = (
        Entitlement.objects.filter(_paid_in(start, end), case_id__in=case_ids)
        .order_by("case_id", "starts")
        .values_list("case_id", "starts", "ends", "monthly_amount_fen", "set_by__persons_covered")
    )
    periods: dict[int, list[tuple]] = {}
    for row in rows:
        periods.setdefault(row[0], []).append(row)
    cases = {
        c["id"]: c
        for c in Case.objects.filter(pk__in=case_ids).values(
            "id", "area_code", "programme", "persons_covered", "applicant__name")
    }  # fmt: skip
    lines = []
    for case_id in case_ids:
        case, paid = cases.get(case_id), periods.get(case_id)
        if not case or not paid:
            continue
        last = paid[-1]
        ends = [p[2] for p in paid]
        last_month = add_months(end, -1) if None in ends else min(add_months(max(ends), -1), add_months(end, -1))
        township, village = places.get(case["area_code"], ("", case["area_code"]))
        lines.append(Line(
            case_id=case_id, name=mask_name(case["applicant__name"]), township=township, village=village,
            village_code=case["area_code"], programme=programmes.label(case["programme"]),
            # a step taken before steps kept their persons: the case's own figure
            persons=last[4] if last[4] is not None else (case["persons_covered"] or 0),
            monthly_amount_fen=last[3], first_month=max(paid[0][1], start), last_month=last_month,
        ))  # fmt: skip
    return lines


def places_under(prefix: str) -> dict[str, tuple[str, str]]:
    """Village code -> (township name, village name) for the villages under ``prefix``."""
    return {
        code: (township or "", name)
        for code, name, township in Area.objects.filter(code__startswith=prefix, level=Area.Level.VILLAGE)
        .values_list("code", "name", "parent__name")
    }  # fmt: skip


def villages_matching(prefix: str, text: str) -> list[str]:
    """The village codes under ``prefix`` whose name, township's name or code contains ``text``."""
    text = text.strip()
    return list(
        Area.objects.filter(code__startswith=prefix, level=Area.Level.VILLAGE)
        .filter(Q(name__contains=text) | Q(parent__name__contains=text) | Q(code__startswith=text))
        .values_list("code", flat=True)
    )


def iter_lines(cases: QuerySet, start: date, end: date, places: dict, *, chunk: int = 2000) -> Iterator[Line]:
    """Every line of a list, a chunk of cases at a time (a city's roster does not sit in memory as
    model objects)."""
    ids = list(cases.values_list("id", flat=True))
    for i in range(0, len(ids), chunk):
        yield from lines_for(ids[i : i + chunk], start, end, places)


@dataclass(frozen=True)
class Totals:
    cases: int
    persons: int
    amount_fen: int

    @property
    def amount(self) -> str:
        return fmt(self.amount_fen)


def totals(lines: Iterable[Line]) -> Totals:
    n = persons = fen = 0
    for line in lines:
        n, persons, fen = n + 1, persons + line.persons, fen + line.monthly_amount_fen
    return Totals(n, persons, fen)


# ---- the roster of a city or a county -------------------------------------------------------------


@dataclass(frozen=True)
class Roster:
    area: Area
    quarter: Quarter
    village_text: str = ""

    @property
    def places(self) -> dict[str, tuple[str, str]]:
        return places_under(self.area.code)

    def cases(self) -> QuerySet:
        codes = villages_matching(self.area.code, self.village_text) if self.village_text else None
        return covered_cases(self.area.code, self.quarter.start, self.quarter.end, village_codes=codes)

    def lines(self, case_ids: list[int] | None = None, places: dict | None = None) -> list[Line]:
        places = places if places is not None else self.places
        if case_ids is None:
            return list(iter_lines(self.cases(), self.quarter.start, self.quarter.end, places))
        return lines_for(case_ids, self.quarter.start, self.quarter.end, places)

    @property
    def title(self) -> str:
        return f"{self.area.name}{self.quarter.label}城乡低保、特困人员救助供养对象公示名册"

    @property
    def file_stem(self) -> str:
        return f"roster-{self.area.code}-{self.quarter.code}"


ROSTER_HEADER = ["序号", "姓名", "乡镇（街道）", "村（居）", "救助项目", "保障人数", "月保障金（元）", "本季度享受月份"]
MONEY_FORMAT = "0.00"


def months_text(line: Line) -> str:
    if line.first_month == line.last_month:
        return f"{line.first_month.month}月"
    return f"{line.first_month.month}–{line.last_month.month}月"


def roster_cells(i: int, line: Line) -> list:
    return [i, line.name, line.township, line.village, line.programme, line.persons, line.yuan, months_text(line)]


def _write_only_row(ws, values: list) -> None:
    """A row of a write-only sheet (a city's roster is too big to hold as cells), each
    formula-like text stored as text (``site.sheets``: never evaluated), amounts as numbers."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(ws, value=value)
        if is_formula_like(value):
            cell.data_type, cell.quotePrefix = "s", True
        elif isinstance(value, Decimal):
            cell.number_format = MONEY_FORMAT
        cells.append(cell)
    ws.append(cells)


def roster_workbook(roster: Roster, *, generated_on: date) -> bytes:
    """The roster as the websites take it: sheet 名册 (a header, one line per case, a total line)
    and sheet 说明 (the area, the quarter, what "covered" means, the date made)."""
    lines = iter_lines(roster.cases(), roster.quarter.start, roster.quarter.end, roster.places)
    about = [
        ["名册", roster.title],
        ["区划", f"{roster.area.code} {roster.area.name}"],
        ["季度", f"{roster.quarter.code}（{roster.quarter.start:%Y-%m-%d} 至 {roster.quarter.last_day:%Y-%m-%d}）"],
        ["村（居）筛选", roster.village_text or "全部"],
        [
            "口径",
            "本季度内任一月份享受城乡低保或特困人员救助供养（按月发放）的对象；"
            "保障人数与月保障金为本季度最后一个享受月份的决定所定。",
        ],
        ["隐私", "姓名只保留姓氏，不列身份证号码、住址、收入和健康状况。"],
        ["依据", "市、县按季度通过网站予以公示，乡镇（街道）、村（居）通过公示栏长期公示（seed；POLICY.md §3）"],
        ["生成日期", generated_on.isoformat()],
    ]
    return workbook(lines, about)


def workbook(lines: Iterable[Line], about: list[list]) -> bytes:
    """Sheet 名册 of ``lines`` with its total line, and sheet 说明 of ``about``, written as they
    come (openpyxl's write-only mode: a city's roster is not held as cells in memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("名册")
    for letter, width in zip("ABCDEFGH", (8, 10, 18, 18, 18, 10, 16, 16), strict=True):
        ws.column_dimensions[letter].width = width
    header = []
    for text in ROSTER_HEADER:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    n = persons = fen = 0
    for line in lines:
        n += 1
        persons += line.persons
        fen += line.monthly_amount_fen
        _write_only_row(ws, roster_cells(n, line))
    _write_only_row(ws, ["合计", f"{n} 户（人）", "", "", "", persons, fen_to_yuan(fen), ""])
    sheet = wb.create_sheet("说明")
    for row in about:
        _write_only_row(sheet, row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _stylesheet() -> tuple[Path, ...]:
    return (STYLESHEET,)


def roster_parts(count: int) -> int:
    return max(1, -(-count // PDF_PART_ROWS))


def roster_part_html(roster: Roster, part: int, *, generated_on: date) -> str:
    """The HTML of part ``part`` (from 1) of the roster's PDF: lines ``(part-1)*PDF_PART_ROWS + 1``
    onward. Cheap beside its layout: what decides whether the part is already kept."""
    ids = list(roster.cases().values_list("id", flat=True))
    parts = roster_parts(len(ids))
    first = (part - 1) * PDF_PART_ROWS
    places = roster.places
    lines = roster.lines(ids[first : first + PDF_PART_ROWS], places)
    # The last part closes with the roster's total (all parts' lines).
    whole = lines if parts == 1 else roster.lines(places=places) if part == parts else None
    return part_html(roster, lines, first=first, part=part, parts=parts, count=len(ids),
                     totals=totals(whole) if whole is not None else None, generated_on=generated_on)  # fmt: skip


def roster_pdf(roster: Roster, part: int, *, generated_on: date) -> bytes:
    """Part ``part`` of the roster's PDF, laid out now (the worker's side) and kept as a file."""
    return lay_out_roster_part(roster_part_html(roster, part, generated_on=generated_on))


def lay_out_roster_part(html: str) -> bytes:
    return pdf.html_to_pdf(html, stylesheets=_stylesheet(), keep=True, to_file=True)


def kept_roster_pdf(html: str) -> bytes | None:
    """The part of this HTML if it was laid out already (``roster_pdf``), without laying it out."""
    return pdf.kept_pdf(html, _stylesheet())


def part_html(roster, lines: list[Line], *, first: int, part: int, parts: int, count: int, totals: Totals | None,
              generated_on: date) -> str:
    return render_to_string(
        "notices/roster_pdf.html",
        {
            "roster": roster,
            "lines": lines,
            "first": first,
            "part": part,
            "parts": parts,
            "count": count,
            "totals": totals,
            "generated_on": generated_on,
        },
    )


def roster_part_pdf(
    roster,
    lines: list[Line],
    *,
    first: int,
    part: int,
    parts: int,
    count: int,
    totals: Totals | None,
    generated_on: date,
    stylesheets: tuple[Path, ...] | None = None,
) -> bytes:
    """One part of a roster as PDF: ``lines`` numbered from ``first`` + 1."""
    html = part_html(roster, lines, first=first, part=part, parts=parts, count=count, totals=totals,
                     generated_on=generated_on)  # fmt: skip
    return pdf.html_to_pdf(html, stylesheets=_stylesheet() if stylesheets is None else stylesheets, keep=True)


# ---- the village's standing list ------------------------------------------------------------------


@dataclass(frozen=True)
class StandingList:
    """The beneficiaries of one village in the month of ``on``: covered in that month."""

    village: Area
    on: date

    @property
    def month(self) -> date:
        return self.on.replace(day=1)

    def lines(self) -> list[Line]:
        start, end = self.month, add_months(self.month, 1)
        cases = covered_cases(self.village.code, start, end, village_codes=[self.village.code])
        township = self.village.parent.name if self.village.parent_id else ""
        return lines_for(list(cases.values_list("id", flat=True)), start, end,
                         {self.village.code: (township, self.village.name)})  # fmt: skip

    @property
    def title(self) -> str:
        township = self.village.parent.name if self.village.parent_id else ""
        return f"{township}{self.village.name}城乡低保、特困人员救助供养对象长期公示名单"


def standing_pdf(standing: StandingList, *, generated_on: date) -> bytes:
    lines = standing.lines()
    html = render_to_string("notices/standing_pdf.html", {
        "standing": standing, "lines": lines, "totals": totals(lines), "generated_on": generated_on})  # fmt: skip
    return pdf.html_to_pdf(html, stylesheets=_stylesheet(), keep=True)


def explainer_pdf(paper) -> bytes:
    """The policy explainer (``notices.explainer``) as the PDF posted in every village."""
    html = render_to_string("notices/explainer_pdf.html", {"paper": paper})
    return pdf.html_to_pdf(html, stylesheets=_stylesheet(), keep=True)
