"""Reads the figures share with other apps: the states in which a case covers, and the
approvals against a department-data check and the backdated steps (the dashboard's oversight)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import Substr

from safetynet.cases.models import BackdatedAct, CaseEvent
from safetynet.registry.models import Area

# The states in which a case is on the rolls: paid month after month (a suspended case is not).
COVERED_STATES = ("approved", "review", "graduated_exit", "ending")


def decision_oversight(prefix: str, start: date, end: date, *, key_length: int = 6,
                       as_of: date | None = None) -> list[dict]:
    """Per area (a county by default: the first ``key_length`` digits), in the months ``start`` to
    ``end``: approvals, those against a "not eligible" department-data check (on the approver's
    written opinion), and steps entered backdated, of which confirmed; none dated after ``as_of``."""
    until = date(end.year + end.month // 12, end.month % 12 + 1, 1)
    if as_of is not None:
        until = min(until, date.fromordinal(as_of.toordinal() + 1))
    approvals = (
        CaseEvent.objects.filter(transition="approve", case__area_code__startswith=prefix, on__gte=start, on__lt=until)
        .values(area=Substr("case__area_code", 1, key_length))
        .annotate(approved=Count("id"), overrides=Count("id", filter=Q(overrides_check=True)))
        .order_by()
    )
    backdated = (
        BackdatedAct.objects.filter(case__area_code__startswith=prefix, on__gte=start, on__lt=until)
        .values(area=Substr("case__area_code", 1, key_length))
        .annotate(n=Count("id"), confirmed=Count("id", filter=Q(status=BackdatedAct.Status.CONFIRMED)))
        .order_by()
    )
    rows: dict[str, dict] = {}
    for r in approvals:
        rows.setdefault(r["area"], {"approved": 0, "overrides": 0, "backdated": 0, "confirmed": 0}).update(
            approved=r["approved"], overrides=r["overrides"])
    for r in backdated:
        rows.setdefault(r["area"], {"approved": 0, "overrides": 0, "backdated": 0, "confirmed": 0}).update(
            backdated=r["n"], confirmed=r["confirmed"])
    names = dict(Area.objects.filter(code__in=rows).values_list("code", "name"))
    return [{"code": code, "county": names.get(code, code), **row} for code, row in sorted(rows.items())]
