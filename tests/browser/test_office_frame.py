"""The office's frame in the system Chromium: the clerk's menu leads to their tasks; withdrawing
an application asks first, and cancelling leaves the case as it was; a phone shows the public
notice without a page wider than the screen."""

from __future__ import annotations

import re

from tests.browser.conftest import login


def test_the_menu_leads_to_my_tasks_and_withdraw_asks_first(server, page):
    login(page, server, "clerk_370811")
    count = int(page.inner_text("#my-tasks-count"))
    assert count >= 1
    page.click("#side-menu >> text=我的待办")
    page.wait_for_url("**/tasks/")
    assert "我的待办" in page.inner_text("#breadcrumbs")
    assert page.locator("#my-tasks tbody tr").count() == count
    page.click("#my-tasks tbody tr >> nth=0 >> a")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    state = page.inner_text("h1 .badge")

    withdraw = page.locator("form[data-step=withdraw]")
    withdraw.locator("textarea[name=reason]").fill("申请人自愿撤回")
    withdraw.locator("button[type=submit]").click()
    dialog = page.locator("#confirm-dialog")
    assert dialog.is_visible() and "确定撤回申请吗" in page.inner_text("#confirm-text")
    page.click("#confirm-cancel")
    assert not dialog.is_visible()
    page.reload()
    assert page.inner_text("h1 .badge") == state  # cancelled: nothing sent

    page.locator("form[data-step=withdraw] textarea[name=reason]").fill("申请人自愿撤回")
    page.locator("form[data-step=withdraw] button[type=submit]").click()
    page.click("#confirm-ok")
    page.wait_for_selector("text=已撤回申请")
    assert page.inner_text("h1 .badge") == "已撤回"


def test_the_public_notice_fits_a_phone(server, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740})
    try:
        page = context.new_page()
        page.goto(server + "/public/notices/370811001001/")
        assert "济宁市民政局" in page.inner_text("header")
        # Nothing makes the page itself scroll sideways: a wide table scrolls in its own box.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()
