"""Temporary assistance (临时救助) in the office: help first within 24 hours from the township's
standby fund and the papers after, the township up to its limit and the county above it, one
event paid once, the one-off in the month's payroll, and the links to dibao."""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from safetynet.cases import services as cases
from safetynet.cases.models import Case
from safetynet.funds import selectors as fund_selectors
from safetynet.funds import services as funds
from safetynet.funds.models import FundEntry
from safetynet.payments import services as payments
from safetynet.policy.errors import InputError
from safetynet.registry.models import Area
from safetynet.site import demo
from safetynet.supervision.models import AuditEvent
from safetynet.temporary import services
from safetynet.temporary.models import TemporaryCase

TOWNSHIP = "370811001"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


@pytest.fixture
def county_approver(city):
    return demo.make_staff("county_approver", "county_approver", "370811")


@pytest.fixture
def fund(city):
    """The county allocates 10,000.00 yuan to the township's standby fund."""
    return funds.allocate(city["county"], township_code=TOWNSHIP, amount_fen=1_000_000, on=date(2024, 3, 1),
                          document="任民〔2024〕1号")


def report(city, household, *, kind="emergency", cause="fire", occurred_on=date(2024, 3, 3),
           reported_at=None, **fields) -> Case:
    head = household.members.get(relation="head")
    return services.report(city["clerk"], household=household, applicant=head, kind=kind, cause=cause,
                           occurred_on=occurred_on, reported_at=reported_at or at(date(2024, 3, 4), 10),
                           **fields)


def helped(city, case, *, amount="1000.00", day=date(2024, 3, 5), hour=9, minute=0, method="cash", receipt="SJ001"):
    return cases.take_step(city["clerk"], case, "help_first", version=case.version, on=day, amount=amount,
                           method=method, time=f"{hour:02d}:{minute:02d}", receipt=receipt)


def investigated(city, case, *, day=date(2024, 3, 6)) -> Case:
    """Papers after: accepted from ``helped`` (or the check) and visited by the clerk."""
    case = cases.accept(city["clerk"], case, version=case.version, on=day)
    return cases.record_home_visit(city["clerk"], case, version=case.version, on=day,
                                   investigators=["张调查", "李调查"], family_signed=True,
                                   findings="房屋失火，生活用品损毁")


def step(actor, case, name, on, **fields) -> Case:
    return cases.take_step(actor, case, name, version=case.version, on=on, **fields)


def codes(exc) -> list[str]:
    return [e.code for e in exc.value.errors]


# ---- help first -----------------------------------------------------------------------------------


def test_an_emergency_opens_with_the_24_hours_running_and_needs_no_authorisation(city):
    household = demo.make_household(city["clerk"], Area.objects.get(code="370811001001"), random.Random(7),
                                    date(2024, 3, 4), size=2, wage_fen=0)
    case = report(city, household, reported_by_name="王邻居", reported_by_relation="邻居")
    row = TemporaryCase.objects.get(case=case)
    assert (case.programme, case.state, case.due_on) == ("temporary", "reported", date(2024, 3, 5))
    assert row.help_first_path and row.reported_by_name == "王邻居"
    assert case.assessment["eligible"] and case.assessment["approval"] in ("township", "county")
    assert case.events.get().transition == "report"
    assert AuditEvent.objects.filter(action="temporary.report", object_id=str(case.pk)).exists()


def test_help_first_within_24_hours_is_paid_from_the_fund_and_recorded_as_met(city, poor_household, fund):
    case = report(city, poor_household)  # 2024-03-04 10:00
    case = helped(city, case, amount="1000.00", day=date(2024, 3, 5), hour=9)  # 23 hours later
    row = TemporaryCase.objects.get(case=case)
    assert case.state == "helped"
    assert (row.help_first_fen, row.within_hours, row.help_hours, row.fund_paid_fen) == (100_000, True, 24, 100_000)
    # the papers are due within temporary_papers_limit working days (10) of the help
    assert row.papers_due_on == case.due_on == date(2024, 3, 19)
    draw = FundEntry.objects.get(kind="draw", case=case)
    assert draw.amount_fen == -100_000 and draw.receipt == "SJ001"
    assert fund_selectors.balance(TOWNSHIP) == 900_000
    event = case.events.get(transition="help_first")
    assert event.data["within_hours"] is True and event.data["hours_taken"] == "23.0"


def test_help_first_after_25_hours_is_paid_and_recorded_as_not_met(city, poor_household, fund):
    case = helped(city, report(city, poor_household), day=date(2024, 3, 5), hour=11)  # 25 hours
    row = TemporaryCase.objects.get(case=case)
    assert case.state == "helped" and row.within_hours is False
    assert case.events.get(transition="help_first").data["hours_taken"] == "25.0"


def test_the_fund_refusing_to_go_below_zero_writes_nothing(city, poor_household):
    funds.allocate(city["county"], township_code=TOWNSHIP, amount_fen=50_000, on=date(2024, 3, 1), document="A1")
    case = report(city, poor_household)
    with pytest.raises(InputError) as exc:
        helped(city, case, amount="600.00")
    (error,) = exc.value.errors
    assert (error.path, error.code) == ("amount", "fund_insufficient")
    assert "500.00" in error.message("zh")  # the message names the balance
    case.refresh_from_db()
    row = TemporaryCase.objects.get(case=case)
    assert case.state == "reported" and row.help_first_fen is None and row.fund_paid_fen == 0
    assert not case.events.filter(transition="help_first").exists()
    assert not FundEntry.objects.filter(kind="draw").exists() and fund_selectors.balance(TOWNSHIP) == 50_000


def test_help_first_is_at_most_the_rules_amount_and_the_township_limit(city, poor_household, fund):
    case = report(city, poor_household)
    most = case.assessment["amount"]
    with pytest.raises(InputError) as exc:
        helped(city, case, amount="3000.01")
    assert "temporary_help_first_limit" in codes(exc)
    above = f"{int(most.split('.')[0]) + 1}.00"
    if int(most.split(".")[0]) + 1 <= 3000:
        with pytest.raises(InputError) as exc:
            helped(city, case, amount=above)
        assert "temporary_above_rules" in codes(exc)
    with pytest.raises(InputError) as exc:
        helped(city, case, amount="100.00", receipt="")  # cash needs its receipt
    assert codes(exc) == ["temporary_receipt_required"]


# ---- the decision: the township up to 3,000.00, the county above ------------------------------------


def test_3000_00_is_granted_at_the_township(city, poor_household, fund):
    case = investigated(city, helped(city, report(city, poor_household), amount="1000.00"))
    case = step(city["approver"], case, "grant", date(2024, 3, 7), amount="3000.00", opinion="符合急难型临时救助条件")
    row = TemporaryCase.objects.get(case=case)
    assert case.state == "granted" and row.granted_fen == 300_000
    # what the fund paid is not owed again: the payroll owes the rest, once, in the month of the grant
    assert (case.monthly_amount_fen, case.entitlement_from, case.approved_on) == (200_000, date(2024, 3, 1),
                                                                                  date(2024, 3, 7))


def test_3000_01_is_refused_at_the_township_and_granted_by_the_county(city, poor_household, fund, county_approver):
    case = investigated(city, helped(city, report(city, poor_household), amount="1000.00"))
    with pytest.raises(InputError) as exc:
        step(city["approver"], case, "grant", date(2024, 3, 7), amount="3000.01", opinion="拟救助")
    (error,) = exc.value.errors
    assert error.code == "temporary_needs_county" and "报县级审批" in error.message("zh")
    with pytest.raises(InputError) as exc:  # within the limit the township decides itself
        step(city["approver"], case, "refer_to_county", date(2024, 3, 7), amount="3000.00", opinion="拟救助")
    assert codes(exc) == ["temporary_within_township"]
    case = step(city["approver"], case, "refer_to_county", date(2024, 3, 7), amount="3000.01", opinion="拟救助")
    assert case.state == "county"
    with pytest.raises(PermissionDenied):  # the township's approver does not decide for the county
        step(city["approver"], case, "county_grant", date(2024, 3, 8), opinion="同意")
    wenshang = demo.make_staff("wenshang_county_approver", "county_approver", "370830")
    with pytest.raises(PermissionDenied):  # nor another county's
        step(wenshang, case, "county_grant", date(2024, 3, 8), opinion="同意")
    case = step(county_approver, case, "county_grant", date(2024, 3, 8), opinion="同意")
    row = TemporaryCase.objects.get(case=case)
    assert (case.state, row.granted_fen, case.monthly_amount_fen) == ("granted", 300_001, 200_001)
    assert case.events.get(transition="county_grant").data["level"] == "county"


def test_the_county_may_refuse(city, poor_household, fund, county_approver):
    case = investigated(city, helped(city, report(city, poor_household)))
    case = step(city["approver"], case, "refer_to_county", date(2024, 3, 7), amount="3500.00", opinion="拟救助")
    case = step(county_approver, case, "county_refuse", date(2024, 3, 8), reasons="已获其他救助", opinion="不予批准")
    assert case.state == "refused" and case.refusal_reasons == "已获其他救助"


def test_whoever_visited_does_not_decide(city, poor_household, fund):
    case = helped(city, report(city, poor_household))
    case = cases.accept(city["clerk"], case, version=case.version, on=date(2024, 3, 6))
    case = cases.record_home_visit(city["approver"], case, version=case.version, on=date(2024, 3, 6),
                                   investigators=["张调查", "李调查"], family_signed=True, findings="属实")
    with pytest.raises(cases.DutyError):
        step(city["approver"], case, "grant", date(2024, 3, 7), amount="1000.00", opinion="同意")


# ---- one event, one case -------------------------------------------------------------------------------


def test_a_duplicate_event_is_refused_naming_the_earlier_case(city, poor_household):
    first = report(city, poor_household, cause="fire", occurred_on=date(2024, 3, 3))
    with pytest.raises(InputError) as exc:
        report(city, poor_household, cause="fire", occurred_on=date(2024, 3, 3), reported_at=at(date(2024, 3, 4), 15))
    (error,) = exc.value.errors
    assert error.code == "temporary_duplicate_event"
    assert error.message("zh") == f"该家庭 2024-03-03 火灾 已由临时救助案件 #{first.pk} 救助：同一事件只救助一次"
    assert Case.objects.filter(programme="temporary").count() == 1
    # a new event of the same household is helped again
    report(city, poor_household, cause="traffic", occurred_on=date(2024, 3, 3))


def test_the_database_holds_one_live_case_per_event(city, poor_household):
    first = report(city, poor_household)
    row = TemporaryCase.objects.get(case=first)
    other = Case.objects.create(programme="temporary", household=poor_household, applicant=first.applicant,
                                area_code=first.area_code, state="reported", opened_on=first.opened_on)
    with pytest.raises(IntegrityError), transaction.atomic():
        TemporaryCase.objects.create(case=other, household=poor_household, kind="emergency", cause="fire",
                                     occurred_on=row.occurred_on, reported_at=row.reported_at)


def test_a_withdrawn_case_frees_its_event(city, poor_household):
    first = report(city, poor_household, kind="spending", cause="medical", spending="12000.00", reimbursed="3000.00")
    assert first.state == "precheck"  # spending: the check first, as dibao
    cases.withdraw(city["clerk"], first, version=first.version, on=date(2024, 3, 4), reason="申请人撤回")
    assert not TemporaryCase.objects.get(case=first).event_live
    again = report(city, poor_household, kind="spending", cause="medical", spending="12000.00",
                   reimbursed="3000.00", reported_at=at(date(2024, 3, 4), 16))
    assert again.state == "precheck"


def test_spending_needs_every_members_authorisation(city):
    household = demo.make_household(city["clerk"], Area.objects.get(code="370811001001"), random.Random(3),
                                    date(2024, 3, 4), size=2, wage_fen=0)
    household.members.get(relation="spouse").authorizations.all().delete()
    with pytest.raises(InputError) as exc:
        report(city, household, kind="spending", cause="medical", spending="9000.00")
    assert codes(exc) == ["authorization_missing"]
    assert not TemporaryCase.objects.exists()
    # an emergency is helped first: no authorisation needed
    assert report(city, household).state == "reported"


def test_people_from_elsewhere_are_helped_in_emergencies_only(city, poor_household):
    with pytest.raises(InputError) as exc:
        report(city, poor_household, kind="spending", cause="medical", spending="9000.00", from_elsewhere=True)
    assert codes(exc) == ["temporary_elsewhere_emergency_only"]
    assert TemporaryCase.objects.get(case=report(city, poor_household, from_elsewhere=True)).from_elsewhere


# ---- to and from dibao ----------------------------------------------------------------------------------


def test_the_dibao_application_is_opened_from_a_temporary_case(city, poor_household, fund):
    case = helped(city, report(city, poor_household))
    dibao = services.open_application(city["clerk"], case, on=date(2024, 3, 5), programme="dibao")
    assert (dibao.programme, dibao.state, dibao.household_id) == ("dibao", "precheck", poor_household.pk)
    assert TemporaryCase.objects.get(case=case).dibao_case == dibao
    link = case.events.get(transition="open_application")
    assert link.data == {"case": dibao.pk, "programme": "dibao"} and link.to_state == "helped"
    with pytest.raises(InputError) as exc:  # the one live dibao case of the household
        services.open_application(city["clerk"], case, on=date(2024, 3, 5))
    assert codes(exc) == ["open_case_exists"]


def test_temporary_help_is_given_while_a_dibao_application_runs(city, poor_household, fund):
    head = poor_household.members.get(relation="head")
    dibao = cases.start_precheck(city["clerk"], household=poor_household, programme="dibao", applicant=head,
                                 on=date(2024, 3, 4))
    # seed: 视情先给予临时救助，再按照规定程序进行审批: help first, whatever the kind
    case = report(city, poor_household, kind="spending", cause="medical", spending="8000.00", from_case=dibao)
    assert case.state == "reported"
    case = helped(city, case, amount="800.00")
    row = TemporaryCase.objects.get(case=case)
    assert row.from_case == dibao and case.state == "helped" and row.help_first_fen == 80_000
    dibao.refresh_from_db()
    assert dibao.state == "precheck"  # the application runs on
    other = demo.make_household(city["clerk"], Area.objects.get(code="370811001002"), random.Random(5),
                                date(2024, 3, 4), size=1, wage_fen=0)
    with pytest.raises(InputError) as exc:  # only the household's own running application
        report(city, other, from_case=dibao)
    assert codes(exc) == ["temporary_from_case"]


# ---- paid once -------------------------------------------------------------------------------------------


@pytest.fixture
def township(city):
    return Area.objects.get(code=TOWNSHIP)


def payroll(city, township, month):
    run = payments.run_payroll(city["city_admin"], month=month, township=township, programme="temporary")
    return payments.approve_payroll(city["approver"], run)


def test_the_one_off_is_in_its_months_payroll_and_paid_once(city, poor_household, fund, township):
    case = investigated(city, helped(city, report(city, poor_household), amount="1000.00"))
    case = step(city["approver"], case, "grant", date(2024, 3, 7), amount="3000.00", opinion="同意")
    with pytest.raises(InputError) as exc:  # not paid yet: it cannot be closed
        step(city["clerk"], case, "close_paid", date(2024, 3, 7))
    assert codes(exc) == ["temporary_not_paid_yet"]
    march = payroll(city, township, date(2024, 3, 1))
    assert [(p.case_id, p.for_month, p.kind, p.amount_fen) for p in march.payments.all()] == [
        (case.pk, date(2024, 3, 1), "regular", 200_000)]
    april = payroll(city, township, date(2024, 4, 1))
    assert not april.payments.filter(case=case).exists()  # paid once: the next month owes nothing
    with pytest.raises(InputError) as exc:  # in the payroll: not paid again in cash
        step(city["clerk"], case, "pay_cash", date(2024, 3, 20), receipt="SJ002")
    assert codes(exc) == ["temporary_in_payroll"]
    case = step(city["clerk"], case, "close_paid", date(2024, 4, 2))
    assert case.state == "paid"


def test_the_rest_paid_in_cash_from_the_fund_is_owed_to_no_payroll(city, poor_household, fund, township):
    case = investigated(city, helped(city, report(city, poor_household), amount="1000.00"))
    case = step(city["approver"], case, "grant", date(2024, 3, 7), amount="2500.00", opinion="同意")
    case = step(city["clerk"], case, "pay_cash", date(2024, 3, 8), receipt="SJ002")
    row = TemporaryCase.objects.get(case=case)
    assert (case.state, case.monthly_amount_fen, row.fund_paid_fen, row.cash_receipt) == ("paid", 0, 250_000, "SJ002")
    assert fund_selectors.balance(TOWNSHIP) == 1_000_000 - 250_000
    march = payroll(city, township, date(2024, 3, 1))
    assert sum(p.amount_fen for p in march.payments.filter(case=case)) == 0


def test_the_yearly_cap_counts_what_the_household_was_paid_this_year(city, poor_household, fund):
    first = investigated(city, helped(city, report(city, poor_household), amount="1000.00"))
    first = step(city["approver"], first, "grant", date(2024, 3, 7), amount="3000.00", opinion="同意")
    second = report(city, poor_household, cause="traffic", occurred_on=date(2024, 3, 6),
                    reported_at=at(date(2024, 3, 7), 10))
    assert second.assessment["paid_this_year"] == "3000.00"


# ---- the decision in writing -------------------------------------------------------------------------------


def test_the_grant_is_served_in_writing_by_whoever_decided_it(city, poor_household, fund, county_approver):
    from safetynet.notices.services import issue_letter

    case = investigated(city, helped(city, report(city, poor_household), amount="1000.00"))
    case = step(city["approver"], case, "grant", date(2024, 3, 7), amount="3000.00", opinion="同意")
    letter = issue_letter(city["approver"], case).content
    assert letter["kind"] == "approval" and letter["amount"] == "3000.00"
    assert "一次性临时救助 3000.00 元，其中已先行救助 1000.00 元，其余 2000.00 元于2024年3月随临时救助发放名册发放" \
        in letter["body"]
    other = investigated(city, helped(city, report(city, poor_household, cause="traffic"), amount="500.00"))
    other = step(city["approver"], other, "refer_to_county", date(2024, 3, 7), amount="3200.00", opinion="拟救助")
    other = step(county_approver, other, "county_grant", date(2024, 3, 8), opinion="同意")
    letter = issue_letter(city["approver"], other).content
    assert letter["issuer"].endswith("民政局") and "3200.00" in letter["body"]


def test_the_2020_one_off_is_declared_and_decided_before_it_is_paid(city, poor_household):
    with pytest.raises(InputError) as exc:
        report(city, poor_household, cause="unemployed", occurred_on=date(2024, 3, 1))
    assert sorted(codes(exc)) == ["required", "required"]  # months without income, unemployment insurance
    case = report(city, poor_household, cause="unemployed", occurred_on=date(2024, 3, 1), months_without_income=3,
                  unemployment_insurance=False)
    row = TemporaryCase.objects.get(case=case)
    assert case.state == "precheck" and not row.help_first_path  # decided before it is paid
    # a dated rule: in 2024 the 2020 one-off is no longer in force
    assert case.assessment["cause"] == "unemployed" and case.assessment["eligible"] is False
