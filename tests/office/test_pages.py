"""The office pages as a clerk, an approver and the county see them (Django's test client; the
real browser walk is in tests/browser)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from safetynet.cases import services
from safetynet.cases.models import Case
from safetynet.policy import idnumber
from safetynet.registry.models import Household
from tests.office.conftest import TODAY


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def noticed(city, poor_household):
    head = poor_household.members.get(relation="head")
    case = services.start_precheck(city["clerk"], household=poor_household, programme="dibao", applicant=head, on=TODAY)
    case = services.accept(city["clerk"], case, version=case.version, on=TODAY)
    case = services.record_home_visit(city["clerk"], case, version=case.version, on=TODAY, investigators=["甲", "乙"],
                                      family_signed=True, findings="属实")
    return services.approve(city["approver"], case, version=case.version, on=TODAY + timedelta(days=1))


def test_every_page_renders_for_every_role(city, noticed):
    urls = ["/desk/", "/deadlines/", "/households/?q=" + noticed.applicant.name, f"/households/{noticed.household_id}/",
            f"/cases/{noticed.pk}/", f"/cases/{noticed.pk}/decision/", "/notices/",
            f"/notices/village/{noticed.area_code}/", f"/public/notices/{noticed.area_code}/", "/"]
    for who in ("clerk", "approver", "county", "city_admin", "auditor", "verifier"):
        c = client_for(city[who])
        for url in urls:
            assert c.get(url).status_code == 200, (who, url)
    assert client_for(city["clerk"]).get("/households/new/").status_code == 200
    assert client_for(city["approver"]).get("/households/new/").status_code == 403


def test_the_county_sees_compliance_per_township(city, noticed):
    page = client_for(city["county"]).get("/deadlines/").content.decode()
    assert "各乡镇（街道）时限执行情况" in page and "任城区城关街道" in page and "任城区东关街道" in page


def intake(*members: dict, **fields) -> dict:
    """The intake form as the browser posts it: a formset of members, each with income rows."""
    data = {"village": "370811001001", "hukou": "rural", "address": "张庄村 1 号", "month": "2024-03",
            "members-TOTAL_FORMS": str(len(members)), "members-INITIAL_FORMS": "0", **fields}
    for i, m in enumerate(members):
        incomes = m.pop("incomes", [])
        data.update({f"members-{i}-{k}": v for k, v in m.items()})
        data.update({f"members-{i}-assets-TOTAL_FORMS": "0", f"members-{i}-assets-INITIAL_FORMS": "0",
                     f"members-{i}-incomes-TOTAL_FORMS": str(len(incomes)), f"members-{i}-incomes-INITIAL_FORMS": "0"})
        for j, row in enumerate(incomes):
            data.update({f"members-{i}-incomes-{j}-{k}": v for k, v in row.items()})
    return data


def test_intake_form_validates_field_by_field_in_chinese(city):
    c = client_for(city["clerk"])
    data = intake({"name": "张三", "id_number": "370811195001010015", "relation": "head"},
                  {"name": "李四", "id_number": idnumber.generate("370811", TODAY.replace(year=1955), 7),
                   "relation": "spouse", "incomes": [{"kind": "wage", "monthly": "-3"}]})
    page = c.post("/households/new/", data).content.decode()
    assert 'id="id_members-0-id_number-error"' in page and "校验码错误" in page
    assert 'id="id_members-1-incomes-0-monthly-error"' in page and "金额不能为负数" in page
    assert not Household.objects.exists()  # nothing half-written
    preview = c.post("/households/preview/", data).content.decode()
    assert 'data-field="id_members-0-id_number"' in preview and 'data-field="id_members-1-incomes-0-monthly"' in preview


def test_intake_registers_the_household_and_its_declared_income(city):
    c = client_for(city["clerk"])
    head = idnumber.generate("370811", TODAY.replace(year=1950), 11)
    data = intake({"name": "王五", "id_number": head, "relation": "head",
                   "incomes": [{"kind": "wage", "monthly": "100.00"}]}, address="张庄村 2 号")
    preview = c.post("/households/preview/", data).content.decode()
    assert 'id="preview-amount">375.00<' in preview  # rural 475 − 100
    response = c.post("/households/new/", data)
    household = Household.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/households/{household.pk}/"
    assert household.members.get().incomes.get().monthly_fen == 10000


def test_a_step_with_a_stale_form_is_refused_with_a_message(city, noticed):
    c = client_for(city["approver"])
    on = (TODAY + timedelta(days=2)).isoformat()
    c.post(f"/cases/{noticed.pk}/steps/object/", {"version": noticed.version, "on": on, "text": "有异议"})
    page = c.post(f"/cases/{noticed.pk}/steps/object/", {"version": noticed.version, "on": on, "text": "再提异议"},
                  follow=True).content.decode()
    assert "案件已被他人更新" in page
    assert Case.objects.get(pk=noticed.pk).objections.count() == 1


def test_the_decision_document_and_the_notice(city, noticed):
    c = client_for(city["clerk"])
    decision = c.get(f"/cases/{noticed.pk}/decision/").content.decode()
    assert "审核确认最低生活保障决定书" in decision and noticed.applicant.id_number not in decision
    march = {"from": "2024-03-05", "to": "2024-03-31"}  # from the village's first posting
    notice = c.get(f"/notices/village/{noticed.area_code}/", march).content.decode()
    assert noticed.applicant.name in notice and noticed.applicant.id_number not in notice
    assert noticed.household.address not in notice


def test_the_public_list_masks_given_names(city, noticed):
    from safetynet.notices.selectors import mask_name

    assert mask_name("张三") == "张*" and mask_name("欧阳娜娜") == "欧阳**" and mask_name("司马光") == "司马*"
    assert mask_name("欧阳") == "欧*"  # a two-character name whose surname is 欧
    page = Client().get(f"/public/notices/{noticed.area_code}/", {"from": "2024-03-05", "to": "2024-03-31"})
    assert mask_name(noticed.applicant.name) in page.content.decode()
    assert noticed.applicant.name not in page.content.decode()


def test_a_change_of_circumstances_is_recorded_with_date_and_source(city, poor_household):
    c = client_for(city["clerk"])
    person = poor_household.members.get(relation="head")
    url = f"/households/{poor_household.pk}/change/"
    prefix = f"person-{person.pk}"

    def facts(**changed):
        current = {"name": person.name, "relation": person.relation, "adl_unmet": "0", "able_obligor": "on",
                   "bank_card": person.bank_card, "phone": person.phone, **changed}
        return {"kind": prefix, **{f"{prefix}-{k}": v for k, v in current.items()}}

    page = c.post(url, facts(disability_grade="2", disability_kind="physical", effective_on="2024-03-01",
                             source="")).content.decode()
    assert f'id="id_{prefix}-source-error"' in page and "必填" in page
    c.post(url, facts(disability_grade="2", disability_kind="physical", effective_on="2024-03-01", source="残联数据"))
    person.refresh_from_db()
    c.post(url, facts(disability_grade="2", disability_kind="physical", serious_illness="on",
                      effective_on="2024-03-02", source="入户调查"))
    person.refresh_from_db()
    assert person.disability_grade == 2 and person.serious_illness
    changes = list(person.changes.values_list("field", "old_value", "new_value", "source"))
    assert changes == [("disability_grade", None, 2, "残联数据"), ("disability_kind", "", "physical", "残联数据"),
                       ("serious_illness", False, True, "入户调查")]
    page = c.get(f"/households/{poor_household.pk}/").content.decode()
    assert "残联数据" in page and "入户调查" in page and "2 级" in page


def test_the_pages_switch_to_english(city, noticed):
    c = client_for(city["clerk"])
    assert "工作台" in c.get("/desk/").content.decode()
    c.post("/i18n/setlang/", {"language": "en", "next": "/desk/"})
    desk = c.get("/desk/").content.decode()
    assert "Open cases" in desk and "办理中的案件" not in desk
    case = c.get(f"/cases/{noticed.pk}/").content.decode()
    assert "Under public notice" in case and "Timeline" in case
    # The reasons come from the policy floor in the case's own language of record (Chinese).
    c.post("/i18n/setlang/", {"language": "zh-hans", "next": "/desk/"})
    assert "办理中的案件" in c.get("/desk/").content.decode()


def test_forged_form_values_get_a_message_not_a_server_error(city, noticed):
    c = client_for(city["clerk"])
    data = intake({"name": "张三", "id_number": idnumber.generate("370811", TODAY.replace(year=1950), 21),
                   "relation": "head", "disability_grade": "x", "adl_unmet": "many"}, address="x")
    assert c.post("/households/preview/", data).status_code == 200
    page = c.post("/households/new/", data)
    assert page.status_code == 200 and 'id="id_members-0-adl_unmet-error"' in page.content.decode()
    forged = {**data, "members-TOTAL_FORMS": "many", "members-0-incomes-TOTAL_FORMS": "-1", "add": "income-99"}
    assert c.post("/households/new/", forged).status_code == 200
    approver = client_for(city["approver"])
    for months in ("abc", "-1", ""):
        r = approver.post(f"/cases/{noticed.pk}/steps/start_graduated_exit/",
                          {"version": noticed.version, "on": "2024-03-06", "months": months}, follow=True)
        assert r.status_code in (200, 422)  # a message, never a server error


@pytest.mark.parametrize("who", ["clerk", "approver", "county", "auditor"])
def test_garbage_in_any_page_is_never_a_server_error(city, noticed, who):
    c = client_for(city[who])
    junk = {"page": "-1", "q": "'\"<>\x00", "from": "2024-13", "to": "xx", "month": "0000-00", "version": "v",
            "on": "yesterday", "township": "999", "programme": "x", "person": "abc", "field": "id_number",
            "value": "?", "effective_on": "1/1", "source": "", "document": "", "signed_on": "2024-02-30",
            "applicant": "x", "village": "1"}
    gets = ["/desk/", "/deadlines/", "/households/", f"/households/{noticed.household_id}/", "/payroll/",
            f"/cases/{noticed.pk}/", "/notices/", f"/notices/village/{noticed.area_code}/", "/reports/",
            "/reports/funds.xlsx", f"/public/notices/{noticed.area_code}/", "/api/v1/cases", "/api/v1/deadlines",
            "/api/v1/payrolls", "/api/v1/households"]
    for url in gets:
        assert c.get(url, junk).status_code < 500, url
    posts = ["/households/new/", "/households/preview/", f"/households/{noticed.household_id}/authorize/",
             f"/households/{noticed.household_id}/apply/", f"/households/{noticed.household_id}/change/",
             f"/cases/{noticed.pk}/steps/close_notice/", f"/cases/{noticed.pk}/steps/nonsense/", "/payroll/compute/"]
    for url in posts:
        assert c.post(url, junk).status_code < 500, url
    clean = {k: v.replace("\x00", "") for k, v in junk.items()}
    for url in gets:
        assert c.get(url, clean).status_code < 500, url
    for url in posts:
        assert c.post(url, clean).status_code < 500, url
    assert c.get("/households/", {"q": "张\x00"}).status_code == 400


def test_the_termination_notice_names_its_cause_and_the_exit_months_follow_the_rules(city, noticed):
    from safetynet.cases import services

    case = services.close_notice(city["approver"], noticed, version=noticed.version, on=noticed.notice_ends_on)
    approver = client_for(city["approver"])
    page = approver.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="cause"' in page and "死亡" in page and "本人书面申请退出" in page
    r = approver.post(f"/cases/{case.pk}/steps/give_termination_notice/",
                      {"version": case.version, "on": str(case.notice_ends_on), "cause": "moved_away",
                       "reason": "全家迁往外省"}, follow=True)
    assert r.status_code == 200
    assert case.events.get(transition="give_termination_notice").data["cause"] == "moved_away"
