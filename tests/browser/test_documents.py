"""A township's paper in a real browser: the clerk prints a decision's PDF from the case page,
reads its verification code on the page, and someone with no login enters it on the public
page and is told the paper is genuine and the decision current."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from tests.browser.conftest import login
from tests.browser.test_csp import WATCH, _violations


def test_a_clerk_prints_a_decision_and_anyone_checks_its_code(server, page, browser):
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.add_init_script(WATCH)
    login(page, server, "city")
    cases = page.request.get(server + "/api/v1/cases?state=approved").json()["results"]
    case = next(c for c in cases if c["programme"] == "dibao")
    page.context.clear_cookies()
    login(page, server, f"clerk_{case['area_code'][:9]}")
    page.goto(f"{server}/cases/{case['id']}/")
    panel = page.locator("#documents")
    assert panel.is_visible()
    # The PDF opens in a new tab (the case page stays): Chromium shows it in its viewer, at its address.
    with page.context.expect_page() as opened:
        panel.locator("form[data-document-kind=decision] button").click()
    opened.value.wait_for_url(re.compile(r".*/documents/\d+\.pdf$"))
    assert page.url.endswith(f"/cases/{case['id']}/")
    pdf = page.request.get(opened.value.url)
    opened.value.close()
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages))
    # Back on the case page, the paper is listed with its number and code.
    page.goto(f"{server}/cases/{case['id']}/")
    row = page.locator("#documents table.documents tbody tr").filter(has_text="决定书").first
    code = row.locator(".document-code").inner_text()
    number = row.locator("td").first.inner_text()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}", code), code
    assert code in text and number in text and "核验码" in text
    assert _violations(page, console) == []

    # Someone with no login, in a browser of their own.
    public = browser.new_context(locale="zh-CN")
    try:
        anonymous = public.new_page()
        anonymous.goto(f"{server}/public/documents/")
        anonymous.fill("#id_code", code.lower().replace("-", " "))
        anonymous.click("#verify-form button[type=submit]")
        anonymous.wait_for_selector("#verify-result")
        assert "真实文书，为现行有效的决定" in anonymous.inner_text("#verify-verdict")
        assert anonymous.inner_text("#verify-number") == number
        assert anonymous.inner_text("#verify-status") == "现行有效"
        # A typo is said to be one, and what was typed stays in the field.
        typo = code[:-1] + ("2" if code[-1] != "2" else "3")
        anonymous.fill("#id_code", typo)
        anonymous.click("#verify-form button[type=submit]")
        assert "校验码有误" in anonymous.inner_text("#verify-errors")
        assert anonymous.input_value("#id_code") == typo
    finally:
        public.close()
