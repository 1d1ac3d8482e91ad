"""Every read of the funeral waiver: a funeral home's staff see their own home's records only
(another home's is a 404); the bureau (county, city) and the auditor see the homes of their area."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404

from safetynet.funerals.models import FuneralClaim, FuneralHome, Statement
from safetynet.registry.models import Area
from safetynet.registry.selectors import staff_of

BUREAU = ("county", "city", "auditor")


def homes_for(user) -> QuerySet[FuneralHome]:
    staff = staff_of(user)
    if staff is None:
        return FuneralHome.objects.none()
    if staff.role == "funeral_home":
        return FuneralHome.objects.filter(code=staff.unit) if staff.unit else FuneralHome.objects.none()
    if staff.role in BUREAU:
        return FuneralHome.objects.filter(county__code__startswith=staff.area_id)
    return FuneralHome.objects.none()


def claims_for(user) -> QuerySet[FuneralClaim]:
    return FuneralClaim.objects.filter(home__in=homes_for(user)).select_related("home", "recorded_by")


def claim_for(user, claim_id) -> FuneralClaim:
    try:
        return claims_for(user).get(pk=claim_id)
    except (FuneralClaim.DoesNotExist, ValueError):
        raise Http404("funeral claim") from None


def statements_for(user) -> QuerySet[Statement]:
    return Statement.objects.filter(home__in=homes_for(user)).select_related("home", "approved_by")


def statement_for(user, statement_id) -> Statement:
    try:
        return statements_for(user).get(pk=statement_id)
    except (Statement.DoesNotExist, ValueError):
        raise Http404("funeral statement") from None


def of_household(user, household) -> QuerySet[FuneralClaim]:
    """A household's members' waivers (the household page); the bureau's reading, by ID number."""
    numbers = list(household.members.values_list("id_number", flat=True))
    return FuneralClaim.objects.filter(id_number__in=numbers, status="waived").select_related("home")


WAIVED = Q(status="waived")


def by_county_month(rows: QuerySet[FuneralClaim]) -> tuple[list[dict], dict]:
    """Waivers (count, services, urn, total) by county and month of service; refusals counted apart."""
    grouped = (rows.order_by().annotate(m=TruncMonth("served_on")).values("area_code", "m")
               .annotate(n=Count("id", filter=WAIVED), refused=Count("id", filter=~WAIVED),
                         services=Sum("waived_services_fen", filter=WAIVED), urn=Sum("waived_urn_fen", filter=WAIVED))
               .order_by("area_code", "m"))  # fmt: skip
    names = dict(Area.objects.filter(level=Area.Level.COUNTY).values_list("code", "name"))
    out, total = [], {"n": 0, "refused": 0, "services": 0, "urn": 0, "amount": 0}
    for r in grouped:
        row = {"county": r["area_code"], "name": names.get(r["area_code"], r["area_code"]), "month": r["m"],
               "n": r["n"], "refused": r["refused"], "services": r["services"] or 0, "urn": r["urn"] or 0}
        row["amount"] = row["services"] + row["urn"]
        out.append(row)
        for k in total:
            total[k] += row[k]
    return out, total
