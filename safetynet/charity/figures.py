"""The figures the seed reports for social forces (issue 12 point 7), over a period and the
user's reach: donations received and spent, charity programmes' spending and whom they helped,
supermarkets and the households they served, organisations by type and incubation base,
projects, staff and volunteer person-times and hours, venture-philanthropy rounds.

Each figure is a sum of the entries (one query per group), so the page, its Excel and the API
give the same numbers and a test can add the entries up and compare."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from safetynet.charity import access
from safetynet.charity.models import (
    Application,
    Delivery,
    DonationEntry,
    IncubationBase,
    Organisation,
    Project,
    Round,
    StockEntry,
)
from safetynet.charity.selectors import _movement, fund_purpose, purpose_label


def _sum(qs, field: str):
    return qs.aggregate(s=Sum(field))["s"] or 0


def figures(user, start: date, end: date) -> dict:
    """``start`` <= on <= ``end``."""
    orgs = access.organisations_for(user)
    projects = access.projects_for(user)
    markets = access.supermarkets_for(user)
    period = Q(on__gte=start, on__lte=end)

    by_purpose: dict[str, dict] = defaultdict(lambda: {"received_fen": 0, "spent_fen": 0})
    goods_fen = 0
    for e in (DonationEntry.objects.filter(period, organisation__in=orgs).select_related("donation")
              .only("kind", "amount_fen", "purpose", "goods", "donation_id", "donation__purpose")):
        received, spent = _movement(e)
        row = by_purpose[fund_purpose(e)]
        row["received_fen"] += received
        row["spent_fen"] += spent
        if e.goods and e.kind != DonationEntry.Kind.SPENT and e.donation_id is None:
            goods_fen += received
    donations = [{"purpose": k, "label": purpose_label(k), **v} for k, v in sorted(by_purpose.items())]
    donation_total = {"received_fen": sum(r["received_fen"] for r in donations),
                      "spent_fen": sum(r["spent_fen"] for r in donations), "goods_fen": goods_fen}

    deliveries = Delivery.objects.filter(period, project__in=projects)
    programmes = []
    for kind, label in Project.Kind.choices:
        d = deliveries.filter(project__kind=kind)
        spent_to_projects = DonationEntry.objects.filter(period, organisation__in=orgs, project__kind=kind)
        programmes.append({
            "kind": kind, "label": str(label), "projects": projects.filter(kind=kind).count(),
            "delivered_fen": _sum(d, "value_fen"),
            "donations_fen": -_sum(spent_to_projects, "amount_fen"),
            "households": d.exclude(household=None).values("household").distinct().count(),
            "person_times": d.exclude(household=None).count() + _sum(d, "anonymous_persons"),
            "staff_times": _sum(d, "staff_times"), "staff_hours": _sum(d, "staff_hours") or Decimal(0),
            "volunteer_times": _sum(d, "volunteer_times"),
            "volunteer_hours": _sum(d, "volunteer_hours") or Decimal(0),
        })  # fmt: skip
    keys = [k for k in programmes[0] if k not in ("kind", "label")]
    programme_total = {k: sum(p[k] for p in programmes) for k in keys}

    stock = StockEntry.objects.filter(period, supermarket__in=markets)
    given = stock.filter(kind=StockEntry.Kind.GIVEN, reversed_by__isnull=True)
    supermarket = {
        "supermarkets": markets.count(),
        "households": given.values("household").distinct().count(),
        "given_fen": -_sum(given, "value_fen"), "points": _sum(given, "points"),
        "received_fen": _sum(stock.filter(kind__in=(StockEntry.Kind.DONATED, StockEntry.Kind.PURCHASED),
                                          reversed_by__isnull=True), "value_fen"),
    }  # fmt: skip

    kinds = dict(orgs.values_list("kind").annotate(n=Count("id")))
    organisations = [{"kind": k, "label": str(label), "count": kinds.get(k, 0)}
                     for k, label in Organisation.Kind.choices]
    bases = IncubationBase.objects.filter(organisations__in=orgs).distinct() if not access.is_bureau(user) else (
        IncubationBase.objects.filter(area__code__startswith=_prefix(user)))
    incubation = {"bases": bases.count(), "organisations": orgs.exclude(incubation_base=None).count()}

    rounds = []
    for r in Round.objects.filter(year__gte=start.year, year__lte=end.year).order_by("-year", "name"):
        apps = Application.objects.filter(round=r, organisation__in=orgs)
        funded = apps.filter(status=Application.Status.FUNDED)
        rounds.append({"name": r.name, "year": r.year, "budget_fen": r.budget_fen, "applications": apps.count(),
                       "funded": funded.count(), "funded_fen": _sum(funded, "funded_fen"),
                       "delivered_fen": _sum(Delivery.objects.filter(project__application__in=funded), "value_fen")})
    return {"start": start, "end": end, "donations": donations, "donation_total": donation_total,
            "programmes": programmes, "programme_total": programme_total, "supermarket": supermarket,
            "organisations": organisations, "organisation_total": sum(o["count"] for o in organisations),
            "incubation": incubation, "rounds": rounds}


def _prefix(user) -> str:
    from safetynet.registry.selectors import staff_of

    staff = staff_of(user)
    return staff.area_id if staff else "-"


def chart_data(fig: dict) -> dict:
    """What the page's charts draw (yuan as numbers: a chart's axis, not an amount to pay)."""
    return {
        "purposes": [r["label"] for r in fig["donations"]],
        "received": [r["received_fen"] / 100 for r in fig["donations"]],
        "spent": [r["spent_fen"] / 100 for r in fig["donations"]],
        "kinds": [o["label"] for o in fig["organisations"]],
        "organisations": [o["count"] for o in fig["organisations"]],
    }
