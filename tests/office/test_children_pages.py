"""The pages of children's allowances and education aid (/children/): a township clerk opens a
child's and a student's application from a page (errors beside their fields, nothing typed
lost), the list of cases of the user's area with its Excel, and the figures of what the payrolls
paid."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from safetynet.cases import services as cases
from safetynet.cases.models import Case
from safetynet.children import services
from safetynet.children.models import ChildCase
from safetynet.payments import services as payments
from safetynet.payments.models import PayrollRun
from safetynet.registry.models import Area
from safetynet.supervision.models import AuditEvent
from safetynet.web import clock

TOWNSHIP = "370811001"
ENUMS = ("dead", "imprisoned", "present", "dispersed", "concentrated", "bachelor", "dibao", "child_not_eligible",
         "aid_once_per_school_year", "applicant", "father", "school_year")


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2024, 3, 4))


def member_born(household, born: date):
    person = household.members.order_by("pk").last()
    person.birth_date = born
    person.save()
    return person


def text_of(response) -> str:
    html = response.content.decode()
    return re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S))


def error_summary(response) -> str:
    html = response.content.decode()
    match = re.search(r'<div class="error-summary".*?</div>', html, flags=re.S)
    assert match, "no error summary at the top of the form"
    assert html.index("error-summary") < html.index("class=\"window-form\"")
    return re.sub(r"<[^>]+>", " ", match.group(0))


def beside(response, field: str) -> str:
    match = re.search(rf'<span class="field-error" id="id_{field}-error">(.*?)</span>', response.content.decode())
    return match.group(1) if match else ""


def no_keys(text: str) -> None:
    for key in ENUMS:
        assert not re.search(rf"(?<![A-Za-z_]){key}(?![A-Za-z_])", text), key


def child_form(child, **over) -> dict:
    return {"applicant": child.pk, "father": "dead", "mother": "imprisoned", "placement": "dispersed",
            "guardian_name": "王祖母", "documents": "父亲死亡证明；母亲刑事判决书", "on": "2024-03-04"} | over


# ---- a child's application ---------------------------------------------------------------------


def test_a_clerk_opens_a_childs_application_and_lands_on_the_case(city, poor_household, client):
    child = member_born(poor_household, date(2014, 5, 1))
    client.force_login(city["clerk"])
    url = f"/children/households/{poor_household.pk}/child/"
    page = client.get(url)
    assert page.status_code == 200
    body = text_of(page)
    for label in ("父亲情形", "母亲情形", "服刑在押", "强制隔离戒毒", "宣告失踪", "社会散居", "机构集中养育", "监护人",
                  "申请材料"):
        assert label in body
    response = client.post(url, child_form(child, placement="concentrated"))
    case = Case.objects.get(applicant=child)
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert (case.programme, case.state) == ("unsupported_child", "accepted")
    row = ChildCase.objects.get(case=case)
    assert (row.father, row.mother, row.placement, row.guardian_name) == ("dead", "imprisoned", "concentrated",
                                                                          "王祖母")
    assert AuditEvent.objects.filter(action="children.apply", object_id=str(case.pk)).exists()
    landed = client.get(response["Location"])
    assert "事实无人抚养儿童" in text_of(landed) and f"#{case.pk}" in text_of(landed)
    panel = re.search(r'<section class="panel" id="child-panel">(.*?)</section>', landed.content.decode(), re.S)
    facts = re.sub(r"<[^>]+>", " ", panel.group(1))
    for fact in ("死亡", "服刑在押", "机构集中养育", "王祖母", "母亲刑事判决书"):
        assert fact in facts


def test_an_empty_childs_application_says_each_problem_beside_its_field(city, poor_household, client):
    client.force_login(city["clerk"])
    response = client.post(f"/children/households/{poor_household.pk}/child/", {"guardian_name": "王祖母"})
    assert response.status_code == 422
    summary = error_summary(response)
    assert "请选择申请的儿童" in summary and "请选择父亲情形" in summary and "请填写收到的申请材料" in summary
    assert beside(response, "father") == "请选择父亲情形"
    assert beside(response, "documents") == "请填写收到的申请材料"
    assert 'value="王祖母"' in response.content.decode()  # nothing typed is lost
    no_keys(summary)
    assert not Case.objects.exists()


def test_parents_who_can_support_are_refused_beside_the_fathers_state_and_the_form_is_kept(
    city, poor_household, client
):
    child = member_born(poor_household, date(2014, 5, 1))
    client.force_login(city["clerk"])
    response = client.post(f"/children/households/{poor_household.pk}/child/",
                           child_form(child, father="imprisoned", mother="present"))  # fmt: skip
    assert response.status_code == 422
    message = beside(response, "father")
    assert "不属孤儿或事实无人抚养儿童" in message and "在世且能履行抚养义务" in message
    no_keys(error_summary(response))
    html = response.content.decode()
    assert "父亲死亡证明；母亲刑事判决书" in html  # the papers typed are still there
    assert re.search(r'<option value="present" selected>', html)
    assert not Case.objects.exists()


def test_a_wrong_date_and_a_forged_choice_are_plain_chinese(city, poor_household, client):
    child = member_born(poor_household, date(2014, 5, 1))
    client.force_login(city["clerk"])
    response = client.post(f"/children/households/{poor_household.pk}/child/",
                           child_form(child, on="2024-13-40", mother="abducted_by_aliens"))  # fmt: skip
    assert response.status_code == 422
    assert beside(response, "on") == "日期格式应为 年-月-日，如 2024-03-04"
    assert beside(response, "mother") == "请从列表中选择"
    assert "abducted_by_aliens" not in error_summary(response)


def test_only_the_townships_window_opens_an_application_and_only_for_its_households(
    city, poor_household, other_household, client
):
    client.force_login(city["approver"])
    assert client.get(f"/children/households/{poor_household.pk}/child/").status_code == 403
    client.force_login(city["other_clerk"])
    assert client.get(f"/children/households/{poor_household.pk}/child/").status_code == 404
    assert client.get(f"/children/households/{poor_household.pk}/aid/").status_code == 404
    assert client.get(f"/children/households/{other_household.pk}/aid/").status_code == 200


# ---- a student's application -------------------------------------------------------------------


def aid_form(student, **over) -> dict:
    return {"student": student.pk, "family": "dibao", "level": "bachelor", "admission_year": "2022",
            "school": "济宁学院", "proof": "在校证明 2024-001", "enrolled": "on", "on": "2024-03-04"} | over


def test_a_clerk_opens_a_students_aid_and_a_second_for_the_school_year_is_refused_beside_it(
    city, poor_household, client
):
    student = member_born(poor_household, date(2005, 3, 1))
    client.force_login(city["clerk"])
    url = f"/children/households/{poor_household.pk}/aid/"
    page = text_of(client.get(url))
    for label in ("本科", "专科", "高职", "录取通知书或在校证明", "孤儿", "低保家庭", "特困人员", "学年"):
        assert label in page
    response = client.post(url, aid_form(student))
    case = Case.objects.get(applicant=student)
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert (case.programme, case.aid.school_year, case.assessment["amount"]) == ("education_aid", 2023, "1000.00")
    again = client.post(url, aid_form(student, proof="重复的在校证明", school="山东大学"))
    assert again.status_code == 422
    message = beside(again, "school_year")
    assert "2023-2024 学年已有助学申请" in message and "每人每学年一次" in message
    assert 'value="重复的在校证明"' in again.content.decode() and 'value="山东大学"' in again.content.decode()
    no_keys(error_summary(again))
    assert Case.objects.filter(applicant=student).count() == 1


def test_an_orphan_at_university_is_granted_the_years_aid_from_the_page(city, poor_household, client):
    student = member_born(poor_household, date(2004, 3, 1))
    client.force_login(city["clerk"])
    response = client.post(f"/children/households/{poor_household.pk}/aid/",
                           aid_form(student, family="none", orphan="on", admission_year="2023",
                                    proof="录取通知书 2023-88"))  # fmt: skip
    assert response.status_code == 302
    case = Case.objects.get(applicant=student)
    assert (case.assessment["kind"], case.assessment["amount"]) == ("orphan", "10000.00")
    assert sum(int(p["amount"].replace(".", "")) for p in case.assessment["instalments"]) == 1_000_000


def test_an_aid_the_rules_refuse_is_said_in_words_and_a_bad_year_beside_its_field(city, poor_household, client):
    student = member_born(poor_household, date(2005, 3, 1))
    client.force_login(city["clerk"])
    url = f"/children/households/{poor_household.pk}/aid/"
    refused = client.post(url, aid_form(student, family="none"))
    assert refused.status_code == 422
    assert "不符合助学条件" in beside(refused, "level") and "不予助学" in beside(refused, "level")
    bad = client.post(url, aid_form(student, admission_year="二〇二二", school=""))
    assert beside(bad, "admission_year") == "请填写四位数年份，如 2024"
    assert beside(bad, "school") == "请填写学校名称"
    assert not Case.objects.exists()


def test_the_aid_page_offers_the_households_dibao_case_as_the_family(city, poor_household, client):
    member_born(poor_household, date(2005, 3, 1))
    client.force_login(city["clerk"])
    url = f"/children/households/{poor_household.pk}/aid/"
    page = client.get(url).content.decode()
    assert "本户没有在保的低保、特困案件" in page and re.search(r'value="none"[^>]*checked', page)
    # A dibao case in payment (set up directly: its own path is tested elsewhere).
    dibao = Case.objects.create(programme="dibao", household=poor_household, area_code=poor_household.village_id,
                                applicant=poor_household.members.order_by("pk").first(), state="approved",
                                opened_on=date(2024, 1, 8))  # fmt: skip
    page = client.get(url).content.decode()
    assert f"#{dibao.pk}" in page and re.search(r'value="dibao"[^>]*checked', page)


# ---- the list ----------------------------------------------------------------------------------


def _child_case(city, household, born=date(2014, 5, 1), father="dead", mother="dead", placement="dispersed"):
    child = member_born(household, born)
    return services.apply_child(city["clerk"], household=household, applicant=child, father=father, mother=mother,
                                placement=placement, documents="死亡证明", on=date(2024, 3, 4))


def test_the_list_shows_the_areas_cases_searches_and_exports_with_masked_ids(
    city, poor_household, other_household, client
):
    case = _child_case(city, poor_household)
    other = services.apply_child(city["other_clerk"], household=other_household,
                                 applicant=member_born(other_household, date(2013, 1, 1)), father="dead",
                                 mother="missing", documents="死亡证明", on=date(2024, 3, 4))  # fmt: skip
    client.force_login(city["clerk"])
    body = text_of(client.get("/children/"))
    assert case.applicant.name in body and "孤儿" in body and "社会散居" in body
    assert other.applicant.name not in body  # another township's child
    assert case.applicant.id_number not in body
    client.force_login(city["county"])
    assert other.applicant.name in text_of(client.get("/children/"))
    found = text_of(client.get("/children/", {"q": case.applicant.name}))
    assert case.applicant.name in found and other.applicant.name not in found
    assert other.applicant.name not in text_of(client.get("/children/", {"programme": "education_aid"}))
    bad = client.get("/children/", {"state": "nonsense"})
    assert bad.status_code == 200 and "已忽略此筛选条件" in text_of(bad)
    export = client.get("/children/cases.xlsx", {"q": case.applicant.name})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("案件编号", "类别", "姓名") and len(rows) == 2
    assert rows[1][2] == case.applicant.name and "*" in rows[1][3]
    client.force_login(city["medical"])
    assert client.get("/children/").status_code == 403


def test_the_list_pages_25_at_a_time(city, poor_household, client):
    from safetynet.site import demo

    village = Area.objects.get(code="370811001001")
    import random

    for i in range(26):
        household = demo.make_household(city["clerk"], village, random.Random(100 + i), date(2024, 3, 4), size=1,
                                        wage_fen=0)  # fmt: skip
        _child_case(city, household)
    client.force_login(city["approver"])
    first = client.get("/children/").content.decode()
    second = client.get("/children/", {"page": 2}).content.decode()
    assert first.count('<tr id="case-') == 25 and second.count('<tr id="case-') == 1


# ---- the figures -------------------------------------------------------------------------------


def _approved_child(city, household, **kw):
    case = _child_case(city, household, **kw)
    case = cases.record_home_visit(city["clerk"], case, version=case.version, on=date(2024, 3, 5),
                                   investigators=["张调查", "李调查"], family_signed=True, findings="属实")
    case = cases.take_step(city["approver"], case, "submit_child", version=case.version, on=date(2024, 3, 6),
                           opinion="属实")  # fmt: skip
    return cases.take_step(city["county_approver"], case, "county_approve_child", version=case.version,
                           on=date(2024, 3, 7))  # fmt: skip


def test_the_figures_read_what_the_payrolls_paid_not_what_was_drafted_or_cancelled(
    city, poor_household, client, monkeypatch
):
    monkeypatch.setattr(clock, "today", lambda: date(2024, 4, 10))
    township = Area.objects.get(code=TOWNSHIP)
    case = _approved_child(city, poor_household, placement="concentrated")
    client.force_login(city["county"])

    def figures():
        response = client.get("/children/figures/", {"year": 2024})
        assert response.status_code == 200
        html = response.content.decode()
        row = re.search(r'<tr data-programme="orphan">(.*?)</tr>', html, flags=re.S).group(1)
        return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>.*?</td>", row)], html

    cells, html = figures()
    # 在保 1 (散居 0, 集中 1), paid to 0 persons, 0.00: approved, nothing paid yet
    assert cells[:5] == ["孤儿基本生活保障", "1", "0", "1", "0"] and cells[7] == "0.00"
    draft = payments.run_payroll(city["city_admin"], month=date(2024, 4, 1), township=township, programme="orphan")
    assert figures()[0][7] == "0.00"  # a draft is not paid
    payments.cancel_payroll(city["approver"], draft, "重新编制")
    run = payments.run_payroll(city["city_admin"], month=date(2024, 4, 1), township=township, programme="orphan")
    payments.approve_payroll(city["approver"], run)
    cells, html = figures()
    assert (cells[4], cells[5], cells[6], cells[7]) == ("1", "0.00", "1500.00", "1500.00")
    assert "echarts" in html and 'id="chart-children"' in html
    assert PayrollRun.objects.filter(status="cancelled").count() == 1
    client.force_login(city["other_approver"])  # another township: none of it
    other = client.get("/children/figures/", {"year": 2024}).content.decode()
    row = re.search(r'<tr data-programme="orphan">(.*?)</tr>', other, flags=re.S).group(1)
    assert ">1<" not in row
    xlsx = client.get("/children/figures.xlsx", {"year": 2024})
    client.force_login(city["county"])
    book = load_workbook(io.BytesIO(client.get("/children/figures.xlsx", {"year": 2024}).content))
    assert book.sheetnames == ["儿童保障2024", "助学2024", "按乡镇"]
    orphan = next(r for r in book["儿童保障2024"].iter_rows(values_only=True) if r[0] == "孤儿基本生活保障")
    assert orphan[1] == 1 and orphan[7] == "1500.00"
    assert xlsx.status_code == 200
    assert case.monthly_amount_fen == 150_000


def test_a_bad_year_on_the_figures_is_said_beside_it(city, client):
    client.force_login(city["county"])
    response = client.get("/children/figures/", {"year": "1999"})
    assert response.status_code == 200
    assert "年份应在 2000 至 2100 之间" in text_of(response)
    client.force_login(city["medical"])
    assert client.get("/children/figures/").status_code == 403


def _orphan_row(client) -> list[str]:
    html = client.get("/children/figures/", {"year": 2024}).content.decode()
    row = re.search(r'<tr data-programme="orphan">(.*?)</tr>', html, flags=re.S).group(1)
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>.*?</td>", row)]


def test_the_price_subsidy_is_counted_apart_and_a_line_the_bank_returned_is_not_paid(
    city, poor_household, client, monkeypatch
):
    from decimal import Decimal

    monkeypatch.setattr(clock, "today", lambda: date(2024, 4, 10))
    township = Area.objects.get(code=TOWNSHIP)
    _approved_child(city, poor_household)  # dispersed: 1,100.00 a month from April
    payments.enter_price_index(city["city_admin"], month=date(2024, 4, 1), cpi_yoy=Decimal("4.0"),
                               food_cpi_yoy=Decimal("1.0"))  # fmt: skip
    run = payments.approve_payroll(city["approver"], payments.run_payroll(
        city["city_admin"], month=date(2024, 4, 1), township=township, programme="orphan"))
    subsidy = run.payments.get(kind="price_subsidy").amount_fen
    assert subsidy > 0  # orphans get the price subsidy from 2021
    client.force_login(city["county"])
    cells = _orphan_row(client)
    assert (cells[5], cells[7], cells[8]) == ("1100.00", "1100.00", f"{subsidy // 100}.{subsidy % 100:02d}")
    run.payments.filter(kind="regular").update(bank_status="failed")  # the bank returned the allowance
    cells = _orphan_row(client)
    assert (cells[4], cells[7]) == ("0", "0.00")


def test_an_orphans_aid_goes_from_the_townships_report_to_the_countys_confirmation_on_the_case_page(
    city, poor_household, client
):
    """The approver sees 报县级确认, not 批准助学; the county confirms; the basis names the document."""
    student = member_born(poor_household, date(2004, 3, 1))
    case = services.apply_aid(city["clerk"], student=student, level="bachelor", admission_year=2023, family="none",
                              orphan=True, school="济宁学院", proof="在校证明 2023-88", on=date(2024, 3, 4))
    client.force_login(city["approver"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-step="submit_aid"' in page and 'data-step="grant_aid"' not in page
    assert "seed" not in page and "济宁市民政局“民政领域困难家庭学生助学项目”材料" in page
    forged = client.post(f"/cases/{case.pk}/steps/grant_aid/", {"version": case.version, "on": "2024-03-04"})
    case.refresh_from_db()
    assert forged.status_code in (302, 403, 422) and case.state == "accepted"
    empty = client.post(f"/cases/{case.pk}/steps/submit_aid/", {"version": case.version, "on": "2024-03-04"})
    assert empty.status_code == 422
    html = empty.content.decode()  # in the summary at the top, linked to the field, and beside it
    assert '<a href="#submit_aid-opinion">审核意见：请填写审核意见</a>' in html and html.count("请填写审核意见") >= 2
    client.post(f"/cases/{case.pk}/steps/submit_aid/", {"version": case.version, "on": "2024-03-04",
                                                          "opinion": "学籍属实，报县级确认"})
    case.refresh_from_db()
    assert case.state == "county"
    client.force_login(city["county_approver"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-step="county_grant_aid"' in page
    refuse = re.search(r'<form[^>]*data-step="county_refuse_aid"[^>]*>', page).group(0)
    assert "data-confirm=" in refuse and "确定不予确认吗" in refuse
    client.post(f"/cases/{case.pk}/steps/county_grant_aid/", {"version": case.version, "on": "2024-03-04"})
    case.refresh_from_db()
    assert (case.state, case.monthly_amount_fen) == ("granted", 1_000_000)
    assert "县级确认孤儿助学" in text_of(client.get(f"/cases/{case.pk}/"))


def test_a_school_year_not_begun_is_refused_beside_the_year_on_the_page_and_in_the_api(city, poor_household, client):
    student = member_born(poor_household, date(2004, 3, 1))
    client.force_login(city["clerk"])
    url = f"/children/households/{poor_household.pk}/aid/"
    ahead = aid_form(student, family="none", orphan="on", admission_year="2023", school_year="2024",
                     proof="在校证明 2023-09")  # fmt: skip
    response = client.post(url, ahead)
    assert response.status_code == 422
    assert "2024-2025 学年尚未开始" in beside(response, "school_year")
    assert 'value="在校证明 2023-09"' in response.content.decode()
    body = {"student_id": student.pk, "level": "bachelor", "admission_year": 2023, "orphan": True, "family": "none",
            "school": "济宁学院", "proof": "在校证明 2023-09", "school_year": 2024, "on": "2024-03-04"}  # fmt: skip
    api = client.post("/api/v1/children/aid", body, content_type="application/json")
    assert api.status_code == 422 and [e["loc"] for e in api.json()["detail"]] == ["school_year"]
    assert not Case.objects.exists()
    # The current school year is still taken.
    assert client.post(url, ahead | {"school_year": "2023"}).status_code == 302


def test_the_childs_application_offers_only_the_members_under_18_on_the_day(city, poor_household, client):
    child = member_born(poor_household, date(2014, 5, 1))
    adults = [p for p in poor_household.members.all() if p.pk != child.pk]
    assert adults and all(p.birth_date.year < 2006 for p in adults)
    client.force_login(city["clerk"])
    url = f"/children/households/{poor_household.pk}/child/"
    html = client.get(url).content.decode()
    offered = re.search(r'<select name="applicant".*?</select>', html, re.S).group(0)
    assert child.name in offered and not any(f'value="{p.pk}"' in offered for p in adults)
    response = client.post(url, child_form(adults[0]))
    assert response.status_code == 422 and beside(response, "applicant") == "请从列表中选择"
    assert not Case.objects.exists()


def test_the_orphans_aid_offers_the_report_before_the_refusal_and_the_countys_opinion_reads_as_its_decision(
    city, poor_household, client
):
    student = member_born(poor_household, date(2004, 3, 1))
    client.force_login(city["clerk"])
    client.post(f"/children/households/{poor_household.pk}/aid/",
                aid_form(student, family="none", orphan="on", admission_year="2023"))  # fmt: skip
    case = Case.objects.get(applicant=student)
    client.force_login(city["approver"])
    page = text_of(client.get(f"/cases/{case.pk}/"))
    assert "助学报县级确认" in page and "不予助学" in page
    assert page.index("助学报县级确认") < page.index("不予助学")
    case = cases.take_step(city["approver"], case, "submit_aid", version=case.version, on=date(2024, 3, 4),
                           opinion="孤儿身份属实")  # fmt: skip
    case = cases.take_step(city["county_approver"], case, "county_grant_aid", version=case.version,
                           on=date(2024, 3, 4), opinion="学籍核实，同意")  # fmt: skip
    client.force_login(city["county_approver"])
    page = text_of(client.get(f"/cases/{case.pk}/"))
    assert "审核意见：孤儿身份属实" in page
    assert "审批意见：学籍核实，同意" in page


def test_a_refused_childs_reasons_say_the_age_qualifies(city, poor_household, client):
    child = member_born(poor_household, date(2014, 5, 1))
    client.force_login(city["clerk"])
    response = client.post(f"/children/households/{poor_household.pk}/child/",
                           child_form(child, father="present", mother="present"))  # fmt: skip
    assert response.status_code == 422
    assert "年龄符合：9 周岁，未满 18 周岁" in beside(response, "father")
