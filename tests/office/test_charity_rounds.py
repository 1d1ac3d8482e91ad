"""A venture-philanthropy round through the API: the bureau opens it, organisations apply (their
own name only), judges score, the bureau funds within the budget (the funded project is created)
or declines; incubation bases registered by the bureau only."""

from __future__ import annotations

import pytest
from django.test import Client

from safetynet.charity.models import Application, Project
from safetynet.supervision.models import AuditEvent
from tests.office.charity_fixtures import orgs_fixture  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(client, url, body):
    return client.post(url, data=body, content_type="application/json")


def test_a_round_from_application_to_funded_project(city, orgs):
    bureau, a, b = client_for(city["city_admin"]), client_for(orgs["staff_a"]), client_for(orgs["staff_b"])
    made = post(bureau, "/api/v1/charity/rounds", {"name": "福彩帮", "year": 2024, "budget": "1000.00",
                                                   "closes_on": "2024-03-31"})
    assert made.status_code == 201
    rnd = made.json()["id"]
    assert post(a, "/api/v1/charity/rounds", {"name": "x", "year": 2024, "budget": "1.00",
                                              "closes_on": "2024-03-31"}).status_code == 403
    # an organisation applies in its own name only
    other = post(a, f"/api/v1/charity/rounds/{rnd}/applications",
                 {"organisation": orgs["b"].pk, "title": "冒名", "requested": "10.00"})
    assert other.status_code == 404
    app_a = post(a, f"/api/v1/charity/rounds/{rnd}/applications",
                 {"organisation": orgs["a"].pk, "title": "助餐", "requested": "800.00"})
    app_b = post(b, f"/api/v1/charity/rounds/{rnd}/applications",
                 {"organisation": orgs["b"].pk, "title": "助学", "requested": "500.00"})
    # the round closed on 2024-03-31: today is later, so applications are refused
    assert app_a.status_code == 422 and app_a.json()["detail"][0]["loc"] == "on"
    assert "已于 2024-03-31 截止申报" in app_a.json()["detail"][0]["msg"]
    assert app_b.status_code == 422
    made = post(bureau, "/api/v1/charity/rounds", {"name": "福彩帮（第二轮）", "year": 2099, "budget": "1000.00",
                                                   "closes_on": "2099-12-31"})
    rnd = made.json()["id"]
    app_a = post(a, f"/api/v1/charity/rounds/{rnd}/applications",
                 {"organisation": orgs["a"].pk, "title": "助餐", "requested": "800.00"}).json()["id"]
    app_b = post(b, f"/api/v1/charity/rounds/{rnd}/applications",
                 {"organisation": orgs["b"].pk, "title": "助学", "requested": "500.00"}).json()["id"]
    assert post(a, f"/api/v1/charity/applications/{app_b}/scores", {"points": 90}).status_code == 404
    assert post(bureau, f"/api/v1/charity/applications/{app_a}/scores", {"points": 101}).status_code == 422
    assert post(bureau, f"/api/v1/charity/applications/{app_a}/scores", {"points": 92}).status_code == 201
    decision = {"funded": "800.00", "area": "3708", "starts_on": "2024-04-01", "ends_on": "2024-12-31"}
    funded = post(bureau, f"/api/v1/charity/applications/{app_a}/decision", decision)
    assert funded.status_code == 201 and funded.json()["status"] == "funded"
    over = post(bureau, f"/api/v1/charity/applications/{app_b}/decision", {**decision, "funded": "300.00"})
    assert over.status_code == 422 and "已资助 800.00 元" in over.json()["detail"][0]["msg"]
    project = Project.objects.get(pk=funded.json()["project"])
    assert project.organisation == orgs["a"] and project.budget_fen == 80_000 and project.round_id == rnd
    assert Application.objects.get(pk=app_a).status == "funded"
    assert AuditEvent.objects.filter(action="charity.decide").count() == 1
    listed = a.get("/api/v1/charity/rounds").json()
    assert [x["title"] for r in listed for x in r["applications"]] == ["助餐"]  # not the other's


def test_incubation_bases_are_registered_by_the_bureau(city, orgs):
    body = {"name": "任城区社会组织孵化基地", "area": "370811", "opened_on": "2020-01-01"}
    assert post(client_for(orgs["staff_a"]), "/api/v1/charity/bases", body).status_code == 403
    assert post(client_for(city["county"]), "/api/v1/charity/bases", body).status_code == 201
    bad = post(client_for(city["county"]), "/api/v1/charity/bases", {**body, "area": "999999"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == "area"


def test_a_round_on_the_pages(city, orgs):
    from datetime import date

    from safetynet.charity.models import Round

    bureau, a = client_for(city["city_admin"]), client_for(orgs["staff_a"])
    assert 'id="round-new"' in bureau.get("/charity/rounds/").content.decode()
    assert 'id="round-new"' not in a.get("/charity/rounds/").content.decode()
    made = bureau.post("/charity/rounds/new/", {"name": "福彩帮", "year": "2099", "budget": "500.00",
                                                "closes_on": "2099-12-31"})
    assert made.status_code == 302
    rnd = Round.objects.get()
    assert rnd.budget_fen == 50_000 and rnd.closes_on == date(2099, 12, 31)
    page = a.get(f"/charity/rounds/{rnd.pk}/apply/").content.decode()
    assert "任城区阳光社工服务中心" not in page  # only its own organisation to choose
    bad = a.post(f"/charity/rounds/{rnd.pk}/apply/", {"organisation": orgs["a"].pk, "title": "助餐",
                                                       "requested": "abc"}).content.decode()
    assert 'id="requested-error"' in bad and 'value="助餐"' in bad
    assert a.post(f"/charity/rounds/{rnd.pk}/apply/", {"organisation": orgs["a"].pk, "title": "助餐",
                                                        "requested": "400.00"}).status_code == 302
    app = Application.objects.get()
    assert bureau.post(f"/charity/applications/{app.pk}/score/", {"points": "91"}).status_code == 302
    decision = {"funded": "600.00", "area": "3708", "starts_on": "2099-01-01", "ends_on": "2099-12-31",
                "step": "confirmed"}
    over = bureau.post(f"/charity/applications/{app.pk}/decide/", decision).content.decode()
    assert 'id="funded-error"' in over and "资助总额 500.00 元" in over
    confirm = bureau.post(f"/charity/applications/{app.pk}/decide/", {**decision, "funded": "400.00",
                                                                       "step": ""}).content.decode()
    assert 'id="confirm-form"' in confirm
    assert bureau.post(f"/charity/applications/{app.pk}/decide/", {**decision, "funded": "400.00"}).status_code == 302
    app.refresh_from_db()
    assert app.status == "funded" and app.project.budget_fen == 40_000
    assert a.post(f"/charity/applications/{app.pk}/score/", {"points": "99"}).status_code == 200  # refused on the form
    assert app.scores.get().points == 91
