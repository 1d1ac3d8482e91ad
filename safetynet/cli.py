"""The ``safetynet`` command.

    safetynet assess FILE|- [--programme dibao|tekun|temporary|children|education_aid] [--month YYYY-MM] [--lang zh|en]
    safetynet policy show --area CODE --month YYYY-MM [--json]
    safetynet policy areas
    safetynet calendar add-working-days DATE N
    safetynet calendar between DATE DATE
    safetynet audit verify | audit tail [--n 20]
    safetynet payroll run|approve|export|reconcile --month YYYY-MM --user USER [--township CODE]
    safetynet feeds formats | feeds import FILE... --item CODE --delivered DATE --user USER
    safetynet verify --household ID | --township CODE --user USER [--month YYYY-MM]
    safetynet screen --out DIR [--store DIR] [--user USER] [--month YYYY-MM]
    safetynet generate --households N --out DIR
    safetynet backup --out DIR|FILE.tar | restore DIR|FILE.tar [--force]
    safetynet fund statement --township CODE --month YYYY-MM [--xlsx PATH] [--user USER]
    safetynet manage ARGS...        (Django's manage.py: migrate, runserver, createsuperuser...)

Exit status: 0 done, 2 bad input (the message names the field), 1 anything unexpected.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date

from safetynet.funds import cli as funds_cli
from safetynet.payments import cli as payments_cli
from safetynet.policy import areas, working_days
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.household import load_json, parse_month
from safetynet.policy.parameters import in_force, in_force_json
from safetynet.policy.temporary import PROGRAMMES, assess_programme
from safetynet.site import backup as backup_cli
from safetynet.supervision import cli as supervision_cli
from safetynet.verification import cli as verification_cli

BAD_INPUT = 2


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return BAD_INPUT


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as f:
        return f.read()


def _decode(data: bytes) -> str:
    """UTF-8, with or without the BOM that Windows Notepad writes; anything else is refused."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([FieldError("", "encoding", position=exc.start)]) from None


def _with_office_values() -> None:
    """Count the values the city entered in the office (a year's holidays, a new standard) here
    too, as the pages and the API do, when there is an office database; else the policy floor alone."""
    if not os.environ.get("DATABASE_URL"):
        from pathlib import Path

        data_dir = Path(os.environ.get("SAFETYNET_DATA_DIR") or Path(__file__).resolve().parent.parent / "var")
        if not (data_dir / "safetynet.sqlite3").exists():
            return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.site.settings")
    import django

    django.setup()  # the administration app hands its sources to the policy floor


def cmd_assess(args: argparse.Namespace) -> int:
    _with_office_values()
    try:
        text = _decode(_read(args.file))
    except FileNotFoundError:
        return _fail(f"{args.file}: 文件不存在")
    except PermissionError:
        return _fail(f"{args.file}: 没有读取权限")
    except IsADirectoryError:
        return _fail(f"{args.file}: 是目录，不是文件")
    except OSError as exc:
        return _fail(f"{args.file}: 无法读取（{exc.strerror}）")
    result = assess_programme(load_json(text), args.programme, lang=args.lang, month=args.month)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def _show(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={_show(v)}" for k, v in value.items())
    if isinstance(value, tuple | list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def cmd_policy_show(args: argparse.Namespace) -> int:
    _with_office_values()
    area = areas.get_area(args.area)
    on = parse_month(args.month)
    if args.json:
        out = in_force_json(area.code, on, args.lang)
        print(json.dumps({"area": area.code, "month": args.month, "parameters": out}, ensure_ascii=False, indent=2))
        return 0
    rows = in_force(area.code, on)
    print(f"{area.code} {area.name}（{area.tier} 档）{args.month} 生效的参数：")
    for r in rows:
        if "error" in r:
            print(f"- {r['name']}: {r['error'].message(args.lang)}")
            continue
        flag = "" if r["confirmed"] else "  [待确认 unconfirmed]"
        print(f"- {r['name']} = {_show(r['value'])}  （自 {r['effective']}）{flag}")
        print(f"    {r['description']}")
        print(f"    依据：{r['reference']}")
    return 0


def cmd_policy_areas(args: argparse.Namespace) -> int:
    for a in areas.all_areas():
        note = "" if a.code_confirmed else "  [代码待确认]"
        print(f"{a.code}  {a.tier}  {a.name}{note}")
    return 0


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} 不是 YYYY-MM-DD 格式的日期") from None


def _provisional_note(start: date, end: date) -> str:
    """"（暂定…）" when the count crossed a year whose official arrangement is not entered yet."""
    years = working_days.provisional_years(start, end)
    if not years:
        return ""
    return f"（暂定：{'、'.join(map(str, years))} 年的放假安排尚未录入，按法定节假日推算）"


def cmd_add_working_days(args: argparse.Namespace) -> int:
    _with_office_values()
    result = working_days.add_working_days(args.date, args.n)
    print(f"{result.isoformat()}{_provisional_note(args.date, result)}")
    return 0


def cmd_between(args: argparse.Namespace) -> int:
    _with_office_values()
    print(f"{working_days.working_days_between(args.start, args.end)}{_provisional_note(args.start, args.end)}")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["safetynet manage", *args.args])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="safetynet",
        description="济宁市社会救助平台 safetynet：测算、政策参数、工作日历。",
        epilog="退出码 exit status: 0 成功；2 输入有误（信息指明字段）；1 其他错误。",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "assess",
        help="测算一户的低保与特困认定或临时救助 (decide one household)",
        description="读取一户的 JSON（文件或 - 表示标准输入），输出低保与特困的认定结果 JSON；"
        "--programme temporary 时输入另含 event，输出临时救助的测算结果。",
    )
    p.add_argument("file", help="JSON 文件路径，或 - 读取标准输入")
    p.add_argument("--month", help="测算月份 YYYY-MM（覆盖输入中的 month）")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="理由与错误信息的语言")
    p.add_argument(
        "--programme",
        choices=PROGRAMMES,
        help="救助项目：dibao、tekun（低保与特困一并测算，默认）、temporary（临时救助，输入另含 event）、"
        "children（孤儿、事实无人抚养儿童：一名儿童的出生日期与父母情形）或 education_aid（助学：一名学生）",
    )
    p.set_defaults(func=cmd_assess)

    policy = sub.add_parser("policy", help="政策参数与区划 (parameters and areas)").add_subparsers(
        dest="policy_command", required=True
    )
    p = policy.add_parser("show", help="某区划某月生效的全部参数及其依据")
    p.add_argument("--area", required=True, help="县级区划代码，如 370811")
    p.add_argument("--month", required=True, help="月份 YYYY-MM")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.set_defaults(func=cmd_policy_show)
    p = policy.add_parser("areas", help="列出县级区划及标准档次")
    p.set_defaults(func=cmd_policy_areas)

    cal = sub.add_parser("calendar", help="工作日历 (working days)").add_subparsers(
        dest="calendar_command", required=True
    )
    p = cal.add_parser("add-working-days", help="DATE 之后第 N 个工作日（不含当日）")
    p.add_argument("date", type=_date, help="起算日 YYYY-MM-DD")
    p.add_argument("n", type=int, help="工作日数，可为负")
    p.set_defaults(func=cmd_add_working_days)
    p = cal.add_parser("between", help="(START, END] 之间的工作日数")
    p.add_argument("start", type=_date)
    p.add_argument("end", type=_date)
    p.set_defaults(func=cmd_between)

    supervision_cli.add_commands(sub)
    payments_cli.add_commands(sub)
    verification_cli.add_commands(sub)
    funds_cli.add_commands(sub)
    backup_cli.add_commands(sub)

    p = sub.add_parser("manage", help="Django 管理命令 (migrate, runserver, createsuperuser, ...)", add_help=False)
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lang = getattr(args, "lang", "zh")
    try:
        return args.func(args)
    except PolicyError as exc:
        return _fail(exc.message(lang))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader (head, less) went away: not an error of ours
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
