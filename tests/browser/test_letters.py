"""A township's letter in a real browser: from the case page to a numbered letter, printable
under the Content Security Policy, and its PDF."""

from __future__ import annotations

import re

from tests.browser.conftest import login
from tests.browser.test_csp import WATCH, _violations


def test_the_approver_issues_and_prints_the_letter(server, page, tmp_path):
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.add_init_script(WATCH)
    login(page, server, "city")
    cases = page.request.get(server + "/api/v1/cases?state=approved").json()["results"]
    # a case whose letter no earlier walk has issued (the documents' walk prints one too)
    case = next(c for c in cases if c["programme"] == "dibao"
                and 'id="latest-letter"' not in page.request.get(f"{server}/cases/{c['id']}/letters/").text())
    page.context.clear_cookies()
    login(page, server, f"approver_{case['area_code'][:9]}")
    page.goto(f"{server}/cases/{case['id']}/letters/")  # the case's letters (the case page prints its papers)
    page.click("#issue-letter button[type=submit]")
    page.wait_for_url("**/letters/*/")
    number = page.inner_text("#letter-number")
    assert re.fullmatch(r".+(街道|镇|乡)救助〔\d{4}〕\d+号", number), number
    assert page.inner_text("#letter-amount") == f"{case['monthly_amount']} 元"
    assert "申请行政复议" in page.inner_text("#letter-appeal")
    assert page.locator(".letter-tools").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".letter-tools").is_visible() and not page.locator("header.top").is_visible()
    page.screenshot(path=str(tmp_path / "letter.png"), full_page=True)
    pdf = page.request.get(page.url.rstrip("/") + ".pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    assert _violations(page, console) == []
