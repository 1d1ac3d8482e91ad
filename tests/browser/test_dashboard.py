"""The city's dashboard in the system Chromium (issue 13 §1): the city user reads the 14 counties on
the coverage chart (every name drawn on its axis, as its table lists them), drills down to a
county, a township and the list of a village's covered cases, and exports a figure to Excel whose
totals line is the sum of its lines."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.browser.conftest import login

COUNTIES = ["任城区", "兖州区", "微山县", "鱼台县", "金乡县", "嘉祥县", "汶上县", "泗水县", "梁山县", "济宁高新区",
            "太白湖新区", "济宁经济技术开发区", "曲阜市", "邹城市"]  # fmt: skip

CHART = """(key) => {
  const el = document.querySelector(`.chart[data-table="${key}"]`);
  const chart = echarts.getInstanceByDom(el);
  const axis = chart.getModel().getComponent("yAxis", 0).axis;
  return {names: chart.getOption().yAxis[0].data, drawn: axis.getViewLabels().map(l => l.formattedLabel),
          height: el.clientHeight};
}"""


def _covered_line(page):
    """The first line of the coverage table with households covered: (its row, households, persons)."""
    lines = page.locator("#table-coverage-area tbody tr[data-code]")
    for i in range(lines.count()):
        households = int(lines.nth(i).locator('td[data-column="households"]').inner_text())
        if households:
            return lines.nth(i), households, int(lines.nth(i).locator('td[data-column="persons"]').inner_text())
    raise AssertionError("no line with households covered")


def _drill(page) -> tuple[str, int, int]:
    """Follow the first line with households covered; its code, households and persons."""
    line, households, persons = _covered_line(page)
    code = line.get_attribute("data-code")
    line.locator("a.drill").click()
    page.wait_for_load_state()
    return code, households, persons


def test_the_city_reads_every_county_and_drills_down_to_a_list(server, page):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, server, "city")
    page.goto(server + "/reports/")
    page.wait_for_selector('.chart[data-table="coverage-area"] canvas', timeout=60000)
    assert not errors
    chart = page.evaluate(CHART, "coverage-area")
    assert sorted(chart["names"]) == sorted(COUNTIES)
    assert chart["drawn"] == chart["names"]  # every name drawn, none skipped for lack of room
    assert chart["height"] >= 14 * 28
    table = page.locator("#table-coverage-area tbody tr[data-code] td:first-child").all_inner_texts()
    assert table == chart["names"]
    assert page.locator("#table-coverage-area tr.total th").inner_text() == "合计"
    assert page.locator("#table-concentration, #empty-concentration").count() == 1  # the demo records modes

    county, households, _persons = _drill(page)
    assert f"area={county}" in page.url and page.inner_text("#scope-name") in COUNTIES
    page.wait_for_selector('.chart[data-table="coverage-area"] canvas', timeout=60000)
    assert not errors
    assert page.locator("#table-coverage-area tr.total td").first.inner_text() != "0"
    township, _households, _persons = _drill(page)
    assert f"area={township}" in page.url and township.startswith(county)
    # the township's villages: one with households covered leads to its list
    village, households, persons = _drill(page)
    page.wait_for_selector("#covered-cases")
    assert "/reports/cases/" in page.url and f"area={village}" in page.url and village.startswith(township)
    rows = page.locator("#covered-cases tbody tr[data-case]")
    assert rows.count() == min(households, 25)
    if households <= 25:
        assert sum(int(t) for t in page.locator("#covered-cases td.persons").all_inner_texts()) == persons

    # back at the city: a figure's Excel file, its totals line the sum of its lines
    page.goto(server + "/reports/")
    with page.expect_download() as download:
        page.locator("#figure-coverage-area a.export").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header, lines, total = rows[0], rows[1:-1], rows[-1]
    assert [x[0] for x in lines] == chart["names"] and total[0] == "合计"
    for i in range(1, len(header)):
        assert total[i] == sum(x[i] for x in lines), header[i]
