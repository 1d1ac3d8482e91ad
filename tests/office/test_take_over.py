"""The take-over of the old system's rolls (``scenario.roll.take_over``): checked row by row before
anything is written, assessed by the policy floor, written with its history, entitlements and
audit; only the city may do it."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied

from safetynet.cases.models import Case, CaseEvent
from safetynet.payments.models import Entitlement
from safetynet.policy import idnumber
from safetynet.policy.errors import InputError
from safetynet.registry.models import Household, Person
from safetynet.reports import figures
from safetynet.scenario import roll
from safetynet.supervision.models import AuditEvent
from safetynet.supervision.selectors import verify_chain

ON = date(2020, 7, 1)


def _roll() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Three households of 汶上县 (rural standard 445.00): a family of three with 300.00, a tekun
    man of 75 alone, a family of two whose son (grade-1 disability) is covered alone."""
    def person(no, born, relation, sex, **facts):
        return {"household_no": no, "id_number": idnumber.generate("370830", born, 7 + len(rows), sex),
                "name": f"成员{len(rows)}", "relation": relation, "birth_date": born, "sex": sex, "phone": None,
                "bank_card": None, "disability_grade": None, "disability_kind": None, "serious_illness": False,
                "adl_unmet": 0, "able_obligor": True, "income_kind": None, "income_fen": 0, **facts}  # fmt: skip

    households = pl.DataFrame([
        ("H1", "370830001001", "rural", "一号", True, "dibao", date(2018, 3, 5)),
        ("H2", "370830001001", "rural", "二号", False, "tekun", date(2016, 9, 12)),
        ("H3", "370830001002", "rural", "三号", False, "dibao", date(2020, 6, 1)),
    ], schema=roll.HOUSEHOLD_COLUMNS, orient="row")  # fmt: skip
    rows: list[dict] = []
    for spec in (
        ("H1", date(1970, 1, 1), "head", "male", {"income_kind": "business", "income_fen": 30000}),
        ("H1", date(1972, 2, 2), "spouse", "female", {}), ("H1", date(2008, 3, 3), "child", "female", {}),
        ("H2", date(1945, 4, 4), "head", "male", {"able_obligor": False, "adl_unmet": 5}),
        ("H3", date(1960, 5, 5), "head", "male", {"income_kind": "wage", "income_fen": 106800}),
        ("H3", date(1990, 6, 6), "child", "male", {"disability_grade": 1, "disability_kind": "physical"}),
    ):  # fmt: skip
        no, born, relation, sex, facts = spec
        rows.append(person(no, born, relation, sex, **facts))
    return households, pl.DataFrame(rows, schema=roll.MEMBER_COLUMNS)


def test_a_roll_is_taken_over_with_its_history_entitlements_and_audit(city, settings):
    settings.SAFETYNET_TODAY = ON
    households, members = _roll()
    counts = roll.take_over(city["city_admin"], households, members, on=ON, source="原系统导出")
    assert counts["370830"]["cases"] == 3 and counts["370830"]["persons_covered"] == 3 + 1 + 1
    family, tekun, single = (Case.objects.get(household__household_no=no) for no in ("H1", "H2", "H3"))
    assert (family.state, family.monthly_amount_fen, family.persons_covered) == ("approved", 3 * 44500 - 30000, 3)
    assert (tekun.programme, tekun.persons_covered) == ("tekun", 1)
    assert tekun.monthly_amount_fen == 58000 + 58000  # basic 580 + complete care 580 (5 activities not achieved)
    assert (single.persons_covered, single.monthly_amount_fen) == (1, 44500)  # the son alone: 1 person, not 2
    assert single.household.members.count() == 2
    assert [(e.transition, e.on) for e in family.events.order_by("id")] == [
        ("approve", date(2018, 3, 5)), ("close_notice", date(2018, 3, 12)), ("reprice", ON)]
    assert list(Entitlement.objects.filter(case=family).values_list("starts", "ends", "monthly_amount_fen")) == [
        (ON, None, 3 * 44500 - 30000)]  # paid from July: the old system paid the months before
    # as of the day before the take-over, the history says covered (by the old decisions)
    assert figures.coverage(figures.scope_of("370830", date(2020, 6, 30))).total(programme="dibao").persons == 4
    audit = AuditEvent.objects.get(action="case.take_over")
    assert audit.area_code == "370830" and audit.details["cases"] == 3
    assert verify_chain().ok


def test_every_wrong_row_is_named_and_nothing_is_written(city, settings):
    settings.SAFETYNET_TODAY = ON
    households, members = _roll()
    households = households.with_columns(
        pl.when(pl.col("household_no") == "H2").then(pl.lit("370830999001")).otherwise(pl.col("village"))
        .alias("village"))  # fmt: skip
    members = members.with_columns(
        pl.when(pl.col("relation") == "spouse").then(pl.lit("370830197202020001")).otherwise(pl.col("id_number"))
        .alias("id_number"),
        pl.when(pl.col("relation") == "child").then(pl.lit("head")).otherwise(pl.col("relation")).alias("relation"),
    )  # fmt: skip
    with pytest.raises(InputError) as exc:
        roll.take_over(city["city_admin"], households, members, on=ON, source="原系统导出")
    paths = {e.path: e.code for e in exc.value.errors}
    assert paths["households[1].village"] == "choice"
    assert paths["members[1].id_number"] == "roll_id"
    assert paths["households[0].household_no"] == "roll_head"  # H1 now has two heads
    assert "户主" in exc.value.message("zh")
    assert not Household.objects.exists() and not Person.objects.exists() and not Case.objects.exists()
    assert not CaseEvent.objects.exists()


def test_a_roll_the_rules_of_july_do_not_cover_is_refused(city, settings):
    settings.SAFETYNET_TODAY = ON
    households, members = _roll()
    members = members.with_columns(
        pl.when(pl.col("household_no") == "H1").then(pl.col("income_fen") * 10).otherwise(pl.col("income_fen")))
    with pytest.raises(InputError) as exc:
        roll.take_over(city["city_admin"], households, members, on=ON, source="原系统导出")
    assert [(e.path, e.code) for e in exc.value.errors] == [("households[0].household_no", "roll_not_eligible")]
    assert not Case.objects.exists()


def test_only_the_city_takes_a_roll_over(city, settings):
    settings.SAFETYNET_TODAY = ON
    with pytest.raises(PermissionDenied):
        roll.take_over(city["county"], *_roll(), on=ON, source="原系统导出")
    assert not Household.objects.exists()
