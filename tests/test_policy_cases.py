"""Policy cases written as YAML a lawyer can read: tests/policy_cases/*.yaml.

Each case gives a household (members by birth date: the runner issues each a valid ID number
in the household's area, or takes the ``id_number`` written) and what the law says must come
out. Only what a case states is checked; reasons are compared as the list of their codes.

A case with ``programme: temporary`` is run through ``assess_temporary`` (临时救助): its input is
the household and an ``event`` (dates as YAML writes them, an event's ``person`` as the member's
position), and its expectations name the keys of that answer (``amount``, ``approval``…).
``programme: children`` (孤儿、事实无人抚养儿童) and ``programme: education_aid`` (助学) are run through
``assess_child`` and ``assess_aid``: their input is one child's or one student's fields, and their
expectations name the keys of those answers.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from safetynet.policy.assessment import assess
from safetynet.policy.children import assess_child
from safetynet.policy.education_aid import assess_aid
from safetynet.policy.errors import InputError
from safetynet.policy.household import load_json
from safetynet.policy.temporary import assess_temporary
from tests.conftest import member_id

CASES_DIR = Path(__file__).parent / "policy_cases"
# programme -> the one-person decision its cases run through (input dict, lang) -> answer.
PERSON_PROGRAMMES = {"children": assess_child, "education_aid": assess_aid}


def _cases():
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for i, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]):
            yield pytest.param(case, id=f"{path.stem}[{i}] {case['name']}")


def _input(case: dict) -> dict:
    data = dict(case["input"])
    data["members"] = (
        [
            {
                **{k: v for k, v in m.items() if k != "born"},
                **(
                    {} if "id_number" in m or "born" not in m else {"id_number": member_id(data["area"], m["born"], no)}
                ),
            }
            for no, m in enumerate(data.get("members") or [])
        ]
        if isinstance(data.get("members"), list)
        else data.get("members")
    )
    event = data.get("event")
    if isinstance(event, dict):  # JSON has no dates: as the API and the CLI receive them
        event = {k: v.isoformat() if isinstance(v, date) else v for k, v in event.items()}
        if isinstance(event.get("person"), int) and isinstance(data["members"], list):
            event["person"] = data["members"][event["person"]]["id_number"]
        data["event"] = event
    return data


def _check(actual: dict, expected: dict, where: str) -> None:
    for key, want in expected.items():
        if key == "reasons_include":
            got = [r["code"] for r in actual["reasons"]]
            missing = [code for code in want if code not in got]
            assert not missing, f"{where}: reasons {got} lack {missing}"
            continue
        got = [r["code"] for r in actual[key]] if key == "reasons" else actual[key]
        assert got == want, f"{where}.{key}: got {got!r}, the law says {want!r}"


@pytest.mark.parametrize("case", list(_cases()))
def test_policy_case(case: dict) -> None:
    expect = case["expect"]
    try:
        if case.get("programme") in PERSON_PROGRAMMES:
            inp = {k: v.isoformat() if isinstance(v, date) else v for k, v in case["input"].items()}
            result = PERSON_PROGRAMMES[case["programme"]](inp, lang=case.get("lang", "zh"))
            _check(result, expect, case["programme"])
            return
        payload = load_json(case["input_text"]) if "input_text" in case else _input(case)
        if case.get("programme") == "temporary":
            result = assess_temporary(payload, lang=case.get("lang", "zh"), month=case.get("month_option"))
        else:
            result = assess(payload, month=case.get("month_option"), lang=case.get("lang", "zh"))
    except InputError as exc:
        assert "errors" in expect, f"unexpected input error: {exc.message('en')}"
        got = [{"loc": e.path, "type": e.code} for e in exc.errors]
        for want in expect["errors"]:
            assert want in got, f"expected error {want} among {got}"
        return
    assert "errors" not in expect, f"expected errors {expect['errors']}, got a decision"
    if case.get("programme") == "temporary":
        _check(result, expect, "temporary")
        return
    ids = [m["id_number"] for m in result["tekun"]["members"]]
    if "dibao" in expect:
        want = dict(expect["dibao"])
        if "single_person_members" in want:  # written as member positions
            want["single_person_members"] = [ids[i] for i in want["single_person_members"]]
        _check(result["dibao"], want, "dibao")
    for want in expect.get("tekun", []):
        want = dict(want)
        member = result["tekun"]["members"][want.pop("member")]
        _check(member, want, f"tekun.members[{ids.index(member['id_number'])}]")
