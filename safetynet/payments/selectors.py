"""Reads of payrolls, scoped to the user's area; the monthly totals the charts and reports show."""

from __future__ import annotations

from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from safetynet.payments.models import Payment, PayrollRun
from safetynet.registry.search import search
from safetynet.registry.selectors import scope_prefix


def runs_for(user) -> QuerySet[PayrollRun]:
    prefix = scope_prefix(user)
    if prefix is None:
        return PayrollRun.objects.none()
    return PayrollRun.objects.filter(township__code__startswith=prefix).select_related("township")


def run_for(user, run_id: int) -> PayrollRun:
    try:
        return runs_for(user).get(pk=run_id)
    except (PayrollRun.DoesNotExist, ValueError):
        raise Http404("payroll") from None


def monthly_totals(user, programme: str | None = None) -> list[dict]:
    """Per month: lines and yuan of approved and locked payrolls in the user's area."""
    qs = runs_for(user).filter(status__in=("approved", "locked"))
    if programme:
        qs = qs.filter(programme=programme)
    return list(qs.values("month").annotate(lines=Sum("lines"), total_fen=Sum("total_fen")).order_by("month"))


def totals_by_kind(run: PayrollRun) -> list[dict]:
    return list(run.payments.values("kind").annotate(n=Count("id"), total_fen=Sum("amount_fen")).order_by("kind"))


def run_lines(run: PayrollRun, query: str = "") -> QuerySet[Payment]:
    """A payroll's lines with their recipients and villages; ``query``: the one search."""
    qs = run.payments.select_related("recipient", "case__household__village__parent").order_by("id")
    return search(qs, query, household="recipient__household")
