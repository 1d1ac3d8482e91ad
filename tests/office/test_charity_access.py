"""Who sees what: an organisation's staff see and enter only their own organisation's records
(another's is 404 on pages and API, and absent from their lists); the bureau sees all; the
office's other roles nothing. Pages: error summary, messages beside their fields, nothing typed
lost, a confirmation before an entry to the book; the API names the field of a refusal."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from safetynet.charity.models import DonationEntry, Project, Supermarket
from safetynet.charity.services import donations
from safetynet.policy import creditcode
from safetynet.supervision.models import AuditEvent
from tests.office.charity_fixtures import ON, orgs_fixture, rolled_fixture  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def records(orgs):
    pa = Project.objects.create(organisation=orgs["a"], name="甲项目", target_group="困难群众", area_id="3708",
                                budget_fen=100, starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31))
    pb = Project.objects.create(organisation=orgs["b"], name="乙项目", target_group="困难群众", area_id="370811",
                                budget_fen=100, starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31))
    ma = Supermarket.objects.create(name="甲超市", area_id="370811001", operator=orgs["a"], opened_on=date(2020, 1, 1))
    mb = Supermarket.objects.create(name="乙超市", area_id="370811002", operator=orgs["b"], opened_on=date(2020, 1, 1))
    gift_b = donations.receive(orgs["staff_b"], orgs["b"], donor="乙的捐赠人", on=ON, amount_fen=1000)
    return {"pa": pa, "pb": pb, "ma": ma, "mb": mb, "gift_b": gift_b}


def test_an_organisation_cannot_see_another_organisations_records(orgs, records):
    a = client_for(orgs["staff_a"])
    b, pb, mb = orgs["b"], records["pb"], records["mb"]
    for url in (f"/charity/organisations/{b.pk}/", f"/charity/projects/{pb.pk}/",
                f"/charity/organisations/{b.pk}/statement/", f"/charity/organisations/{b.pk}/statement.xlsx",
                f"/charity/supermarkets/{mb.pk}/", f"/charity/projects/{pb.pk}/deliveries/new/",
                f"/charity/organisations/{b.pk}/receive/",
                f"/charity/organisations/{b.pk}/entries/{records['gift_b'].pk}/reverse/",
                f"/api/v1/charity/organisations/{b.pk}", f"/api/v1/charity/projects/{pb.pk}",
                f"/api/v1/charity/organisations/{b.pk}/statement"):
        assert a.get(url).status_code == 404, url
    desk = a.get("/charity/").content.decode()
    assert "甲项目" in desk and "乙项目" not in desk and "甲超市" in desk and "乙超市" not in desk
    assert "任城区阳光社工服务中心" not in desk
    assert [p["name"] for p in a.get("/api/v1/charity/projects").json()] == ["甲项目"]
    assert [o["code"] for o in a.get("/api/v1/charity/organisations").json()] == [orgs["a"].code]
    assert [m["name"] for m in a.get("/api/v1/charity/supermarkets").json()] == ["甲超市"]
    # nor write to it
    answer = a.post(f"/api/v1/charity/organisations/{b.pk}/donations",
                    data={"donor": "x", "on": "2024-03-04", "amount": "1.00"}, content_type="application/json")
    assert answer.status_code == 404
    assert DonationEntry.objects.filter(organisation=b).count() == 1


def test_the_bureau_sees_all_and_the_county_its_own(city, orgs, records):
    city_admin = client_for(city["city_admin"])
    names = {p["name"] for p in city_admin.get("/api/v1/charity/projects").json()}
    assert names == {"甲项目", "乙项目"}
    wenshang = client_for(city["county"])  # 任城区's county staff: 乙 (registered in 任城区) and its projects
    assert {o["name"] for o in wenshang.get("/api/v1/charity/organisations").json()} == {"任城区阳光社工服务中心"}
    assert client_for(city["clerk"]).get("/charity/").status_code == 403
    assert client_for(city["clerk"]).get("/api/v1/charity/projects").status_code == 403


def test_the_desk_of_an_organisation_is_charity(orgs):
    a = client_for(orgs["staff_a"])
    assert a.get("/desk/").url == "/charity/"
    assert a.get("/households/").status_code == 403


def test_receiving_a_gift_asks_first_and_keeps_what_was_typed(orgs):
    a, org = client_for(orgs["staff_a"]), orgs["a"]
    url = f"/charity/organisations/{org.pk}/receive/"
    bad = a.post(url, {"donor": "张三", "on": "2024-03-04", "amount": "12.345", "purpose": "study"})
    page = bad.content.decode()
    assert 'class="error-summary"' in page and 'id="amount-error"' in page
    assert 'value="张三"' in page  # nothing typed lost
    form = {"donor": "张三", "on": "2024-03-04", "amount": "1,200.50", "purpose": "study"}
    confirm = a.post(url, form).content.decode()
    assert 'id="confirm-form"' in confirm and "不能修改或删除" in confirm
    assert not DonationEntry.objects.exists()
    done = a.post(url, {**form, "step": "confirmed"})
    assert done.status_code == 302
    gift = DonationEntry.objects.get()
    assert gift.amount_fen == 120_050 and gift.receipt == "2024-000001" and gift.purpose == "study"
    assert AuditEvent.objects.filter(action="donation.receive", object_id=str(gift.pk)).exists()
    statement = a.get(done.url).content.decode()
    assert "2024-000001" in statement
    assert "1,200.50" in statement or "1200.50" in statement


def test_a_restricted_gift_spent_elsewhere_is_refused_beside_the_purpose(orgs, records, rolled):
    b, org = client_for(orgs["staff_b"]), orgs["b"]
    gift = donations.receive(orgs["staff_b"], org, donor="某企业", on=ON, amount_fen=50_000, purpose="study")
    answer = b.post(f"/charity/organisations/{org.pk}/spend/",
                    {"receipt": gift.receipt, "on": "2024-03-05", "amount": "100.00", "purpose": "medical",
                     "project": records["pb"].pk, "step": "confirmed"})
    page = answer.content.decode()
    assert 'id="purpose-error"' in page and "限定用于“助学”" in page
    api = b.post(f"/api/v1/charity/organisations/{org.pk}/spendings",
                 data=json.dumps({"receipt": gift.receipt, "on": "2024-03-05", "amount": "100.00",
                                  "purpose": "medical", "project": records["pb"].pk}),
                 content_type="application/json")
    assert api.status_code == 422
    assert api.json()["detail"][0]["loc"] == "purpose"


def test_registering_an_organisation_names_a_wrong_check_character(city):
    admin = client_for(city["city_admin"])
    code = creditcode.make("51370800MJD574049")
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    page = admin.post("/charity/organisations/new/", {
        "code": wrong, "name": "某协会", "kind": "social_group", "authority": "济宁市民政局", "area": "3708",
        "registered_on": "2020-01-01"}).content.decode()
    assert 'id="code-error"' in page and "第 18 位校验码错误" in page
    api = admin.post("/api/v1/charity/organisations", data={
        "code": wrong, "name": "某协会", "kind": "social_group", "authority": "济宁市民政局", "area": "3708",
        "registered_on": "2020-01-01"}, content_type="application/json")
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == "code"
    ok = admin.post("/api/v1/charity/organisations", data={
        "code": code, "name": "某协会", "kind": "social_group", "authority": "济宁市民政局", "area": "3708",
        "registered_on": "2020-01-01"}, content_type="application/json")
    assert ok.status_code == 201


def test_every_page_of_the_organisation_opens(orgs, records, rolled):
    a, org, pa, ma = client_for(orgs["staff_a"]), orgs["a"], records["pa"], records["ma"]
    for url in ("/charity/", f"/charity/organisations/{org.pk}/", f"/charity/projects/{pa.pk}/",
                f"/charity/projects/{pa.pk}/deliveries/new/", f"/charity/organisations/{org.pk}/spend/",
                f"/charity/organisations/{org.pk}/statement/?month=2024-03", f"/charity/supermarkets/{ma.pk}/",
                f"/charity/supermarkets/{ma.pk}/give/", f"/charity/supermarkets/{ma.pk}/enrol/",
                f"/charity/supermarkets/{ma.pk}/stock/", "/charity/figures/", "/charity/rounds/",
                f"/charity/supermarkets/{ma.pk}/statement.xlsx?month=2024-03", "/charity/figures.xlsx"):
        assert a.get(url).status_code == 200, url
    assert a.get(f"/charity/organisations/{org.pk}/statement/?month=2024-13").status_code == 200
    assert "月份应为 YYYY-MM" in a.get(f"/charity/organisations/{org.pk}/statement/?month=2024-13").content.decode()


def test_a_delivery_names_the_wrong_recipient_row(orgs, records, rolled, city):
    a, pa = client_for(orgs["staff_a"]), records["pa"]
    head = rolled.members.first()
    form = {"on": "2024-03-04", "description": "送米面油", "value": "80.00", "staff_times": "2", "staff_hours": "3.5",
            "recipients-TOTAL_FORMS": "3", "recipients-INITIAL_FORMS": "0", "recipients-MIN_NUM_FORMS": "0",
            "recipients-MAX_NUM_FORMS": "200", "recipients-0-id_number": head.id_number,
            "recipients-1-id_number": "370811198001010000", "step": "confirmed"}
    page = a.post(f"/charity/projects/{pa.pk}/deliveries/new/", form).content.decode()
    assert "身份证号码" in page and head.id_number in page  # the good row kept
    assert not pa.deliveries.exists()
    form["recipients-1-id_number"] = ""
    assert a.post(f"/charity/projects/{pa.pk}/deliveries/new/", form).status_code == 302
    d = pa.deliveries.get()
    assert d.household_id == rolled.pk and d.value_fen == 8000 and d.staff_times == 2


def test_the_pages_in_english(orgs, records):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(orgs["staff_a"])
    client.cookies["django_language"] = "en"
    org = orgs["a"]
    page = client.get(f"/charity/organisations/{org.pk}/statement/?month=2024-03").content.decode()
    assert "Monthly donations statement" in page and "Opening balance (yuan)" in page
    form = client.get(f"/charity/organisations/{org.pk}/receive/").content.decode()
    assert "Restricted purpose" in form and "Donor" in form
    assert "Charity projects and social work" in client.get("/charity/figures/").content.decode()
