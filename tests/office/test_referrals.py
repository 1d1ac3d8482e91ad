"""The one window for the other departments (一门受理、协同办理, POLICY.md §11): a referral made at
the township, received and answered by the department, overdue past its working-day limit, seen
by the county; a department sees only its own referrals of its area, and only the facts declared
for it; the household page shows every programme, case and referral (一户一档)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.test import Client

from safetynet.cases import services as case_services
from safetynet.policy import idnumber
from safetynet.policy.errors import InputError
from safetynet.policy.working_days import add_working_days
from safetynet.referrals import departments, services
from safetynet.referrals.models import Referral
from safetynet.registry.models import Staff
from safetynet.site import demo
from safetynet.supervision.models import AccessLog, AuditEvent
from safetynet.web.errors import Conflict
from tests.office.conftest import TODAY


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def liaison(username: str, department: str, area: str):
    user = demo.make_staff(username, "department", area)
    Staff.objects.filter(user=user).update(department=department)
    user.refresh_from_db()
    return user


@pytest.fixture
def liaisons(city):
    return {
        "housing": liaison("housing", "housing", "370811"),  # 任城区住建局
        "medical": liaison("medical", "medical", "370811"),  # 任城区医保局
        "wenshang_housing": liaison("wenshang_housing", "housing", "370830"),  # 汶上县住建局
    }


def refer(city, household, department="housing", category="rental", on=TODAY, clerk="clerk", **kwargs):
    return services.refer(city[clerk], household=household, department=department, category=category,
                          need="房屋漏雨，无力维修，申请住房救助", on=on, **kwargs)  # fmt: skip


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_referral_sent_received_and_answered(city, liaisons, poor_household):
    referral = refer(city, poor_household)
    assert referral.state == "sent"
    # Due 20 working days after sending (referral_answer_limit, modelled on the decision limit).
    assert referral.due_on == add_working_days(TODAY, 20) == TODAY + timedelta(days=28)
    housing = client_for(liaisons["housing"])

    page = housing.get(f"/referrals/{referral.pk}/")
    assert page.status_code == 200 and "房屋漏雨" in page.content.decode()
    assert 'id="receive-form"' in page.content.decode()
    response = housing.post(f"/referrals/{referral.pk}/receive/", {"on": "2024-03-05"})
    assert response.status_code == 302
    response = housing.post(f"/referrals/{referral.pk}/answer/", {
        "outcome": "granted", "amount": "3000.00", "answer": "已纳入农村危房改造，补助 3000 元", "on": "2024-03-12"})
    assert response.status_code == 302

    referral.refresh_from_db()
    assert (referral.state, referral.outcome, referral.granted_fen) == ("answered", "granted", 300000)
    assert referral.answered_by == liaisons["housing"] and referral.answer_source == "department"
    assert [(e.action, e.from_state, e.to_state, str(e.on)) for e in referral.events.all()] == [
        ("send", "", "sent", "2024-03-04"), ("receive", "sent", "received", "2024-03-05"),
        ("answer", "received", "answered", "2024-03-12"),
    ]
    audit = AuditEvent.objects.filter(object_type="referral", object_id=str(referral.pk)).order_by("id")
    assert [a.action for a in audit] == ["referral.send", "referral.receive", "referral.answer"]
    assert audit[2].details["amount"] == "3000" and audit[2].details["overdue"] is False

    # The window and the household page see the answer.
    shown = client_for(city["clerk"]).get(f"/referrals/{referral.pk}/").content.decode()
    assert "已办结" in shown and "3000.00" in shown and "已纳入农村危房改造" in shown
    # Opening a referral shows personal data: logged (PIPL).
    seen = AccessLog.objects.filter(object_type="referral", object_id=str(referral.pk), actor=liaisons["housing"])
    assert seen.exists()


def test_a_refusal_and_a_paper_answer_and_a_withdrawal(city, liaisons, poor_household, other_household):
    declined = refer(city, poor_household, department="medical", category="inpatient", amount="12000.00")
    declined = services.answer(liaisons["medical"], declined, outcome="not_eligible", text="未参加城乡居民医保",
                               on=TODAY)  # fmt: skip
    assert declined.state == "declined" and declined.granted_fen is None and declined.need_amount_fen == 1200000
    # The department answered on paper: the window records it.
    paper = refer(city, poor_household, department="education", category="grant")
    paper = services.answer(city["clerk"], paper, outcome="service", text="教育局书面答复：已安排资助", on=TODAY)
    assert (paper.state, paper.answer_source) == ("answered", "paper")
    # Withdrawn: it no longer waits, so it is never overdue.
    taken_back = refer(city, poor_household, department="employment", category="job")
    taken_back = services.withdraw(city["clerk"], taken_back, on=TODAY, reason="申请人已自行就业")
    assert taken_back.state == "withdrawn" and not taken_back.overdue_on(TODAY + timedelta(days=400))
    # A closed referral takes no further answer: 409 for the API, a message on the page.
    with pytest.raises(Conflict):
        services.answer(liaisons["medical"], declined, outcome="service", text="x", on=TODAY)
    # The withdrawal asks first on the page.
    open_one = refer(city, poor_household)
    assert "data-confirm=" in client_for(city["clerk"]).get(f"/referrals/{open_one.pk}/").content.decode()


def test_answers_are_checked_field_by_field(city, liaisons, poor_household):
    referral = refer(city, poor_household)
    with pytest.raises(InputError) as exc:
        services.answer(liaisons["housing"], referral, outcome="granted", text=" ", on=TODAY + timedelta(days=1))
    assert {(e.path, e.code) for e in exc.value.errors} >= {
        ("answer", "required"), ("amount", "referral_amount_required")}
    with pytest.raises(InputError) as exc:
        services.answer(liaisons["housing"], referral, outcome="service", text="x", amount="5.00", on=TODAY)
    assert [(e.path, e.code) for e in exc.value.errors] == [("amount", "referral_amount_not_granted")]
    # On the page: the error beside its field, what was typed kept, 422.
    response = client_for(liaisons["housing"]).post(f"/referrals/{referral.pk}/answer/", {
        "outcome": "granted", "amount": "12.345", "answer": "补助住房租赁", "on": "2024-03-05"})
    body = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_amount-error"' in body and "金额格式错误" in body and "补助住房租赁" in body


def test_overdue_past_the_working_day_limit_and_the_county_sees_it(city, liaisons, poor_household, other_household,
                                                                   settings):  # fmt: skip
    late = refer(city, poor_household)
    on_time = refer(city, other_household, department="medical", category="outpatient", clerk="other_clerk")
    on_time = services.answer(liaisons["medical"], on_time, outcome="service", text="已纳入门诊慢特病", on=TODAY)
    county = client_for(city["county"])
    settings.SAFETYNET_TODAY = late.due_on  # the last day: not yet overdue
    assert 'badge overdue">超期' not in county.get("/referrals/").content.decode()

    settings.SAFETYNET_TODAY = late.due_on + timedelta(days=1)  # the clock moves past the due date
    page = county.get("/referrals/?overdue=1").content.decode()
    assert f'id="referral-{late.pk}"' in page and f'id="referral-{on_time.pk}"' not in page
    row = page.split(f'id="referral-{late.pk}"')[1].split("</tr>")[0]
    assert "超期" in row and "已转介" in row
    by_department = page.split('id="by-department"')[1].split("</table>")[0]
    housing_row = by_department.split('data-department="housing"')[1].split("</tr>")[0]
    assert 'badge overdue">1<' in housing_row
    by_township = page.split('id="by-township"')[1].split("</table>")[0]
    assert 'badge overdue">1<' in by_township
    # each overdue count leads to the overdue referrals it counts
    assert 'href="?department=housing&amp;overdue=1#referrals"' in housing_row
    assert f'href="?township={poor_household.village.parent_id}&amp;overdue=1#referrals"' in by_township
    # The API says the same, and the Excel file of the same filters has the row.
    api = county.get("/api/v1/referrals?overdue=true").json()
    assert [(r["id"], r["overdue"]) for r in api["results"]] == [(late.pk, True)]
    assert county.get("/api/v1/referrals?department=medical&state=answered").json()["count"] == 1
    xlsx = county.get("/referrals/referrals.xlsx?overdue=1")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == late.pk and rows[1][11] == "是"
    # Answered late, the answer records it was.
    answered = services.answer(liaisons["housing"], late, outcome="not_competent", text="应向不动产登记中心申请",
                               on=late.due_on + timedelta(days=1))  # fmt: skip
    assert answered.events.last().data["overdue"] is True and not answered.overdue_on(late.due_on + timedelta(days=9))


def test_a_department_sees_only_its_own_referrals_of_its_area(city, liaisons, poor_household):
    housing_referral = refer(city, poor_household)
    medical_referral = refer(city, poor_household, department="medical", category="inpatient")
    housing = client_for(liaisons["housing"])
    assert housing.get(f"/referrals/{medical_referral.pk}/").status_code == 404
    assert housing.get(f"/api/v1/referrals/{medical_referral.pk}").status_code == 404
    assert post_json(housing, f"/api/v1/referrals/{medical_referral.pk}/answer",
                     {"outcome": "service", "answer": "x", "on": "2024-03-05"}).status_code == 404
    assert housing.post(f"/referrals/{medical_referral.pk}/receive/", {"on": "2024-03-05"}).status_code == 404
    listed = housing.get("/referrals/").content.decode()
    assert f'id="referral-{housing_referral.pk}"' in listed and f'id="referral-{medical_referral.pk}"' not in listed
    # its own department's row of the counts, not four rows of others' zeros
    assert 'data-department="housing"' in listed and 'data-department="medical"' not in listed
    assert [r["id"] for r in housing.get("/api/v1/referrals").json()["results"]] == [housing_referral.pk]
    # Another county's housing bureau: the referral does not exist for it.
    other_county = client_for(liaisons["wenshang_housing"])
    assert other_county.get(f"/referrals/{housing_referral.pk}/").status_code == 404
    assert other_county.get("/api/v1/referrals").json()["count"] == 0
    # Nor for another township's window.
    assert client_for(city["other_clerk"]).get(f"/referrals/{housing_referral.pk}/").status_code == 404
    # Nor does a liaison read the registry: the facts a referral carries are all it sees.
    assert housing.get(f"/households/{poor_household.pk}/").status_code == 403  # the registry is not a liaison's
    assert housing.get(f"/api/v1/households/{poor_household.pk}").status_code == 403
    # A liaison does not send referrals (the household is not there for it), and the menu has its "转介".
    assert post_json(housing, "/api/v1/referrals", {"household": poor_household.pk, "department": "housing",
                                                    "category": "rental", "need": "x", "on": "2024-03-04"}
                     ).status_code == 404  # fmt: skip
    assert 'id="menu-referral-list"' in listed


def test_the_snapshot_holds_only_the_declared_fields(city, poor_household):
    head = poor_household.members.get(relation="head")
    assert head.bank_card and head.id_number
    for code, declared in departments.DEPARTMENTS.items():
        category = declared.categories[0][0]
        facts = refer(city, poor_household, department=code, category=category).facts
        assert list(facts["household"]) == list(declared.household), code
        for member in facts.get("members", []):
            assert list(member) == list(declared.members), code
        assert ("members" in facts) == bool(declared.members), code
        sent = json.dumps(facts, ensure_ascii=False)
        listed = {m["name"] for m in facts.get("members", [])}
        for person in poor_household.members.all():
            assert person.bank_card not in sent, code  # no department needs a bank card
            # a whole ID number only of a member listed, to a department that registers persons
            assert (person.id_number in sent) == (person.name in listed and "id_number" in declared.members), code
    housing = Referral.objects.get(department="housing").facts
    assert housing["household"]["household_size"] == 2 and housing["household"]["income_per_head"] == "0.00"
    assert "members" not in housing
    medical = Referral.objects.get(department="medical").facts
    assert {m["name"] for m in medical["members"]} == {p.name for p in poor_household.members.all()}
    # The county reads the referral with the ID numbers masked; the department whose duty needs them whole.
    masked = client_for(city["county"]).get(f"/api/v1/referrals/{Referral.objects.get(department='medical').pk}")
    assert head.id_number not in masked.content.decode() and head.id_number[-4:] in masked.content.decode()


def test_employment_gets_working_age_members_and_education_the_children(city):
    from safetynet.registry import services as registry
    from safetynet.registry.models import Area

    members = [
        {"id_number": idnumber.generate("370811", date(*born), i + 1), "name": name, "relation": relation}
        for i, (name, relation, born) in enumerate([("王强", "head", (1980, 5, 1)), ("王母", "parent", (1950, 1, 1)),
                                                    ("王小", "child", (2015, 6, 1))])
    ]  # fmt: skip
    household = registry.create_household(city["clerk"], village=Area.objects.get(code="370811001001"),
                                          hukou="rural", address="村东 1 号", members=members)  # fmt: skip
    employment = refer(city, household, department="employment", category="job").facts["members"]
    assert [m["name"] for m in employment] == ["王强"] and employment[0]["employment"] == "无工资性或经营性收入"
    education = refer(city, household, department="education", category="grant").facts["members"]
    assert [m["name"] for m in education] == ["王小"]


def test_the_window_refers_from_the_household_page(city, liaisons, poor_household):
    clerk = client_for(city["clerk"])
    household_page = clerk.get(f"/households/{poor_household.pk}/").content.decode()
    assert f'href="/referrals/new/{poor_household.pk}/"' in household_page
    form = clerk.get(f"/referrals/new/{poor_household.pk}/").content.decode()
    assert 'id="disclosures"' in form and "不发送成员信息" in form  # housing: no members
    # An error beside its field, what was typed kept.
    response = clerk.post(f"/referrals/new/{poor_household.pk}/", {
        "department": "housing", "category": "inpatient", "need": "危房需要改造", "on": "2024-03-04"})
    body = response.content.decode()
    assert response.status_code == 422 and 'id="id_category-error"' in body and "危房需要改造" in body
    # the category was chosen from the list, of another department: the message says so
    assert "所选需求类别不属于所选部门" in body and "请从列表中选择" not in body
    # each empty field says what it wants, not Django's "这个字段是必填项"
    body = clerk.post(f"/referrals/new/{poor_household.pk}/", {"on": ""}).content.decode()
    assert all(m in body for m in ("请选择转往部门", "请选择需求类别", "请填写需求情况", "请填写日期"))
    assert "这个字段是必填项" not in body
    response = clerk.post(f"/referrals/new/{poor_household.pk}/", {
        "department": "housing", "category": "dilapidated", "need": "危房需要改造", "on": "2024-03-04"})
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/referrals/{referral.pk}/"
    # Only the window refers.
    assert client_for(city["approver"]).get(f"/referrals/new/{poor_household.pk}/").status_code == 403
    assert client_for(city["other_clerk"]).get(f"/referrals/new/{poor_household.pk}/").status_code == 404


def test_the_api_answers_with_field_paths(city, liaisons, poor_household):
    clerk = client_for(city["clerk"])
    bad = post_json(clerk, "/api/v1/referrals", {"household": poor_household.pk, "department": "police",
                                                 "need": "", "amount": "1.234", "on": "2024-03-04"})  # fmt: skip
    assert bad.status_code == 422
    assert {e["loc"] for e in bad.json()["detail"]} >= {"department", "need"}
    bad = post_json(clerk, "/api/v1/referrals", {"household": poor_household.pk, "department": "medical",
                                                 "category": "rental", "need": "住院", "amount": "1.234",
                                                 "on": "2024-03-04"})  # fmt: skip
    assert bad.status_code == 422 and {e["loc"] for e in bad.json()["detail"]} == {"category", "amount"}
    made = post_json(clerk, "/api/v1/referrals", {"household": poor_household.pk, "department": "medical",
                                                  "category": "inpatient", "need": "住院自付部分难以承担",
                                                  "amount": "8000.00", "on": "2024-03-04"})  # fmt: skip
    assert made.status_code == 201
    body = made.json()
    assert (body["state"], body["amount"], body["due_on"]) == ("sent", "8000.00", "2024-04-01")
    medical = client_for(liaisons["medical"])
    url = f"/api/v1/referrals/{body['id']}/answer"
    missing = post_json(medical, url, {"outcome": "granted", "answer": "医疗救助", "on": "2024-03-06"})
    assert missing.status_code == 422 and [e["loc"] for e in missing.json()["detail"]] == ["amount"]
    done = post_json(medical, url, {"outcome": "granted", "answer": "医疗救助", "amount": "5600.00",
                                    "on": "2024-03-06"})  # fmt: skip
    assert done.status_code == 200 and (done.json()["state"], done.json()["granted"]) == ("answered", "5600.00")
    assert post_json(medical, url, {"outcome": "service", "answer": "x", "on": "2024-03-06"}).status_code == 409
    assert clerk.get("/api/v1/referrals?state=answered&department=medical").json()["count"] == 1


def test_the_household_page_shows_every_programme_case_and_referral(city, poor_household):
    head = poor_household.members.get(relation="head")
    dibao = case_services.start_precheck(city["clerk"], household=poor_household, programme="dibao", applicant=head,
                                         on=TODAY)  # fmt: skip
    tekun = case_services.start_precheck(city["clerk"], household=poor_household, programme="tekun", applicant=head,
                                         on=TODAY)  # fmt: skip
    referral = refer(city, poor_household)
    for who in ("clerk", "county"):
        page = client_for(city[who]).get(f"/households/{poor_household.pk}/").content.decode()
        cases = page.split('id="case-list"')[1].split("</table>")[0]
        assert f'id="household-case-{dibao.pk}"' in cases and f'id="household-case-{tekun.pk}"' in cases
        assert "最低生活保障" in cases and "特困人员救助供养" in cases
        referrals = page.split('id="referral-list"')[1].split("</table>")[0]
        assert f'id="household-referral-{referral.pk}"' in referrals and "已转介" in referrals
        assert referral.due_on.isoformat() in referrals
        overview = page.split('id="programme-overview"')[1].split("</table>")[0]
        assert {"最低生活保障", "特困人员救助供养", "住建部门（住房救助）"} <= {
            cell.split("</td>")[0] for cell in overview.split("<tr><td>")[1:]}
        # The existing masking rule stands: whole to the window, masked to the county.
        assert (head.id_number in page) == (who == "clerk")


def test_the_pages_speak_english_too(city, liaisons, poor_household):
    referral = refer(city, poor_household)
    client = client_for(city["county"])
    client.cookies["django_language"] = "en"
    page = client.get("/referrals/").content.decode()
    assert "By department and state" in page and 'id="menu-referral-list"' in page
    side = page.split('id="side-menu"')[1].split("</nav>")[0]
    assert "Referrals" in side and "转介" not in side
    options = page.split('id="referral-filter"')[1].split("</form>")[0]
    assert "Overdue, not answered" in options and "已超期未答复" not in options
    assert "Answer due" in client.get(f"/referrals/{referral.pk}/").content.decode()


def test_the_demo_has_referrals_in_every_state(city, poor_household):
    import random

    from safetynet.referrals import demo as referral_demo

    for n in range(6):  # seven households in the township: one referral of each kind in the plan
        demo.make_household(city["clerk"], poor_household.village, random.Random(100 + n), TODAY, size=2, wage_fen=0)
    counts = referral_demo.seed(TODAY, random.Random(2), {"370811001": city["clerk"]}, demo.make_staff,
                                demo.DEMO_PASSWORD, per_township=7)  # fmt: skip
    assert set(counts) == {"sent", "received", "answered", "declined", "withdrawn"}
    assert Referral.objects.filter(state="sent", due_on__lt=TODAY).count() == 1  # one overdue
    assert Staff.objects.filter(role="department", department="housing", area_id="370811").exists()
