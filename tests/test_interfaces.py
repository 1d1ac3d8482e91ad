"""The CLI and the API: same answers, same refusals, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import date

import pytest

CLI = [sys.executable, "-m", "safetynet"]
NO_OFFICE = tempfile.mkdtemp(prefix="safetynet-cli-")  # a data folder without an office database


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    # The policy floor alone: no office database whose entered values would count.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SAFETYNET_DATA_DIR"] = NO_OFFICE
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture
def poor_family(household):
    return household(
        area="370830",
        hukou="urban",
        month="2020-08",
        members=[
            {
                "relation": "head",
                "born": date(1950, 1, 1),
                "incomes": [{"kind": "wage", "monthly": "1179.00"}],
                "able_obligor": False,
            },
            {"relation": "child", "born": date(2006, 3, 4), "disability": {"grade": 1, "kind": "intellectual"}},
        ],
    )


def test_the_cli_and_the_api_give_the_same_answer(client, poor_family, tmp_path):
    path = tmp_path / "household.json"
    path.write_text(json.dumps(poor_family, ensure_ascii=False), encoding="utf-8")
    cli = run_cli("assess", str(path))
    assert cli.returncode == 0, cli.stderr
    api = client.post("/api/v1/assessments", data=json.dumps(poor_family), content_type="application/json")
    assert api.status_code == 200
    assert json.loads(cli.stdout) == api.json()
    assert api.json()["dibao"]["monthly_amount"] == "1.00"


def test_the_cli_reads_stdin_and_speaks_english_when_asked(poor_family):
    cli = run_cli("assess", "-", "--lang", "en", stdin=json.dumps(poor_family))
    assert cli.returncode == 0
    reasons = json.loads(cli.stdout)["dibao"]["reasons"]
    assert reasons[0]["text"].startswith("household income 1179.00 yuan for 2 members")


def test_month_option_overrides_the_input(poor_family):
    cli = run_cli("assess", "-", "--month", "2021-08", stdin=json.dumps(poor_family))
    assert json.loads(cli.stdout)["month"] == "2021-08"


def test_bad_input_exits_2_naming_the_field(poor_family):
    number = poor_family["members"][1]["id_number"]
    poor_family["members"][1]["id_number"] = number[:-1] + ("1" if number[-1] != "1" else "2")
    cli = run_cli("assess", "-", stdin=json.dumps(poor_family))
    assert cli.returncode == 2
    assert cli.stderr.startswith("members[1].id_number: 身份证号码校验码错误")
    assert "Traceback" not in cli.stderr


@pytest.mark.parametrize(
    "stdin, fragment",
    [
        ('{"area": ', "不是有效的 JSON：第 1 行"),
        ("[1, 2]", "应为对象"),
        (
            '{"area": "370811", "hukou": "urban", "month": "2019-01", "members": '
            '[{"relation": "head", "id_number": "370811197001010015"}]}',
            "month: 2019-01-01 时参数 dibao_standard",
        ),
    ],
)
def test_malformed_input_never_shows_a_traceback(stdin, fragment):
    cli = run_cli("assess", "-", stdin=stdin)
    assert cli.returncode == 2
    assert fragment in cli.stderr
    assert "Traceback" not in cli.stderr


def test_a_missing_file_exits_2():
    cli = run_cli("assess", "/nonexistent/household.json")
    assert cli.returncode == 2
    assert cli.stderr.strip() == "/nonexistent/household.json: 文件不存在"


def test_files_saved_by_notepad_with_a_bom_are_read_and_gbk_is_refused_clearly(poor_family, tmp_path):
    text = json.dumps(poor_family, ensure_ascii=False)
    bom = tmp_path / "bom.json"
    bom.write_bytes(text.encode("utf-8-sig"))
    assert run_cli("assess", str(bom)).returncode == 0
    poor_family["members"][0]["name"] = "张三"
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes(json.dumps(poor_family, ensure_ascii=False).encode("gbk"))
    cli = run_cli("assess", str(gbk))
    assert cli.returncode == 2
    assert "不是 UTF-8 编码" in cli.stderr and "Traceback" not in cli.stderr


def test_the_api_answers_422_with_the_field_path(client, poor_family):
    poor_family["members"][0]["incomes"][0]["monthly"] = "-1"
    poor_family["area"] = "370899"
    response = client.post("/api/v1/assessments?lang=en", data=json.dumps(poor_family), content_type="application/json")
    assert response.status_code == 422
    locs = {e["loc"]: e for e in response.json()["detail"]}
    assert set(locs) == {"area", "members[0].incomes[0].monthly"}
    assert locs["members[0].incomes[0].monthly"]["msg"] == "amount cannot be negative: -1"


def test_the_api_refuses_malformed_json_with_422(client):
    response = client.post("/api/v1/assessments", data="{not json", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json"


def test_openapi_documents_the_assessment_input_and_output(client):
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/assessments"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["members"]["items"]["properties"]["able_obligor"]["default"] is True
    assert "422" in operation["responses"]


def test_policy_show_prints_values_with_their_source():
    cli = run_cli("policy", "show", "--area", "370830", "--month", "2021-08")
    assert cli.returncode == 0
    assert "dibao_standard = urban=590.00, rural=445.00" in cli.stdout
    assert "decision_time_limit = 2" in cli.stdout
    assert "[待确认 unconfirmed]" in cli.stdout


def test_policy_show_as_json_and_its_errors():
    data = json.loads(run_cli("policy", "show", "--area", "370811", "--month", "2021-08", "--json").stdout)
    by_name = {p["name"]: p for p in data["parameters"]}
    assert by_name["dibao_standard"]["value"] == {"urban": "630.00", "rural": "475.00"}
    bad = run_cli("policy", "show", "--area", "370899", "--month", "2021-08")
    assert bad.returncode == 2 and "370899" in bad.stderr
    bad = run_cli("policy", "show", "--area", "370811", "--month", "2021-8")
    assert bad.returncode == 2 and "YYYY-MM" in bad.stderr


def test_calendar_commands():
    assert run_cli("calendar", "add-working-days", "2024-02-09", "1").stdout.strip() == "2024-02-18"
    assert run_cli("calendar", "between", "2024-02-09", "2024-02-19").stdout.strip() == "2"
    bad = run_cli("calendar", "add-working-days", "2024-02-30", "1")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
    # A deadline reaching into a year whose arrangement is not entered (no release of the library
    # knows 2099): a date, marked 暂定, exit 0.
    ahead = run_cli("calendar", "add-working-days", "2099-12-01", "20")
    assert ahead.returncode == 0 and ahead.stdout.startswith("2099-12-29（暂定：2099 年")


def test_calendar_api_and_policy_api(client):
    known = client.get("/api/v1/calendar/add-working-days?date=2024-02-09&n=2").json()
    assert known["result"] == "2024-02-19" and known["provisional"] is False
    ahead = client.get("/api/v1/calendar/add-working-days?date=2098-12-18&n=20").json()
    assert ahead == {"date": "2098-12-18", "n": 20, "result": "2099-01-16", "provisional": True,
                     "provisional_years": [2098, 2099]}
    areas = client.get("/api/v1/policy/areas").json()
    assert len(areas) == 14
    params = client.get("/api/v1/policy/parameters?area=370830&month=2021-01").json()
    by_name = {p["name"]: p for p in params}
    assert by_name["decision_time_limit"]["value"] == 2
    assert by_name["investigation_start_limit"]["value"] == 3  # the 2021 value from 2020-07-01, to confirm
    early = {p["name"]: p for p in client.get("/api/v1/policy/parameters?area=370830&month=2020-06").json()}
    assert early["investigation_start_limit"]["error"].startswith("2020-06-01 时参数")
    assert client.get("/api/v1/policy/parameters?area=370811&month=2021-1").status_code == 422


def test_home_page_shows_the_standards(client):
    page = client.get("/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "汶上县" in text and "590.00" in text


@pytest.mark.django_db
def test_the_database_is_migrated_and_the_admin_works(admin_client):
    assert admin_client.get("/admin/").status_code == 200


def test_api_docs_work_without_internet(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "https://" not in page.split("<body")[0]
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_the_readme_assess_example_runs_as_printed():
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index('{"area": "370830"')
    example = readme[start:readme.index("```", start)]
    done = run_cli("assess", "-", stdin=example)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["dibao"]["eligible"] is True
