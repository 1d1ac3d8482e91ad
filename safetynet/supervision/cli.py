"""The ``safetynet audit`` commands; ``safetynet.cli`` adds them with ``add_commands(sub)``.

safetynet audit verify [--checkpoints FILE ...]   check the chain against every checkpoint
safetynet audit checkpoint [--export FILE]         write a checkpoint; export all of them, signed
safetynet audit tail [--n 20]                      the last events, one a line
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.site.settings")
    import django

    django.setup()


def cmd_verify(args: argparse.Namespace) -> int:
    _setup_django()
    from safetynet.supervision import services
    from safetynet.supervision.selectors import CheckpointFileError

    try:
        report, _ = services.verify(None, source="cli", checkpoint_files=[Path(f) for f in args.checkpoints])
    except (CheckpointFileError, services.AuditKeyError) as exc:
        print(exc)
        return 2
    if report.ok:
        against = f"，与 {report.checkpoints} 个检查点一致" if report.checkpoints else ""
        print(f"审计日志完整：共 {report.checked} 条记录{against}")
        print(f"已写入检查点：{services.checkpoints_path()}")
        return 0
    if report.first_broken_id is not None:
        print(f"审计日志在第 {report.first_broken_id} 条记录处断开：{report.reason}")
    else:
        print(f"审计日志校验未通过：{report.reason}")
    return 1


def cmd_checkpoint(args: argparse.Namespace) -> int:
    _setup_django()
    from safetynet.supervision import services

    try:
        if args.export:
            n = services.export_checkpoints(Path(args.export), by="cli")
            print(f"已导出 {n} 个检查点（每个均有签名）到 {args.export}，请交审计人员另行保存")
            return 0
        c = services.write_checkpoint(by="cli")
    except OSError as exc:
        print(f"无法写入检查点：{exc}")
        return 2
    except services.AuditKeyError as exc:
        print(exc)
        return 2
    last = f"最后一条为第 {c['last_id']} 条" if c["last_id"] else "日志为空"
    print(f"已写入检查点：共 {c['count']} 条记录，{last}，哈希 {c['head'][:16]}…（{services.checkpoints_path()}）")
    return 0


def cmd_tail(args: argparse.Namespace) -> int:
    _setup_django()
    from django.utils import timezone

    from safetynet.supervision.models import AuditEvent

    events = list(AuditEvent.objects.order_by("-id")[: max(args.n, 0)])
    for e in reversed(events):  # oldest first, like tail(1)
        at = timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S")
        details = json.dumps(e.details, ensure_ascii=False, sort_keys=True) if e.details else ""
        actor = e.actor_name or "系统"
        print(f"{e.id}  {at}  {actor}  {e.action}  {e.object_type}:{e.object_id}  {e.area_code}  {details}".rstrip())
    return 0


def add_commands(subparsers) -> None:
    """Add ``audit verify``, ``audit checkpoint`` and ``audit tail`` to the ``safetynet`` command's subparsers."""
    audit = subparsers.add_parser("audit", help="审计日志 (audit log)").add_subparsers(
        dest="audit_command", required=True
    )
    p = audit.add_parser("verify", help="校验审计日志的哈希链，并与每个检查点比对")
    p.add_argument("--checkpoints", action="append", default=[], metavar="FILE",
                   help="另行保存的检查点文件（可多次指定）")
    p.set_defaults(func=cmd_verify)
    p = audit.add_parser("checkpoint", help="写入检查点（记录条数与链尾哈希，带签名）")
    p.add_argument("--export", metavar="FILE", help="把全部检查点导出到此文件，交审计人员保存")
    p.set_defaults(func=cmd_checkpoint)
    p = audit.add_parser("tail", help="显示最近的审计记录，每条一行")
    p.add_argument("--n", type=int, default=20, help="显示条数（默认 20）")
    p.set_defaults(func=cmd_tail)
