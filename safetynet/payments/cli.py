"""``safetynet payroll run|approve|cancel|export|reconcile``: the monthly payroll from the command line.

Each command acts as a staff user (``--user``), whose role and area decide what it may do.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from safetynet.policy.money import fmt
from safetynet.web import clock


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.site.settings")
    import django

    django.setup()


def _context(args):
    from safetynet.cases import programmes
    from safetynet.policy.household import parse_month
    from safetynet.registry.models import Area
    from safetynet.registry.selectors import staff_of

    if args.programme not in programmes.codes():
        raise _Refused(f"--programme: 未知的救助项目 {args.programme}（可选：{'、'.join(programmes.codes())}）")
    user = staff_user(args.user)
    staff = staff_of(user)
    month = parse_month(args.month)
    prefix = args.township or staff.area_id
    townships = list(Area.objects.filter(level=Area.Level.TOWNSHIP, code__startswith=prefix).order_by("code"))
    if not townships or not all(t.code.startswith(staff.area_id) for t in townships):
        raise _Refused(f"--township: {prefix} 不是 {args.user} 辖区内的乡镇（街道）")
    return user, month, townships


def staff_user(name: str):
    """The user named by ``--user``, who must be a member of staff."""
    from django.contrib.auth import get_user_model

    from safetynet.registry.selectors import staff_of

    user = get_user_model().objects.filter(username=name).first()
    if staff_of(user) is None:
        raise _Refused(f"--user: {name} 不是工作人员")
    return user


class _Refused(Exception):
    """Bad arguments found while setting up a command: reported on stderr, exit 2."""


def _as_staff(func):
    """Refusals by role or area are bad input to the command (exit 2), not a crash."""
    def wrapper(args) -> int:
        _setup()
        from django.core.exceptions import PermissionDenied

        try:
            return func(args)
        except (PermissionDenied, _Refused) as exc:
            return _fail(str(exc))
    return wrapper


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


@_as_staff
def cmd_run(args) -> int:
    from tqdm import tqdm

    from safetynet.payments import services

    user, month, townships = _context(args)
    bar = tqdm(total=len(townships), desc="发放名册", unit="乡镇", disable=len(townships) < 2, file=sys.stderr)
    runs = services.run_payrolls(user, month=month, townships=townships, programme=args.programme,
                                 progress=lambda run: bar.update())
    bar.close()
    total_lines = total = 0
    for township, run in zip(townships, runs, strict=True):
        total_lines, total = total_lines + run.lines, total + run.total_fen
        print(f"{township.code} {township.name}: {run.lines} 行，{fmt(run.total_fen)} 元（{run.get_status_display()}）")
    print(f"合计 {total_lines} 行，{fmt(total)} 元")
    return 0


def _runs(args):
    from safetynet.payments.models import PayrollRun

    user, month, townships = _context(args)
    runs = list(PayrollRun.objects.filter(month=month, programme=args.programme, township__in=townships)
                .exclude(status=PayrollRun.Status.CANCELLED))
    if not runs:
        raise _Refused(f"--month: {args.month} 尚未编制发放名册")
    return user, runs


@_as_staff
def cmd_approve(args) -> int:
    from safetynet.payments import services

    user, runs = _runs(args)
    for run in runs:
        run = services.approve_payroll(user, run)
        print(f"{run.township_id}: 已审核，{run.lines} 行，{fmt(run.total_fen)} 元")
    return 0


@_as_staff
def cmd_cancel(args) -> int:
    from safetynet.payments import services

    user, runs = _runs(args)
    for run in runs:
        run = services.cancel_payroll(user, run, args.reason)
        print(f"{run.township_id}: 已作废，{run.lines} 行，{fmt(run.total_fen)} 元；该月可重新编制")
    return 0


@_as_staff
def cmd_export(args) -> int:
    from safetynet.payments import bank

    user, runs = _runs(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for run in runs:
        stem = f"{run.township_id}-{run.programme}-{run.month:%Y-%m}"
        (out / f"{stem}-bank.csv").write_bytes(bank.bank_csv(user, run))
        (out / f"{stem}-roster.xlsx").write_bytes(bank.payroll_sheet(run))
        print(f"{out / stem}-bank.csv, {out / stem}-roster.xlsx")
    return 0


@_as_staff
def cmd_reconcile(args) -> int:
    from safetynet.payments import bank

    user, runs = _runs(args)
    if len(runs) != 1:
        return _fail("--township: 对账须指定一个乡镇（街道）")
    report = bank.import_bank_return(user, runs[0], Path(args.file).read_bytes())
    print(f"发出 {report.sent} 笔 {fmt(report.sent_fen)} 元；到账 {report.paid} 笔；失败 {report.failed} 笔 "
          f"{fmt(report.failed_fen)} 元（下月补发）；未回盘 {report.pending} 笔")
    for ref, name, amount, note in report.failures:
        print(f"  失败 流水号 {ref} {name} {amount} 元：{note}")
    return 0


@_as_staff
def cmd_reprice(args) -> int:
    from safetynet.cases.services import reprice_for_standard
    from safetynet.policy.household import parse_month

    user = staff_user(args.user)
    area = args.area or user.staff.area_id
    report = reprice_for_standard(user, area_code=area, effective=parse_month(args.effective),
                                  on=clock.today())
    review = "、".join(map(str, report["to_review"]))
    print(f"重新核定 {report['repriced']} 件，金额不变 {report['unchanged']} 件，"
          f"新标准下须复核 {len(report['to_review'])} 件{'：' + review if review else ''}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    payroll = sub.add_parser("payroll", help="每月发放名册 (monthly payroll)").add_subparsers(
        dest="payroll_command", required=True)
    for name, func, text in (("run", cmd_run, "编制（或重新编制）某月的发放名册"),
                             ("approve", cmd_approve, "审核某月的发放名册"),
                             ("cancel", cmd_cancel, "作废某月的发放名册（待审核，或已审核而银行文件尚未导出）"),
                             ("export", cmd_export, "导出银行发放文件（CSV）与发放名册（Excel）"),
                             ("reconcile", cmd_reconcile, "导入银行回盘文件并对账")):
        p = payroll.add_parser(name, help=text, description=text)
        p.add_argument("--month", required=True, help="发放月份 YYYY-MM")
        p.add_argument("--user", required=True, help="办理的工作人员用户名（其角色与辖区决定可办事项）")
        p.add_argument("--township", help="乡镇（街道）代码；缺省为该用户辖区内的全部乡镇")
        # Checked against the declared programmes once the office is set up (an unknown one exits 2).
        p.add_argument("--programme", default="dibao", help="救助项目代码：dibao、tekun、temporary（缺省 dibao）")
        if name == "export":
            p.add_argument("--out", default=".", help="输出目录")
        if name == "cancel":
            p.add_argument("--reason", required=True, help="作废原因")
        if name == "reconcile":
            p.add_argument("--file", required=True, help="银行回盘文件（CSV：流水号,金额,结果,原因）")
        p.set_defaults(func=func)
    p = payroll.add_parser("reprice", help="新标准生效后重新核定辖区内全部保障对象的金额",
                           description="新标准生效后重新核定辖区内全部保障对象的金额；已发放月份的差额在下一次发放时补发。")
    p.add_argument("--effective", required=True, help="新标准生效月份 YYYY-MM")
    p.add_argument("--user", required=True, help="市级或县级工作人员用户名")
    p.add_argument("--area", help="区划代码前缀；缺省为该用户的辖区")
    p.set_defaults(func=cmd_reprice)
