"""The auditor's page: the audit trail and the personal-data access log, filtered and paginated,
and the last verification of the chain (with a button to verify now).

For the roles ``auditor`` and ``city``; a county auditor sees the records of their county, a
city one (or the city administrator) every record, those with no area too.
"""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from safetynet.registry.models import Area
from safetynet.registry.selectors import staff_of
from safetynet.supervision import labels, selectors, services
from safetynet.web.inputs import MAX_DATE, MIN_DATE, day_or_error

ROLES = ("auditor", "city")
PER_PAGE = 25


def scope_of(user) -> list[str] | None:
    """The areas the user audits: None for the whole city. Refuses every other role."""
    staff = staff_of(user)
    if staff is None or staff.role not in ROLES:
        raise PermissionDenied("审计页面仅供审计人员和市级管理员使用。")
    return None if staff.area.level == Area.Level.CITY else [staff.area_id]


def _date(value: str, label: str, errors: list[str]) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        errors.append(f"{label}：“{value[:20]}”不是有效日期，应为 年-月-日，如 2025-03-01")
        return None
    if day_or_error(day, label):  # 0001-01-01 would overflow the time zone's conversion
        errors.append(f"{label}：{day.isoformat()} 超出范围，应在 {MIN_DATE:%Y-%m-%d} 至 {MAX_DATE:%Y-%m-%d} 之间")
        return None
    return day


def _filters(request, scope: list[str] | None, fields: tuple[str, ...]) -> tuple[dict, dict, list[str]]:
    """What the user chose (to show back), the selector's arguments, and what was ignored and why."""
    get = request.GET
    chosen = {name: get.get(name, "").strip()[:64] for name in ("since", "until", "area", *fields)}
    errors: list[str] = []
    kwargs = {name: chosen[name] for name in fields}
    kwargs["since"] = _date(chosen["since"], "起始日期", errors)
    kwargs["until"] = _date(chosen["until"], "截止日期", errors)
    area = chosen["area"]
    if area and not area.isdigit():
        errors.append(f"区划代码：“{area}”应为数字")
        area = ""
    if area:
        # Narrow the user's scope, never widen it.
        if scope is None or any(area.startswith(s) for s in scope):
            scope = [area]
        elif not any(s.startswith(area) for s in scope):
            scope = []
    if "person_id" in kwargs:
        person = kwargs["person_id"]
        if person and not person.isdigit():
            errors.append(f"人员编号：“{person}”应为数字")
            person = ""
        kwargs["person_id"] = int(person) if person else None
    return chosen, {"area_codes": scope, **kwargs}, errors


def _page(request, qs):
    return Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))



@login_required
def trail(request):
    scope = scope_of(request.user)
    chosen, args, errors = _filters(request, scope, ("actor", "action", "object_type", "object_id"))
    for e in errors:
        messages.warning(request, f"{e}（已忽略此筛选条件）")
    page = _page(request, selectors.audit_events(args.pop("area_codes"), **args))
    for e in page.object_list:
        e.details_text = json.dumps(labels.details(e.details), ensure_ascii=False, sort_keys=True) if e.details else ""
        e.action_label, e.object_label = labels.action(e.action), labels.object_type(e.object_type)
    return render(request, "supervision/trail.html", {
        "page": page, "chosen": chosen, "query": urlencode({k: v for k, v in chosen.items() if v}),
        "last": selectors.last_verification(), "tab": "trail",
        "action_choices": labels.action_choices(), "object_choices": labels.object_choices(),
    })  # fmt: skip


@login_required
def access(request):
    scope = scope_of(request.user)
    chosen, args, errors = _filters(request, scope, ("actor", "purpose", "object_type", "object_id", "person_id"))
    for e in errors:
        messages.warning(request, f"{e}（已忽略此筛选条件）")
    page = _page(request, selectors.access_logs_for(args.pop("area_codes"), **args).prefetch_related("persons"))
    for a in page.object_list:
        a.purpose_label, a.object_label = labels.purpose(a.purpose), labels.object_type(a.object_type)
    return render(request, "supervision/access.html", {
        "page": page, "chosen": chosen, "query": urlencode({k: v for k, v in chosen.items() if v}),
        "last": selectors.last_verification(), "tab": "access",
        "purpose_choices": labels.purpose_choices(), "object_choices": labels.object_choices(),
    })  # fmt: skip


@login_required
def verify_now(request):
    if request.method != "POST":
        raise Http404
    scope_of(request.user)
    try:
        report, _ = services.verify(request.user, source="web")
    except (selectors.CheckpointFileError, services.AuditKeyError) as exc:
        messages.error(request, str(exc))
        return redirect("audit-trail")
    if report.ok:
        messages.success(request, f"审计日志完整：共 {report.checked} 条记录，与 {report.checkpoints} 个检查点一致")
    else:
        messages.error(request, f"审计日志校验未通过：{report.reason}")
    return redirect("audit-trail")
