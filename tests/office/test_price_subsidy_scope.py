"""Who gets the price subsidy is a dated rule: dibao and tekun (价格-2016), and from 2021 orphans and
de-facto unsupported children (POLICY.md §7). A programme outside the scope of the month gets none."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from safetynet.cases import services as cases
from safetynet.payments import services as payments
from safetynet.policy import price_subsidy
from safetynet.registry.models import Area
from tests.office.test_children import TOWNSHIP, _child_case, step


def test_children_join_the_scope_in_2021_and_temporary_help_never():
    assert not price_subsidy.covers("orphan", date(2020, 12, 1))
    assert price_subsidy.covers("orphan", date(2021, 1, 1))
    assert price_subsidy.covers("unsupported_child", date(2021, 1, 1))
    assert price_subsidy.covers("dibao", date(2020, 12, 1)) and price_subsidy.covers("tekun", date(2016, 8, 1))
    assert not price_subsidy.covers("temporary", date(2024, 4, 1))
    assert not price_subsidy.covers("education_aid", date(2024, 4, 1))


def test_an_orphan_is_paid_the_subsidy_of_a_triggering_month(city, poor_household):
    township = Area.objects.get(code=TOWNSHIP)
    case = _child_case(city, poor_household, father="dead", mother="dead", born=date(2014, 5, 1))
    case = cases.record_home_visit(city["clerk"], case, version=case.version, on=date(2024, 3, 5),
                                   investigators=["张调查", "李调查"], family_signed=True, findings="父母双亡")
    case = step(city["approver"], case, "submit_child", date(2024, 3, 6), opinion="属实")
    case = step(city["county_approver"], case, "county_approve_child", date(2024, 3, 7))
    payments.enter_price_index(city["city_admin"], month=date(2024, 4, 1), cpi_yoy=Decimal("3.8"),
                               food_cpi_yoy=Decimal("2.1"))
    april = payments.run_payroll(city["city_admin"], month=date(2024, 4, 1), township=township, programme="orphan")
    lines = {p.kind: p.amount_fen for p in april.payments.filter(case=case)}
    # The child's local dibao standard (任城区 2024, urban 630 yuan) × 3.8 % = 23.94, to the whole yuan 24, one person.
    assert poor_household.hukou == "urban"
    assert lines == {"regular": 110_000, "price_subsidy": 2400}
