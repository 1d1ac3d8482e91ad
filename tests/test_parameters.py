"""Dated parameters: lookup by area and date, sources, and the first date known."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from safetynet.policy import areas
from safetynet.policy.errors import PolicyError
from safetynet.policy.parameters import in_force, parameters, value

PARAMETER_DIR = Path(areas.__file__).with_name("parameters")


def test_fourteen_areas_in_two_tiers():
    all_areas = areas.all_areas()
    assert len(all_areas) == 14
    assert {a.code for a in all_areas if a.tier == "B"} == {
        "370827",
        "370828",
        "370829",
        "370830",
        "370831",
        "370832",
        "370873",
    }
    assert areas.get_area("370830").name == "汶上县"


def test_standards_by_tier_and_hukou():
    on = date(2020, 7, 1)
    assert value("dibao_standard", "370811", on, hukou="urban") == Decimal("630.00")
    assert value("dibao_standard", "370830", on, hukou="rural") == Decimal("445.00")
    assert value("tekun_basic_standard", "370883", on, hukou="rural") == Decimal("620.00")
    assert value("tekun_care_standard", "370827", on, care_level="complete") == Decimal("580.00")
    assert value("dibao_standard", "370811", on) == {"urban": Decimal("630.00"), "rural": Decimal("475.00")}


def test_time_limit_is_twenty_working_days_but_two_in_wenshang():
    on = date(2024, 5, 1)
    assert value("decision_time_limit", "370811", on) == 20
    assert value("decision_time_limit", "370830", on) == 2


def test_income_exclusions_change_on_2021_07_01():
    assert "pension_basic" not in value("dibao_income_exclusions", "370811", date(2021, 6, 30))
    assert "pension_basic" in value("dibao_income_exclusions", "370811", date(2021, 7, 1))


def test_a_date_before_the_first_value_names_the_first_date():
    with pytest.raises(PolicyError) as exc:
        value("dibao_standard", "370811", date(2020, 6, 30), hukou="urban")
    assert exc.value.code == "before_first_value"
    assert "2020-07-01" in exc.value.message("zh")


def test_unknown_area_and_unknown_parameter_are_errors():
    with pytest.raises(PolicyError, match="370899"):
        value("dibao_standard", "370899", date(2021, 1, 1))
    with pytest.raises(PolicyError) as exc:
        value("no_such_thing", "370811", date(2021, 1, 1))
    assert exc.value.code == "unknown_parameter"


def test_every_value_cites_its_source_and_local_defaults_are_flagged():
    for param in parameters().values():
        for entry in param.entries:
            assert entry.reference, f"{param.name} {entry.effective} has no reference"
    assert not parameters()["financial_asset_months"].entries[-1].confirmed
    assert not parameters()["dibao_amount_rounding"].entries[-1].confirmed
    assert parameters()["dibao_standard"].entries[-1].confirmed


def test_one_concept_per_file_with_dated_values():
    for path in PARAMETER_DIR.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert {"description", "unit", "values"} <= set(data), path.name
        assert all(isinstance(d, date) for d in data["values"]), path.name


def test_parameters_in_force_lists_what_is_not_yet_known():
    before = {r["name"]: r for r in in_force("370830", date(2020, 6, 1))}
    assert before["dibao_standard"]["error"].code == "before_first_value"
    rows = {r["name"]: r for r in in_force("370830", date(2021, 1, 1))}
    assert rows["dibao_standard"]["value"]["urban"] == Decimal("590.00")
    # Every time limit has a value from the seed's period (POLICY.md §3): the 2021 value, to confirm.
    for limit in (
        "investigation_start_limit",
        "verification_time_limit",
        "refusal_notice_limit",
        "tekun_reassessment_limit",
    ):
        assert rows[limit]["value"] and rows[limit]["confirmed"] is False, limit


# The documents the repository holds or quotes (POLICY.md's list of sources and the seed).
HELD_SOURCES = ("seed", "sources/000_8a7d024908f0948a.txt", "低保-2012", "低保-2021", "特困-2021", "暂行办法",
                "意见-2020", "临救-2018", "通知-2020", "价格-2016", "临救-2014", "儿童-2019", "放假办法", "复议法",
                "诉讼法", "民发〔2012〕220", "民发〔2021〕57", "我市社会救助标准再次提高")  # fmt: skip
# Documents named in references that the repository does not hold: never the basis of a confirmed value.
NOT_HELD = ("特困人员认定办法（2016）",)


def test_a_value_is_confirmed_only_when_its_reference_is_a_held_source():
    for param in parameters().values():
        for entry in param.entries:
            if not entry.confirmed or entry.entered:
                continue
            where = f"{param.name} {entry.effective}"
            assert any(s in entry.reference for s in HELD_SOURCES), f"{where}: confirmed without a held source"
            assert not any(s in entry.reference for s in NOT_HELD), f"{where}: confirmed on a document not held"


def test_tekun_before_2021_rests_on_documents_not_held():
    for name in ("tekun_income_exclusions", "tekun_elderly_age", "tekun_minor_age"):
        assert not parameters()[name].entry_at(date(2020, 1, 1)).confirmed, name
    assert parameters()["tekun_elderly_age"].entry_at(date(2021, 7, 1)).confirmed


def test_one_income_reading_for_dibao_and_tekun():
    """Scholarships, bravery and family-planning awards: not counted for either (a reading, flagged)."""
    for on in (date(2020, 9, 1), date(2022, 1, 1)):
        dibao = set(value("dibao_income_exclusions", "370811", on))
        tekun = set(value("tekun_income_exclusions", "370811", on))
        for kind in ("scholarship", "heroism_award", "family_planning_award"):
            assert kind in dibao and kind in tekun, (kind, on)
    assert not parameters()["tekun_income_exclusions"].entry_at(date(2022, 1, 1)).confirmed
