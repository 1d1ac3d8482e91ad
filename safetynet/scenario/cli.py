"""``safetynet generate --scenario jining-2020``: the Jining of 2020 built in the office's
database and replayed from July to December (README, "Jining 2020 replayed")."""

from __future__ import annotations

import json
import sys

SCENARIOS = ("jining-2020",)


def run(args) -> int:
    """Build the scenario named by ``--scenario`` in the configured database (which must hold no
    households yet); print what it did and how long each part took."""
    from safetynet.payments.cli import _fail, _setup

    if args.scenario not in SCENARIOS:
        return _fail(f"--scenario: 未知的情景 {args.scenario}（可选：{'、'.join(SCENARIOS)}）")
    if args.households is not None or args.out is not None:
        return _fail("--scenario 直接写入系统数据库，不与 --households、--out 同用")
    _setup()
    from safetynet.scenario import jining2020, plan

    def step(label: str) -> None:
        print(f"  {label}", file=sys.stderr, flush=True)

    print(f"生成情景 {args.scenario}：济宁市 2020 年 7 月接收在册对象，7—12 月经各项业务办理"
          f"（发放名册：{'全市' if args.payroll == 'city' else '汶上县'}）", file=sys.stderr)
    report = jining2020.run(seed=args.seed, payroll=args.payroll, progress=step)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    taken, moves, payroll = report["taken_over"], report["movements"], report["payroll_runs"]
    print(f"2020-07-01 接收原系统在册对象 {taken['households']} 户（案件），保障 {taken['persons_covered']} 人")
    print(f"7—12 月：申请 {moves.get('applications', 0)} 件（确认 {moves.get('approved', 0)}，"
          f"不予确认 {moves.get('refused', 0)}），复核 {moves.get('reviewed', 0)}，"
          f"渐退 {moves.get('graduated_exit', 0)}，疫情期间暂缓退出 {moves.get('exit_held', 0)}，终止 "
          f"{sum(n for k, n in moves.items() if k.startswith('exit_') and k != 'exit_held')}")
    print(f"发放名册 {payroll.get('runs', 0)} 份，{payroll.get('lines', 0)} 行，"
          f"合计 {payroll.get('total_fen', 0) / 100:,.2f} 元；11 月筛查 {moves.get('person_checks', 0)} 人，"
          f"发现 {sum(report['findings'].values())} 项")
    print(f"截至 {plan.END}：见统计页（以 SAFETYNET_DEMO=1 SAFETYNET_TODAY={plan.END} 启动，登录 city）")
    print("用时（秒）：" + "，".join(f"{k} {v}" for k, v in report["seconds"].items()))
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--scenario", choices=SCENARIOS,
                        help="写入系统数据库的情景：jining-2020（2020 年 7—12 月的济宁市，见 README）；"
                             "数据库须为空（不与 --households、--out 同用）")  # fmt: skip
    parser.add_argument("--payroll", choices=("wenshang", "city"), default="city",
                        help="情景中每月编制发放名册的范围：city 全市（缺省），wenshang 仅汶上县（较快）")
    parser.add_argument("--json", action="store_true", help="情景：以 JSON 输出结果")
