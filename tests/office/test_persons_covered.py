"""Persons covered: a household covered as a family counts its members; a member covered alone
(单人户, 低保-2021 Art. 8) counts one, whatever the household's size; tekun counts the person."""

from __future__ import annotations

import random
from datetime import timedelta

from safetynet.cases import services
from safetynet.cases.models import Case, CaseEvent
from safetynet.registry.models import Area
from safetynet.site import demo
from tests.office.conftest import TODAY
from tests.office.test_cases import precheck


def _decide(city, case):
    case = services.accept(city["clerk"], case, version=case.version, on=TODAY)
    case = services.record_home_visit(city["clerk"], case, version=case.version, on=TODAY + timedelta(days=1),
                                      investigators=["甲", "乙"], family_signed=True, findings="属实")
    return services.approve(city["approver"], case, version=case.version, on=TODAY + timedelta(days=2))


def test_a_family_covered_counts_its_members(city, poor_household):
    case = _decide(city, precheck(city, poor_household))
    assert case.persons_covered == 2
    assert CaseEvent.objects.get(case=case, transition="approve").persons_covered == 2


def test_a_member_covered_alone_counts_one_not_the_household(city):
    # Urban 任城区, standard 630: the family's 750 a head is not below it but under 1.5 × (945),
    # and the son has a grade-1 physical disability: he alone is covered, for 630.00.
    household = demo.make_household(city["clerk"], Area.objects.get(code="370811001001"), random.Random(7), TODAY,
                                    size=2, wage_fen=150000)
    household.hukou = "urban"
    household.save(update_fields=["hukou"])
    son = household.members.exclude(relation="head").get()
    son.disability_grade, son.disability_kind = 1, "physical"
    son.save(update_fields=["disability_grade", "disability_kind"])
    case = _decide(city, precheck(city, household))
    assert case.assessment["dibao"]["single_person_members"] == [son.id_number]
    assert household.members.count() == 2
    assert case.persons_covered == 1
    assert case.monthly_amount_fen == 63000
    event = CaseEvent.objects.get(case=case, transition="approve")
    assert (event.persons_covered, event.monthly_amount_fen) == (1, 63000)


def test_tekun_counts_the_person(city):
    # born 1943, alone, no obligor able to support: tekun, one person.
    household = demo.make_household(city["clerk"], Area.objects.get(code="370811001002"), random.Random(1), TODAY,
                                    size=1, wage_fen=0)
    head = household.members.get()
    head.able_obligor = False
    head.save(update_fields=["able_obligor"])
    case = _decide(city, precheck(city, household, programme="tekun"))
    assert case.monthly_amount_fen > 0
    assert Case.objects.get(pk=case.pk).persons_covered == 1
