"""A clerk takes an application from intake to approval and sees it on the notice; a clerk of
another township cannot open it. In the system Chromium, against the real server."""

from __future__ import annotations

import re
from datetime import date

from safetynet.policy import idnumber
from tests.browser.conftest import login


def test_intake_to_decision_and_notice_and_isolation(server, page, browser):
    head_id = idnumber.generate("370811", date(1948, 5, 6), 401, "male")
    spouse_id = idnumber.generate("370811", date(1950, 7, 8), 402, "female")

    login(page, server, "clerk_370811")
    page.click("text=受理登记")
    page.select_option("#id_village", "370811001001")
    page.select_option("#id_hukou", "urban")
    page.fill("#id_address", "张庄村 88 号")
    page.fill("#id_members-0-name", "欧阳建国")
    page.fill("#id_members-0-id_number", head_id[:-1] + ("1" if head_id[-1] != "1" else "2"))  # a typo first
    page.click("#add-member")
    page.fill("#id_members-1-name", "李秀英")
    page.fill("#id_members-1-id_number", spouse_id)
    page.select_option("#id_members-1-relation", "spouse")
    page.click("button[name=add][value=income-1]")
    page.fill("#id_members-1-incomes-0-monthly", "200.00")
    page.locator("#id_members-1-incomes-0-monthly").blur()
    # The preview names the wrong field, in Chinese, before anything is saved.
    page.wait_for_selector("#preview [data-field='id_members-0-id_number']")
    assert "校验码错误" in page.inner_text("#preview")
    page.fill("#id_members-0-id_number", head_id)
    page.locator("#id_members-0-id_number").blur()
    page.wait_for_selector("#preview-amount")
    assert page.inner_text("#preview-amount") == "1060.00"  # 630 × 2 − 200
    assert "低于低保标准 630.00 元" in page.inner_text("#preview")
    page.click("#register")
    page.wait_for_url(re.compile(r"/households/\d+/$"))
    household_url = page.url

    page.fill("input[name=document]", "SQ-2026-001")
    page.click("form[action$='/authorize/'] button")
    page.wait_for_selector("text=已登记 2 人的授权核对书")
    page.click("form[action$='/apply/'] button")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    case_url = page.url
    assert "核对中" in page.inner_text("h1")

    page.click("form[data-step=accept] button")
    page.wait_for_selector("text=已受理申请")
    form = page.locator("form[data-step=record_home_visit]")
    form.locator("input[name=investigators]").fill("王强，李明")
    form.locator("input[name=family_signed]").check()
    form.locator("textarea[name=findings]").fill("两人共同生活，配偶有少量收入，与申报一致。")
    form.locator("button").click()
    page.wait_for_selector("text=已登记入户调查")
    assert "已入户调查" in page.inner_text("h1")
    page.click("text=退出")

    login(page, server, "approver_370811")
    page.goto(case_url)
    page.fill("form[data-step=approve] textarea[name=opinion]", "同意，收入与入户调查一致。")  # 审核意见 is required
    page.click("form[data-step=approve] button")
    page.wait_for_selector("text=已审核确认")
    assert "公示中" in page.inner_text("h1")
    assert page.inner_text("#amount") == "1060.00 元"
    timeline = page.inner_text(".timeline")
    for step in ("发起核对", "受理申请", "登记入户调查", "审核确认"):
        assert step in timeline
    # The notice cannot close before its seven days have run.
    page.click("form[data-step=close_notice] button")
    page.wait_for_selector("text=公示期至")

    page.goto(server + "/notices/village/370811001001/")
    notice = page.inner_text("#notice")
    assert "欧阳建国" in notice and "1060.00" in notice and head_id not in notice
    page.goto(server + "/public/notices/370811001001/")
    public = page.inner_text("#notice")
    assert "欧阳**" in public and "欧阳建国" not in public

    other = browser.new_context(locale="zh-CN").new_page()
    login(other, server, "clerk_370811002")
    response = other.goto(case_url)
    assert response.status == 404 and "不在您的辖区内" in other.inner_text("main")
    assert other.goto(household_url).status == 404
    other.goto(server + "/households/?q=" + head_id[-6:])
    assert "欧阳建国" not in other.inner_text("main")
