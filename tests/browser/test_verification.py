"""The verification officer's main path in the system Chromium, against the real server: a
department delivery with bad rows and its rejection report, a screening watched to the end and
its findings in the problem ledger and its Excel export, and a township closing its own items
while another county's clerk cannot touch them.

Each test leaves the others' data alone: the delivery is dated a week back (it is not the latest
deposits snapshot, so checks of this month do not read it), a repeated screening files nothing
twice, and closing an item changes only its status.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from safetynet.policy import idnumber
from tests.browser.conftest import login

RUN_TIMEOUT = 120_000  # ms: the machine is shared and the screening runs in the server's background
LEDGER_HEADERS = ["序号", "问题类型", "户号", "公民身份号码", "区划代码", "项目", "依据", "数据来源", "筛查月份",
                  "所属区划", "状态", "销号日期", "核查结果"]  # fmt: skip
TOWNSHIP = "370811001"  # 任城区城关街道: seeded households and ledger items
OTHER_COUNTY_CLERK = "clerk_370812001"  # 兖州区


def _server_today():
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the server's TIME_ZONE


def _table(page, selector: str) -> list[list[str]]:
    """The body rows of a table as the user reads them, cell by cell."""
    return [[c.strip() for c in row] for row in page.eval_on_selector_all(
        f"{selector} tbody tr", "rows => rows.map(r => Array.from(r.cells, c => c.innerText))")]  # fmt: skip


def _messages(page) -> str:
    return page.inner_text("ul.messages") if page.locator("ul.messages").count() else ""


def _register_id(browser, server) -> str:
    """An ID number from the seeded register, as the township window shows it (the city sees masked ones)."""
    context = browser.new_context(locale="zh-CN")
    try:
        clerk = context.new_page()
        login(clerk, server, f"clerk_{TOWNSHIP}")
        clerk.goto(server + "/households/")  # the township clerk sees the township's households
        numbers = re.findall(r"（(\d{17}[\dX])）", clerk.inner_text("main"))
        assert numbers, "the township's clerk sees no household of the township with its members' ID numbers"
        return numbers[0]
    finally:
        context.close()


def _ledger_ids(page) -> list[str]:
    return page.eval_on_selector_all("#ledger tbody tr[id^=item-]", "rows => rows.map(r => r.id)")


def _ledger_total(page) -> int:
    return int(re.search(r"共 (\d+) 条", page.inner_text(".pagination")).group(1))


def test_upload_a_delivery_with_bad_rows_and_read_its_rejections(server, page, browser, tmp_path):
    good = _register_id(browser, server)
    wrong_digit = good[:17] + ("0" if good[17] != "0" else "1")
    delivered = _server_today() - timedelta(days=7)
    as_of = delivered - timedelta(days=1)
    csv_file = tmp_path / "银行存款-e2e.csv"
    csv_file.write_text(
        "id_number,institution,balance,as_of\n"
        f"{good},农业银行,1234.50,{as_of}\n"  # row 2: loads
        f"{wrong_digit},工商银行,100.00,{as_of}\n"  # row 3: check digit
        f"{good},建设银行,12.345,{as_of}\n",  # row 4: three decimals
        encoding="utf-8",
    )

    login(page, server, "city")
    city_name = page.inner_text("#account-link")  # the header names the user as pages do
    page.click("nav >> text=部门数据")
    page.wait_for_url("**/verification/deliveries/")
    rows = _table(page, "#deliveries")
    register = [r for r in rows if r[0] == "户籍登记"]
    assert len(register) == 1, rows
    assert int(register[0][4]) >= 28 and register[0][5] == "0"  # at least one person per seeded household
    deposits = [r for r in rows if r[0] == "银行存款"]
    assert deposits and deposits[0][5] == "3"  # the seeded delivery's malformed rows
    before = len(rows)

    page.select_option("#id_item", "deposits")
    page.fill("#id_delivered", delivered.isoformat())
    page.set_input_files("#id_file", str(csv_file))
    page.click("#upload button[type=submit]")
    page.wait_for_url(re.compile(r"/verification/deliveries/\?imported=\d+$"))
    assert f"{csv_file.name}：已导入；导入 1 行，拒收 2 行" in _messages(page)
    assert page.inner_text("#latest-loaded") == "1" and page.inner_text("#latest-rejected") == "2"
    rows = _table(page, "#deliveries")
    assert len(rows) == before + 1
    mine = [r for r in rows if r[3] == csv_file.name]
    assert len(mine) == 1, rows
    assert mine[0][:3] == ["银行存款", "银行业金融机构", delivered.isoformat()]
    assert (mine[0][4], mine[0][5], mine[0][6]) == ("1", "2", city_name) and city_name != "city"

    page.click("#latest-import >> text=查看拒收明细")
    page.wait_for_url(re.compile(r"/verification/deliveries/\d+/rejections/$"))
    assert csv_file.name in page.inner_text("h1")
    assert "导入 1 行，拒收 2 行（2 处错误）" in page.inner_text("main")
    rejected = {(r[1], r[2], r[3], r[4]) for r in _table(page, "#rejections")}
    assert rejected == {
        ("3", "id_number", wrong_digit,
         f"身份证号码校验码错误：应为 {idnumber.check_digit(good[:17])}，实为 {wrong_digit[-1]}"),  # fmt: skip
        ("4", "balance", "12.345", "金额应为元，最多两位小数，不能为负"),
    }

    # The same file again: said to be imported before, and no second record.
    page.click("text=返回交付记录")
    page.wait_for_url("**/verification/deliveries/")
    page.select_option("#id_item", "deposits")
    page.fill("#id_delivered", delivered.isoformat())
    page.set_input_files("#id_file", str(csv_file))
    page.click("#upload button[type=submit]")
    page.wait_for_url(re.compile(r"/verification/deliveries/\?imported=\d+$"))
    assert f"{csv_file.name}：此前已导入（同一交付，未重复写入）；导入 1 行，拒收 2 行" in _messages(page)
    rows = _table(page, "#deliveries")
    assert len(rows) == before + 1
    assert len([r for r in rows if r[3] == csv_file.name]) == 1


def test_screening_runs_to_done_and_fills_the_ledger_and_its_export(server, page, tmp_path):
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    login(page, server, "city")
    page.click("nav >> text=核对")
    page.wait_for_url("**/verification/runs/")
    page.click("#start-screening button[type=submit]")
    page.wait_for_url(re.compile(r"/verification/runs/\d+/$"))
    run_id = int(re.search(r"/runs/(\d+)/$", page.url).group(1))
    assert f"核对批次 #{run_id} 已开始，在后台运行" in _messages(page)
    assert f"核对批次 #{run_id}：全市筛查 · 济宁市" in page.inner_text("h1")

    # The run's page polls its progress (htmx) and reloads itself with the findings once it is done.
    badge = page.locator(f"#run-{run_id}-progress")
    expect(badge).to_have_attribute("data-status", re.compile("^(done|failed)$"), timeout=RUN_TIMEOUT)
    assert page.locator("#run-error").count() == 0, page.inner_text("#run-error")
    expect(badge).to_have_text("完成")
    expect(page.locator("#kinds tbody tr").first).not_to_contain_text("筛查完成后显示")

    # The list says so too.
    page.click("text=返回核对批次")
    page.wait_for_url("**/verification/runs/")
    badge = page.locator(f"#run-{run_id}-progress")
    expect(badge).to_have_attribute("data-status", re.compile("^(done|failed)$"), timeout=RUN_TIMEOUT)
    expect(badge).to_have_text("完成")

    page.click(f"#runs >> a:text-is('#{run_id}')")
    page.wait_for_url(f"**/verification/runs/{run_id}/")
    assert page.locator("#run-error").count() == 0
    summary = page.inner_text("#summary")
    findings = int(re.search(r"发现问题数\s+(\d+)", summary).group(1))
    kinds = {label: int(n) for label, n in _table(page, "#kinds")}
    assert findings > 0 and sum(kinds.values()) == findings, (summary, kinds)
    assert all(label.startswith(("漏保", "错保", "低保边缘", "救助", "重复", "经办")) for label in kinds), kinds

    page.click("#summary >> text=查看问题台账")
    page.wait_for_url("**/verification/ledger/")
    everything = _ledger_ids(page)
    total = _ledger_total(page)
    assert everything and total >= len(everything)
    ledger_kinds = {r[0] for r in _table(page, "#ledger")}
    assert len(ledger_kinds) > 1, ledger_kinds
    # The city sees masked ID numbers.
    shown = [r[3] for r in _table(page, "#ledger") if r[3] != "—"]
    assert shown and all(re.fullmatch(r"\d{6}\*{8}[\dX]{4}", n) for n in shown), shown

    kind = min(kinds, key=kinds.get)  # the rarest kind of this run narrows the list the most
    page.select_option("#ledger-filter select[name=kind]", label=kind)
    page.click("#ledger-filter button[type=submit]")
    page.wait_for_url(re.compile(r"/verification/ledger/\?.*kind=\w+"))
    narrowed = _table(page, "#ledger")
    assert narrowed and all(r[0] == kind for r in narrowed), narrowed
    assert len(narrowed) < len(everything)
    assert _ledger_total(page) == len(narrowed)

    with page.expect_download() as info:
        page.click("#ledger-filter >> text=导出 Excel")
    download = info.value
    assert re.fullmatch(r"ledger-\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    book = load_workbook(path, read_only=True)
    try:
        sheet = book.worksheets[0]
        assert sheet.title == "问题台账"
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        book.close()
    assert list(rows[0]) == LEDGER_HEADERS
    assert len(rows) - 1 == len(narrowed)
    assert all(r[1] == kind for r in rows[1:]), rows
    # 户号 as on the page (its cell also links the case and offers the application)
    assert sorted(r[2] for r in rows[1:]) == sorted(r[2].splitlines()[0].strip() for r in narrowed)


def test_township_clerk_closes_own_items_and_other_county_cannot(server, page, browser, tmp_path):
    from openpyxl import load_workbook

    # What the city sees of the township, to compare with what its clerk sees.
    city = browser.new_context(locale="zh-CN")
    try:
        city_page = city.new_page()
        login(city_page, server, "city")
        city_page.goto(f"{server}/verification/ledger/?township={TOWNSHIP}")
        township_items = set(_ledger_ids(city_page))
        assert _ledger_total(city_page) == len(township_items)
        city_page.goto(f"{server}/verification/ledger/")
        assert _ledger_total(city_page) > len(township_items)
    finally:
        city.close()

    login(page, server, f"clerk_{TOWNSHIP}")
    page.click("nav >> text=问题台账")
    page.wait_for_url("**/verification/ledger/")
    ids = _ledger_ids(page)
    assert ids and set(ids) == township_items
    # A township's own staff have no other township to choose.
    assert page.locator("#ledger-filter select[name=township]").count() == 0
    # The clerk works on the person: whole ID numbers where an item names one (a household's has none).
    numbers = [r[3] for r in _table(page, "#ledger") if r[3] != "—"]
    assert all(idnumber.is_valid(n) for n in numbers), numbers
    with page.expect_download() as info:
        page.click("#ledger-filter >> text=导出 Excel")
    path = tmp_path / "township.xlsx"
    info.value.save_as(path)
    book = load_workbook(path, read_only=True)
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))[1:]
    finally:
        book.close()
    assert len(rows) == len(ids)
    assert all(str(r[4]).startswith(TOWNSHIP) for r in rows), [r[4] for r in rows]

    open_rows = page.locator("#ledger tbody tr[id^=item-]", has=page.locator("input[name=outcome]"))
    assert open_rows.count() >= 2, "the township needs two open items: one to close, one to try from outside"
    target, untouched = open_rows.nth(0), open_rows.nth(1)
    item_id, other_id = target.get_attribute("id"), untouched.get_attribute("id")
    household_no = target.locator("td").nth(2).inner_text().splitlines()[0].strip()
    outcome = "已入户核查：家庭人均收入高于当地低保标准，不符合条件"
    target.locator("input[name=outcome]").fill(outcome)
    target.locator("button", has_text="销号").click()
    page.wait_for_selector(f"text=户号 {household_no} 的问题已销号")
    closed = page.locator(f"#{item_id}")
    status = closed.locator("td").nth(10).inner_text()
    assert "已销号" in status and outcome in status and _server_today().isoformat() in status
    assert closed.locator("form").count() == 0
    assert "待核查" in page.locator(f"#{other_id}").locator("td").nth(10).inner_text()

    outsider = browser.new_context(locale="zh-CN")
    try:
        other = outsider.new_page()
        login(other, server, OTHER_COUNTY_CLERK)
        other.goto(server + "/verification/ledger/")
        assert not set(_ledger_ids(other)) & township_items
        token = other.locator("input[name=csrfmiddlewaretoken]").first.input_value()
        for target_id in (item_id, other_id):
            url = f"{server}/verification/ledger/{target_id.removeprefix('item-')}/close/"
            response = other.request.post(url, form={"csrfmiddlewaretoken": token, "outcome": "越权销号",
                                                     "next": "/verification/ledger/"})  # fmt: skip
            assert response.status == 404 and "不在您的辖区内" in response.text(), (url, response.status)
            assert other.goto(url).status == 404
    finally:
        outsider.close()

    page.reload()
    assert "待核查" in page.locator(f"#{other_id}").locator("td").nth(10).inner_text()
    assert "越权销号" not in page.inner_text("#ledger")
