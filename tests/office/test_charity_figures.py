"""The figures are the sums of the entries, on the page, in the API; a household's charity help
for the all-help panel, scoped to the reader."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from safetynet.charity import figures, selectors
from safetynet.charity.models import DonationEntry, IncubationBase, Project, Round, Supermarket
from safetynet.charity.services import donations, organisations, supermarkets
from tests.office.charity_fixtures import ON, orgs_fixture, rolled_fixture  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(city, orgs, rolled):
    a, b, sa, sb = orgs["a"], orgs["b"], orgs["staff_a"], orgs["staff_b"]
    base = IncubationBase.objects.create(name="济宁市社会组织孵化基地", area_id="3708", opened_on=date(2019, 1, 1))
    b.incubation_base = base
    b.save()
    pa = organisations.create_project(sa, a, name="情暖万家", kind="charity", target_group="困难家庭", area_code="3708",
                                      budget_fen=1_000_000, starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31))
    pb = organisations.create_project(sb, b, name="社工入户", kind="social_work", target_group="特困老人",
                                      area_code="370811", budget_fen=200_000, starts_on=date(2024, 1, 1),
                                      ends_on=date(2024, 12, 31))
    head = rolled.members.first()
    organisations.record_delivery(sa, pa, on=ON, description="米面油", recipients=[head.id_number], value_fen=20_000,
                                  anonymous_persons=30, staff_times=4, staff_hours="6.5", volunteer_times=10,
                                  volunteer_hours="20")
    organisations.record_delivery(sb, pb, on=ON, description="探访", recipients=[head.id_number], staff_times=2,
                                  staff_hours="3")
    g1 = donations.receive(sa, a, donor="甲企业", on=ON, amount_fen=500_000, purpose="living")
    g2 = donations.receive(sb, b, donor="乙", on=ON, amount_fen=80_000, goods="棉被 40 床")
    donations.spend(sa, a, receipt=g1.receipt, on=ON, amount_fen=120_000, purpose="living", project=pa)
    wrong = donations.spend(sb, b, receipt=g2.receipt, on=ON, amount_fen=10_000, purpose="other", household=rolled)
    donations.reverse(sb, wrong, on=ON, reason="误录")
    market = Supermarket.objects.create(name="任城区慈善超市", area_id="370811001", operator=b,
                                        opened_on=date(2020, 1, 1))
    supermarkets.stock_in(sb, market, on=ON, item="大米", quantity=10, value_fen=30_000)
    supermarkets.enrol(sb, market, id_number=head.id_number, on=ON)
    supermarkets.give(sb, market, id_number=head.id_number, on=ON, item="大米", quantity=2, points=60)
    rnd = organisations.create_round(city["city_admin"], name="2024 福彩帮公益创投", year=2024, budget_fen=300_000,
                                     closes_on=date(2024, 2, 1))
    app = organisations.apply(sb, rnd, b, title="老人助餐", requested_fen=100_000, on=date(2024, 1, 20))
    organisations.score(city["city_admin"], app, points=88)
    organisations.decide(city["city_admin"], app, funded_fen=90_000, area_code="370811", starts_on=date(2024, 3, 1),
                         ends_on=date(2024, 12, 31), target_group="高龄老人")
    return {"pa": pa, "pb": pb, "market": market, "round": rnd}


def test_the_figures_are_the_sums_of_the_entries(city, activity, orgs):
    fig = figures.figures(city["city_admin"], date(2024, 1, 1), date(2024, 12, 31))
    entries = DonationEntry.objects.all()
    received = sum(e.amount_fen for e in entries if e.kind == "received")
    spent = -sum(e.amount_fen for e in entries if e.kind == "spent") - sum(
        e.amount_fen for e in entries if e.kind == "reversal" and e.donation_id)
    assert fig["donation_total"]["received_fen"] == received == 580_000
    assert fig["donation_total"]["spent_fen"] == spent == 120_000
    assert fig["donation_total"]["goods_fen"] == 80_000
    charity, social = fig["programmes"]
    assert charity["delivered_fen"] == 20_000 and charity["donations_fen"] == 120_000
    assert charity["person_times"] == 31 and charity["households"] == 1
    assert charity["staff_hours"] == Decimal("6.5") and charity["volunteer_times"] == 10
    assert social["projects"] == 1 and social["staff_times"] == 2
    assert fig["programme_total"]["projects"] == Project.objects.count() == 3  # the funded round's project too
    assert fig["supermarket"] == {"supermarkets": 1, "households": 1, "given_fen": 6_000, "points": 60,
                                  "received_fen": 30_000}
    assert {o["kind"]: o["count"] for o in fig["organisations"]} == {"social_group": 1, "social_service": 1,
                                                                      "foundation": 0}
    assert fig["incubation"] == {"bases": 1, "organisations": 1}
    (r,) = fig["rounds"]
    assert (r["applications"], r["funded"], r["funded_fen"]) == (1, 1, 90_000)
    # the API says the same
    client = Client()
    client.force_login(city["city_admin"])
    api = client.get("/api/v1/charity/figures?start=2024-01-01&end=2024-12-31").json()
    assert api["donation_total"] == {"received": "5800.00", "spent": "1200.00", "goods": "800.00"}
    assert api["supermarket"]["households"] == 1
    page = client.get("/charity/figures/?from=2024-01-01&to=2024-12-31").content.decode()
    assert 'id="received-total">5,800.00' in page or 'id="received-total">5800.00' in page
    assert client.get("/charity/figures.xlsx?from=2024-01-01&to=2024-12-31").status_code == 200


def test_an_organisation_sees_only_its_own_figures(city, activity, orgs):
    fig = figures.figures(orgs["staff_a"], date(2024, 1, 1), date(2024, 12, 31))
    assert fig["donation_total"]["received_fen"] == 500_000
    assert fig["supermarket"]["supermarkets"] == 0 and fig["organisation_total"] == 1
    assert [r["applications"] for r in fig["rounds"]] == [0]


def test_household_help_lists_charity_for_readers_of_the_household_only(city, activity, rolled):
    rows = selectors.household_help(city["clerk"], rolled)
    sources = sorted(r["source"] for r in rows)
    assert sources == ["慈善超市", "慈善项目", "社工服务"]  # the reversed donation is not there
    market = next(r for r in rows if r["source"] == "慈善超市")
    assert market["amount_fen"] == 6_000 and market["on"] == ON and "60 积分" in market["description"]
    assert next(r for r in rows if r["source"] == "社工服务")["amount_fen"] is None
    assert selectors.household_help(city["other_clerk"], rolled) == []  # another township
    assert Round.objects.count() == 1
