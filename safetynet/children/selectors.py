"""Figures of children's allowances and education aid (issue 11 point 8), scoped to the user's
area (``registry.selectors.scope_prefix``): children by category and placement with the allowance
paid; students by kind of aid with the aid paid. "Paid" is what approved payrolls carry (not
cancelled), for the payroll months of ``year``."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from safetynet.children.models import AidApplication, ChildCase
from safetynet.payments.models import Payment, PayrollRun
from safetynet.policy.education_aid import KINDS
from safetynet.registry.selectors import scope_prefix

CHILD_PROGRAMMES = ("orphan", "unsupported_child")
LIVE = ("approved", "review", "suspended", "ending")


def _paid(prefix: str, year: int, programmes: tuple[str, ...]):
    return Payment.objects.filter(
        programme__in=programmes, case__area_code__startswith=prefix, month__year=year,
        run__status=PayrollRun.Status.APPROVED, cancelled=False,
    )  # fmt: skip


def figures(user, year: int) -> dict | None:
    """None for a user who sees nothing by area."""
    prefix = scope_prefix(user)
    if prefix is None:
        return None
    children = ChildCase.objects.filter(case__area_code__startswith=prefix)
    supported = (
        children.filter(case__state__in=LIVE).values("case__programme", "placement").annotate(n=Count("case"))
    )
    paid_children = _paid(prefix, year, CHILD_PROGRAMMES).values("programme").annotate(
        fen=Sum("amount_fen"), persons=Count("recipient", distinct=True))  # fmt: skip
    paid_by = {r["programme"]: r for r in paid_children}
    child_rows = []
    for programme in CHILD_PROGRAMMES:
        by_placement = {r["placement"]: r["n"] for r in supported if r["case__programme"] == programme}
        paid = paid_by.get(programme, {})
        child_rows.append({
            "programme": programme, "supported": sum(by_placement.values()),
            "dispersed": by_placement.get("dispersed", 0), "concentrated": by_placement.get("concentrated", 0),
            "paid_persons": paid.get("persons", 0), "paid_fen": paid.get("fen") or 0,
        })  # fmt: skip
    aid = AidApplication.objects.filter(case__area_code__startswith=prefix, school_year__in=(year - 1, year))
    granted = aid.filter(case__state__in=("granted", "paid")).values("kind").annotate(
        students=Count("student", distinct=True))  # fmt: skip
    paid_aid = _paid(prefix, year, ("education_aid",)).values("case__aid__kind").annotate(
        fen=Sum("amount_fen"), students=Count("recipient", distinct=True))  # fmt: skip
    granted_by = {r["kind"]: r["students"] for r in granted}
    paid_by_kind = {r["case__aid__kind"]: r for r in paid_aid}
    aid_rows = [
        {"kind": kind, "granted_students": granted_by.get(kind, 0),
         "paid_students": paid_by_kind.get(kind, {}).get("students", 0),
         "paid_fen": paid_by_kind.get(kind, {}).get("fen") or 0}
        for kind in KINDS
    ]  # fmt: skip
    refused = aid.filter(Q(case__state="refused")).count()
    return {"year": year, "children": child_rows, "aid": aid_rows, "aid_refused": refused}
