"""``safetynet fund statement --township CODE --month YYYY-MM [--xlsx PATH] [--user USER]``: a
township's monthly standby-fund statement and its reconciliation, printed (and saved in Excel).

With ``--user`` it reads as that member of staff (their area decides which townships); without,
as the office's operator on the server, and the Excel file taken is logged as the system's.
Exit status: 0 reconciled, 2 bad input (the message names the field), 3 printed but the book
does not reconcile (someone must look), 1 anything unexpected.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

NOT_RECONCILED = 3


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def cmd_statement(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.site.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from safetynet.funds import exports, selectors, services
    from safetynet.policy.errors import PolicyError
    from safetynet.policy.money import fmt
    from safetynet.registry.selectors import staff_of
    from safetynet.web import clock

    lang = "zh"
    user = None
    if args.user:
        user = get_user_model().objects.filter(username=args.user).first()
        if staff_of(user) is None:
            return _fail(f"--user: {args.user} 不是工作人员")
    try:
        township = services.township_of(args.township)
        if user is not None and not selectors.townships_for(user).filter(code=township.code).exists():
            return _fail(f"--township: {township.code} 不是 {args.user} 可查看的乡镇（街道）")
        month = selectors.statement_month(args.month, clock.today())
    except PolicyError as exc:  # InputError: the field named as the command's option
        errors = getattr(exc, "errors", None) or []
        options = {"township_code": "--township", "month": "--month"}
        return _fail("\n".join(f"{options.get(e.path, e.path)}: {e.message(lang)}" for e in errors)
                     or exc.message(lang))
    s = selectors.statement(township, month)
    print(f"{township.code} {township.name} 临时救助备用金 {month:%Y-%m} 收支对账单")
    for label, fen in exports.summary_rows(s):
        print(f"  {label}: {fmt(fen)} 元")
    for e in s.entries:
        case = f" 案件#{e.case_id}" if e.case_id else ""
        what = "；".join(x for x in (e.purpose, e.reason, e.document and f"文号 {e.document}",
                                      e.receipt and f"收据 {e.receipt}") if x)  # fmt: skip
        amounts = f"{fmt(e.amount_fen):>12} 余额 {fmt(e.balance_after_fen):>12}"
        print(f"  {e.on} {e.get_kind_display()} {amounts}{case} {what}")
    for e, why in s.unmatched:
        print(f"  待核对：{e.on} 支出 {fmt(e.out_fen)} 元（{selectors.UNMATCHED_WHY[why]}）")
    if args.xlsx:
        path = Path(args.xlsx)
        try:
            path.write_bytes(exports.statement_sheet(s, user))
        except OSError as exc:
            return _fail(f"--xlsx: {path}: 无法写入（{exc.strerror}）")
        print(f"已保存 {path}")
    if s.reconciled:
        print("对账相符：期初余额 + 收入 − 支出 = 期末余额")
        return 0
    print("对账不符，请核查", file=sys.stderr)
    return NOT_RECONCILED


def add_commands(sub: argparse._SubParsersAction) -> None:
    fund = sub.add_parser("fund", help="临时救助备用金 (township standby fund)").add_subparsers(
        dest="fund_command", required=True)
    text = "某乡镇（街道）某月的备用金收支对账单与对账结果"
    p = fund.add_parser("statement", help=text, description=text,
                        epilog="退出码：0 对账相符；2 输入有误；3 对账不符；1 其他错误。")
    p.add_argument("--township", required=True, help="乡镇（街道）代码（9 位）")
    p.add_argument("--month", required=True, help="月份 YYYY-MM")
    p.add_argument("--xlsx", help="同时保存为 Excel 文件的路径")
    p.add_argument("--user", help="以该工作人员的身份查看（其辖区决定可查看的乡镇）；缺省为服务器操作员")
    p.set_defaults(func=cmd_statement)
