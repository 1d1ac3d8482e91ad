"""The ``safetynet audit`` commands; ``safetynet.cli`` adds them with ``add_commands(sub)``.

safetynet audit verify          check the hash chain of the audit log
safetynet audit tail [--n 20]   the last events, one a line
"""

from __future__ import annotations

import argparse
import json
import os


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.site.settings")
    import django

    django.setup()


def cmd_verify(args: argparse.Namespace) -> int:
    _setup_django()
    from safetynet.supervision.selectors import verify_chain

    report = verify_chain()
    if report.ok:
        print(f"审计日志完整：共 {report.checked} 条记录")
        return 0
    print(f"审计日志在第 {report.first_broken_id} 条记录处断开：{report.reason}")
    return 1


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
    """Add ``audit verify`` and ``audit tail`` to the ``safetynet`` command's subparsers."""
    audit = subparsers.add_parser("audit", help="审计日志 (audit log)").add_subparsers(
        dest="audit_command", required=True
    )
    p = audit.add_parser("verify", help="校验审计日志的哈希链是否完整")
    p.set_defaults(func=cmd_verify)
    p = audit.add_parser("tail", help="显示最近的审计记录，每条一行")
    p.add_argument("--n", type=int, default=20, help="显示条数（默认 20）")
    p.set_defaults(func=cmd_tail)
