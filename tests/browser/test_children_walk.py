"""Children's allowances in the system Chromium, against the real server (issue 11 point 5): the
township's clerk registers a grandmother and her grandson and opens the boy's application on its
page (a first try with a parent able to support him is refused beside the father's state, and
what was typed is still there), records the home visit; the township submits it; the county
approves it; the county's figures count one more de-facto unsupported child living dispersed."""

from __future__ import annotations

import re
from datetime import date

from safetynet.policy import idnumber
from safetynet.registry import cards
from tests.browser.conftest import login
from tests.browser.test_temporary_walk import _take

TOWNSHIP = "370811001"
GRANDMOTHER, CHILD = "欧阳桂兰", "欧阳小石"


def _supported(page, server: str) -> tuple[int, int]:
    """The figures' 事实无人抚养儿童 row: (在保, 社会散居)."""
    page.goto(server + "/children/figures/")
    cells = page.locator('#children-figures tr[data-programme="unsupported_child"] td').all_inner_texts()
    return int(cells[1]), int(cells[2])


def test_a_clerk_opens_a_childs_application_the_county_approves_and_the_figures_count_him(server, page):
    login(page, server, "county_370811")
    before = _supported(page, server)
    page.click("text=退出")

    login(page, server, f"clerk_{TOWNSHIP}")
    page.goto(server + "/households/new/")
    page.select_option("#id_village", f"{TOWNSHIP}001")
    page.select_option("#id_hukou", "rural")
    page.fill("#id_address", "王庄村 18 号")
    page.fill("#id_members-0-name", GRANDMOTHER)
    page.fill("#id_members-0-id_number", idnumber.generate("370811", date(1958, 4, 12), 861, "female"))
    page.fill("#id_members-0-bank_card", cards.with_check_digit("622848007766558610"))
    page.click("#add-member")
    page.fill("#id_members-1-name", CHILD)
    page.fill("#id_members-1-id_number", idnumber.generate("370811", date(2015, 6, 3), 863, "male"))
    page.select_option("#id_members-1-relation", "other")
    page.click("#register")
    page.wait_for_url(re.compile(r"/households/\d+/$"))
    page.click("#apply-child")  # the household page's button
    page.wait_for_selector("#child-application")

    # A first try: the mother able to support him. Refused beside the father's state, kept.
    page.select_option("#id_applicant", label=f"{CHILD}（其他，2015-06-03 出生）")
    page.select_option("#id_father", label="服刑在押")
    page.select_option("#id_mother", label="在世且能履行抚养义务")
    page.check("#id_placement_0")  # 社会散居
    page.fill("#id_guardian_name", GRANDMOTHER)
    papers = "父亲刑事判决书（2023）鲁0811刑初第88号；母亲死亡医学证明书"
    page.fill("#id_documents", papers)
    page.click("#child-submit")
    page.wait_for_selector(".error-summary")
    assert "不属孤儿或事实无人抚养儿童" in page.inner_text("#id_father-error")
    summary = page.inner_text(".error-summary")
    assert "父亲情形" in summary and "present" not in summary and "imprisoned" not in summary
    assert page.input_value("#id_documents") == papers and page.input_value("#id_guardian_name") == GRANDMOTHER

    # Corrected: the mother is dead. The case opens and the page lands on it.
    page.select_option("#id_mother", label="死亡")
    page.click("#child-submit")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    case_url = page.url
    assert "已受理事实无人抚养儿童基本生活补贴申请" in page.inner_text("ul.messages")
    panel = page.inner_text("#child-panel")
    assert "服刑在押" in panel and "社会散居" in panel and GRANDMOTHER in panel
    _take(page, "record_home_visit", "已登记入户调查", investigators="李调查，张调查", family_signed="on",
          findings="由祖母照料，父亲服刑，母亲已故。")  # fmt: skip
    page.click("text=退出")

    login(page, server, f"approver_{TOWNSHIP}")
    page.goto(case_url)
    _take(page, "submit_child", "已审核后报县级审批", opinion="材料齐全，情况属实，报县级审批。")
    page.click("text=退出")

    login(page, server, "county_approver_370811")
    page.goto(case_url)
    _take(page, "county_approve_child", "已县级批准儿童保障", opinion="同意。")
    assert "1100.00" in page.inner_text("body")
    page.click("text=退出")

    login(page, server, "county_370811")
    assert _supported(page, server) == (before[0] + 1, before[1] + 1)
    page.goto(server + "/children/?q=" + CHILD)
    row = page.locator("#children-list tbody tr", has_text=CHILD)
    assert row.count() == 1 and "事实无人抚养儿童" in row.inner_text() and "社会散居" in row.inner_text()
