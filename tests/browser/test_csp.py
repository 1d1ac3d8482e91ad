"""The Content Security Policy holds in a real browser: the main pages, their charts, htmx and
the API's Swagger UI work with it, and Chromium reports no violation on any of them."""

from __future__ import annotations

from tests.browser.conftest import login

PAGES = ["/", "/desk/", "/households/", "/households/new/", "/deadlines/", "/notices/", "/payroll/", "/reports/",
         "/verification/deliveries/", "/verification/runs/", "/verification/ledger/", "/verification/reports/",
         "/accounts/", "/accounts/tokens/", "/accounts/otp/", "/accounts/password/"]  # fmt: skip

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


def _violations(page, console: list[str]) -> list[str]:
    return page.evaluate("window.__csp || []") + [m for m in console if "Content Security Policy" in m]


def test_no_page_breaks_the_policy_and_scripts_still_run(server, page):
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.add_init_script(WATCH)
    login(page, server, "city")
    seen = {}
    for path in PAGES:
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
        assert page.title(), path
        seen[path] = _violations(page, console)
        console.clear()
    assert {p: v for p, v in seen.items() if v} == {}
    # The nonce'd inline scripts ran: the charts were drawn (or said there was nothing to draw).
    for path in ("/payroll/", "/verification/reports/"):
        page.goto(server + path)
        page.wait_for_function("document.querySelector('#chart canvas') || document.querySelector('#chart p')")
    # The notice form builds its address from the chosen village (site.js, not an inline handler).
    page.goto(server + "/notices/")
    code = page.eval_on_selector("#notice-village option", "o => o.value")
    page.click("form:has(#notice-village) button[type=submit]")
    page.wait_for_url(f"**/notices/village/{code}/**")
    # The second factor's QR code is inline SVG, allowed.
    page.goto(server + "/accounts/otp/")
    assert page.locator("#otp-qr svg").count() == 1
    assert _violations(page, console) == []


def test_htmx_works_under_the_policy(server, page):
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.add_init_script(WATCH)
    login(page, server, "clerk_370811")
    page.goto(server + "/households/new/")
    page.select_option("#id_village", "370811001001")
    page.select_option("#id_hukou", "urban")
    page.fill("#id_address", "张庄村 1 号")
    page.fill("#id_members-0-name", "王建国")
    page.fill("#id_members-0-id_number", "370811194805060011")  # a wrong check digit
    page.locator("#id_members-0-id_number").blur()
    page.wait_for_selector("#preview [data-field='id_members-0-id_number']")  # the live preview answered
    assert _violations(page, console) == []


def test_the_api_docs_work_under_the_policy(server, page):
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.add_init_script(WATCH)
    page.goto(server + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector(".opblock")
    assert "safetynet API" in page.inner_text(".swagger-ui .info .title")
    assert _violations(page, console) == []
