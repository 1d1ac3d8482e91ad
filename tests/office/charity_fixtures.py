"""Fixtures of the charity tests: two organisations (each with a login of its own), a household
on the rolls (an approved dibao case) and one off them. Imported by tests/office/test_charity*.py."""

from __future__ import annotations

import random
from datetime import date

import pytest

from safetynet.cases.models import Case
from safetynet.charity.models import Organisation
from safetynet.policy import creditcode
from safetynet.registry.models import Area
from safetynet.site import demo

ON = date(2024, 3, 4)
CODE_A = creditcode.make("51370800MJD574049")  # a social group registered by the city
CODE_B = creditcode.make("52370811MJE100200")  # a social service body of 任城区


@pytest.fixture(name="orgs")
def orgs_fixture(city):
    a = Organisation.objects.create(code=CODE_A, name="济宁市慈善总会", kind="social_group", authority="济宁市民政局",
                                    area_id="3708", registered_on=date(2010, 5, 1))
    b = Organisation.objects.create(code=CODE_B, name="任城区阳光社工服务中心", kind="social_service",
                                    authority="任城区民政局", area_id="370811", registered_on=date(2018, 3, 1))
    return {"a": a, "b": b, "staff_a": demo.make_staff("org_a", "organisation", "3708", unit=CODE_A),
            "staff_b": demo.make_staff("org_b", "organisation", "3708", unit=CODE_B)}


def on_rolls(household, programme: str = "dibao", state: str = "approved") -> Case:
    return Case.objects.create(programme=programme, household=household, applicant=household.members.first(),
                               area_code=household.village_id, state=state, opened_on=date(2024, 1, 5),
                               decided_on=date(2024, 2, 1))


@pytest.fixture(name="rolled")
def rolled_fixture(city):
    """A household of two on dibao in 370811001001."""
    h = demo.make_household(city["clerk"], Area.objects.get(code="370811001001"), random.Random(11), ON, size=2,
                            wage_fen=0)
    on_rolls(h)
    return h


@pytest.fixture(name="unrolled")
def unrolled_fixture(city):
    return demo.make_household(city["clerk"], Area.objects.get(code="370811001002"), random.Random(12), ON, size=1,
                               wage_fen=0)
