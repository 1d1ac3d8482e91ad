"""The window's intake in the system Chromium, against the real server: a clerk adds members,
incomes and an asset row by row, submits with a mistyped card number, sees the summary at the
top and the message beside the field with everything typed still there, fixes it and registers."""

from __future__ import annotations

import re
from datetime import date

from safetynet.policy import idnumber
from safetynet.registry import cards
from tests.browser.conftest import login

CARD = cards.with_check_digit("622848007766554433")


def test_intake_adds_rows_keeps_everything_on_an_error_and_registers(server, page):
    head_id = idnumber.generate("370811", date(1956, 2, 3), 611, "male")
    spouse_id = idnumber.generate("370811", date(1958, 4, 5), 612, "female")
    wrong_card = CARD[:-1] + str((int(CARD[-1]) + 3) % 10)

    login(page, server, "clerk_370811")
    page.goto(server + "/households/new/")
    page.select_option("#id_village", "370811001001")
    page.select_option("#id_hukou", "rural")
    page.fill("#id_address", "张庄村 61 号")
    page.fill("#id_members-0-name", "司马东升")
    page.fill("#id_members-0-id_number", head_id)
    page.fill("#id_members-0-phone", "13905370611")
    page.fill("#id_members-0-bank_card", wrong_card)

    page.click("#add-member")  # posts the form and shows it again with a second member
    page.wait_for_selector("#id_members-1-name")
    assert page.input_value("#id_members-0-bank_card") == wrong_card
    assert page.input_value("#id_address") == "张庄村 61 号"
    page.fill("#id_members-1-name", "欧阳秀兰")
    page.fill("#id_members-1-id_number", spouse_id)
    page.select_option("#id_members-1-relation", "spouse")
    page.click("button[name=add][value=income-1]")
    page.wait_for_selector("#id_members-1-incomes-0-monthly")
    page.fill("#id_members-1-incomes-0-monthly", "200.00")
    page.click("button[name=add][value=asset-0]")
    page.wait_for_selector("#id_members-0-assets-0-kind")
    page.select_option("#id_members-0-assets-0-kind", "vehicle")
    page.fill("#id_members-0-assets-0-value", "3000")
    page.select_option("#id_members-0-assets-0-use", "farm")
    assert page.input_value("#id_members-1-incomes-0-monthly") == "200.00"

    # The preview stays in view beside the form while the clerk scrolls.
    assert page.eval_on_selector(".intake > aside", "e => getComputedStyle(e).position") == "sticky"
    page.locator("#id_members-0-assets-0-value").blur()
    page.wait_for_selector("#preview-amount")
    assert page.inner_text("#preview-amount") == "750.00"  # rural 475 × 2 − 200

    page.click("#register")
    page.wait_for_selector("#error-summary")
    summary = page.inner_text("#error-summary")
    assert "成员 1 · 银行卡号" in summary and "校验位错误" in summary and "bank_card" not in summary
    assert "校验位错误" in page.inner_text("#id_members-0-bank_card-error")  # beside its field
    for field, typed in (("#id_members-0-name", "司马东升"), ("#id_members-1-id_number", spouse_id),
                         ("#id_members-1-incomes-0-monthly", "200.00"), ("#id_members-0-assets-0-value", "3000"),
                         ("#id_members-0-bank_card", wrong_card), ("#id_members-0-phone", "13905370611")):
        assert page.input_value(field) == typed, field
    assert page.input_value("#id_members-0-assets-0-use") == "farm"
    page.click("#error-summary a")  # the summary's link takes the clerk to the field
    assert page.evaluate("document.activeElement.id") == "id_members-0-bank_card" or page.url.endswith(
        "#id_members-0-bank_card")

    page.fill("#id_members-0-bank_card", CARD)
    page.click("#register")
    page.wait_for_url(re.compile(r"/households/\d+/$"))
    body = page.inner_text("main")
    assert "家庭已登记" in body and "司马东升" in body and "欧阳秀兰" in body and "200.00" in body
