"""Donations: receipts numbered per year without gaps, a restricted gift spent on its purpose only,
corrections as reversing entries, a book the database will not let anyone change, statements
that balance."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from safetynet.charity import selectors
from safetynet.charity.models import DonationEntry, Project
from safetynet.charity.services import donations
from safetynet.policy.errors import InputError
from safetynet.supervision.models import AppendOnlyError, AuditEvent
from tests.office.charity_fixtures import ON, orgs_fixture, rolled_fixture  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _project(org):
    return Project.objects.create(organisation=org, name="助学圆梦", target_group="低保家庭学生", area_id="370811",
                                  budget_fen=5_000_000, starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31))


def test_receipts_are_numbered_per_year_without_gaps_even_after_a_refusal(orgs):
    staff, org = orgs["staff_a"], orgs["a"]
    first = donations.receive(staff, org, donor="张三", on=date(2023, 12, 30), amount_fen=10_000)
    with pytest.raises(InputError):  # refused, nothing written: its number is not taken
        donations.receive(staff, org, donor="", on=ON, amount_fen=10_000)
    a = donations.receive(staff, org, donor="李四", on=ON, amount_fen=20_000)
    b = donations.receive(staff, org, donor="王五", on=ON, amount_fen=30_000, goods="大米 100 袋")
    other = donations.receive(orgs["staff_b"], orgs["b"], donor="赵六", on=ON, amount_fen=5_000)
    assert (first.receipt, a.receipt, b.receipt) == ("2023-000001", "2024-000001", "2024-000002")
    assert other.receipt == "2024-000001"  # each organisation its own numbers
    assert AuditEvent.objects.filter(action="donation.receive").count() == 4


def test_a_restricted_gift_is_refused_for_another_purpose_naming_it(orgs):
    staff, org = orgs["staff_a"], orgs["a"]
    gift = donations.receive(staff, org, donor="某企业", on=ON, amount_fen=100_000, purpose="study")
    project = _project(org)
    # refused while an English page is being served: each language's message names the purposes in it
    with translation.override("en"), pytest.raises(InputError) as refused:
        donations.spend(staff, org, receipt=gift.receipt, on=ON, amount_fen=10_000, purpose="medical", project=project)
    error = refused.value.errors[0]
    assert error.path == "purpose"
    assert "限定用于“助学”" in error.message("zh") and "不能用于“助医”" in error.message("zh")
    assert "'Education'" in error.message("en") and "'Medical care'" in error.message("en")
    assert not DonationEntry.objects.filter(kind="spent").exists()
    spent = donations.spend(staff, org, receipt=gift.receipt, on=ON, amount_fen=10_000, purpose="study",
                            project=project)
    assert donations.remaining_fen(gift) == 90_000 and spent.amount_fen == -10_000
    with pytest.raises(InputError) as short:
        donations.spend(staff, org, receipt=gift.receipt, on=ON, amount_fen=90_001, purpose="study", project=project)
    assert "余额 900.00 元" in short.value.errors[0].message("zh")


def test_a_correction_is_a_reversing_entry(orgs, rolled):
    staff, org = orgs["staff_a"], orgs["a"]
    gift = donations.receive(staff, org, donor="张三", on=ON, amount_fen=50_000)
    spent = donations.spend(staff, org, receipt=gift.receipt, on=ON, amount_fen=20_000, purpose="living",
                            household=rolled)
    with pytest.raises(InputError) as first_spent:  # a gift partly spent cannot be undone whole
        donations.reverse(staff, gift, on=ON, reason="误录")
    assert "已支出 200.00 元" in first_spent.value.errors[0].message("zh")
    undo = donations.reverse(staff, spent, on=ON, reason="重复登记")
    assert undo.amount_fen == 20_000 and undo.reverses_id == spent.pk
    assert donations.remaining_fen(gift) == 50_000
    with pytest.raises(InputError):
        donations.reverse(staff, spent, on=ON, reason="again")
    donations.reverse(staff, gift, on=ON, reason="捐赠未到账")
    assert donations.remaining_fen(gift) == 0
    assert DonationEntry.objects.count() == 4  # nothing removed


def test_the_book_cannot_be_updated_or_deleted_by_the_model_or_in_sql(orgs):
    gift = donations.receive(orgs["staff_a"], orgs["a"], donor="张三", on=ON, amount_fen=50_000)
    gift.amount_fen = 1
    with pytest.raises(AppendOnlyError):
        gift.save()
    with pytest.raises(AppendOnlyError):
        gift.delete()
    for sql in (f"UPDATE charity_donationentry SET amount_fen = 1 WHERE id = {gift.pk}",
                f"DELETE FROM charity_donationentry WHERE id = {gift.pk}"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert DonationEntry.objects.get(pk=gift.pk).amount_fen == 50_000


def test_the_monthly_statement_balances_per_purpose(orgs, rolled):
    staff, org = orgs["staff_a"], orgs["a"]
    old = donations.receive(staff, org, donor="甲", on=date(2024, 2, 10), amount_fen=30_000, purpose="study")
    donations.spend(staff, org, receipt=old.receipt, on=date(2024, 2, 20), amount_fen=5_000, purpose="study",
                    household=rolled)
    free = donations.receive(staff, org, donor="乙", on=date(2024, 3, 1), amount_fen=70_000)
    donations.spend(staff, org, receipt=free.receipt, on=date(2024, 3, 2), amount_fen=10_000, purpose="medical",
                    household=rolled)
    donations.spend(staff, org, receipt=old.receipt, on=date(2024, 3, 3), amount_fen=1_000, purpose="study",
                    household=rolled)
    s = selectors.donation_statement(org, date(2024, 3, 1))
    rows = {r["purpose"]: r for r in s["rows"]}
    assert rows["study"]["opening_fen"] == 25_000 and rows["study"]["spent_fen"] == 1_000
    assert rows["study"]["closing_fen"] == 24_000
    assert rows[""]["received_fen"] == 70_000 and rows[""]["spent_fen"] == 10_000 and rows[""]["closing_fen"] == 60_000
    for r in [*s["rows"], s["total"]]:
        assert r["opening_fen"] + r["received_fen"] - r["spent_fen"] == r["closing_fen"]
    assert s["total"]["closing_fen"] == 84_000 == sum(donations.remaining_fen(g) for g in (old, free))
