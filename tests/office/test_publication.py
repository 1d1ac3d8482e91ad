"""Long-term publication (POLICY.md §3): the city's and the counties' quarterly roster (page,
Excel, PDF), the village's standing list, the policy explainer, and the public notice's window."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from safetynet.administration import selectors as administration_selectors
from safetynet.administration import services as administration
from safetynet.administration.models import ParameterValue
from safetynet.cases import services
from safetynet.notices import pdf, publication, tasks
from safetynet.notices.publication import Quarter
from safetynet.notices.selectors import mask_name
from safetynet.policy.parameters import lookup, parameters, value
from safetynet.registry.models import Area
from safetynet.site import demo
from safetynet.site.models import Job
from safetynet.web import clock
from tests.office.test_office_frame import client_for

Q2 = "2024-Q2"  # April to June 2024


def decide(city, household, *, on: date, approver="approver", clerk="clerk", programme="dibao"):
    """A case from the pre-check to the close of its notice: covered from the month after ``on``."""
    head = household.members.get(relation="head")
    start = on - timedelta(days=10)
    case = services.start_precheck(city[clerk], household=household, programme=programme, applicant=head, on=start)
    case = services.accept(city[clerk], case, version=case.version, on=start)
    case = services.record_home_visit(city[clerk], case, version=case.version, on=start + timedelta(days=1),
                                      investigators=["甲", "乙"], family_signed=True, findings="属实")  # fmt: skip
    case = services.approve(city[approver], case, version=case.version, on=start + timedelta(days=2))
    return services.close_notice(city[approver], case, version=case.version, on=on)


def household(city, code="370811001001", seed=1, size=2, clerk="clerk"):
    return demo.make_household(city[clerk], Area.objects.get(code=code), random.Random(seed), date(2024, 1, 2),
                               size=size, wage_fen=0)  # fmt: skip


@pytest.fixture
def beneficiaries(city):
    """任城区: one covered from April and terminated from June (its last month May), one covered
    only from August (approved after the quarter); 汶上县: one covered from April."""
    ended = decide(city, household(city, seed=1), on=date(2024, 3, 14))
    ended = services.give_termination_notice(city["approver"], ended, version=ended.version, on=date(2024, 5, 6),
                                             reason="收入超过标准")  # fmt: skip
    ended = services.terminate(city["approver"], ended, version=ended.version, on=date(2024, 5, 14))
    later = decide(city, household(city, code="370811001002", seed=2, size=3), on=date(2024, 7, 10))
    wenshang = decide(city, household(city, code="370830001001", seed=3, clerk="wenshang_clerk"), on=date(2024, 3, 20),
                      approver="wenshang_approver", clerk="wenshang_clerk")  # fmt: skip
    return {"ended": ended, "later": later, "wenshang": wenshang}


def roster_ids(area_code: str, quarter: str) -> list[int]:
    roster = publication.Roster(Area.objects.get(code=area_code), Quarter.parse(quarter))
    return [line.case_id for line in roster.lines()]


# ---- the quarterly roster -----------------------------------------------------------------------


def test_quarters_parse_and_bound():
    q = Quarter.parse("2024-Q2")
    assert (q.start, q.end, q.code, q.label) == (date(2024, 4, 1), date(2024, 7, 1), "2024-Q2", "2024年第二季度")
    assert Quarter.parse("2024q4").end == date(2025, 1, 1) and Quarter.of(date(2024, 3, 31)).code == "2024-Q1"
    for bad in ("2024-Q5", "2024-13", "Q1", ""):
        with pytest.raises(ValueError):
            Quarter.parse(bad)


def test_covered_at_any_time_in_the_quarter(city, beneficiaries):
    ended, later, wenshang = beneficiaries["ended"], beneficiaries["later"], beneficiaries["wenshang"]
    assert ended.entitlement_until == date(2024, 6, 1)
    # Terminated from June: covered in April and May, so on the second quarter's roster.
    assert roster_ids("370811", Q2) == [ended.pk]
    line = publication.Roster(Area.objects.get(code="370811"), Quarter.parse(Q2)).lines()[0]
    assert (line.first_month, line.last_month) == (date(2024, 4, 1), date(2024, 5, 1))
    # Not on the third's; the one approved in July (covered from August) is.
    assert roster_ids("370811", "2024-Q3") == [later.pk]
    assert roster_ids("370811", "2024-Q1") == []  # approved in March: covered from April
    assert roster_ids("3708", Q2) == [ended.pk, wenshang.pk]  # the city: both counties, in code order


def test_the_roster_page_shows_masked_names_and_nothing_personal(city, beneficiaries):
    ended = beneficiaries["ended"]
    page = client_for(city["county"]).get("/notices/roster/", {"quarter": Q2, "area": "370811"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "任城区2024年第二季度城乡低保、特困人员救助供养对象公示名册" in text
    name = ended.applicant.name
    assert mask_name(name) in text and name not in text
    assert ended.applicant.id_number not in text and ended.household.address not in text
    row = text[text.index('<table id="roster">'):text.index("</table>")]
    village = Area.objects.get(code="370811001001")
    for cell in (village.name, village.parent.name, "最低生活保障", ">2<", ended_amount(ended), "4–5月"):
        assert cell in row, cell


def ended_amount(case) -> str:
    return f"{case.monthly_amount_fen // 100}.{case.monthly_amount_fen % 100:02d}"


def test_the_roster_reads_the_persons_and_amount_of_its_quarter_not_todays(city, beneficiaries):
    """The amount and persons printed are those of the decision that set the quarter's last month."""
    case = beneficiaries["later"]
    event = case.events.get(transition="close_notice")
    assert event.persons_covered == 3
    type(case).objects.filter(pk=case.pk).update(persons_covered=1, monthly_amount_fen=1)  # what today says
    (line,) = publication.Roster(Area.objects.get(code="370811"), Quarter.parse("2024-Q3")).lines()
    assert (line.persons, line.monthly_amount_fen) == (3, event.monthly_amount_fen)


def test_a_member_covered_alone_counts_one_on_the_roster_and_the_notice(city):
    # Urban 任城区 (standard 630): the family's 750 a head is under 1.5 × the standard, the son has a
    # grade-1 disability: he alone is covered (单人户), 1 person, not the household's 2.
    home = demo.make_household(city["clerk"], Area.objects.get(code="370811001001"), random.Random(7),
                               date(2024, 1, 2), size=2, wage_fen=150000)  # fmt: skip
    home.hukou = "urban"
    home.save(update_fields=["hukou"])
    son = home.members.exclude(relation="head").get()
    son.disability_grade, son.disability_kind = 1, "physical"
    son.save(update_fields=["disability_grade", "disability_kind"])
    case = decide(city, home, on=date(2024, 3, 14))
    assert case.persons_covered == 1 and home.members.count() == 2
    (line,) = publication.Roster(Area.objects.get(code="370811"), Quarter.parse(Q2)).lines()
    assert line.persons == 1
    notice = client_for(city["clerk"]).get("/notices/village/370811001001/", {"from": "2024-03-06", "to": "2024-03-31"})
    cells = notice.content.decode().split('<table id="notice">')[1].split("</table>")[0]
    assert '<td class="num">1</td>' in cells and '<td class="num">2</td>' not in cells


def test_the_roster_is_scoped_to_the_users_area(city, beneficiaries):
    county = client_for(city["county"])
    # 任城区's user may not ask for 汶上县 (nor the city): an error beside the field, no list.
    page = county.get("/notices/roster/", {"quarter": Q2, "area": "370830"})
    text = page.content.decode()
    assert page.status_code == 400 and 'id="roster"' not in text and "area-error" in text
    assert county.get("/notices/roster.xlsx", {"quarter": Q2, "area": "3708"}).status_code == 400
    assert mask_name(beneficiaries["wenshang"].applicant.name) not in county.get(
        "/notices/roster/", {"quarter": Q2}).content.decode()  # fmt: skip
    # A township posts on its board: no roster for it; the city chooses any county.
    assert client_for(city["clerk"]).get("/notices/roster/").status_code == 403
    city_page = client_for(city["city_admin"]).get("/notices/roster/", {"quarter": Q2, "area": "370830"})
    assert city_page.status_code == 200
    assert mask_name(beneficiaries["wenshang"].applicant.name) in city_page.content.decode()
    assert Client().get("/notices/roster/").status_code == 302  # to the login


def test_the_roster_is_searchable_by_village(city, beneficiaries):
    c = client_for(city["city_admin"])
    later = beneficiaries["later"]
    village = Area.objects.get(code=later.area_code)
    ids = [line.case_id for line in publication.Roster(Area.objects.get(code="3708"), Quarter.parse("2024-Q3"),
                                                       village.code).lines()]  # fmt: skip
    assert ids == [later.pk]
    page = c.get("/notices/roster/", {"quarter": "2024-Q3", "area": "370811", "village": "不存在的村"}).content.decode()
    assert "本季度没有享受对象" in page and 'value="不存在的村"' in page


def test_a_bad_quarter_is_said_beside_the_field_and_kept(city):
    c = client_for(city["county"])
    this_quarter = Quarter.of(clock.today()).code  # the example is today's quarter, never a stale one
    for typed, message in (("2024-Q5", f"季度格式应为 年-Q季度，如 {this_quarter}"), ("2099-Q1", "2099-Q1 尚未开始")):
        page = c.get("/notices/roster/", {"quarter": typed})
        text = page.content.decode()
        assert page.status_code == 400 and message in text and f'value="{typed}"' in text
        assert 'id="roster"' not in text and "quarter-error" in text


def test_the_roster_as_excel_with_its_total(city, beneficiaries):
    answer = client_for(city["city_admin"]).get("/notices/roster.xlsx", {"quarter": Q2, "area": "3708"})
    assert answer.status_code == 200 and answer["Content-Disposition"].endswith('roster-3708-2024-Q2.xlsx"')
    wb = load_workbook(io.BytesIO(answer.content))
    rows = list(wb["名册"].iter_rows(values_only=True))
    assert rows[0] == tuple(publication.ROSTER_HEADER)
    ended, wenshang = beneficiaries["ended"], beneficiaries["wenshang"]
    assert [r[1] for r in rows[1:-1]] == [mask_name(ended.applicant.name), mask_name(wenshang.applicant.name)]
    first = rows[1]
    assert first[4] == "最低生活保障" and first[5] == 2 and first[7] == "4–5月"
    assert Decimal(str(first[6])) == Decimal(ended.monthly_amount_fen) / 100
    total = rows[-1]
    fen = ended.monthly_amount_fen + wenshang.monthly_amount_fen
    assert total[0] == "合计" and total[5] == 4 and Decimal(str(total[6])) == Decimal(fen) / 100
    assert all(ended.applicant.id_number not in str(cell) for row in rows for cell in row)
    assert "任一月份" in dict(wb["说明"].iter_rows(values_only=True))["口径"]


def pdf_text(body: bytes) -> str:
    assert body.startswith(b"%PDF")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.fixture
def papers(settings, tmp_path):
    """Kept roster PDFs in a fresh folder, and nothing laid out yet in this process's cache."""
    settings.PAPERS_DIR = tmp_path / "papers"
    cache.clear()
    return settings.PAPERS_DIR


def job_of(answer) -> Job:
    assert answer.status_code == 302 and answer["Location"].startswith("/jobs/"), answer
    return Job.objects.get(pk=int(answer["Location"].rstrip("/").rsplit("/", 1)[1]))


def roster_pdf(c, params: dict) -> bytes:
    """The roster part as the user gets it: the link queues the job, the worker lays it out, the
    job's page leads back to the link, now served from the kept file."""
    job = job_of(c.get("/notices/roster.pdf", params))
    tasks.roster_pdf.call(job.pk)
    after = c.get(f"/jobs/{job.pk}/")
    assert after.status_code == 302
    answer = c.get(after["Location"])
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    return answer.content


def test_the_roster_as_pdf_ready_for_the_website(city, beneficiaries, papers):
    text = pdf_text(roster_pdf(client_for(city["county"]), {"quarter": Q2, "area": "370811"}))
    ended = beneficiaries["ended"]
    assert "任城区2024年第二季度" in text and mask_name(ended.applicant.name) in text
    assert ended.applicant.name not in text and ended.applicant.id_number not in text
    assert "合计 1 户（人）" in text


def test_the_roster_pdf_is_laid_out_by_the_worker_and_then_served_at_once(city, beneficiaries, papers,
                                                                          monkeypatch):  # fmt: skip
    c = client_for(city["county"])
    page = c.get("/notices/roster/", {"quarter": Q2, "area": "370811"}).content.decode()
    assert 'id="roster-pdf-note"' in page
    params = {"quarter": Q2, "area": "370811"}
    # The first request lays nothing out: it queues the job and leads to the job's page.
    job = job_of(c.get("/notices/roster.pdf", params))
    assert (job.kind, job.status, job.requested_by) == ("roster_pdf", "queued", city["county"])
    assert job.get_kind_display() == "生成季度公示名册 PDF" and "任城区2024年第二季度" in job.title
    assert not papers.exists() or not list(papers.iterdir())
    waiting = c.get(f"/jobs/{job.pk}/")
    assert waiting.status_code == 200 and "已排队" in waiting.content.decode()
    # Asked again before the worker ran: the same job, not a second one.
    assert job_of(c.get("/notices/roster.pdf", params)) == job
    assert Job.objects.filter(kind="roster_pdf").count() == 1
    # Another user's job page is not theirs to follow.
    assert client_for(city["city_admin"]).get(f"/jobs/{job.pk}/").status_code == 404

    tasks.roster_pdf.call(job.pk)

    job.refresh_from_db()
    assert job.status == "done" and job.progress == 100 and job.finished_at
    assert len(list(papers.glob("*.pdf"))) == 1
    done = c.get(f"/jobs/{job.pk}/")
    assert done.status_code == 302 and done["Location"] == job.next_url
    # The second request is served from the kept file: nothing is laid out again, no new job.
    cache.clear()  # the web process does not share the worker's cache: only the file
    monkeypatch.setattr(pdf, "_render", lambda *a: pytest.fail("laid out again"))
    served = c.get(done["Location"])
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert mask_name(beneficiaries["ended"].applicant.name) in pdf_text(served.content)
    assert Job.objects.filter(kind="roster_pdf").count() == 1
    # A changed roster is a new paper: a new job, never the stale file.
    beneficiaries["ended"].applicant.__class__.objects.filter(pk=beneficiaries["ended"].applicant_id).update(
        name="欧阳某某")
    assert job_of(c.get("/notices/roster.pdf", params)) != job


def test_a_long_roster_comes_as_parts(city, beneficiaries, monkeypatch, papers):
    monkeypatch.setattr(publication, "PDF_PART_ROWS", 1)
    c = client_for(city["city_admin"])
    page = c.get("/notices/roster/", {"quarter": Q2, "area": "3708"}).content.decode()
    assert page.count('class="button secondary roster-pdf"') == 2
    second = pdf_text(roster_pdf(c, {"quarter": Q2, "area": "3708", "part": "2"}))
    assert mask_name(beneficiaries["wenshang"].applicant.name) in second and "第 2 册 / 共 2 册" in second
    assert "合计 2 户（人）" in second  # the last part closes with the whole roster's total
    assert "第 2 册 / 共 2 册" in Job.objects.get().title
    missing = c.get("/notices/roster.pdf", {"quarter": Q2, "area": "3708", "part": "3"})
    assert missing.status_code == 400 and "第 3 册不存在" in missing.content.decode()
    assert Job.objects.count() == 1  # a part that does not exist queues nothing


# ---- the standing village list ------------------------------------------------------------------


def test_the_standing_list_shows_this_months_beneficiaries_masked(city, beneficiaries, settings):
    settings.SAFETYNET_TODAY = date(2024, 5, 20)
    ended = beneficiaries["ended"]
    public = Client().get("/public/standing/370811001001/")
    text = public.content.decode()
    assert public.status_code == 200 and mask_name(ended.applicant.name) in text
    assert ended.applicant.name not in text and ended.applicant.id_number not in text
    assert ended.household.address not in text and "2024 年 5 月" in text
    settings.SAFETYNET_TODAY = date(2024, 6, 3)  # terminated from June: no longer on the board
    assert mask_name(ended.applicant.name) not in Client().get("/public/standing/370811001001/").content.decode()
    staff = client_for(city["clerk"]).get("/notices/standing/370811001001/")
    assert staff.status_code == 200 and "本村（居）目前没有享受对象" in staff.content.decode()
    assert client_for(city["other_clerk"]).get("/notices/standing/370811001001/").status_code == 404


def test_the_standing_list_as_pdf(city, beneficiaries, settings):
    settings.SAFETYNET_TODAY = date(2024, 5, 20)
    answer = client_for(city["clerk"]).get("/notices/standing/370811001001.pdf")
    text = pdf_text(answer.content)
    assert "长期公示名单" in text and mask_name(beneficiaries["ended"].applicant.name) in text


# ---- the policy explainer -----------------------------------------------------------------------


def test_the_explainer_prints_the_parameters_of_the_day(db):
    page = Client().get("/public/explainer/370830/", {"on": "2024-03-01"})
    text = page.content.decode()
    assert page.status_code == 200 and "汶上县社会救助政策明白纸" in text
    on = date(2024, 3, 1)
    dibao = value("dibao_standard", "370830", on)
    assert f'data-parameter="dibao_standard-urban">{dibao["urban"]:.0f}<' in text
    assert f'data-parameter="dibao_standard-rural">{dibao["rural"]:.0f}<' in text
    for name in ("decision_time_limit", "public_notice_days", "refusal_notice_limit", "investigation_start_limit"):
        assert f'data-parameter="{name}">{value(name, "370830", on)}<' in text, name
    assert f'data-parameter="temporary_township_limit">{value("temporary_township_limit", "370830", on):.0f}<' in text
    assert "汶上县人民政府申请行政复议" in text and "六个月内" in text
    # 任城区 is tier A: its own standard, and 20 working days.
    other = Client().get("/public/explainer/370811/", {"on": "2024-03-01"}).content.decode()
    assert 'data-parameter="dibao_standard-urban">630<' in other and 'data-parameter="decision_time_limit">20<' in other


def test_the_explainer_shows_the_hotline_as_a_dated_unconfirmed_parameter(db):
    hotline, entry = lookup("assistance_hotline", "370830", date(2024, 3, 1))
    assert not entry.confirmed and entry.note and entry.reference
    assert not parameters()["assistance_hotline"].entries[-1].confirmed
    text = Client().get("/public/explainer/370830/", {"on": "2024-03-01"}).content.decode()
    assert (f'社会救助服务热线　<strong>{hotline}</strong><sup class="unconfirmed"><a href="#unconfirmed-note" '
            'title="参数待确认，见文末注">※</a></sup>') in text
    assert "标有 ※ 的数值为参数待确认" in text
    with pytest.raises(Exception, match="2020-07-01"):
        lookup("assistance_hotline", "370830", date(2020, 6, 30))


def test_a_later_standard_changes_the_explainer_from_its_date(city):
    second = demo.make_staff("city_admin_2", "city", "3708")
    raised = {"A": {"urban": "650.00", "rural": "495.00"}, "B": {"urban": "610.00", "rural": "460.00"}}
    row = administration.enter_parameter_value(
        city["city_admin"], name="dibao_standard", effective=date(2024, 5, 1), value=raised,
        document_title="济宁市民政局 济宁市财政局关于提高城乡低保标准的通知", document_number="济民发〔2024〕8号",
        document_date=date(2024, 4, 20))  # fmt: skip
    # Confirmed as the second administrator would (its re-pricing of cases is test_local_parameters'):
    # from here the office's value reaches the policy floor through its entry source.
    ParameterValue.objects.filter(pk=row.pk).update(status=ParameterValue.Status.CONFIRMED, confirmed_by=second,
                                                    confirmed_at=timezone.now())  # fmt: skip
    administration_selectors.clear_cache()
    before = Client().get("/public/explainer/370830/", {"on": "2024-04-30"}).content.decode()
    after = Client().get("/public/explainer/370830/", {"on": "2024-05-01"}).content.decode()
    assert 'data-parameter="dibao_standard-urban">590<' in before
    assert 'data-parameter="dibao_standard-urban">610<' in after and 'dibao_standard-rural">460<' in after
    assert "济民发〔2024〕8号" in after  # its source listed


def test_the_explainer_refuses_a_day_before_the_first_value_and_unknown_areas(db):
    page = Client().get("/public/explainer/370830/", {"on": "2020-06-30"})
    text = page.content.decode()
    assert page.status_code == 400 and "2020-07-01" in text and "on-error" in text and 'value="2020-06-30"' in text
    assert 'id="explainer"' not in text
    bad = Client().get("/public/explainer/370830/", {"on": "2024-02-30"})
    assert bad.status_code == 400 and "查看日期：不是有效的日期，请按 年-月-日 填写" in bad.content.decode()
    unknown = Client().get("/public/explainer/370899/")
    assert unknown.status_code == 404 and "未找到该县（市、区）" in unknown.content.decode()


def test_the_explainer_as_pdf(db):
    answer = Client().get("/public/explainer/370811.pdf", {"on": "2024-03-01"})
    text = pdf_text(answer.content)
    assert "任城区社会救助政策明白纸" in text and "630" in text and "475" in text and "12345" in text


def test_the_explainer_index_lists_the_fourteen_areas(db):
    text = Client().get("/public/explainer/").content.decode()
    assert text.count('href="/public/explainer/3708') == 14


# ---- the public notice's window ----------------------------------------------------------------


@pytest.fixture
def posted(city):
    """A case posted in 370811001001 from 2024-03-06 to 2024-03-13."""
    head = household(city).members.get(relation="head")
    case = services.start_precheck(city["clerk"], household=head.household, programme="dibao", applicant=head,
                                   on=date(2024, 3, 4))  # fmt: skip
    case = services.accept(city["clerk"], case, version=case.version, on=date(2024, 3, 4))
    case = services.record_home_visit(city["clerk"], case, version=case.version, on=date(2024, 3, 5),
                                      investigators=["甲", "乙"], family_signed=True, findings="属实")  # fmt: skip
    return services.approve(city["approver"], case, version=case.version, on=date(2024, 3, 6))


URLS = ["/public/notices/370811001001/", "/notices/village/370811001001/"]


@pytest.mark.parametrize("url", URLS)
def test_a_window_over_31_days_is_refused_beside_the_field(city, posted, url):
    c = client_for(city["clerk"])
    page = c.get(url, {"from": "2024-03-06", "to": "2024-04-06"})  # 32 days
    text = page.content.decode()
    assert page.status_code == 400 and "开始日期和结束日期之间最长 31 天：2024-03-06 至 2024-04-06 共 32 天" in text
    assert 'value="2024-03-06"' in text and 'value="2024-04-06"' in text and 'id="notice"' not in text
    assert c.get(url, {"from": "2024-03-06", "to": "2024-04-05"}).status_code == 200  # 31 days


@pytest.mark.parametrize("url", URLS)
def test_a_window_before_the_villages_first_posting_is_refused(city, posted, url):
    c = client_for(city["clerk"])
    for query in ({"from": "2024-03-05", "to": "2024-03-20"}, {"from": "1900-01-01"}):
        page = c.get(url, query)
        text = page.content.decode()
        assert page.status_code == 400 and "早于本村（居）第一次公示的日期（2024-03-06）" in text, query
        assert f'value="{query["from"]}"' in text and 'id="notice"' not in text
    before = c.get(url, {"to": "2024-03-01"})
    assert before.status_code == 400
    assert "结束日期（2024-03-01）早于本村（居）第一次公示的日期" in before.content.decode()
    # to alone: the 31 days up to it, from the first posting at the earliest
    shown = c.get(url, {"to": "2024-03-20"})
    shown_name = mask_name(posted.applicant.name) if "public" in url else posted.applicant.name
    assert shown.status_code == 200 and shown_name in shown.content.decode()


def test_the_public_pages_show_no_personal_data_to_anyone(city, posted, settings):
    settings.SAFETYNET_TODAY = date(2024, 3, 20)
    person = posted.applicant
    for url, query in (("/public/notices/370811001001/", {"from": "2024-03-06", "to": "2024-03-20"}),
                       ("/public/standing/370811001001/", {}), ("/public/explainer/370811/", {})):  # fmt: skip
        page = Client().get(url, query)
        text = page.content.decode()
        assert page.status_code == 200, url
        assert person.id_number not in text and person.id_number[-6:] not in text and person.name not in text, url
        assert posted.household.address not in text and person.phone not in text, url
    notice = Client().get("/public/notices/370811001001/", {"from": "2024-03-06", "to": "2024-03-20"}).content.decode()
    assert mask_name(person.name) in notice


def test_an_unknown_village_is_a_404_in_chinese(db):
    for url in ("/public/notices/999999999999/", "/public/standing/370811abc/", "/public/notices/0001-01-01/"):
        page = Client().get(url)
        assert page.status_code == 404 and "未找到该公示" in page.content.decode(), url


def test_the_pages_speak_english_around_a_chinese_paper(city):
    page = client_for(city["county"], "en").get("/notices/roster/", {"quarter": "2024-Q5"}).content.decode()
    assert f"A quarter is written year-Q number, e.g. {Quarter.of(clock.today()).code}" in page
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = english.get("/public/notices/370811001001/", {"from": "2024-03-01", "to": "2024-04-15"}).content.decode()
    assert "A search covers at most 31 days: 2024-03-01 to 2024-04-15 is 46 days" in page
    paper = english.get("/public/explainer/370830/", {"on": "2024-03-01"}).content.decode()
    assert "Policy in force on" in paper and "汶上县社会救助政策明白纸" in paper  # the paper itself stays Chinese
    early = english.get("/public/explainer/370830/", {"on": "2020-06-30"}).content.decode()
    assert "2020-07-01" in early and "早于" not in early
