"""The demo city (``make demo``, the browser tests' server) as its users will find it: a standby
fund in every township opened by its county, temporary assistance in every state in the demo
townships, referrals in every state with one overdue, the logins of the new roles; all made
through the services, so the audit chain holds and every fund's statement reconciles."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command

from safetynet.cases.models import Case
from safetynet.charity import demo as charity_demo
from safetynet.funds import selectors as fund_selectors
from safetynet.funds.models import Fund, FundEntry
from safetynet.payments.models import Entitlement, PayrollRun
from safetynet.referrals.models import Referral
from safetynet.registry.models import Area, Household, Staff
from safetynet.registry.selectors import staff_name
from safetynet.site import demo
from safetynet.supervision.selectors import verify_chain
from safetynet.temporary import selectors as temporary_selectors
from safetynet.temporary.models import TemporaryCase
from safetynet.web import clock

TEMPORARY_STATES = {"reported", "helped", "accepted", "investigated", "county", "granted", "paid", "refused",
                    "withdrawn", "precheck"}  # fmt: skip


def test_the_demo_has_funds_temporary_assistance_in_every_state_and_referrals(db):
    counts = demo.seed(households=14)
    today = clock.today()
    month = today.replace(day=1)
    assert counts["reported"] >= 2 and counts["granted"] >= 2

    # A fund in every township, opened by the county's allocation, its statement reconciled.
    townships = list(Area.objects.filter(level=Area.Level.TOWNSHIP))
    assert Fund.objects.count() == len(townships) == 42
    for township in townships:
        first = FundEntry.objects.filter(fund_id=township.code).order_by("id").first()
        assert first.kind == "allocate" and first.recorded_by.staff.role == "county"
        assert fund_selectors.statement(township, month).reconciled, township.code

    for code in demo.DEMO_TOWNSHIPS:
        rows = list(TemporaryCase.objects.filter(case__area_code__startswith=code).select_related("case"))
        assert {r.case.state for r in rows} == TEMPORARY_STATES, code
        assert {r.kind for r in rows} == {"emergency", "spending"} and len({r.cause for r in rows}) >= 6
        waiting = [temporary_selectors.help_clock(r.case, r) for r in rows if r.case.state == "reported"]
        assert any(c.left_hours is not None and 21 < c.left_hours <= 22 for c in waiting)  # reported 2 hours ago
        assert any(c.overdue for c in waiting)
        helped = [r for r in rows if r.helped_at]
        assert {r.within_hours for r in helped} == {True, False}
        # what help first paid came out of the township's fund
        assert sum(r.fund_paid_fen for r in rows) == -sum(
            FundEntry.objects.filter(fund_id=code, kind="draw").values_list("amount_fen", flat=True))
        paths = {e for r in rows for e in r.case.events.values_list("transition", flat=True)}
        assert {"help_first", "grant", "refer_to_county", "county_grant", "county_refuse", "refuse", "pay_cash",
                "close_paid", "withdraw", "open_application"} <= paths  # fmt: skip
        # helped while its dibao application runs; a dibao application opened from a case
        assert any(r.from_case and r.from_case.programme == "dibao" and r.from_case.state == "precheck" for r in rows)
        assert any(r.dibao_case and r.dibao_case.programme == "dibao" for r in rows)
        # the one paid by the payroll: last month's, approved; this month's draft owes the grants' rests
        closed = next(r.case for r in rows if r.case.events.filter(transition="close_paid").exists())
        paid_by = closed.payments.get().run
        assert (paid_by.programme, paid_by.status, paid_by.month) == ("temporary", "approved",
                                                                      (month - timedelta(days=1)).replace(day=1))
        draft = PayrollRun.objects.get(township_id=code, programme="temporary", month=month)
        granted = [r.case for r in rows if r.case.state == "granted"]
        assert draft.status == "draft" and draft.total_fen == sum(c.monthly_amount_fen for c in granted) > 0

    # Referrals of every state; one overdue; answers by the department's liaison.
    referrals = Referral.objects.all()
    assert set(referrals.values_list("state", flat=True)) == {"sent", "received", "answered", "declined",
                                                              "withdrawn"}  # fmt: skip
    assert referrals.filter(state__in=("sent", "received"), due_on__lt=today).exists()
    answered = referrals.filter(state="answered").first()
    assert answered.answered_by.staff.role == "department"

    logins = {username: role for username, role, _area in demo.demo_users()}
    assert logins["county_approver_370830"] == logins["county_approver_370811"] == "county_approver"
    for department in ("medical", "housing"):
        staff = Staff.objects.get(user__username=f"department_{department}_370811")
        assert (staff.role, staff.department, staff.area_id) == ("department", department, "370811")

    assert verify_chain().ok
    assert Case.objects.filter(programme="temporary").count() == len(demo.temporary_plan(today)) * 2

    # The payroll history: every month approved but this one; none run before a township's first
    # entitlement of its programme (it would be empty).
    monthly = PayrollRun.objects.exclude(programme="temporary")
    assert monthly.filter(status="approved").exists() and monthly.filter(month=month, status="draft").exists()
    for run in monthly:
        first = Entitlement.objects.filter(area_code__startswith=run.township_id, programme=run.programme)
        assert run.month >= first.order_by("starts").first().starts.replace(day=1), (run.township_id, run.month)
        assert run.status == ("draft" if run.month == month else "approved")


def test_in_a_demo_of_five_hundred_households_every_township_sees_many_states():
    """Households go round the villages; the states move on each round, so that a township (three
    villages) does not see the same three states whatever the number of households."""
    villages = 14 * 3 * demo.VILLAGES_PER_TOWNSHIP
    targets = [demo._target(n, demo.DEMO_HOUSEHOLDS, villages) for n in range(demo.DEMO_HOUSEHOLDS)]
    assert sum(t is not None for t in targets) == demo.DEMO_HOUSEHOLDS * 0.6
    assert set(targets) - {None} == set(demo.STATES)
    by_township: dict[int, set] = {}
    for n, target in enumerate(targets):
        if target:
            by_township.setdefault(n % villages // demo.VILLAGES_PER_TOWNSHIP, set()).add(target)
    assert len(by_township) == 42 and min(len(s) for s in by_township.values()) >= 4


def test_a_seed_that_fails_half_way_leaves_nothing_so_it_can_run_again(db, monkeypatch):
    """``seed_demo`` is one transaction: else a failure after the households were made would
    leave a half city that the next run takes for a finished one and skips."""
    def broken(**kwargs):
        raise RuntimeError("the last app's demo fails")

    monkeypatch.setattr(charity_demo, "seed", broken)
    with pytest.raises(RuntimeError):
        call_command("seed_demo", "--households", "14", stdout=io.StringIO())
    assert not Household.objects.exists() and not Case.objects.exists()


def test_the_demo_names_its_staff_as_pages_show_them(city):
    """Pages name staff by name, never by login: the demo's staff have names, family name first."""
    assert staff_name(city["clerk"]).startswith("窗口经办人员")  # no name yet: role and area
    assert demo.name_staff(seed=7) == Staff.objects.count() > 0
    clerk = Staff.objects.select_related("user").get(user=city["clerk"]).user
    shown = staff_name(clerk)
    assert shown == clerk.last_name + clerk.first_name and clerk.username not in shown and 2 <= len(shown) <= 5
    assert demo.name_staff(seed=7) == 0  # a name given is kept
