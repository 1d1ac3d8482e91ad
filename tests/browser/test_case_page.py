"""The case page in a real browser, as a newcomer at the window reads it: a tekun case's check
read by the tekun conditions and amount, staff named (never by login), and one 文书 area whose
PDFs open in a new tab while the case page stays where it was."""

from __future__ import annotations

import re

from safetynet.batch.verify import IMPACTS
from tests.browser.conftest import login
from tests.browser.test_csp import WATCH, _violations

LOGIN = re.compile(r"\b(clerk|approver|county|verifier|auditor|city)(_\w+)?\b")


def test_a_clerk_reads_a_tekun_case_and_prints_its_decision_in_a_new_tab(server, page):
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.add_init_script(WATCH)
    login(page, server, "city")
    tekun = [c for c in page.request.get(server + "/api/v1/cases?state=approved&programme=tekun").json()["results"]
             if c["programme"] == "tekun"]  # fmt: skip
    # a tekun case whose household the centre has checked
    case = next(c for c in tekun if 'id="check-reading"' in page.request.get(f"{server}/cases/{c['id']}/").text())
    page.context.clear_cookies()
    login(page, server, f"clerk_{case['area_code'][:9]}")
    url = f"{server}/cases/{case['id']}/"
    page.goto(url)

    latest = page.locator(".check").first
    assert latest.locator(".check-programme").inner_text() == "按特困条件："
    assert latest.locator(".check-verdict").inner_text() in IMPACTS.values()
    reading = page.inner_text("#check-reading")
    assert "基本生活标准" in reading and "照料护理标准" in reading and "家庭人口" not in reading
    assert not LOGIN.search(page.inner_text(".timeline")), page.inner_text(".timeline")

    # One 文书 area; printing the decision opens its PDF in a new tab, the case page stays.
    assert page.locator("h2", has_text="文书").count() == 1 and page.locator("#case-letters").count() == 0
    with page.context.expect_page() as opened:
        page.click("#documents form[data-document-kind=decision] button")
    pdf_tab = opened.value
    pdf_tab.wait_for_url(re.compile(r".*/documents/\d+\.pdf$"))
    assert page.url == url
    pdf = page.request.get(pdf_tab.url)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    pdf_tab.close()

    # Listed with its number and code once the page is read again; its PDF opens in a new tab too.
    page.reload()
    row = page.locator("#documents table.documents tbody tr").filter(has_text="决定书").first
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}", row.locator(".document-code").inner_text())
    with page.context.expect_page() as again:
        row.locator("a[data-document-pdf]").click()
    again.value.wait_for_url(re.compile(r".*/documents/\d+\.pdf$"))
    assert page.url == url
    assert _violations(page, console) == []
