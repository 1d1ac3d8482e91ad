"""The office floor's fixtures: a small city of real areas, staff of every role, households."""

from __future__ import annotations

import random
from datetime import date

import pytest

from safetynet.site import demo

TODAY = date(2024, 3, 4)  # a Monday, clear of public holidays


@pytest.fixture
def city(db):
    """任城区 (20 working days) with two townships of two villages; 汶上县 (2 working days) with one."""
    demo.build_areas(counties=["370811"], townships=2, villages=2)
    demo.build_areas(counties=["370830"], townships=1, villages=2)
    return {
        "clerk": demo.make_staff("clerk", "clerk", "370811001"),
        "approver": demo.make_staff("approver", "approver", "370811001"),
        "other_clerk": demo.make_staff("other_clerk", "clerk", "370811002"),
        "other_approver": demo.make_staff("other_approver", "approver", "370811002"),
        "county": demo.make_staff("county", "county", "370811"),
        "wenshang_clerk": demo.make_staff("wenshang_clerk", "clerk", "370830001"),
        "wenshang_approver": demo.make_staff("wenshang_approver", "approver", "370830001"),
        "city_admin": demo.make_staff("city_admin", "city", "3708"),
        "verifier": demo.make_staff("verifier", "verifier", "370811"),
        "auditor": demo.make_staff("auditor", "auditor", "3708"),
        "county_approver": demo.make_staff("county_approver", "county_approver", "370811"),
        "medical": demo.make_staff("medical", "department", "370811", department="medical"),
        # a social organisation's staff (its unified social credit code, check character included)
        "organisation": demo.make_staff("organisation", "organisation", "3708", unit="53370800MJF300100R"),
        "funeral_home": demo.make_staff("funeral_home", "funeral_home", "370811", unit="FH-TEST"),  # its home's code
    }


@pytest.fixture
def poor_household(city):
    """A household of two in 任城区 village 370811001001 with no income: eligible for dibao."""
    from safetynet.registry.models import Area

    return demo.make_household(city["clerk"], Area.objects.get(code="370811001001"), random.Random(1), TODAY,
                               size=2, wage_fen=0)


@pytest.fixture
def other_household(city):
    from safetynet.registry.models import Area

    return demo.make_household(city["other_clerk"], Area.objects.get(code="370811002001"), random.Random(2), TODAY,
                               size=1, wage_fen=0)
