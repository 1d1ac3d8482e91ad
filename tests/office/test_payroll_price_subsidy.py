"""The price subsidy counts the persons a case covers, not the household's size."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from safetynet.payments import services
from safetynet.registry.models import Area
from safetynet.site import demo
from tests.office.conftest import TODAY
from tests.office.test_payroll import approved_case, run, township  # noqa: F401 - township is a fixture


def test_a_member_covered_alone_gets_the_subsidy_for_one_person(city, township):  # noqa: F811
    # Urban 任城区, standard 630: the family's 750 a head is not below it but under 1.5 × (945),
    # and the son has a grade-1 physical disability: he alone is covered (单人户), for 630.00.
    household = demo.make_household(city["clerk"], Area.objects.get(code="370811001001"), random.Random(7), TODAY,
                                    size=2, wage_fen=150000)
    household.hukou = "urban"
    household.save(update_fields=["hukou"])
    son = household.members.exclude(relation="head").get()
    son.disability_grade, son.disability_kind = 1, "physical"
    son.save(update_fields=["disability_grade", "disability_kind"])
    case = approved_case(city, household)
    assert case.assessment["dibao"]["single_person_members"] == [son.id_number]
    services.enter_price_index(city["city_admin"], month=date(2024, 4, 1), cpi_yoy=Decimal("3.8"),
                               food_cpi_yoy=Decimal("2.1"))
    april = run(city, township, date(2024, 4, 1))
    # 630 × 3.8 % = 23.94, to the whole yuan 24.00, for the one person covered (not the two).
    assert household.members.count() == 2
    assert april.payments.get(kind="price_subsidy").amount_fen == 2400
    assert april.payments.get(kind="regular").amount_fen == 63000
