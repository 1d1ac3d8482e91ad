"""Facts change after intake, with their history (issue 9, point 3): a change is recorded with its
date and evidence on the household's change page; the case shows what the amount would become;
the approver decides it through the review; the payroll pays or recovers the months already paid;
nothing recorded before is overwritten or deleted."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from safetynet.cases import services as cases
from safetynet.cases.models import Case
from safetynet.payments import services as payroll
from safetynet.policy.errors import InputError
from safetynet.policy.money import fmt
from safetynet.registry import services as registry
from safetynet.registry.models import Area, Income, PersonChange
from safetynet.registry.selectors import assessment_input, household_for


@pytest.fixture
def township(city):
    return Area.objects.get(code="370811001")


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def approved_case(city, household) -> Case:
    """Approved on 2024-03-14: paid from April."""
    head = household.members.get(relation="head")
    c = cases.start_precheck(city["clerk"], household=household, programme="dibao", applicant=head,
                             on=date(2024, 3, 4))
    c = cases.accept(city["clerk"], c, version=c.version, on=date(2024, 3, 4))
    c = cases.record_home_visit(city["clerk"], c, version=c.version, on=date(2024, 3, 5), investigators=["甲", "乙"],
                                family_signed=True, findings="属实")
    c = cases.approve(city["approver"], c, version=c.version, on=date(2024, 3, 6))
    return cases.close_notice(city["approver"], c, version=c.version, on=date(2024, 3, 14))


def run(city, township, month: date):
    r = payroll.run_payroll(city["city_admin"], month=month, township=township, programme="dibao")
    return payroll.approve_payroll(city["approver"], r)


def lines(r):
    return sorted((p.for_month, p.kind, p.amount_fen) for p in r.payments.all())


def post_change(user, household, form: str, **fields):
    """One form of the change page (``income``, ``leave``, ...), as the browser posts it."""
    return client_for(user).post(f"/households/{household.pk}/change/",
                                 {"kind": form, **{f"{form}-{k}": v for k, v in fields.items()}})  # fmt: skip


def review(city, case, on: date) -> Case:
    case = cases.start_review(city["clerk"], case, version=case.version, on=on)
    return cases.continue_after_review(city["approver"], case, version=case.version, on=on)


def test_a_wage_rise_goes_to_the_review_and_the_payroll_recovers_the_months_overpaid(city, poor_household, township):
    case = approved_case(city, poor_household)
    amount = case.monthly_amount_fen
    for month in (4, 5):
        run(city, township, date(2024, month, 1))  # April and May paid at the old amount
    head = poor_household.members.get(relation="head")

    # Found in May: the head has earned 300 yuan a month since April. Recorded with date and evidence.
    refused = post_change(city["clerk"], poor_household, "income", person=head.pk, kind="wage", monthly="300.00",
                          effective_on="2024-04-01", source="")
    assert refused.status_code == 200 and 'id="id_income-source-error"' in refused.content.decode()
    response = post_change(city["clerk"], poor_household, "income", person=head.pk, kind="wage", monthly="300.00",
                           effective_on="2024-04-01", source="单位工资证明")
    assert response.status_code == 302
    income = Income.objects.get(person=head)
    assert (income.monthly_fen, income.since, income.until, income.source) == (30000, date(2024, 4, 1), None,
                                                                              "单位工资证明")

    # The case shows what the facts would give; reading it changes nothing.
    page = client_for(city["approver"]).get(f"/cases/{case.pk}/").content.decode()
    assert f"自 2024 年 4 月起月保障金将为 {fmt(amount - 30000)} 元" in page and "单位工资证明" in page
    assert Case.objects.get(pk=case.pk).version == case.version

    # The township decides through the review: the new amount from April.
    case = review(city, case, date(2024, 5, 20))
    assert case.monthly_amount_fen == amount - 30000 and case.state == "approved"
    decision = case.events.get(transition="continue_after_review")
    assert decision.data["effective"] == "2024-04-01" and decision.data["old_amount_fen"] == amount
    assert "情况已变更" not in client_for(city["approver"]).get(f"/cases/{case.pk}/").content.decode()

    # The payroll recovers April and May's overpayment and pays June at the new amount.
    june = run(city, township, date(2024, 6, 1))
    assert lines(june) == [(date(2024, 4, 1), "recovery", -30000), (date(2024, 5, 1), "recovery", -30000),
                           (date(2024, 6, 1), "regular", amount - 30000)]

    # A later fall in the wage: the income is closed, never deleted, and the difference paid back.
    assert post_change(city["clerk"], poor_household, "income", ends=income.pk, kind="wage", monthly="100.00",
                       effective_on="2024-06-01", source="劳动合同变更").status_code == 302
    case = review(city, Case.objects.get(pk=case.pk), date(2024, 6, 20))
    assert case.monthly_amount_fen == amount - 10000
    income.refresh_from_db()
    assert income.until == date(2024, 6, 1) and Income.objects.filter(person=head).count() == 2
    july = run(city, township, date(2024, 7, 1))
    assert lines(july) == [(date(2024, 6, 1), "back_pay", 20000), (date(2024, 7, 1), "regular", amount - 10000)]
    history = [(c.field, c.old_value, c.new_value, c.effective_on, c.source) for c in head.changes.order_by("id")]
    assert history == [
        ("income", None, {"kind": "wage", "monthly": "300.00"}, date(2024, 4, 1), "单位工资证明"),
        ("income", {"kind": "wage", "monthly": "300.00"}, {"kind": "wage", "monthly": "100.00"}, date(2024, 6, 1),
         "劳动合同变更"),
    ]
    page = client_for(city["clerk"]).get(f"/households/{poor_household.pk}/").content.decode()
    assert "工资性收入 300.00 元/月" in page and "劳动合同变更" in page


def test_a_member_who_dies_counts_until_the_month_after_and_the_row_stays(city, poor_household, township):
    case = approved_case(city, poor_household)
    amount = case.monthly_amount_fen
    for month in (4, 5, 6):
        run(city, township, date(2024, month, 1))
    head = poor_household.members.get(relation="head")
    spouse = poor_household.members.exclude(pk=head.pk).get()

    # The head cannot leave without a new head; the refusal names the field, nothing is written.
    page = post_change(city["clerk"], poor_household, "leave", person=head.pk, reason="died",
                       effective_on="2024-05-10", source="死亡证明").content.decode()
    assert 'id="id_leave-new_head-error"' in page and head.changes.count() == 0
    post_change(city["clerk"], poor_household, "leave", person=spouse.pk, reason="died", effective_on="2024-05-10",
                source="死亡医学证明（编号 2024-0510）")
    spouse.refresh_from_db()
    assert (spouse.left_on, spouse.left_reason) == (date(2024, 5, 10), "died")
    household = household_for(city["clerk"], poor_household.pk)
    assert len(assessment_input(household, date(2024, 5, 1))["members"]) == 2  # alive on 1 May
    assert len(assessment_input(household, date(2024, 6, 1))["members"]) == 1

    page = client_for(city["approver"]).get(f"/cases/{case.pk}/").content.decode()
    assert "自 2024 年 6 月起月保障金将为" in page and "死亡" in page
    case = review(city, case, date(2024, 6, 20))
    single = case.monthly_amount_fen
    assert single < amount and case.events.get(transition="continue_after_review").data["effective"] == "2024-06-01"
    july = run(city, township, date(2024, 7, 1))
    assert lines(july) == [(date(2024, 6, 1), "recovery", single - amount), (date(2024, 7, 1), "regular", single)]

    # The member stays on record, marked; no more changes can be recorded for them.
    page = client_for(city["clerk"]).get(f"/households/{poor_household.pk}/").content.decode()
    assert spouse.name in page and "死亡 2024-05-10" in page
    with pytest.raises(InputError):
        registry.change_person(city["clerk"], spouse, {"phone": "13900001111"}, effective_on=date(2024, 6, 1),
                               source="x")


def test_the_assessment_reads_the_facts_valid_in_its_month(city, poor_household):
    head = poor_household.members.get(relation="head")
    registry.change_person(city["clerk"], head, {"disability_grade": 1, "disability_kind": "physical"},
                           effective_on=date(2024, 6, 1), source="残疾人证")
    registry.change_address(city["clerk"], poor_household, address="张庄村 20 号", effective_on=date(2024, 6, 1),
                            source="房屋租赁合同")
    household = household_for(city["clerk"], poor_household.pk)

    def disability(month):
        return next(m for m in assessment_input(household, month)["members"] if m["relation"] == "head").get(
            "disability")

    assert disability(date(2024, 5, 1)) is None
    assert disability(date(2024, 6, 1)) == {"grade": 1, "kind": "physical"}
    assert [(c.field, c.old_value, c.new_value) for c in household.changes.all()] == [
        ("address", poor_household.address, "张庄村 20 号")]
    assert PersonChange.objects.filter(person=head).count() == 2  # grade and kind, each kept


def test_a_new_member_with_an_income_and_a_new_card_through_the_page(city, poor_household):
    from safetynet.policy import idnumber
    from safetynet.registry import cards

    c = client_for(city["clerk"])
    baby = idnumber.generate("370811", date(2024, 4, 2), 88)
    response = post_change(city["clerk"], poor_household, "join", name="小宝", id_number=baby, relation="child",
                           adl_unmet="0", effective_on="2024-04-02", source="出生医学证明")
    assert response.status_code == 302
    member = poor_household.members.get(name="小宝")
    assert member.joined_on == date(2024, 4, 2) and member.changes.get().new_value == "joined"
    household = household_for(city["clerk"], poor_household.pk)
    assert len(assessment_input(household, date(2024, 4, 1))["members"]) == 2
    assert len(assessment_input(household, date(2024, 5, 1))["members"]) == 3

    head = poor_household.members.get(relation="head")
    prefix = f"person-{head.pk}"
    facts = {"name": head.name, "relation": "head", "adl_unmet": "0", "able_obligor": "on" if head.able_obligor else "",
             "phone": head.phone, "effective_on": "2024-05-01", "source": "银行开户回执"}
    wrong = {**facts, "bank_card": "6228480012345678"}  # 16 digits, the check digit wrong
    bad = c.post(f"/households/{poor_household.pk}/change/",
                 {"kind": prefix, **{f"{prefix}-{k}": v for k, v in wrong.items()}})
    assert f'id="id_{prefix}-bank_card-error"' in bad.content.decode() and "Luhn" in bad.content.decode()
    card = cards.with_check_digit("622848009876543210")
    c.post(f"/households/{poor_household.pk}/change/",
           {"kind": prefix, **{f"{prefix}-{k}": v for k, v in {**facts, "bank_card": card}.items()}})
    head.refresh_from_db()
    change = head.changes.get(field="bank_card")
    assert head.bank_card == card and change.new_value == card and change.source == "银行开户回执"
    page = c.get(f"/households/{poor_household.pk}/").content.decode()
    assert f"****{card[-4:]}" in page and card not in page  # the history shows a card by its last four
