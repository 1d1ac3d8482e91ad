"""The verification centre from the command line.

    safetynet feeds formats [--item CODE]
    safetynet feeds import FILE... --item CODE --delivered YYYY-MM-DD --user USER
    safetynet verify --household ID | --township CODE | --day YYYY-MM-DD [--month YYYY-MM] --user USER
    safetynet screen --out DIR [--month YYYY-MM] [--store DIR] [--user USER]
    safetynet generate --households N --out DIR [--month YYYY-MM] [--seed N]
    safetynet generate --scenario jining-2020 [--payroll city|wenshang] [--seed N] [--json]

``screen`` and ``generate`` need no database: they read and write Parquet. With ``--user``,
``screen`` also files its findings in the problem ledger under that user's area. ``generate
--scenario`` writes a scenario into the office's database instead (``safetynet.scenario``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from safetynet.batch.feed_items import DEPARTMENTS, ITEMS
from safetynet.batch.feeds import FeedError
from safetynet.payments.cli import _as_staff, _fail, _Refused, _setup, staff_user


def _date(text: str, option: str = "--delivered") -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _Refused(f"{option}: {text} 不是日期（应为 YYYY-MM-DD）") from None


def _month(text: str | None) -> date:
    from safetynet.policy.errors import PolicyError
    from safetynet.policy.household import parse_month

    try:
        return parse_month(text) if text else date.today().replace(day=1)
    except PolicyError as exc:
        raise _Refused(f"--month: {exc.message('zh')}") from None


def _refusals(func):
    """A command that needs no database: bad arguments are exit 2 with the message."""

    def wrapper(args) -> int:
        try:
            return func(args)
        except _Refused as exc:
            return _fail(str(exc))

    return wrapper


def cmd_formats(args) -> int:
    codes = [args.item] if args.item else list(ITEMS)
    for code in codes:
        if code not in ITEMS:
            return _fail(f"--item: 未知的数据项 {code}（可选：{', '.join(ITEMS)}）")
        item = ITEMS[code]
        print(f"{code}  {item.name}  [{DEPARTMENTS[item.department]}]  ({item.kind})")
        for name, kind in item.columns.items():
            shown = "/".join(kind) if isinstance(kind, tuple) else kind
            print(f"    {name.rstrip('?'):<20} {shown}{'（可空）' if name.endswith('?') else ''}")
        print(f"    用途: {item.use}")
    return 0


@_as_staff
def cmd_import(args) -> int:
    from tqdm import tqdm

    from safetynet.verification import services

    user = staff_user(args.user)
    delivered = _date(args.delivered)
    if args.item not in ITEMS:
        return _fail(f"--item: 未知的数据项 {args.item}（可选：{', '.join(ITEMS)}）")
    failed = 0
    for name in tqdm(args.files, desc="导入", unit="文件", disable=len(args.files) < 2, file=sys.stderr):
        try:
            delivery, new = services.import_delivery(user, Path(name), args.item, delivered)
        except FeedError as exc:
            print(f"{name}: {exc.message}", file=sys.stderr)
            failed += 1
            continue
        state = "已导入" if new else "此前已导入（同一交付，未重复写入）"
        print(f"{name}: {state}；导入 {delivery.rows_loaded} 行，拒收 {delivery.rows_rejected} 行")
        for r in delivery.rejections[:20] if new else []:
            print(f"    第 {r['row']} 行 {r['column']}：{r['reason']}（{r['value']}）")
        if new and delivery.rows_rejected:
            print(f"    拒收明细：{services.store_path() / '_rejections' / args.item}")
    return 2 if failed else 0


@_as_staff
def cmd_verify(args) -> int:
    from tqdm import tqdm

    from safetynet.policy.money import fmt
    from safetynet.registry.models import Area
    from safetynet.registry.selectors import households_for
    from safetynet.verification import services
    from safetynet.verification.models import CheckRun
    from safetynet.verification.selectors import applicants_of_day, households_to_review

    user = staff_user(args.user)
    month = _month(args.month)
    if not services.has_data(services.store_path()):
        return _fail(f"核对中心尚未导入任何部门数据（{services.store_path()}）")
    if args.day:
        day = _date(args.day, "--day")
        households = list(applicants_of_day(user.staff.area, day))
        bar = tqdm(total=len(households), desc="核对", unit="户", file=sys.stderr)
        run = services.check_households(
            user, households, month=day.replace(day=1), kind=CheckRun.Kind.APPLICANTS, area=user.staff.area,
            programme=args.programme, progress=lambda done, total: bar.update(done - bar.n),
        )  # fmt: skip
        bar.close()
    elif args.household:
        household = households_for(user).filter(pk=args.household).first()
        if household is None:
            return _fail(f"--household: 找不到 {args.household}，或不在 {args.user} 的辖区内")
        run = services.check_household(user, household, month=month, programme=args.programme)
    else:
        area = Area.objects.filter(code=args.township, level=Area.Level.TOWNSHIP).first()
        if area is None:
            return _fail(f"--township: {args.township} 不是乡镇（街道）代码")
        households = list(households_to_review(area))
        bar = tqdm(total=len(households), desc="核对", unit="户", file=sys.stderr)
        run = services.check_households(
            user, households, month=month, kind=CheckRun.Kind.TOWNSHIP, area=area, programme=args.programme,
            progress=lambda done, total: bar.update(done - bar.n),
        )  # fmt: skip
        bar.close()
    labels = dict(CheckRun._meta.get_field("kind").choices)
    print(f"核对批次 #{run.pk}（{labels[run.kind]}）：{run.households} 户，{run.person_checks} 人次")
    for impact, n in sorted(run.summary.get("impacts", {}).items()):
        print(f"    {impact}: {n}")
    for skipped in run.summary.get("skipped", []):
        print(f"    未核对（缺授权）家庭 {skipped['household']}：{'、'.join(skipped['missing'])}")
    if args.household:
        result = run.results.get()
        print(f"申报口径 {fmt(result.declared_amount_fen)} 元，核对口径 {fmt(result.verified_amount_fen)} 元")
        for line in result.lines:
            if line["differs"]:
                print(
                    f"    {line['id_number']} {line['line']}：申报 {line['declared']}，核对 {line['found']}（{line['departments']}）"
                )
    return 0


@_refusals
def cmd_screen(args) -> int:
    from tqdm import tqdm

    from safetynet.batch import screen

    month = _month(args.month)
    store = Path(args.store) if args.store else None
    out = Path(args.out)
    stages = tqdm(total=4, desc="筛查", unit="步", file=sys.stderr)

    def step(label: str) -> None:
        stages.set_postfix_str(label)
        if label != "部门数据汇总到人":
            stages.update(1)

    if args.user:
        _setup()
        from django.core.exceptions import PermissionDenied

        from safetynet.verification import services

        try:
            user = staff_user(args.user)
            run, findings = services.screen_population(
                user, month=month, area=user.staff.area, store=store, progress=step
            )
        except (_Refused, PermissionDenied) as exc:
            return _fail(str(exc))
        persons = run.person_checks
    else:
        if store is None:
            return _fail("--store: 不指定 --user 时须给出部门数据目录")
        if not store.is_dir():
            return _fail(f"--store: 目录不存在 {store}")
        findings, persons = screen.screen_store_counted(store, month, progress=step)
    stages.close()
    out.mkdir(parents=True, exist_ok=True)
    findings.write_parquet(out / "findings.parquet")
    if findings.height <= 100_000:
        from safetynet.verification.exports import findings_sheet

        (out / "findings.xlsx").write_bytes(findings_sheet(findings.iter_rows(named=True)))
    print(f"筛查 {persons} 人，发现 {findings.height} 项 → {out}")
    for kind, n in findings.group_by("kind").len().sort("kind").iter_rows():
        print(f"    {screen.FINDING_KINDS[kind][0]}: {n}")
    return 0


@_refusals
def cmd_generate(args) -> int:
    from tqdm import tqdm

    from safetynet.batch.generate import generate_city

    if args.scenario:
        from safetynet.scenario import cli as scenario_cli

        return scenario_cli.run(args)
    if args.households is None or args.out is None:
        return _fail("--households 与 --out 为必填（或以 --scenario 生成写入数据库的情景）")
    if args.households < 1:
        return _fail("--households: 应为正整数")
    bar = tqdm(total=9, desc="生成", unit="步", file=sys.stderr)

    def step(label: str) -> None:
        bar.set_postfix_str(label)
        bar.update(1)

    counts = generate_city(
        args.households, Path(args.out), month=_month(args.month), seed=args.seed, townships=args.townships,
        villages=args.villages, progress=step,
    )  # fmt: skip
    bar.close()
    print(f"{counts['households']} 户，{counts['residents']} 人，已保障 {counts['covered']} 人，"
          f"预置问题 {counts['planted']} 户 → {args.out}")  # fmt: skip
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    feeds = sub.add_parser("feeds", help="部门核对数据 (department feeds)").add_subparsers(
        dest="feeds_command", required=True
    )
    p = feeds.add_parser("formats", help="19 项数据的文件格式", description="列出各数据项的列、类型与用途")
    p.add_argument("--item", help="只列出一项")
    p.set_defaults(func=cmd_formats)
    p = feeds.add_parser(
        "import", help="导入部门交付的数据文件（CSV、Excel、Parquet）",
        description="逐行校验（身份证号、类型、日期、金额）；错误行写入拒收明细，正确行照常导入；同一文件重复导入不重复写入。",
    )  # fmt: skip
    p.add_argument("files", nargs="+", help="数据文件")
    p.add_argument("--item", required=True, help="数据项代码（见 safetynet feeds formats）")
    p.add_argument("--delivered", required=True, help="交付日期 YYYY-MM-DD")
    p.add_argument("--user", required=True, help="核对人员或市级工作人员用户名")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("verify", help="按部门数据核对家庭（单户或乡镇全部保障对象）",
                       description="先核对、后审批：以部门数据核对申报的收入与财产，给出逐项比对与对决定的影响。")  # fmt: skip
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--household", type=int, help="家庭编号")
    which.add_argument("--township", help="乡镇（街道）代码：核对其全部保障对象（定期复核）")
    which.add_argument("--day", help="日期 YYYY-MM-DD：核对该用户辖区内当日受理的全部申请家庭")
    p.add_argument("--month", help="核对月份 YYYY-MM；缺省为本月")
    p.add_argument("--programme", choices=("dibao", "tekun"), default="dibao")
    p.add_argument("--user", required=True, help="办理的工作人员用户名")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("screen", help="全人口筛查：漏保、错保与异常",
                       description="以户籍人口与部门数据筛查符合条件未纳入（漏保）、不再符合仍在保（错保）及死亡、车辆、工商、财政供养、重复享受、近亲属等异常。")  # fmt: skip
    p.add_argument("--out", required=True, help="输出目录（findings.parquet、findings.xlsx）")
    p.add_argument("--month", help="筛查月份 YYYY-MM；缺省为本月")
    p.add_argument("--store", help="部门数据目录；缺省为系统的数据目录（须同时给出 --user）")
    p.add_argument("--user", help="核对人员或市级工作人员：发现写入其辖区的问题台账")
    p.set_defaults(func=cmd_screen)

    p = sub.add_parser("generate", help="生成合成的济宁市人口与 19 项部门数据，或写入数据库的情景（--scenario）",
                       description="全市规模约 300 万户、800 余万人；含已知的预置漏保、错保与异常案例（planted.parquet）。"
                                   "--scenario jining-2020：在系统数据库中生成 2020 年的济宁市并重演 7—12 月（见 README）。")  # fmt: skip
    p.add_argument("--households", type=int, help="户数（全市约 3000000）；不与 --scenario 同用")
    p.add_argument("--out", help="输出目录（部门数据目录的格式）；不与 --scenario 同用")
    p.add_argument("--month", help="筛查月份 YYYY-MM；缺省 2026-11", default="2026-11")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--townships", type=int, default=12, help="每县乡镇数")
    p.add_argument("--villages", type=int, default=20, help="每乡镇村居数")
    from safetynet.scenario.cli import add_arguments

    add_arguments(p)
    p.set_defaults(func=cmd_generate)
