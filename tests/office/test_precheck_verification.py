"""先核对、后申请: the window's pre-check asks the verification centre, and the case keeps its answer."""

from __future__ import annotations

from datetime import date

import polars as pl

from safetynet.batch.feeds import write_item
from safetynet.cases import services as cases
from safetynet.cases.models import CaseEvent
from safetynet.verification.models import CheckRun

from .conftest import TODAY

DELIVERED = date(2024, 2, 29)  # the last day before the month of the application


def deliver_wage(store, id_number: str, monthly_fen: int) -> None:
    months = [date(2023, 12, 1), date(2024, 1, 1), date(2024, 2, 1)]
    write_item(store, "income_tax", DELIVERED, pl.DataFrame({
        "person_key": [int(id_number[:17])] * 3, "id_number": [id_number] * 3, "month": months,
        "wage_income": [monthly_fen] * 3, "tax": [0] * 3, "personal_insurance": [0] * 3,
    }))  # fmt: skip


def test_without_department_data_the_case_says_it_rests_on_the_declaration(city, poor_household):
    head = poor_household.members.get(relation="head")
    case = cases.start_precheck(city["clerk"], household=poor_household, programme="dibao", applicant=head, on=TODAY)
    assert case.assessment["verification"] == {"checked": False}
    assert not CheckRun.objects.exists()


def test_an_undeclared_wage_found_at_the_tax_bureau_is_on_the_case(city, poor_household, feed_store):
    head = poor_household.members.get(relation="head")
    deliver_wage(feed_store, head.id_number, 300000)
    case = cases.start_precheck(city["clerk"], household=poor_household, programme="dibao", applicant=head, on=TODAY)
    check = case.assessment["verification"]
    assert check["checked"] and check["impact"] == "no_longer_eligible"
    assert check["declared_amount_fen"] > 0 and check["verified_amount_fen"] == 0
    assert check["differences"] >= 1
    run = CheckRun.objects.get(pk=check["run"])
    assert run.kind == CheckRun.Kind.HOUSEHOLD and run.households == 1 and run.person_checks == 2
    wage = next(line for line in run.results.get().lines if line["line"] == "wage" and line["differs"])
    assert wage["found"] == "3000.00" and wage["departments"] == "税务局"
    event = CaseEvent.objects.get(case=case, transition="start_precheck")
    assert event.data["verification"]["impact"] == "no_longer_eligible"


def test_a_declaration_the_departments_confirm(city, poor_household, feed_store):
    head = poor_household.members.get(relation="head")
    deliver_wage(feed_store, poor_household.members.exclude(pk=head.pk).first().id_number, 0)
    case = cases.start_precheck(city["clerk"], household=poor_household, programme="dibao", applicant=head, on=TODAY)
    assert case.assessment["verification"]["impact"] == "still_eligible"
    assert case.assessment["verification"]["differences"] == 0
