"""Children's allowance and education aid: the Polars plan and the compiled rows decide alike,
and the categories follow 儿童-2019 for every pair of parent states."""

from __future__ import annotations

import itertools
from datetime import date

import polars as pl

from safetynet.policy import children, education_aid


def _children_rows() -> list[dict]:
    rows = []
    for father, mother in itertools.product(children.PARENT_STATES, repeat=2):
        for born, study, placement in itertools.product(
            (date(2010, 1, 1), date(2004, 9, 1), date(2003, 1, 1)), (False, True), children.PLACEMENTS
        ):
            rows.append({"month": date(2022, 9, 1), "born": born, "father": father, "mother": mother,
                         "placement": placement, "full_time_study": study,
                         "concentrated_fen": 150000, "dispersed_fen": 110000})  # fmt: skip
    return rows


def test_children_rows_equal_the_polars_plan():
    rows = _children_rows()
    frame = children.assess_children_frame(pl.DataFrame(rows)).to_dicts()
    for want, row in zip(frame, rows, strict=True):
        got = children.decide_row(row)
        for key in ("category", "eligible", "amount_fen", "paid_placement", "age"):
            assert got[key] == want[key], (row, key, got[key], want[key])


def test_categories_for_every_pair_of_parent_states():
    absent, conditions = set(children.ABSENT), set(children.CONDITIONS)
    for row in _children_rows():
        got = children.decide_row(row)["category"]
        f, m = row["father"], row["mother"]
        if f in absent and m in absent:
            assert got == "orphan"
        elif f in absent | conditions and m in absent | conditions:
            assert got == "unsupported_child"
        else:  # a parent present and able: neither
            assert got is None


def test_aid_rows_equal_the_polars_plan():
    rows = []
    for family, orphan, level, study_year, enrolled, aided, age in itertools.product(
        education_aid.FAMILIES, (False, True), education_aid.LEVELS, (1, 2, 4), (True, False), (False, True), (17, 19)
    ):
        rows.append({"age": age, "family": family, "orphan": orphan, "level": level, "study_year": study_year,
                     "enrolled": enrolled, "aided_this_school_year": aided, "families_ok": family != "none",
                     "orphan_fen": 1000000, "entrant_bachelor_fen": 500000, "entrant_vocational_fen": 300000,
                     "enrolled_fen": 100000})  # fmt: skip
    frame = education_aid.assess_aid_frame(pl.DataFrame(rows)).to_dicts()
    for want, row in zip(frame, rows, strict=True):
        got = education_aid.decide_row(row)
        for key in ("kind", "eligible", "amount_fen", "paid_kind"):
            assert got[key] == want[key], (row, key, got[key], want[key])
    paid = [r for r in frame if r["eligible"]]
    assert paid and not any(r["aided_this_school_year"] for r in paid)  # once per school year


def test_school_year_begins_on_the_first_of_september():
    assert education_aid.school_year_of(date(2023, 8, 31), "370811") == 2022
    assert education_aid.school_year_of(date(2023, 9, 1), "370811") == 2023


def test_the_cli_decides_a_child_and_a_student_and_exits_2_on_bad_input():
    import json

    from tests.test_interfaces import run_cli

    child = {"area": "370811", "month": "2024-03", "born": "2014-05-01", "father": "dead", "mother": "imprisoned"}
    out = run_cli("assess", "--programme", "children", "-", stdin=json.dumps(child))
    assert out.returncode == 0 and json.loads(out.stdout)["monthly_amount"] == "1100.00"
    student = {"programme": "education_aid", "area": "370811", "applied_on": "2024-03-04", "born": "2005-03-01",
               "family": "dibao", "level": "bachelor", "admission_year": 2024}  # fmt: skip
    out = run_cli("assess", "-", stdin=json.dumps(student))
    assert out.returncode == 0 and json.loads(out.stdout)["amount"] == "5000.00"
    bad = run_cli("assess", "--programme", "children", "-", stdin=json.dumps({"area": "370811", "month": "2024-03"}))
    assert bad.returncode == 2 and "father" in bad.stderr + bad.stdout and "Traceback" not in bad.stderr


def test_the_api_decides_a_child_and_a_student(client):
    child = {"programme": "children", "area": "370811", "month": "2024-03", "born": "2014-05-01", "father": "dead",
             "mother": "dead", "placement": "concentrated"}  # fmt: skip
    answer = client.post("/api/v1/assessments", child, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["category"] == "orphan"
    assert answer.json()["monthly_amount"] == "1500.00"
    student = {"programme": "education_aid", "area": "370811", "applied_on": "2024-03-04", "born": "2003-03-01",
               "orphan": True, "level": "master", "admission_year": 2023}  # fmt: skip
    answer = client.post("/api/v1/assessments", student, content_type="application/json")
    assert answer.status_code == 200 and (answer.json()["kind"], answer.json()["amount"]) == ("orphan", "10000.00")
    bad = client.post("/api/v1/assessments", child | {"mother": "gone"}, content_type="application/json")
    assert bad.status_code == 422 and [e["loc"] for e in bad.json()["detail"]] == ["mother"]


def test_instalments_sum_to_the_amount_to_the_fen_and_fall_a_quarter_apart():
    for amount in (1_000_000, 1_000_001, 1_000_003, 999_999, 7, 4):
        parts = education_aid.instalments("orphan", 2024, "370811", amount)
        assert sum(fen for _month, fen in parts) == amount
        assert [m for m, _fen in parts] == [date(2024, 9, 1), date(2024, 12, 1), date(2025, 3, 1), date(2025, 6, 1)]
        assert max(f for _m, f in parts) - min(f for _m, f in parts) <= 3  # the remainder only, on the last part
    for kind in ("entrant_bachelor", "entrant_vocational", "enrolled", None):
        assert education_aid.instalments(kind, 2024, "370811", 500_000) == []
    assert education_aid.instalments("orphan", 2024, "370811", 0) == []


def test_a_school_year_that_has_not_begun_is_refused_save_the_entrants_before_september():
    import pytest

    from safetynet.policy.errors import InputError

    orphan = {"programme": "education_aid", "area": "370811", "applied_on": "2026-12-02", "born": "2006-03-01",
              "orphan": True, "level": "bachelor", "admission_year": 2025}  # fmt: skip
    with pytest.raises(InputError) as err:
        education_aid.assess_aid(orphan | {"school_year": 2027})
    [e] = err.value.errors
    assert e.path == "school_year" and "2027-2028 学年尚未开始" in e.message()
    assert education_aid.assess_aid(orphan | {"school_year": 2026})["school_year"] == 2026
    # The entrant with the admission notice in August applies for the year of admission ...
    entrant = {"programme": "education_aid", "area": "370811", "applied_on": "2027-08-20", "born": "2009-03-01",
               "family": "dibao", "level": "bachelor", "admission_year": 2027, "school_year": 2027}  # fmt: skip
    assert education_aid.assess_aid(entrant)["amount"] == "5000.00"
    # ... but not a year later still.
    with pytest.raises(InputError):
        education_aid.assess_aid(entrant | {"school_year": 2028, "admission_year": 2027})
