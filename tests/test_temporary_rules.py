"""Temporary assistance (临时救助): properties of the amount for every household and event, the
township's approval limit, the dated 2020 one-off, and one plan for a batch and a single case.
The cases a lawyer reads are in tests/policy_cases/temporary_*.yaml."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetynet.policy.errors import InputError
from safetynet.policy.frames import household_frames
from safetynet.policy.parameters import parameters, value
from safetynet.policy.reasons import REASONS, codes_from_mask
from safetynet.policy.temporary import (
    ALL_CAUSES,
    CAUSES,
    REASON_COLUMNS,
    approval_level,
    assess_events,
    assess_temporary,
    assess_temporary_frames,
    event_frame,
    parse_temporary,
    unemployed_periods,
)
from tests.strategies import households, money

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AUG_2020 = date(2020, 8, 1)


@st.composite
def events(draw) -> dict:
    """A valid household with a valid event, as the CLI and the API take it."""
    payload = draw(households())
    year, month = map(int, payload["month"].split("-"))
    kind = draw(st.sampled_from(["emergency", "spending"]))
    cause = draw(st.sampled_from(CAUSES[kind]))
    event: dict = {
        "kind": kind,
        "cause": cause,
        "occurred_on": draw(st.dates(date(year - 1, 1, 1), date(year, month, 28))).isoformat(),
        "from_elsewhere": draw(st.booleans()),
    }
    if kind == "spending":
        spending = draw(st.integers(0, 8_000_000))
        event["spending"] = f"{spending // 100}.{spending % 100:02d}"
        reimbursed = draw(st.integers(0, spending))
        event["reimbursed"] = f"{reimbursed // 100}.{reimbursed % 100:02d}"
        event["other_assistance"] = draw(money(2_000_000))
    if cause == "unemployed":
        event["months_without_income"] = draw(st.integers(0, 12))
        event["unemployment_insurance"] = draw(st.booleans())
        event["in_dibao"] = draw(st.booleans())
    payload["programme"] = "temporary"
    payload["event"] = event
    payload["paid_this_year"] = draw(money(4_000_000))
    return payload


def _fen(text: str) -> int:
    return int(Decimal(text) * 100)


@SETTINGS
@given(events())
def test_the_amount_is_never_negative_nor_above_a_cap_nor_above_the_yearly_cap_left(payload):
    result = assess_temporary(payload)
    amount = _fen(result["amount"])
    assert amount >= 0
    assert amount <= _fen(result["cap"])
    assert amount <= _fen(result["yearly_left"])
    assert _fen(result["yearly_left"]) == max(_fen(result["yearly_cap"]) - _fen(payload["paid_this_year"]), 0)
    assert result["eligible"] == (amount > 0)
    assert result["approval"] == approval_level(payload["area"], date.fromisoformat(payload["month"] + "-01"), amount)
    # Every reason has its sentence and basis in both languages, no figure left unfilled.
    for reason in [*result["reasons"], *assess_temporary(payload, lang="en")["reasons"]]:
        assert reason["basis"] and "—" not in reason["text"] and "{" not in reason["text"]


@SETTINGS
@given(events(), st.integers(1, 5_000_000))
def test_more_paid_this_year_never_means_more_now(payload, extra_fen):
    more = copy.deepcopy(payload)
    paid = _fen(payload["paid_this_year"]) + extra_fen
    more["paid_this_year"] = f"{paid // 100}.{paid % 100:02d}"
    assert _fen(assess_temporary(more)["amount"]) <= _fen(assess_temporary(payload)["amount"])


@SETTINGS
@given(events(), st.integers(1, 5_000_000))
def test_more_reimbursed_never_means_more_spending_assistance(payload, extra_fen):
    if payload["event"]["kind"] != "spending":
        return
    more = copy.deepcopy(payload)
    spending = _fen(payload["event"]["spending"])
    reimbursed = min(_fen(payload["event"]["reimbursed"]) + extra_fen, spending)
    more["event"]["reimbursed"] = f"{reimbursed // 100}.{reimbursed % 100:02d}"
    assert _fen(assess_temporary(more)["amount"]) <= _fen(assess_temporary(payload)["amount"])


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["370811", "370830", "370873"]),
    st.dates(date(2020, 7, 1), date(2030, 12, 31)),
    st.integers(0, 10**9),
    st.integers(0, 10**9),
)
def test_the_approval_level_is_monotone_in_the_amount(area, on, a, b):
    low, high = sorted((a, b))
    rank = {"township": 0, "county": 1}
    assert rank[approval_level(area, on, low)] <= rank[approval_level(area, on, high)]


@pytest.mark.parametrize("area", ["370830", "370811", "370883"])
def test_three_thousand_yuan_is_the_townships_and_one_fen_more_the_countys(area):
    assert approval_level(area, AUG_2020, 300_000) == "township"
    assert approval_level(area, AUG_2020, 300_001) == "county"
    assert approval_level(area, AUG_2020, 0) == "township"


def test_the_township_limit_names_wenshang_as_its_source_and_flags_the_others():
    param = parameters()["temporary_township_limit"]
    entry = param.entry_at(AUG_2020)
    assert "汶上县" in entry.reference and "3000元以下" in entry.reference
    assert not entry.confirmed and "其他县（市、区）" in entry.note  # the value elsewhere is modelled on 汶上县
    assert value("temporary_township_limit", "370830", AUG_2020) == Decimal("3000.00")


def test_help_first_is_24_hours_and_the_papers_limit_is_a_flagged_working_day_count():
    assert value("temporary_help_first_hours", "370830", AUG_2020) == 24
    assert parameters()["temporary_help_first_hours"].entries[-1].confirmed
    papers = parameters()["temporary_papers_limit"].entries[-1]
    assert value("temporary_papers_limit", "370830", AUG_2020) == 10 and not papers.confirmed and papers.note


def test_every_amount_parameter_the_sources_do_not_give_is_unconfirmed_with_what_it_was_modelled_on():
    for name in ("temporary_emergency_months", "temporary_emergency_cap", "temporary_spending_cap",
                 "temporary_yearly_cap", "temporary_spending_income_factor", "temporary_bearable_months",
                 "temporary_unemployed_2020", "temporary_amount_rounding"):  # fmt: skip
        for entry in parameters()[name].entries:
            assert not entry.confirmed and entry.reference and entry.note, name


def test_the_2020_one_off_is_in_force_for_2020_from_the_first_known_standard():
    assert unemployed_periods() == ((date(2020, 7, 1), date(2020, 12, 31)),)


def test_the_one_off_outside_its_period_is_refused_with_the_period_named(household):
    payload = household(area="370830", hukou="urban", month="2021-02")
    payload["event"] = {"kind": "emergency", "cause": "unemployed", "occurred_on": "2020-10-01",
                        "months_without_income": 4, "unemployment_insurance": False, "in_dibao": False}  # fmt: skip
    zh = assess_temporary(payload)
    assert not zh["eligible"] and zh["amount"] == "0.00"
    zh_text = "未参保失业人员一次性临时救助仅在 2020-07-01 至 2020-12-31 施行，2021-02 不在施行期内"
    assert zh["reasons"][0]["text"] == zh_text
    en = assess_temporary(payload, lang="en")["reasons"][0]["text"]
    en_text = "the one-off assistance to uninsured unemployed persons applied from 2020-07-01 to 2020-12-31 only"
    assert en == en_text + ", not in 2021-02"


def test_a_batch_gives_exactly_what_each_event_gives_alone():
    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(events(), min_size=2, max_size=10))
    def check(payloads):
        cases = [parse_temporary(p) for p in payloads]
        assert assess_events(cases) == [assess_temporary(p) for p in payloads]

    check()


def test_the_frame_carries_the_reasons_as_a_mask_for_the_batch(household):
    payload = household(area="370811", hukou="urban", month="2020-12")
    payload["event"] = {"kind": "emergency", "cause": "fire", "occurred_on": "2020-12-01"}
    hh, event = parse_temporary(payload)
    hh_frame, member_frame = household_frames([hh])
    row = assess_temporary_frames(hh_frame, member_frame, event_frame([event])).row(0, named=True)
    assert row["temporary_amount_fen"] == 189_000  # 630 × 3 months × 1 person
    codes = codes_from_mask(row["temporary_reasons"], REASON_COLUMNS)
    assert codes == ["temporary.emergency_amount", "temporary.help_first", "temporary.township_approval"]
    assert all(code in REASONS for code in REASON_COLUMNS)


def test_every_cause_is_of_one_kind_and_known_in_words():
    assert sorted(ALL_CAUSES) == sorted({*CAUSES["emergency"], *CAUSES["spending"]})
    assert len(ALL_CAUSES) == len(set(ALL_CAUSES))


def test_errors_name_every_field_at_once(household):
    payload = household()
    payload["event"] = {"kind": "spending", "cause": "medical", "occurred_on": "2020/08/01", "spending": 12000.5,
                        "reimbursed": "x", "colour": "red"}  # fmt: skip
    with pytest.raises(InputError) as exc:
        assess_temporary(payload)
    got = {(e.path, e.code) for e in exc.value.errors}
    assert got == {
        ("event.colour", "unknown_field"),
        ("event.occurred_on", "date_format"),
        ("event.spending", "money_format"),
        ("event.reimbursed", "money_format"),
    }
    assert "event.occurred_on: 日期格式错误：2020/08/01（应为 YYYY-MM-DD）" in exc.value.message("zh")


def test_the_month_option_overrides_the_input_month_and_names_itself_when_too_early(household):
    payload = household(month="2020-08")
    payload["event"] = {"kind": "emergency", "cause": "fire", "occurred_on": "2020-01-01"}
    assert assess_temporary(payload, month="2021-08")["month"] == "2021-08"
    with pytest.raises(InputError) as exc:
        assess_temporary(payload, month="2020-05")
    assert [(e.path, e.code) for e in exc.value.errors] == [("--month", "before_first_value")]


# ---- the CLI and the API ------------------------------------------------------------------------


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    # The policy floor alone: no office database whose entered values would count.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SAFETYNET_DATA_DIR"] = tempfile.mkdtemp(prefix="safetynet-cli-")
    command = [sys.executable, "-m", "safetynet", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture
def fire(household):
    payload = household(
        area="370830",
        hukou="rural",
        month="2020-08",
        members=[{"relation": "head", "born": date(1968, 2, 1)}, {"relation": "spouse", "born": date(1970, 5, 1)}],
    )
    payload["programme"] = "temporary"
    payload["event"] = {"kind": "emergency", "cause": "fire", "occurred_on": "2020-08-03"}
    return payload


def test_the_cli_prints_the_temporary_answer_and_the_api_gives_the_same(client, fire, tmp_path):
    path = tmp_path / "fire.json"
    path.write_text(json.dumps(fire, ensure_ascii=False), encoding="utf-8")
    cli = run_cli("assess", "--programme", "temporary", str(path))
    assert cli.returncode == 0, cli.stderr
    answer = json.loads(cli.stdout)
    assert (answer["amount"], answer["approval"], answer["help_first"]) == ("2670.00", "township", True)
    assert (
        answer["reasons"][0]["text"] == "急难型临时救助（火灾）：当地月低保标准 445.00 元 × 3 个月 × 2 人 = 2670.00 元"
    )
    api = client.post("/api/v1/assessments", data=json.dumps(fire), content_type="application/json")
    assert api.status_code == 200
    assert api.json() == answer


def test_the_cli_refuses_bad_input_with_exit_2_naming_the_field(fire):
    fire["event"] = {"kind": "spending", "cause": "medical", "occurred_on": "2020-08-01", "spending": "-12000.00"}
    cli = run_cli("assess", "--programme", "temporary", "-", stdin=json.dumps(fire))
    assert cli.returncode == 2
    assert cli.stderr.strip() == "event.spending: 金额不能为负数：-12000.00"
    fire["event"]["kind"] = "flood"
    cli = run_cli("assess", "-", "--lang", "en", stdin=json.dumps(fire))  # the input names the programme
    assert cli.returncode == 2 and cli.stderr.startswith("event.kind: invalid value flood")
    assert "Traceback" not in cli.stderr


def test_without_a_programme_the_cli_decides_dibao_and_tekun_as_before(fire):
    del fire["programme"], fire["event"]
    before = run_cli("assess", "-", stdin=json.dumps(fire))
    assert before.returncode == 0 and "dibao" in json.loads(before.stdout)
    assert run_cli("assess", "--programme", "dibao", "-", stdin=json.dumps(fire)).stdout == before.stdout


def test_the_api_answers_422_with_the_event_field_path(client, fire):
    fire["event"] = {"kind": "spending", "cause": "medical", "occurred_on": "2020-08-01", "spending": "12,000.00"}
    fire["paid_this_year"] = "-1"
    response = client.post("/api/v1/assessments?lang=en", data=json.dumps(fire), content_type="application/json")
    assert response.status_code == 422
    errors = {e["loc"]: e for e in response.json()["detail"]}
    assert set(errors) == {"event.spending", "paid_this_year"}
    assert errors["event.spending"]["type"] == "money_format"
    assert errors["paid_this_year"]["msg"] == "amount cannot be negative: -1"
    fire["programme"] = "housing"
    response = client.post("/api/v1/assessments", data=json.dumps(fire), content_type="application/json")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == "programme"


def test_the_api_takes_3000_at_the_township_and_3000_01_at_the_county(client, fire):
    fire["event"] = {"kind": "spending", "cause": "living", "occurred_on": "2020-08-01", "spending": "3000.00"}
    post = lambda: client.post("/api/v1/assessments", data=json.dumps(fire), content_type="application/json")  # noqa: E731
    assert (post().json()["amount"], post().json()["approval"]) == ("3000.00", "township")
    fire["event"]["spending"] = "3000.01"
    assert (post().json()["amount"], post().json()["approval"]) == ("3000.01", "county")


def test_openapi_documents_the_programme_the_event_and_the_temporary_answer(client):
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/assessments"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["programme"]["enum"] == ["dibao", "tekun", "temporary", "children", "education_aid"]
    assert body["properties"]["event"]["properties"]["kind"]["enum"] == ["emergency", "spending"]
    assert body["properties"]["members"]["items"]["properties"]["able_obligor"]["default"] is True
    assert "TemporaryAssessment" in json.dumps(operation["responses"]["200"])
    assert "422" in operation["responses"]
