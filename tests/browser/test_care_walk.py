"""Tekun care at home (issue 11) in the system Chromium, against the real server: the township's
approver finds on the care lists a person at home without a caregiver, records the caregiver and
the care agreement, records a third-party assessment in which four daily activities are not
achieved, confirms it, and sees the case re-decided: a higher monthly amount from the next month;
then, the person no longer able to care for themself, decides the admission to the county's home
on the case page (a decision: asked first) and sees the mode on the case's care panel.
"""

from __future__ import annotations

import re
from datetime import date

from safetynet.policy import idnumber
from tests.browser.conftest import login

TOWNSHIP = "370811001"
CARER_ID = idnumber.generate("370811", date(1975, 6, 1), 321, "female")


def _next_month() -> str:
    today = date.today()
    return f"{today.year + (today.month == 12)}-{today.month % 12 + 1:02d}"


def test_a_care_agreement_and_an_assessment_that_changes_the_amount_from_next_month(server, page):
    login(page, server, f"approver_{TOWNSHIP}")
    page.click("#menu-care-index")
    page.wait_for_selector("#home-care")
    row = page.locator("#home-care tbody tr", has_text="未明确").first
    row.locator("a").click()
    page.wait_for_url(re.compile(r"/care/cases/\d+/$"))
    before = page.inner_text("#entitlements tbody tr:last-child .amount")

    # the caregiver: a wrong ID number is said beside the field, and what was typed stays
    page.fill("#id_caregiver-name", "刘桂兰")
    page.fill("#id_caregiver-id_number", CARER_ID[:-1] + ("0" if CARER_ID[-1] != "0" else "1"))
    page.fill("#id_caregiver-relation", "邻居")
    page.fill("#id_caregiver-phone", "13905370001")
    page.click("#caregiver-form button[type=submit]")
    page.wait_for_selector("#caregiver-form .error-summary")
    assert "校验码" in page.inner_text("#caregiver-form .field-error")
    assert page.input_value("#id_caregiver-name") == "刘桂兰"
    page.fill("#id_caregiver-id_number", CARER_ID)
    page.click("#caregiver-form button[type=submit]")
    page.wait_for_selector("ul.messages")

    # the care agreement
    page.select_option("#id_agreement-caregiver", label="刘桂兰")
    page.fill("#id_agreement-number", "WT-2026-0099")
    page.fill("#id_agreement-parties", "唐口街道办事处、供养对象、刘桂兰")
    page.fill("#id_agreement-ends_on", f"{date.today().year + 1}-12-31")
    page.fill("#id_agreement-duties", "日常起居照料、代购生活用品、就医陪护")
    page.select_option("#id_agreement-allowance_to", "caregiver")
    page.click("#agreement-form button[type=submit]")
    page.wait_for_selector("#agreements li:has-text('WT-2026-0099')")

    # the assessment: four of six activities not achieved -> complete loss of self-care
    page.select_option("#id_assess-assessor_kind", "third_party")
    page.fill("#id_assess-assessor", "济宁市康养服务评估中心")
    for code, achieved in (("eating", "yes"), ("dressing", "yes"), ("bed", "no"), ("toilet", "no"),
                           ("walking", "no"), ("bathing", "no")):
        page.select_option(f"#id_assess-item_{code}", achieved)
    page.click("#assess-form button[type=submit]")
    page.wait_for_selector("#confirm-dialog")
    assert "自下月起重新核定" in page.inner_text("#confirm-text")
    page.click("#confirm-ok")
    page.wait_for_selector("ul.messages")
    assert "完全丧失生活自理能力" in page.inner_text("#assessments")
    after = page.inner_text(f"#entitlements tr[data-from='{_next_month()}'] .amount")
    assert float(after.replace(",", "")) > float(before.replace(",", ""))

    # the admission is a decision on the case (变更供养方式), asked first, not a record on the care page
    page.click("#change-support-link")
    page.wait_for_url(re.compile(r"/cases/\d+/"))
    form = page.locator("form[data-step=change_support]")
    form.locator("select[name=support_mode]").select_option("concentrated")
    form.locator("select[name=institution]").select_option(index=1)
    form.locator("textarea[name=reason]").fill("经评估完全丧失生活自理能力，本人同意入住敬老院")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#confirm-dialog")
    assert "变更供养方式是对本案的决定" in page.inner_text("#confirm-text")
    page.click("#confirm-ok")
    page.wait_for_selector("text=已变更供养方式")
    mode = page.inner_text("#care-panel-mode")
    assert "集中供养" in mode and "变更供养方式决定" in mode
