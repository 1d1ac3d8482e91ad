"""Charity supermarkets: a household on the rolls is enrolled and takes goods against its monthly
points; beyond the allowance, for a household not on the rolls or not enrolled: refused, nothing
written. The monthly statement balances."""

from __future__ import annotations

from datetime import date

import pytest

from safetynet.charity import selectors
from safetynet.charity.models import StockEntry, Supermarket
from safetynet.charity.services import supermarkets
from safetynet.policy.errors import InputError
from tests.office.charity_fixtures import ON, on_rolls, orgs_fixture, rolled_fixture, unrolled_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(orgs):
    m = Supermarket.objects.create(name="任城区慈善超市", area_id="370811001", operator=orgs["b"],
                                   opened_on=date(2020, 1, 1))
    supermarkets.stock_in(orgs["staff_b"], m, on=date(2024, 3, 1), item="大米 5kg", quantity=20, value_fen=50_000)
    return m


def test_points_beyond_the_monthly_allowance_are_refused(orgs, market, rolled):
    staff, head = orgs["staff_b"], rolled.members.first()
    enrolment = supermarkets.enrol(staff, market, id_number=head.id_number, on=ON)
    assert enrolment.basis == "dibao"
    assert supermarkets.allowance(market, ON) == 100
    supermarkets.give(staff, market, id_number=head.id_number, on=ON, item="大米 5kg", quantity=2, points=60)
    with pytest.raises(InputError) as refused:
        supermarkets.give(staff, market, id_number=head.id_number, on=ON, item="大米 5kg", quantity=2, points=50)
    error = refused.value.errors[0]
    assert error.path == "points"
    assert "每月积分额度 100 分，已用 60 分" in error.message("zh")
    assert StockEntry.objects.filter(kind="given").count() == 1
    # a new month, a new allowance
    supermarkets.give(staff, market, id_number=head.id_number, on=date(2024, 4, 1), item="大米 5kg", quantity=1,
                      points=100)
    # a gift reversed gives its points back
    given = StockEntry.objects.filter(kind="given", on=ON).get()
    supermarkets.reverse(staff, given, on=ON, reason="录错家庭")
    assert supermarkets.points_used(rolled.pk, ON) == 0


def test_a_household_not_on_the_rolls_is_refused(orgs, market, unrolled, rolled):
    staff = orgs["staff_b"]
    number = unrolled.members.first().id_number
    with pytest.raises(InputError) as refused:
        supermarkets.enrol(staff, market, id_number=number, on=ON)
    assert refused.value.errors[0].path == "id_number"
    assert "不在低保、特困、临时救助对象名单中" in refused.value.errors[0].message("zh")
    with pytest.raises(InputError) as unknown:  # a number not in the registry: the same words
        supermarkets.enrol(staff, market, id_number="370811199001010014", on=ON)
    assert unknown.value.errors[0].message("zh") == refused.value.errors[0].message("zh").replace(
        number, "370811199001010014")
    with pytest.raises(InputError) as not_enrolled:
        supermarkets.give(staff, market, id_number=number, on=ON, item="大米 5kg", quantity=1, points=10)
    assert "未在任城区慈善超市登记" in not_enrolled.value.errors[0].message("zh")
    # enrolled while on the rolls, refused once the case has ended
    head = rolled.members.first()
    supermarkets.enrol(staff, market, id_number=head.id_number, on=ON)
    rolled.cases.update(state="terminated")
    with pytest.raises(InputError) as ended:
        supermarkets.give(staff, market, id_number=head.id_number, on=ON, item="大米 5kg", quantity=1, points=10)
    assert "不在低保、特困、临时救助对象名单中" in ended.value.errors[0].message("zh")
    # a temporary help case within the year puts the household back on the rolls
    on_rolls(rolled, programme="temporary", state="paid")
    supermarkets.give(staff, market, id_number=head.id_number, on=ON, item="大米 5kg", quantity=1, points=10)


def test_the_monthly_statement_balances(orgs, market, rolled):
    staff, head = orgs["staff_b"], rolled.members.first()
    supermarkets.enrol(staff, market, id_number=head.id_number, on=ON)
    supermarkets.give(staff, market, id_number=head.id_number, on=ON, item="大米 5kg", quantity=4, points=100)
    supermarkets.stock_in(staff, market, on=ON, item="食用油", quantity=10, value_fen=60_000)
    s = selectors.supermarket_statement(market, date(2024, 3, 1))["summary"]
    assert s["purchased_fen"] == 110_000 and s["given_fen"] == 10_000 and s["points"] == 100
    assert s["opening_fen"] + s["donated_fen"] + s["purchased_fen"] - s["given_fen"] == s["closing_fen"] == 100_000
    assert s["households"] == 1
    april = selectors.supermarket_statement(market, date(2024, 4, 1))["summary"]
    assert april["opening_fen"] == 100_000 == april["closing_fen"]
