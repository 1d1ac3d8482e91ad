"""Entitlements follow decisions; the payroll pays owed less paid, once, whatever happens."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from safetynet.cases import services as cases
from safetynet.payments import services
from safetynet.payments.models import Entitlement, Payment, PayrollRun
from safetynet.policy.errors import PolicyError
from safetynet.registry.models import Area


@pytest.fixture
def township(city):
    return Area.objects.get(code="370811001")


def approved_case(city, household, approved_on=date(2024, 3, 14)):
    head = household.members.get(relation="head")
    c = cases.start_precheck(city["clerk"], household=household, programme="dibao", applicant=head,
                             on=date(2024, 3, 4))
    c = cases.accept(city["clerk"], c, version=c.version, on=date(2024, 3, 4))
    c = cases.record_home_visit(city["clerk"], c, version=c.version, on=date(2024, 3, 5), investigators=["甲", "乙"],
                                family_signed=True, findings="属实")
    c = cases.approve(city["approver"], c, version=c.version, on=date(2024, 3, 6))
    return cases.close_notice(city["approver"], c, version=c.version, on=approved_on)


def run(city, township, month, approve=True):
    r = services.run_payroll(city["approver"], month=month, township=township, programme="dibao")
    return services.approve_payroll(city["approver"], r) if approve else r


def lines(r):
    return sorted((p.for_month, p.kind, p.amount_fen) for p in r.payments.all())


def test_approval_gives_an_entitlement_from_the_next_month(city, poor_household):
    case = approved_case(city, poor_household)
    (e,) = Entitlement.objects.filter(case=case)
    assert (e.starts, e.ends, e.monthly_amount_fen) == (date(2024, 4, 1), None, case.monthly_amount_fen)
    assert e.set_by.transition == "close_notice"


def test_one_payment_per_month_and_a_rerun_changes_nothing(city, poor_household, township):
    case = approved_case(city, poor_household)
    draft = run(city, township, date(2024, 4, 1), approve=False)
    first = lines(draft)
    again = run(city, township, date(2024, 4, 1), approve=False)
    assert again.pk == draft.pk and lines(again) == first == [(date(2024, 4, 1), "regular", case.monthly_amount_fen)]
    services.approve_payroll(city["approver"], again)
    with pytest.raises(PolicyError) as exc:
        run(city, township, date(2024, 4, 1))
    assert exc.value.code == "payroll_locked"
    may = run(city, township, date(2024, 5, 1))
    assert lines(may) == [(date(2024, 5, 1), "regular", case.monthly_amount_fen)]


def test_the_database_refuses_a_second_payment_for_the_same_month(city, poor_household, township):
    approved_case(city, poor_household)
    r = run(city, township, date(2024, 4, 1))
    p = r.payments.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(run=r, case=p.case, recipient=p.recipient, programme="dibao", month=p.month,
                               for_month=p.for_month, kind="regular", amount_fen=1, reason="x")


def test_a_crash_halfway_leaves_nothing_and_the_rerun_is_whole(city, poor_household, township, monkeypatch):
    approved_case(city, poor_household)

    def crash(*args, **kwargs):  # after the lines are written, before the run is recorded
        raise RuntimeError("power cut")

    monkeypatch.setattr(services, "record", crash)
    with pytest.raises(RuntimeError):
        run(city, township, date(2024, 4, 1), approve=False)
    assert not Payment.objects.exists() and not PayrollRun.objects.exists()
    monkeypatch.undo()
    assert len(lines(run(city, township, date(2024, 4, 1), approve=False))) == 1


def test_a_late_decision_is_paid_back_in_the_next_run(city, poor_household, township):
    run(city, township, date(2024, 4, 1))  # April's payroll approved before the case was
    case = approved_case(city, poor_household, approved_on=date(2024, 3, 28))
    may = run(city, township, date(2024, 5, 1))
    amount = case.monthly_amount_fen
    assert lines(may) == [(date(2024, 4, 1), "back_pay", amount), (date(2024, 5, 1), "regular", amount)]
    assert "补发（2024-04）" in may.payments.get(kind="back_pay").reason


def test_an_overpayment_is_recovered(city, poor_household, township):
    case = approved_case(city, poor_household)
    for month in (4, 5, 6):
        run(city, township, date(2024, month, 1))  # paid ahead through June
    case = cases.give_termination_notice(city["approver"], case, version=case.version, on=date(2024, 4, 20),
                                         reason="死亡")
    cases.terminate(city["approver"], case, version=case.version, on=date(2024, 4, 29))  # owed until April
    july = run(city, township, date(2024, 7, 1))
    amount = case.monthly_amount_fen
    assert lines(july) == [(date(2024, 5, 1), "recovery", -amount), (date(2024, 6, 1), "recovery", -amount)]


def test_suspended_months_are_withheld_and_payment_resumes(city, poor_household, township):
    case = approved_case(city, poor_household)
    case = cases.suspend(city["approver"], case, version=case.version, on=date(2024, 4, 10), reason="外出务工待核实")
    assert lines(run(city, township, date(2024, 4, 1))) == [(date(2024, 4, 1), "regular", case.monthly_amount_fen)]
    assert lines(run(city, township, date(2024, 5, 1))) == []
    case = cases.resume(city["approver"], case, version=case.version, on=date(2024, 5, 20))
    assert lines(run(city, township, date(2024, 6, 1))) == [(date(2024, 6, 1), "regular", case.monthly_amount_fen)]


def test_only_the_township_approver_runs_its_payroll(city, township):
    from django.core.exceptions import PermissionDenied

    for who in ("clerk", "other_approver", "county", "auditor", "verifier"):
        with pytest.raises(PermissionDenied):
            services.run_payroll(city[who], month=date(2024, 4, 1), township=township, programme="dibao")
