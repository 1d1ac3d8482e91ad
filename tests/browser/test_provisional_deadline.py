"""A clerk accepts an application on 18 December, its decision deadline reaching into a year whose
holiday arrangement nobody has entered yet: the case shows the deadline marked 暂定. The city
administrator enters that year (a made-up arrangement with a make-up working Sunday), sees the
deadline move in the table of recomputed deadlines, and the clerk sees the new date, no longer
暂定. In the system Chromium, against a server whose one clock reads that 18 December."""

from __future__ import annotations

import re
from datetime import date, timedelta

from safetynet.policy import idnumber
from tests.browser.conftest import login


def _decision_deadline(page) -> str:
    return page.inner_text("th:has-text('审核确认期限') + td").strip()


def test_deadline_in_an_unentered_year_moves_when_the_city_enters_it(server_before_unpublished_year, page):
    url, year = server_before_unpublished_year
    head_id = idnumber.generate("370811", date(1952, 3, 4), 731, "male")

    login(page, url, "clerk_370811")
    page.goto(url + "/households/new/")
    page.select_option("#id_village", "370811001001")
    page.select_option("#id_hukou", "rural")
    page.fill("#id_address", "张庄村 73 号")
    page.fill("#id_members-0-name", "上官守仁")
    page.fill("#id_members-0-id_number", head_id)
    page.click("#register")
    page.wait_for_url(re.compile(r"/households/\d+/$"))
    page.fill("input[name=document]", f"SQ-{year - 1}-731")
    page.click("form[action$='/authorize/'] button")
    page.wait_for_selector("text=已登记 1 人的授权核对书")
    page.click("form[action$='/apply/'] button")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    case_url = page.url
    page.click("form[data-step=accept] button")
    page.wait_for_selector("text=已受理申请")

    shown = _decision_deadline(page)
    assert "暂定" in shown, shown
    before = date.fromisoformat(shown.split()[0])
    assert before.year == year
    # The made-up arrangement: 1–3 January off, the Sunday of the second week worked.
    first_sunday = date(year, 1, 1) + timedelta(days=(6 - date(year, 1, 1).weekday()) % 7)
    worked_sunday = first_sunday + timedelta(days=7) if first_sunday.day <= 3 else first_sunday
    assert before > worked_sunday, "the deadline must reach past the make-up working day"
    page.click("text=退出")

    login(page, url, "city")
    page.goto(url + "/administration/calendar/")
    row = page.locator("tr", has=page.locator(f"td:text-is('{year}')"))
    assert "暂定" in row.inner_text()
    page.fill("#id_year", str(year))
    page.fill("#id_notice_title", f"国务院办公厅关于{year}年部分节假日安排的通知")
    page.fill("#id_notice_number", f"国办发明电〔{year - 1}〕9号")
    page.fill("#id_holidays", f"{year}-01-01..{year}-01-03")
    page.fill("#id_workdays", worked_sunday.isoformat())
    page.click("#holiday-form button[type=submit]")
    page.wait_for_selector(f"text={year} 年放假安排已录入")
    case_id = case_url.rstrip("/").rsplit("/", 1)[1]
    moved = page.locator("tr", has=page.locator(f"a:text-is('#{case_id}')")).filter(has_text="审核确认期限")
    cells = moved.locator("td").all_inner_texts()
    assert cells[2] == before.isoformat()
    after = date.fromisoformat(cells[3])
    assert after < before  # a Sunday became a working day, and the made-up year has no other days off
    assert "已录入" in page.locator("tr", has=page.locator(f"td:text-is('{year}')")).inner_text()
    page.click("text=退出")

    login(page, url, "clerk_370811")
    page.goto(case_url)
    assert _decision_deadline(page) == after.isoformat()
