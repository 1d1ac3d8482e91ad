"""What a newcomer met on the figures and the public pages: placeholders with a stale year, charts
of bare axes, a note quoting a figure its table contradicts, no way for a citizen to reach their
village's notice, a 404 that speaks of jurisdictions to an anonymous visitor, an error starting
with a bare "至：", ※ marks that point nowhere, field keys in messages."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.test import Client

from safetynet.reports import figures
from tests.office.test_office_frame import client_for
from tests.office.test_reports_dashboard import A, household
from tests.office.test_reports_dashboard import approved as approved_case

TODAY = date(2026, 12, 1)


@pytest.fixture
def today(settings):
    settings.SAFETYNET_TODAY = TODAY
    return TODAY


def placeholders(html: str) -> list[str]:
    return re.findall(r'placeholder="([^"]*)"', html)


# ---- 1. placeholders: today's examples, never a stale year ---------------------------------------


def test_the_dashboards_empty_boxes_show_the_values_that_stand_for_them(city, today):
    page = client_for(city["county"]).get("/reports/").content.decode()
    assert re.search(r'name="as_of"[^>]*placeholder="2026-12-01"', page)
    assert re.search(r'name="from"[^>]*placeholder="2026-01"', page)
    assert re.search(r'name="to"[^>]*placeholder="2026-12"', page)
    temporary = client_for(city["county"]).get("/reports/temporary/").content.decode()
    for html in (page, temporary):
        assert placeholders(html) and not any("2024" in p for p in placeholders(html)), placeholders(html)


def test_the_rosters_quarter_box_shows_this_quarter(city, today):
    c = client_for(city["county"])
    page = c.get("/notices/roster/").content.decode()
    assert re.search(r'name="quarter"[^>]*placeholder="2026-Q4"', page)
    assert not any("2024" in p for p in placeholders(page))
    bad = c.get("/notices/roster/", {"quarter": "Q9"}).content.decode()
    assert "如 2026-Q4" in bad and "2024-Q1" not in bad


# ---- 2. empty charts and notes that quote numbers ------------------------------------------------


def test_a_figure_with_nothing_to_draw_says_why_instead_of_bare_axes(city, today):
    page = client_for(city["county"]).get("/reports/")
    html = page.content.decode()
    charts = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html).group(1))
    # the standards are in force with nobody covered: theirs is the only chart with something to draw
    assert set(charts) == {"averages"}
    assert re.findall(r'class="chart" data-table="([^"]+)"', html) == ["averages"]
    empty = re.search(r'id="empty-chart-coverage-area">([^<]*)<', html).group(1)
    assert empty.startswith("尚无数据：2026-12-01 本区域没有在保对象")
    assert "发放名册" in re.search(r'id="empty-chart-funds-month">([^<]*)<', html).group(1)
    temporary = client_for(city["county"]).get("/reports/temporary/").content.decode()
    assert 'id="chart-months"' not in temporary and 'id="empty-chart-months"' in temporary
    assert 'id="chart-townships"' not in temporary and "尚无数据" in temporary


def test_a_figure_with_data_draws_its_chart(city, settings):
    settings.SAFETYNET_TODAY = date(2024, 5, 31)
    approved_case(city, household(city, A + "001", 11, size=2, poor=True), on=date(2024, 3, 4))
    html = client_for(city["county"]).get("/reports/").content.decode()
    charts = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html).group(1))
    assert "coverage-area" in charts and 'data-table="coverage-area"' in html
    assert 'id="empty-chart-coverage-area"' not in html


def registered_poor_note(html: str) -> str:
    section = html[html.index('id="figure-registered-poor"'):]
    return re.search(r'<p class="muted">([^<]*)</p>', section).group(1)


def test_the_registered_poor_note_quotes_only_its_own_tables_totals(city, settings):
    settings.SAFETYNET_TODAY = date(2024, 5, 31)
    c = client_for(city["county"])
    # nobody covered: the table says nothing, and so does the note (no figure from elsewhere)
    note = registered_poor_note(c.get("/reports/").content.decode())
    assert "按人计" in note and not re.search(r"\d", note), note
    approved_case(city, household(city, A + "001", 11, size=3, poor=True), on=date(2024, 3, 4))
    approved_case(city, household(city, A + "002", 12, size=2), on=date(2024, 3, 4))
    note = registered_poor_note(c.get("/reports/").content.decode())
    table = figures.registered_poor(figures.coverage(figures.scope_of("370811", date(2024, 5, 31))))
    total = table.total.values
    assert "64.35" not in note and "11,706" not in note
    assert f"{total['poor_persons']} / {total['persons']} = {total['person_share']}%" in note, note
    assert f"{total['poor_households']} / {total['households']}" in note


# ---- 3. the public's way to a village's notice ---------------------------------------------------


def test_an_anonymous_citizen_finds_their_village_by_county_and_township(city):
    anonymous = Client()
    assert anonymous.get("/public/").url == "/public/notices/"
    assert 'href="/public/notices/"' in anonymous.get("/public/explainer/").content.decode()
    counties = anonymous.get("/public/notices/").content.decode()
    assert 'href="?county=370811"' in counties and 'href="?county=370830"' in counties
    townships = anonymous.get("/public/notices/", {"county": "370811"}).content.decode()
    assert 'href="?township=370811001"' in townships and 'href="?township=370811002"' in townships
    assert "?township=370830001" not in townships
    villages = anonymous.get("/public/notices/", {"township": "370811001"})
    html = villages.content.decode()
    assert villages.status_code == 200
    assert 'href="/public/notices/370811001001/"' in html and 'href="/public/standing/370811001001/"' in html
    assert "370811002001" not in html
    assert anonymous.get("/public/notices/370811001001/").status_code == 200


def test_an_anonymous_citizen_finds_their_village_by_name(city):
    from safetynet.registry.models import Area

    village = Area.objects.get(code="370830001002")
    found = Client().get("/public/notices/", {"q": f" {village.name} "}).content.decode()
    assert f'href="/public/notices/{village.code}/"' in found and 'id="search-none"' not in found
    none = Client().get("/public/notices/", {"q": "没有这个村"}).content.decode()
    assert 'id="search-none"' in none and "没有名称含“没有这个村”的村（居）" in none
    escaped = Client().get("/public/notices/", {"q": "<script>"}).content.decode()
    assert "<script>" not in escaped.split('id="search-title"')[1].split("</h2>")[0]


# ---- 4. a page that does not exist: a plain 404 ------------------------------------------------


@pytest.mark.parametrize("url", ["/public/notices/999999999999/", "/public/standing/370811abc/",
                                 "/public/notices/?county=999999"])  # fmt: skip
def test_an_anonymous_visitor_gets_a_plain_404_without_jurisdiction(db, url):
    page = Client().get(url)
    html = page.content.decode()
    assert page.status_code == 404, url
    assert "辖区" not in html, url
    assert "未找到该公示" in html or "没有找到所选的县" in html, url


def test_a_staff_page_may_say_the_village_is_not_theirs(city):
    page = client_for(city["clerk"]).get("/notices/standing/370830001001/")
    assert page.status_code == 404 and "不在您的辖区内" in page.content.decode()


# ---- 5. a date-range error reads as a sentence naming its field ----------------------------------


def test_the_public_notices_errors_name_their_fields_in_words(city):
    page = Client().get("/public/notices/370811001001/", {"from": "2024-03-10", "to": "2024-03-06"})
    html = page.content.decode()
    alert = html[html.index('id="query-errors"'):html.index("</div>", html.index('id="query-errors"'))]
    assert page.status_code == 400
    assert "结束日期（2024-03-06）不能早于开始日期（2024-03-10）" in alert
    assert "至：" not in alert and "自：" not in alert
    bad = Client().get("/public/notices/370811001001/", {"from": "2024-02-30"}).content.decode()
    assert "开始日期不是有效的日期，请按 年-月-日 填写" in bad and "YYYY" not in bad
    assert '<label for="id_from">开始日期</label>' in bad and '<label for="id_to">结束日期</label>' in bad


# ---- 6. every ※ points to the note that explains it ---------------------------------------------


def test_each_mark_on_the_explainer_links_to_its_footnote(db):
    html = Client().get("/public/explainer/370830/", {"on": "2024-03-01"}).content.decode()
    paper = html[html.index('id="explainer"'):html.index("</article>")]
    marks = paper.count("※")
    linked = len(re.findall(r'<a href="#unconfirmed-note"[^>]*>※</a>', paper))
    note = re.search(r'id="unconfirmed-note">([^<]*)<', paper).group(1)
    assert linked >= 1 and marks == linked + 1  # every mark a link, and the note's own
    assert "参数待确认" in note and "未载明" in note


# ---- 7. no field keys in messages -----------------------------------------------------------------


def test_messages_name_fields_in_words_not_keys(city):
    html = client_for(city["county"]).get("/reports/cases/", {"as_of": "nonsense", "hukou": "x"}).content.decode()
    errors = html[html.index('id="list-errors"'):]
    assert "统计日期：" in errors and "城乡：" in errors and "（可选：城市、农村）" in errors and "年-月-日" in errors
    assert not re.search(r">\s*(as_of|hukou)：", errors) and not re.search(r"urban|rural|YYYY", errors)
    board = client_for(city["county"]).get("/reports/", {"as_of": "2024-13-01", "from": "2024-99"}).content.decode()
    alert = board[board.index('role="alert"'):board.index("</ul>", board.index('role="alert"'))]
    assert "“2024-13-01”不是有效日期，请按 年-月-日 填写" in alert and "不是有效月份，请按 年-月 填写" in alert
    assert "YYYY" not in alert
    early = Client().get("/public/explainer/370830/", {"on": "2019-01-01"}).content.decode()
    assert "dibao_standard" not in early
    assert "查看日期：2019-01-01 早于本平台收录的最早政策（2020-07-01 起施行）" in early


def test_one_figures_excel_reads_its_own_figure_as_the_dashboard_shows_it(city, settings):
    """A figure's Excel file makes only its own figure (seconds saved a download), the same numbers."""
    from safetynet.reports import dashboard

    settings.SAFETYNET_TODAY = date(2024, 5, 31)
    approved_case(city, household(city, A + "001", 11, size=2, poor=True), on=date(2024, 3, 4))
    scope = figures.scope_of("370811", date(2024, 5, 31))
    board = dashboard.dashboard(scope)
    assert board.tables and dashboard.table(scope, "nothing") is None
    for key, whole in board.tables.items():
        alone = dashboard.table(scope, key)
        assert alone is not None, key
        assert [(x.code, x.values) for x in alone.lines] == [(x.code, x.values) for x in whole.lines], key


def test_the_explainers_sources_speak_no_code_words(db):
    html = Client().get("/public/explainer/370830/", {"on": "2024-03-01"}).content.decode()
    sources = html[html.index("<summary>", html.index('id="explainer-sources"')):html.index("</details>")]
    text = re.sub(r"<[^>]+>", "", sources)
    assert "（残疾人功能性补偿代步车与低值农用车除外）" in text
    assert not re.findall(r"[A-Za-z_]{2,}", text), re.findall(r"[A-Za-z_]{2,}", text)
