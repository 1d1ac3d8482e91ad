"""Area isolation: a user of one township cannot read, list, count or change another's
households and cases, by page, by API or by search. Every endpoint, every outside role."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from safetynet.cases import services
from safetynet.supervision.models import AccessLog, AuditEvent
from tests.office.conftest import TODAY

OUTSIDERS = ["other_clerk", "other_approver", "wenshang_clerk", "wenshang_approver"]


@pytest.fixture
def target(city, poor_household):
    head = poor_household.members.get(relation="head")
    case = services.start_precheck(city["clerk"], household=poor_household, programme="dibao", applicant=head, on=TODAY)
    case = services.accept(city["clerk"], case, version=case.version, on=TODAY)
    case = services.record_home_visit(city["clerk"], case, version=case.version, on=TODAY, investigators=["甲", "乙"],
                                      family_signed=True, findings="属实")
    case = services.approve(city["approver"], case, version=case.version, on=TODAY + timedelta(days=1))
    return {"household": poor_household, "case": case, "head": head}


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def reads(target):
    h, c = target["household"].pk, target["case"].pk
    return [
        ("get", f"/households/{h}/"), ("get", f"/cases/{c}/"), ("get", f"/cases/{c}/decision/"),
        ("get", f"/api/v1/households/{h}"), ("get", f"/api/v1/cases/{c}"),
        ("get", f"/notices/village/{target['household'].village_id}/"),
    ]


def writes(target):
    h, c = target["household"].pk, target["case"].pk
    return [
        ("post", f"/households/{h}/authorize/", {"document": "X", "signed_on": "2024-03-05"}),
        ("post", f"/households/{h}/apply/", {"programme": "tekun", "applicant": target["head"].pk, "on": "2024-03-05"}),
        ("post", f"/cases/{c}/steps/object/", {"version": target["case"].version, "on": "2024-03-06", "text": "x"}),
    ]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_open_anything_by_url(city, target, who):
    c = client_for(city[who])
    for _, url in reads(target):
        assert c.get(url).status_code == 404, url


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_change_anything(city, target, who):
    c = client_for(city[who])
    events_before = target["case"].events.count()
    for _, url, data in writes(target):
        assert c.post(url, data).status_code == 404, url
    api = c.post(f"/api/v1/cases/{target['case'].pk}/steps/object", json.dumps(
        {"version": target["case"].version, "on": "2024-03-06", "text": "x"}), content_type="application/json")
    assert api.status_code == 404
    api = c.post("/api/v1/cases", json.dumps({"household": target["household"].pk, "programme": "tekun",
                                               "applicant": target["head"].pk, "on": "2024-03-06"}),
                 content_type="application/json")
    assert api.status_code == 404
    assert target["case"].events.count() == events_before


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_find_list_or_count_it(city, target, who):
    c = client_for(city[who])
    name, number = target["head"].name, target["head"].id_number
    for q in (name, number, number[-4:]):
        assert f'href="/households/{target["household"].pk}/"' not in c.get("/households/", {"q": q}).content.decode()
        assert c.get("/api/v1/households", {"q": q}).json()["count"] == 0
    assert all(r["id"] != target["case"].pk for r in c.get("/api/v1/cases").json()["results"])
    desk = c.get("/desk/").content.decode()
    assert f'href="/cases/{target["case"].pk}/"' not in desk
    assert f'/cases/{target["case"].pk}/' not in c.get("/deadlines/").content.decode()
    deadlines = c.get("/api/v1/deadlines").json()
    assert all(r["id"] != target["case"].pk for r in deadlines["overdue"] + deadlines["due_soon"])


def test_insiders_and_those_above_can_read(city, target):
    for who in ("clerk", "approver", "county", "city_admin", "auditor", "verifier"):
        c = client_for(city[who])
        for _, url in reads(target):
            assert c.get(url).status_code == 200, (who, url)


def test_readers_above_the_township_see_masked_id_numbers(city, target):
    number = target["head"].id_number
    assert number in client_for(city["clerk"]).get(f"/cases/{target['case'].pk}/").content.decode()
    for who in ("county", "city_admin", "auditor"):
        page = client_for(city[who]).get(f"/cases/{target['case'].pk}/").content.decode()
        assert number not in page and f"{number[:6]}********{number[-4:]}" in page
        assert client_for(city[who]).get(f"/api/v1/cases/{target['case'].pk}").json()["applicant_id_number"] != number


def test_the_auditor_reads_but_cannot_write(city, target):
    c = client_for(city["auditor"])
    r = c.post(f"/api/v1/cases/{target['case'].pk}/steps/object", json.dumps(
        {"version": target["case"].version, "on": "2024-03-06", "text": "x"}), content_type="application/json")
    assert r.status_code == 403
    assert "审计人员" in r.json()["detail"][0]["msg"]


def test_a_user_without_a_role_sees_nothing_and_anonymous_is_sent_to_login(city, target, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x-long-password")
    c = client_for(nobody)
    for _, url in reads(target):
        assert c.get(url).status_code == 404
    anonymous = Client()
    assert anonymous.get(f"/cases/{target['case'].pk}/").status_code == 302
    assert anonymous.get(f"/api/v1/cases/{target['case'].pk}").status_code == 401


def test_every_view_of_personal_data_is_logged_without_touching_the_audit_chain(city, target):
    events = AuditEvent.objects.count()
    c = client_for(city["county"])
    c.get(f"/households/{target['household'].pk}/")
    c.get(f"/api/v1/cases/{target['case'].pk}")
    views = AccessLog.objects.filter(purpose="view").order_by("-id")[:2]
    assert [(v.actor_name, v.object_type, v.full_id) for v in views] == [("county", "case", False),
                                                                         ("county", "household", False)]
    assert AuditEvent.objects.count() == events  # reading writes nothing to the chain (no global lock)


@pytest.mark.parametrize("url", ["/api/v1/cases", "/api/v1/households?q=1"])
def test_a_huge_page_number_is_an_empty_page_not_an_error(city, url):
    client = Client()
    client.force_login(city["clerk"])
    sep = "&" if "?" in url else "?"
    response = client.get(f"{url}{sep}page=99999999999999999999")
    assert response.status_code in (200, 422)
    if response.status_code == 200:
        assert response.json()["results"] == []


def test_a_department_liaison_opens_only_its_referrals(city, target):
    """Another department's liaison (医保) works on the referrals sent to it: its desk is the
    referral list; the payroll, the figures, the registry and the cases are refused, by page and
    by API token (the payroll roster shows names and amounts it has no need of)."""
    from safetynet.payments.services import run_payroll
    from safetynet.registry.models import Area
    from safetynet.site import accounts

    run = run_payroll(city["approver"], month=TODAY.replace(day=1), township=Area.objects.get(code="370811001"),
                      programme="dibao")  # fmt: skip
    liaison = client_for(city["medical"])
    assert liaison.get("/desk/").url.startswith("/referrals/")
    assert liaison.get("/referrals/").status_code == 200
    for path in ("/payroll/", f"/payroll/{run.pk}/", "/reports/", "/households/", f"/cases/{target['case'].pk}/",
                 "/temporary/", "/funds/", "/tasks/", "/deadlines/", "/notices/"):
        page = liaison.get(path)
        assert page.status_code == 403, (path, page.status_code)
        assert "协办部门人员只能办理本部门的转介" in page.content.decode()
    _, key = accounts.create_token(city["medical"], city["medical"], "医保接口")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert Client().get("/api/v1/referrals", **bearer).status_code == 200
    assert Client().get("/api/v1/payrolls", **bearer).json() == []  # the township's run exists: none is the liaison's
    assert Client().get(f"/api/v1/payrolls/{run.pk}/lines", **bearer).status_code == 404
    assert Client().get(f"/api/v1/cases/{target['case'].pk}", **bearer).status_code == 404
