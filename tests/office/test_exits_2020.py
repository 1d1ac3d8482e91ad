"""2020's rules, as dated rules of the services: every time limit held from 2020-07-01 on 2020's
real calendar; the epidemic's pause of dibao exits and the graduated exit extended to the end of
2020 for the registered poor, both ending with 2020 (POLICY.md §3, seed; ``policy.exits``)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from safetynet.cases import services
from safetynet.cases.models import State
from safetynet.policy.errors import InputError
from safetynet.registry import services as registry
from safetynet.registry.models import Area
from safetynet.site import demo


@pytest.fixture
def on_2020(settings):
    """The office's one clock at a day of 2020 (``web.clock``), moved by the test as it goes."""

    def at(day: date) -> date:
        settings.SAFETYNET_TODAY = day
        return day

    return at


_seeds = iter(range(100, 10_000))


def _household(city, village: str, on: date, *, poor: bool = False, size: int = 1):
    clerk = city["wenshang_clerk"] if village.startswith("370830") else city["clerk"]
    return demo.make_household(clerk, Area.objects.get(code=village), random.Random(next(_seeds)), on, size=size,
                               wage_fen=0, poor=poor)


def _approved(city, household, on_2020, start: date, programme: str = "dibao"):
    """A case taken through every step from ``start``, each on its own day of 2020."""
    wenshang = household.village_id.startswith("370830")
    clerk, approver = (city["wenshang_clerk"], city["wenshang_approver"]) if wenshang else (city["clerk"],
                                                                                             city["approver"])
    head = household.members.get(relation="head")
    if programme == "tekun":
        head.able_obligor = False
        head.save(update_fields=["able_obligor"])
    case = services.start_precheck(clerk, household=household, programme=programme, applicant=head,
                                   on=on_2020(start))
    case = services.accept(clerk, case, version=case.version, on=on_2020(start + timedelta(days=1)))
    case = services.record_home_visit(clerk, case, version=case.version, on=on_2020(start + timedelta(days=2)),
                                      investigators=["甲", "乙"], family_signed=True, findings="属实")
    case = services.approve(approver, case, version=case.version, on=on_2020(start + timedelta(days=3)))
    return services.close_notice(approver, case, version=case.version, on=on_2020(case.notice_ends_on))


def test_a_precheck_on_2020_09_15_is_accepted_with_2020s_time_limits_and_calendar(city, on_2020):
    # 汶上县: 2 working days to decide, 3 to start the visit; 任城区: 20 working days, which cross
    # 2020's National Day week (1-8 October off; Sunday 27 September and Saturday 10 October worked).
    for village, decision_due in (("370830001001", date(2020, 9, 18)), ("370811001001", date(2020, 10, 20))):
        household = _household(city, village, on_2020(date(2020, 9, 15)))
        clerk = city["wenshang_clerk"] if village.startswith("370830") else city["clerk"]
        case = services.start_precheck(clerk, household=household, programme="dibao",
                                       applicant=household.members.get(relation="head"), on=date(2020, 9, 15))
        assert case.due_on == date(2020, 9, 18)  # the county's check: 3 working days
        case = services.accept(clerk, case, version=case.version, on=on_2020(date(2020, 9, 16)))
        assert case.state == State.ACCEPTED and case.decision_due_on == decision_due
        assert case.due_on == min(date(2020, 9, 21), decision_due)  # the visit starts within 3 working days


def test_no_dibao_exit_without_special_cause_until_the_end_of_2020(city, on_2020):
    case = _approved(city, _household(city, "370830001001", date(2020, 8, 3)), on_2020, date(2020, 8, 3))
    on_2020(date(2020, 12, 31))
    with pytest.raises(InputError) as exc:
        services.give_termination_notice(city["wenshang_approver"], case, version=case.version, on=date(2020, 12, 31),
                                         reason="家庭收入增加", cause="income_rose")
    (error,) = exc.value.errors
    assert error.path == "cause" and error.code == "exit_paused"
    assert "无特殊情形不得退出低保" in error.message() and "死亡" in error.message()
    with pytest.raises(InputError):  # no cause at all is no special cause either
        services.give_termination_notice(city["wenshang_approver"], case, version=case.version, on=date(2020, 12, 31),
                                         reason="家庭收入增加")
    case.refresh_from_db()
    assert case.state == State.APPROVED
    # The day after the pause, the same exit is a termination like any other.
    case = services.give_termination_notice(city["wenshang_approver"], case, version=case.version,
                                            on=on_2020(date(2021, 1, 4)), reason="家庭收入增加", cause="income_rose")
    assert case.state == State.ENDING
    assert case.events.get(transition="give_termination_notice").data["cause"] == "income_rose"


def test_a_special_cause_ends_dibao_during_the_pause_and_tekun_is_not_paused(city, on_2020):
    dibao = _approved(city, _household(city, "370830001001", date(2020, 8, 3)), on_2020, date(2020, 8, 3))
    tekun = _approved(city, _household(city, "370830001002", date(2020, 8, 3)), on_2020, date(2020, 8, 3),
                      programme="tekun")
    on = on_2020(date(2020, 11, 2))
    dibao = services.give_termination_notice(city["wenshang_approver"], dibao, version=dibao.version, on=on,
                                             reason="户主于 2020-10-28 死亡", cause="died")
    dibao = services.terminate(city["wenshang_approver"], dibao, version=dibao.version,
                               on=on_2020(dibao.notice_ends_on))
    assert dibao.state == State.TERMINATED and dibao.entitlement_until == date(2020, 12, 1)
    tekun = services.give_termination_notice(city["wenshang_approver"], tekun, version=tekun.version, on=on,
                                             reason="赡养人具备赡养能力")
    assert tekun.state == State.ENDING
    with pytest.raises(InputError) as exc:
        services.give_termination_notice(city["wenshang_approver"], tekun, version=tekun.version, on=on,
                                         reason="x", cause="no_such_cause")
    assert exc.value.errors[0].code == "exit_cause"


def test_graduated_exit_runs_to_the_end_of_2020_for_the_registered_poor_and_3_to_6_months_after(city, on_2020):
    def rising(start: date):
        household = _household(city, "370830001001", on_2020(start), poor=True)
        case = _approved(city, household, on_2020, start)
        registry.add_income(city["wenshang_clerk"], household.members.get(), kind="wage", monthly_fen=200000,
                            since=case.approved_on, source="务工收入")
        return case

    case = rising(date(2020, 7, 6))
    on = on_2020(date(2020, 9, 7))
    for months in (2, 7):  # the months' range is the parameter's, on the act's date
        with pytest.raises(InputError) as exc:
            services.start_graduated_exit(city["wenshang_approver"], case, version=case.version, on=on, months=months)
        assert exc.value.errors[0].code == "graduated_exit_months" and "3 至 6 个月" in exc.value.errors[0].message()
    case = services.start_graduated_exit(city["wenshang_approver"], case, version=case.version, on=on, months=3)
    # 3 months would end with November; in 2020 it runs to the end of the year
    assert case.state == State.GRADUATED_EXIT and case.entitlement_until == date(2021, 1, 1)
    assert list(case.entitlements.values_list("starts", "ends")) == [(date(2020, 8, 1), date(2021, 1, 1))]
    # Started in 2021: 3 to 6 months again.
    later = rising(date(2020, 12, 1))
    later = services.start_graduated_exit(city["wenshang_approver"], later, version=later.version,
                                          on=on_2020(date(2021, 1, 5)), months=3)
    assert later.entitlement_until == date(2021, 5, 1)
