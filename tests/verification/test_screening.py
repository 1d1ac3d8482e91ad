"""Screening files one ledger item per finding, once, in the screener's area; a township closes
each item once (销号)."""

from __future__ import annotations

from datetime import date

import pytest

from safetynet.batch import screen
from safetynet.policy.errors import InputError
from safetynet.registry.models import Area
from safetynet.registry.selectors import Forbidden
from safetynet.supervision.models import AuditEvent, LedgerItem
from safetynet.verification import services
from safetynet.verification.models import CheckRun
from tests.verification.conftest import MONTH


def test_the_city_screening_files_one_item_per_finding_and_none_twice(city, city_store):
    findings = screen.screen_store(city_store, MONTH)
    run, found = services.screen_population(city["city_admin"], month=MONTH, area=Area.objects.get(code="3708"))
    assert run.status == CheckRun.Status.DONE and run.progress == 100 and run.findings == found.height
    assert found.height == findings.height > 0
    assert LedgerItem.objects.count() == found.height and run.summary["outside_registry_areas"] == 0
    filed = set(LedgerItem.objects.values_list("kind", "household_no", "id_number"))
    assert filed == {(f["kind"], f["household_no"], f["id_number"] or "") for f in found.iter_rows(named=True)}
    assert run.summary["kinds"] == {k: n for k, n in found.group_by("kind").len().iter_rows()}
    assert all(i.found_by_id == run.pk and i.status == LedgerItem.Status.OPEN for i in LedgerItem.objects.all())
    # each item sits in the deepest area the registry knows of its finding
    for item in LedgerItem.objects.all():
        code = found.filter(found["household_no"] == item.household_no)["area_code"][0]
        assert code.startswith(item.area_id)
    again, _ = services.screen_population(city["city_admin"], month=MONTH, area=Area.objects.get(code="3708"))
    assert again.pk != run.pk and LedgerItem.objects.count() == found.height
    assert set(LedgerItem.objects.values_list("found_by", flat=True)) == {run.pk}
    assert AuditEvent.objects.filter(action="verification.screen").count() == 2


def test_a_county_screening_files_only_its_own_findings(city, city_store):
    everything = screen.screen_store(city_store, MONTH)
    ours = everything.filter(everything["area_code"].str.starts_with("370811"))
    assert 0 < ours.height < everything.height
    run, found = services.screen_population(city["verifier"], month=MONTH, area=Area.objects.get(code="370811"))
    assert found.height == ours.height == run.findings
    assert LedgerItem.objects.count() == ours.height
    assert all(code.startswith("370811") for code in LedgerItem.objects.values_list("area_id", flat=True))


@pytest.mark.parametrize("who", ["clerk", "approver", "county", "auditor"])
def test_only_the_centre_screens(city, city_store, who):
    with pytest.raises(Forbidden) as exc:
        services.screen_population(city[who], month=MONTH, area=city[who].staff.area)
    assert "不能全人口筛查" in str(exc.value)
    assert not LedgerItem.objects.exists() and not CheckRun.objects.exists()


def test_a_verifier_cannot_screen_another_county(city, city_store):
    with pytest.raises(Forbidden):
        services.screen_population(city["verifier"], month=MONTH, area=Area.objects.get(code="370830"))


def test_an_item_is_closed_once_then_refused(city, city_store):
    services.screen_population(city["city_admin"], month=MONTH, area=Area.objects.get(code="3708"))
    item = LedgerItem.objects.filter(area__code__startswith="370811").first()
    with pytest.raises(Forbidden):
        services.close_ledger_item(city["auditor"], item, outcome="核实", on=date(2026, 11, 20))
    with pytest.raises(Forbidden):
        services.close_ledger_item(city["wenshang_clerk"], item, outcome="核实", on=date(2026, 11, 20))
    with pytest.raises(InputError) as exc:
        services.close_ledger_item(city["county"], item, outcome="   ", on=date(2026, 11, 20))
    assert exc.value.errors[0].path == "outcome"
    closed = services.close_ledger_item(city["county"], item, outcome="入户核实，已纳入低保", on=date(2026, 11, 20))
    assert closed.status == LedgerItem.Status.CLOSED and closed.closed_by == city["county"]
    assert closed.outcome == "入户核实，已纳入低保" and closed.closed_on == date(2026, 11, 20)
    with pytest.raises(InputError) as exc:
        services.close_ledger_item(city["verifier"], item, outcome="再次销号", on=date(2026, 11, 21))
    assert exc.value.errors[0].code == "ledger_closed" and "已销号" in exc.value.message("zh")
    item.refresh_from_db()
    assert item.outcome == "入户核实，已纳入低保"
    assert AuditEvent.objects.filter(action="ledger.close", object_id=str(item.pk)).count() == 1


def test_missed_findings_followed_to_the_households_taken_on_afterwards(city, poor_household, other_household):
    """POLICY.md §10: missed coverage found, and newly enrolled."""
    from safetynet.cases.models import Case
    from safetynet.verification.selectors import newly_enrolled

    village = Area.objects.get(code="370811001001")
    month = date(2024, 3, 1)
    for n, household in enumerate((poor_household, other_household)):
        household.household_no = f"H{n}"
        household.save(update_fields=["household_no"])
        head = household.members.get(relation="head")
        Case.objects.create(programme="dibao", household=household, applicant=head, area_code=household.village_id,
                            opened_on=month, approved_on=date(2024, 4, 2) if n == 0 else date(2024, 2, 1))  # fmt: skip
    for n, kind in enumerate(("missed_dibao", "missed_dibao", "missed_tekun")):
        LedgerItem.objects.create(kind=kind, area=village, household_no=f"H{min(n, 1)}", month=month, evidence="e",
                                  sources="income_tax")  # fmt: skip
    # H0 taken on in April for dibao; H1 approved before the screening; nobody for tekun
    assert newly_enrolled(LedgerItem.objects.all()) == {"missed_dibao": 1}


def test_the_window_records_the_household_register_number(city):
    from safetynet.policy.idnumber import generate
    from safetynet.registry.services import create_household

    village = Area.objects.get(code="370811001001")
    member = {"name": "张三", "id_number": generate("370811", date(1960, 1, 1), 7), "relation": "head"}
    with pytest.raises(InputError) as exc:
        create_household(city["clerk"], village=village, hukou="rural", address="x", members=[member],
                         household_no="1" * 40)  # fmt: skip
    assert [e.path for e in exc.value.errors] == ["household_no"]
    household = create_household(city["clerk"], village=village, hukou="rural", address="x", members=[member],
                                 household_no=" 370811000123 ")  # fmt: skip
    assert household.household_no == "370811000123"
