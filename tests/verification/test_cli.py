"""The verification centre's commands: what they print, and exit 2 with a message on bad input."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import polars as pl
import pytest
from openpyxl import load_workbook

from safetynet.cli import main
from safetynet.verification.models import FeedDelivery

CLI = [sys.executable, "-m", "safetynet"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300)


def test_formats_lists_every_item_and_refuses_an_unknown_one():
    out = run("feeds", "formats")
    assert out.returncode == 0 and out.stdout.count("用途") == 19 and "银行存款" in out.stdout
    bad = run("feeds", "formats", "--item", "horoscopes")
    assert bad.returncode == 2 and "未知的数据项" in bad.stderr and "Traceback" not in bad.stderr


def test_generate_then_screen_writes_findings_as_parquet_and_excel(tmp_path):
    city, out = tmp_path / "city", tmp_path / "out"
    made = run("generate", "--households", "2000", "--out", str(city), "--townships", "2", "--villages", "2")
    assert made.returncode == 0, made.stderr
    assert "2000 户" in made.stdout
    screened = run("screen", "--store", str(city), "--out", str(out), "--month", "2026-11")
    assert screened.returncode == 0, screened.stderr
    findings = pl.read_parquet(out / "findings.parquet")
    planted = pl.read_parquet(city / "planted.parquet")
    assert set(planted["household_no"]) <= set(findings["household_no"])
    assert f"发现 {findings.height} 项" in screened.stdout and "漏保：符合低保条件未纳入" in screened.stdout
    sheet = load_workbook(out / "findings.xlsx").active
    assert [c.value for c in sheet[1]][:3] == ["序号", "问题类型", "户号"]
    assert sheet.max_row == findings.height + 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["screen", "--out", "x"], "--store"),
        (["screen", "--out", "x", "--store", "/nonexistent/store"], "目录不存在"),
        (["screen", "--out", "x", "--store", ".", "--month", "2026-13"], "month"),
        (["generate", "--households", "0", "--out", "x"], "--households"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(args, message):
    out = run(*args)
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


def test_import_from_the_command_line(city, store, tmp_path, capsys):
    path = tmp_path / "deposits.csv"
    path.write_text(
        "id_number,institution,balance,as_of\n370830195001011238,农行,12.345,2026-10-31\n", encoding="utf-8"
    )
    args = ["feeds", "import", str(path), "--item", "deposits", "--delivered", "2026-10-31"]
    assert main([*args, "--user", "clerk"]) == 2
    assert "不能" in capsys.readouterr().err
    assert main([*args, "--user", "nobody"]) == 2
    assert main([*args[:-1], "2026-02-30", "--user", "city_admin"]) == 2
    assert main([*args, "--user", "city_admin"]) == 0
    printed = capsys.readouterr().out
    assert "导入 0 行，拒收 1 行" in printed and "两位小数" in printed
    assert main([*args, "--user", "city_admin"]) == 0
    assert "此前已导入" in capsys.readouterr().out
    assert FeedDelivery.objects.count() == 1
    broken = tmp_path / "x.csv"
    broken.write_text("id_number,balance\n1,2\n", encoding="utf-8")
    assert main(["feeds", "import", str(broken), "--item", "deposits", "--delivered", "2026-10-31", "--user",
                 "city_admin"]) == 2  # fmt: skip
    assert "缺少列" in capsys.readouterr().err


def test_verify_refuses_without_data_and_outside_the_area(city, poor_household, other_household, store, capsys):
    assert main(["verify", "--household", str(poor_household.pk), "--user", "clerk"]) == 2
    assert "尚未导入任何部门数据" in capsys.readouterr().err
    store.mkdir(parents=True, exist_ok=True)
    from safetynet.batch.feeds import write_item

    write_item(store, "deaths", date(2024, 1, 1), pl.DataFrame(schema={"person_key": pl.Int64, "id_number": pl.String,
                                                                         "death_date": pl.Date}))  # fmt: skip
    assert main(["verify", "--household", str(other_household.pk), "--user", "clerk"]) == 2
    assert "不在 clerk 的辖区内" in capsys.readouterr().err
    assert main(["verify", "--household", str(poor_household.pk), "--user", "clerk", "--month", "2024-03"]) == 0
    assert "核对批次" in capsys.readouterr().out


def test_a_days_applicants_are_checked_as_one_batch(city, poor_household, other_household, store, capsys):
    from safetynet.batch.feeds import write_item
    from safetynet.cases import services as cases
    from safetynet.verification.models import CheckRun
    from tests.office.conftest import TODAY

    for household, clerk in ((poor_household, "clerk"), (other_household, "other_clerk")):
        head = household.members.get(relation="head")
        cases.start_precheck(city[clerk], household=household, programme="dibao", applicant=head, on=TODAY)
    head = poor_household.members.get(relation="head")
    write_item(store, "deposits", date(2024, 3, 1), pl.DataFrame({
        "person_key": [int(head.id_number[:17])], "id_number": [head.id_number], "institution": ["农业银行"],
        "balance": [50_000_000], "as_of": [date(2024, 2, 29)],
    }))  # fmt: skip
    assert main(["verify", "--day", "2024-03-04", "--user", "county"]) == 0
    out = capsys.readouterr().out
    run = CheckRun.objects.filter(kind=CheckRun.Kind.APPLICANTS).get()
    assert run.households == 2 and f"核对批次 #{run.pk}（当日申请核对）：2 户" in out
    assert main(["verify", "--day", "2024-02-30", "--user", "county"]) == 2
    assert "--day" in capsys.readouterr().err
