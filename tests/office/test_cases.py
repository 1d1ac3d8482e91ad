"""Casework: every legal transition, the illegal ones refused, deadlines in working days."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from safetynet.cases import services
from safetynet.cases.models import TRANSITIONS, Case, State
from safetynet.cases.programmes import STANDARD_STEPS
from safetynet.policy.errors import InputError, PolicyError
from safetynet.policy.working_days import working_days_between
from safetynet.registry import services as registry
from safetynet.registry.models import Area
from safetynet.site import demo
from safetynet.supervision.selectors import verify_chain
from tests.office.conftest import TODAY


def precheck(city, household, programme="dibao", on=TODAY):
    head = household.members.get(relation="head")
    return services.start_precheck(city["clerk"], household=household, programme=programme, applicant=head, on=on)


def to_notice(city, household, on=TODAY):
    case = precheck(city, household, on=on)
    case = services.accept(city["clerk"], case, version=case.version, on=on)
    case = services.record_home_visit(city["clerk"], case, version=case.version, on=on + timedelta(days=1),
                                      investigators=["甲", "乙"], family_signed=True, findings="属实")
    return services.approve(city["approver"], case, version=case.version, on=on + timedelta(days=2))


def test_application_to_approval_and_payment_start(city, poor_household):
    case = to_notice(city, poor_household)
    assert case.state == State.NOTICE
    assert case.monthly_amount_fen == 2 * 63000  # 任城区 urban or rural standard × 2 members
    assert case.notice_ends_on == TODAY + timedelta(days=2 + 7)
    with pytest.raises(PolicyError) as exc:
        services.close_notice(city["approver"], case, version=case.version, on=case.notice_ends_on - timedelta(days=1))
    assert exc.value.code == "notice_running"
    case = services.close_notice(city["approver"], case, version=case.version, on=case.notice_ends_on)
    assert case.state == State.APPROVED
    assert case.entitlement_from == date(2024, 4, 1)  # the month after approval
    assert [e.transition for e in case.events.all()] == [
        "start_precheck", "accept", "record_home_visit", "approve", "close_notice"]
    assert verify_chain().ok


def test_the_amount_comes_from_policy_by_tier_and_hukou(city, poor_household):
    case = to_notice(city, poor_household)
    standard = {"urban": 63000, "rural": 47500}[poor_household.hukou]
    assert case.monthly_amount_fen == 2 * standard
    assert case.assessment["dibao"]["standard"] == f"{standard // 100}.00"


def test_deadline_is_twenty_working_days_in_rencheng_and_two_in_wenshang(city, poor_household):
    case = precheck(city, poor_household, on=date(2024, 2, 7))
    case = services.accept(city["clerk"], case, version=case.version, on=date(2024, 2, 8))
    assert working_days_between(date(2024, 2, 8), case.decision_due_on) == 20
    # 9 Feb, then the make-up Sunday 18 Feb, then 18 weekdays from 19 Feb: 13 March.
    assert case.decision_due_on == date(2024, 3, 13)
    wenshang = demo.make_household(city["wenshang_clerk"], Area.objects.get(code="370830001001"), random.Random(3),
                                   TODAY, size=1, wage_fen=0)
    head = wenshang.members.get()
    case = services.start_precheck(city["wenshang_clerk"], household=wenshang, programme="dibao", applicant=head,
                                   on=date(2024, 2, 8))
    case = services.accept(city["wenshang_clerk"], case, version=case.version, on=date(2024, 2, 8))
    assert case.decision_due_on == date(2024, 2, 18)  # 2 working days: Friday 9 Feb, the make-up Sunday 18 Feb


def test_precheck_needs_every_members_authorization(city):
    village = Area.objects.get(code="370811001001")
    household = registry.create_household(city["clerk"], village=village, hukou="rural", address="张庄村1号", members=[
        {"id_number": "370811195001010016", "name": "张大山", "relation": "head"},
        {"id_number": "370811195203040029", "name": "李秀英", "relation": "spouse"},
    ])
    with pytest.raises(InputError) as exc:
        precheck(city, household)
    assert "张大山、李秀英" in exc.value.message("zh")
    services.record_authorization(city["clerk"], id_number="370811195001010016", signed_on=TODAY, document="A1")
    with pytest.raises(InputError) as exc:
        precheck(city, household)
    assert exc.value.errors[0].params["names"] == "李秀英"


def test_tekun_needs_the_obligors_authorization_too(city, poor_household):
    head = poor_household.members.get(relation="head")
    registry.add_obligor(city["clerk"], head, name="张小明", id_number="37081119800101001X", relation="子",
                         able=False, source="申请人申报")
    with pytest.raises(InputError) as exc:
        precheck(city, poor_household, programme="tekun")
    assert "张小明（义务人）" in exc.value.message("zh")


def test_one_live_case_per_household(city, poor_household):
    precheck(city, poor_household)
    with pytest.raises(InputError) as exc:
        precheck(city, poor_household)
    assert exc.value.errors[0].code == "open_case_exists"


def test_home_visit_needs_two_investigators_and_the_family_signature(city, poor_household):
    case = precheck(city, poor_household)
    case = services.accept(city["clerk"], case, version=case.version, on=TODAY)
    with pytest.raises(InputError) as exc:
        services.record_home_visit(city["clerk"], case, version=case.version, on=TODAY, investigators=["甲", " 甲 "],
                                   family_signed=False, findings="")
    assert {e.code for e in exc.value.errors} == {"investigators", "family_signature"}


def test_relatives_of_staff_are_flagged_and_need_a_county_visit(city, poor_household):
    head = poor_household.members.get(relation="head")
    registry.change_person(city["clerk"], head, {"staff_relative": True}, effective_on=TODAY, source="近亲属备案")
    case = precheck(city, poor_household)
    assert case.staff_relative
    case = services.accept(city["clerk"], case, version=case.version, on=TODAY)
    with pytest.raises(InputError) as exc:
        services.record_home_visit(city["clerk"], case, version=case.version, on=TODAY, investigators=["甲", "乙"],
                                   family_signed=True, findings="属实")
    assert exc.value.errors[0].code == "county_visit_required"
    case = services.record_home_visit(city["county"], case, version=case.version, on=TODAY,
                                      investigators=["县民政局甲", "县民政局乙"], family_signed=True, findings="属实",
                                      county_level=True)
    assert case.county_visit_done and case.state == State.INVESTIGATED


def test_an_objection_reopens_the_investigation_and_restarts_the_notice(city, poor_household):
    case = to_notice(city, poor_household)
    case = services.raise_objection(city["clerk"], case, version=case.version, on=TODAY + timedelta(days=4),
                                    text="群众反映其子在外务工有收入")
    assert case.state == State.ACCEPTED and case.notice_ends_on is None
    case = services.record_home_visit(city["clerk"], case, version=case.version, on=TODAY + timedelta(days=5),
                                      investigators=["甲", "乙"], family_signed=True, findings="核实无收入")
    case = services.approve(city["approver"], case, version=case.version, on=TODAY + timedelta(days=6))
    assert case.notice_ends_on == TODAY + timedelta(days=13)


def test_refusal_is_notified_within_three_working_days(city, poor_household):
    case = precheck(city, poor_household)
    case = services.accept(city["clerk"], case, version=case.version, on=TODAY)
    case = services.record_home_visit(city["clerk"], case, version=case.version, on=TODAY, investigators=["甲", "乙"],
                                      family_signed=True, findings="有未申报收入")
    with pytest.raises(InputError):
        services.refuse(city["approver"], case, version=case.version, on=TODAY, reasons=" ")
    case = services.refuse(city["approver"], case, version=case.version, on=TODAY, reasons="隐瞒家庭收入")
    assert case.state == State.REFUSED and case.due_on == date(2024, 3, 7)


def test_approval_is_refused_when_the_policy_says_not_eligible(city, poor_household):
    head = poor_household.members.get(relation="head")
    registry.add_income(city["clerk"], head, kind="wage", monthly_fen=500000, since=date(2023, 1, 1), source="申报")
    case = precheck(city, poor_household)
    case = services.accept(city["clerk"], case, version=case.version, on=TODAY)
    case = services.record_home_visit(city["clerk"], case, version=case.version, on=TODAY, investigators=["甲", "乙"],
                                      family_signed=True, findings="属实")
    with pytest.raises(InputError) as exc:
        services.approve(city["approver"], case, version=case.version, on=TODAY)
    assert "不低于低保标准" in exc.value.message("zh")


def test_termination_takes_effect_the_month_after_a_seven_day_notice(city, poor_household):
    case = to_notice(city, poor_household)
    case = services.close_notice(city["approver"], case, version=case.version, on=case.notice_ends_on)
    case = services.give_termination_notice(city["approver"], case, version=case.version, on=date(2024, 5, 27),
                                            reason="死亡")
    with pytest.raises(PolicyError):
        services.terminate(city["approver"], case, version=case.version, on=date(2024, 6, 2))
    case = services.terminate(city["approver"], case, version=case.version, on=date(2024, 6, 3))
    assert case.state == State.TERMINATED and case.entitlement_until == date(2024, 7, 1)


def test_graduated_exit_for_a_registered_poor_household_whose_income_rose(city):
    household = demo.make_household(city["clerk"], Area.objects.get(code="370811001002"), random.Random(5), TODAY,
                                    size=1, wage_fen=0, poor=True)
    case = to_notice(city, household)
    case = services.close_notice(city["approver"], case, version=case.version, on=case.notice_ends_on)
    with pytest.raises(InputError) as exc:  # still eligible: no exit
        services.start_graduated_exit(city["approver"], case, version=case.version, on=date(2024, 6, 3), months=3)
    assert exc.value.errors[0].code == "still_eligible"
    registry.add_income(city["clerk"], household.members.get(), kind="wage", monthly_fen=200000,
                        since=date(2024, 5, 1), source="务工收入")
    with pytest.raises(InputError):
        services.start_graduated_exit(city["approver"], case, version=case.version, on=date(2024, 6, 3), months=7)
    case = services.start_graduated_exit(city["approver"], case, version=case.version, on=date(2024, 6, 3), months=3)
    assert case.state == State.GRADUATED_EXIT and case.entitlement_until == date(2024, 10, 1)


ALL_STATES = [s.value for s in State]


@pytest.mark.parametrize("name", sorted(STANDARD_STEPS))  # a dibao case's path (cases.programmes)
def test_every_transition_is_refused_from_a_state_it_does_not_start_from(city, poor_household, name):
    sources, _, roles = TRANSITIONS[name]
    case = precheck(city, poor_household)
    wrong = next(s for s in ALL_STATES if s not in sources)
    Case.objects.filter(pk=case.pk).update(state=wrong)
    case.refresh_from_db()
    actor = {"clerk": city["clerk"], "approver": city["approver"], "county": city["county"]}[roles[0]]
    kwargs = {"version": case.version, "on": TODAY}
    extra = {"record_home_visit": {"investigators": ["甲", "乙"], "family_signed": True, "findings": "x"},
             "refuse": {"reasons": "x"}, "object": {"text": "x"}, "suspend": {"reason": "x"},
             "give_termination_notice": {"reason": "x"}, "start_graduated_exit": {"months": 3}}.get(name, {})
    function = {"object": services.raise_objection}.get(name) or getattr(services, name)
    with pytest.raises((PolicyError, InputError)) as exc:
        function(actor, case, **kwargs, **extra)
    codes = {exc.value.code} if not isinstance(exc.value, InputError) else {e.code for e in exc.value.errors}
    assert codes & {"illegal_transition", "not_registered_poor"}, codes
    assert Case.objects.get(pk=case.pk).state == wrong


def test_a_stale_version_is_refused(city, poor_household):
    case = precheck(city, poor_household)
    seen = case.version
    services.accept(city["clerk"], case, version=seen, on=TODAY)
    with pytest.raises(PolicyError) as exc:
        services.withdraw(city["clerk"], case, version=seen, on=TODAY)
    assert exc.value.code == "stale_version"


def test_roles_and_areas_are_enforced_on_every_write(city, poor_household):
    case = precheck(city, poor_household)
    with pytest.raises(PermissionDenied):  # an approver does not accept at the window
        services.accept(city["approver"], case, version=case.version, on=TODAY)
    with pytest.raises(PermissionDenied):  # a clerk of another township
        services.accept(city["other_clerk"], case, version=case.version, on=TODAY)
    for reader in ("auditor", "verifier", "city_admin"):
        with pytest.raises(PermissionDenied):
            services.accept(city[reader], case, version=case.version, on=TODAY)
