"""Temporary assistance (临时救助) in the system Chromium, against the real server (issue 10).

An emergency walked as the township lives it: the clerk registers a fire for a household from its
page and sees the 24 hours running on the case; pays help first from the township's standby fund
(the fund's page shows the balance down by as much); completes the papers (accepted, home visit by
the clerk); the township's approver grants the rest within the township's limit (3,000.00, seed),
and the case shows the grant with what the month's payroll still owes, which the payroll the
township computes carries as one line. Then the short path: 3,000.01 is refused at the township
(the form says the county decides), referred, and granted by the county approver.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from safetynet.policy import idnumber
from safetynet.registry import cards
from tests.browser.conftest import login
from tests.browser.test_verification import _server_today

TOWNSHIP = "370811001"
CARD = cards.with_check_digit("622848007766557310")
HEAD, SPOUSE = "诸葛明远", "上官秀芝"


def _yuan(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("元", "").strip())


def _fund_balance(page, server: str) -> Decimal:
    page.goto(f"{server}/funds/{TOWNSHIP}/")
    return _yuan(page.inner_text("#balance"))


def _take(page, step: str, done: str, **fields: str) -> str:
    """Fill a step's form on the case page, send it (answering the question a grave step asks
    first), and wait for its confirmation; returns the question asked, if any."""
    form = page.locator(f"form[data-step={step}]")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        elif field.get_attribute("type") == "checkbox":
            field.check()
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    question = ""
    if page.locator("#confirm-dialog").is_visible():  # a payment from the fund asks first
        question = page.inner_text("#confirm-text")
        page.click("#confirm-ok")
    page.wait_for_selector(f"text={done}")
    return question


def _state(page) -> str:
    return page.inner_text("h1 .badge")


def _report(page, server: str, household_url: str, *, cause: str, today: date) -> str:
    """The clerk's 临时救助登记 from the household page; returns the case's address."""
    page.goto(household_url)
    page.click("#temporary-link a")
    page.wait_for_selector("#temporary-report")
    page.select_option("#id_applicant", index=1)  # the head
    page.check("#id_kind_0")  # 急难型
    page.select_option("#id_cause", cause)
    page.fill("#id_occurred_on", today.isoformat())
    page.fill("#id_reported_by_name", "王会计")
    page.fill("#id_reported_by_relation", "村委会")
    page.fill("#id_description", "夜间厨房起火，住房两间及被褥衣物烧毁")
    page.click("#report-submit")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert "已登记临时救助求助" in page.inner_text("ul.messages")
    return page.url


def _papers(page) -> None:
    """Papers after help first: the clerk accepts the application and records the home visit."""
    _take(page, "accept", "已受理申请")
    assert _state(page) == "已受理"
    _take(page, "record_home_visit", "已登记入户调查", investigators="李调查，张调查", family_signed="on",
          findings="住房两间烧毁，与求助登记一致。")  # fmt: skip
    assert _state(page) == "已入户调查"


def test_an_emergency_from_report_to_help_first_to_papers_and_the_grant(server, page):
    today = _server_today()
    login(page, server, f"clerk_{TOWNSHIP}")
    page.goto(server + "/households/new/")
    page.select_option("#id_village", f"{TOWNSHIP}001")
    page.select_option("#id_hukou", "urban")
    page.fill("#id_address", "张庄村 73 号")
    page.fill("#id_members-0-name", HEAD)
    page.fill("#id_members-0-id_number", idnumber.generate("370811", date(1962, 8, 15), 731, "male"))
    page.fill("#id_members-0-bank_card", CARD)
    page.click("#add-member")
    page.fill("#id_members-1-name", SPOUSE)
    page.fill("#id_members-1-id_number", idnumber.generate("370811", date(1964, 3, 2), 732, "female"))
    page.select_option("#id_members-1-relation", "spouse")
    page.click("#register")
    page.wait_for_url(re.compile(r"/households/\d+/$"))
    household_url = page.url
    before = _fund_balance(page, server)

    # The report: the 24 hours of help first run from it.
    case_url = _report(page, server, household_url, cause="fire", today=today)
    assert _state(page) == "已登记求助"
    panel = page.inner_text("#temporary-panel")
    assert "急难型" in panel and "火灾" in panel and "王会计（村委会）" in panel
    hours_left = re.search(r"24 小时时限，剩余 ([\d.]+) 小时", page.inner_text("#help-clock"))
    assert hours_left and 23 <= float(hours_left.group(1)) <= 24

    # Help first from the standby fund, within the hours.
    asked = _take(page, "help_first", "已先行救助", amount="1000.00", method="cash", receipt="SJ-2026-0731")
    assert "备用金" in asked and "确定支付吗" in asked
    assert _state(page) == "已先行救助（待补齐材料）"
    assert "已在 24 小时内先行救助" in page.inner_text("#help-clock")
    assert page.inner_text("#help-first-amount") == "1000.00 元"
    assert _fund_balance(page, server) == before - Decimal("1000.00")
    entry = page.locator("#entries tbody tr", has_text="SJ-2026-0731")  # the month's statement
    assert entry.count() == 1
    assert all(text in entry.inner_text() for text in ("支出", "1000.00", HEAD, "先行救助"))

    page.goto(case_url)
    _papers(page)
    page.click("text=退出")

    # The township's approver grants within its limit: the rest is owed to this month's payroll.
    login(page, server, f"approver_{TOWNSHIP}")
    page.goto(case_url)
    _take(page, "grant", "已批准临时救助", amount="3000.00", opinion="房屋失火，符合急难型临时救助条件，同意救助。")
    assert _state(page) == "已批准（待发放）"
    assert page.inner_text("#granted-amount") == "3000.00 元"
    month = f"{today:%Y-%m}"
    assert page.inner_text("#owed-amount") == f"2000.00 元（{month} 发放名册）"
    assert "先行救助" in page.inner_text(".timeline") and "批准临时救助" in page.inner_text(".timeline")

    # The township computes this month's temporary-assistance payroll: the one-off is one line.
    page.goto(server + "/payroll/")
    form = page.locator("form[action$='/payroll/compute/']")
    form.locator("select[name=township]").select_option(TOWNSHIP)
    form.locator("input[name=month]").fill(month)
    form.locator("select[name=programme]").select_option(label="临时救助")
    form.locator("button").click()
    page.wait_for_selector("text=发放名册已编制")
    line = page.locator("#lines tbody tr", has_text=HEAD)
    assert line.count() == 1
    assert "2000.00" in line.inner_text() and "一次性救助金" in line.inner_text()


def test_3000_01_goes_to_the_county_which_grants_it(server, page):
    """The short path: a traffic accident of another household, helped first, papers done; the
    township cannot grant 3,000.01 (seed: up to 3,000 yuan), refers it, the county grants it."""
    today = _server_today()
    login(page, server, f"clerk_{TOWNSHIP}")
    page.goto(server + "/households/new/")
    page.select_option("#id_village", f"{TOWNSHIP}002")
    page.select_option("#id_hukou", "urban")
    page.fill("#id_address", "李屯村 12 号")
    page.fill("#id_members-0-name", "东方立新")
    page.fill("#id_members-0-id_number", idnumber.generate("370811", date(1970, 1, 9), 741, "male"))
    page.fill("#id_members-0-bank_card", cards.with_check_digit("622848007766557410"))
    page.click("#add-member")
    page.fill("#id_members-1-name", "夏侯春梅")
    page.fill("#id_members-1-id_number", idnumber.generate("370811", date(1972, 6, 1), 742, "female"))
    page.select_option("#id_members-1-relation", "spouse")
    page.click("#register")
    page.wait_for_url(re.compile(r"/households/\d+/$"))
    case_url = _report(page, server, page.url, cause="traffic", today=today)
    _take(page, "help_first", "已先行救助", amount="500.00", method="transfer", receipt="ZZ-0741")
    _papers(page)
    page.click("text=退出")

    login(page, server, f"approver_{TOWNSHIP}")
    page.goto(case_url)
    opinion = "交通事故致伤，肇事方未赔付，拟救助 3000.01 元。"
    page.locator("form[data-step=grant] input[name=amount]").fill("3000.01")
    page.locator("form[data-step=grant] textarea[name=opinion]").fill(opinion)
    page.locator("form[data-step=grant] button[type=submit]").click()
    page.wait_for_selector("form[data-step=grant] .error-summary")
    refusal = page.inner_text("form[data-step=grant] .error-summary")
    assert "报县级审批" in refusal and "3000.00" in refusal
    assert _state(page) == "已入户调查"
    # What was typed is still there.
    assert page.input_value("form[data-step=grant] input[name=amount]") == "3000.01"
    assert page.input_value("form[data-step=grant] textarea[name=opinion]") == opinion
    _take(page, "refer_to_county", "已报县级审批", amount="3000.01", opinion=opinion)
    assert _state(page) == "待县级审批"
    page.click("text=退出")

    login(page, server, "county_approver_370811")
    page.goto(case_url)
    _take(page, "county_grant", "已县级批准", opinion="同意乡镇意见，给予临时救助 3000.01 元。")
    assert _state(page) == "已批准（待发放）"
    assert page.inner_text("#granted-amount") == "3000.01 元"
    assert page.inner_text("#owed-amount").startswith("2500.01 元")
    assert "县级批准" in page.inner_text(".timeline")
