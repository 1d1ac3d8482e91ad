"""/api/v1/funerals: the funeral waiver as on the pages. A funeral home's staff read and record
their own home's claims (another home's is a 404); the bureau reads its homes' and the figures.
Bad input is a 422 naming the field; a refusal is a claim with ``status`` "refused" and its reason."""

from __future__ import annotations

from datetime import date

from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from safetynet.funerals import selectors, services
from safetynet.funerals.models import SERVICES
from safetynet.policy.money import fmt
from safetynet.web.inputs import Day, Errors, Id, PageNo, text
from safetynet.web.lists import api_page
from safetynet.web.personal import mask_id

router = Router(tags=["funerals"])
PAGE = 50
Money = text(20, required=False)


class ClaimIn(Schema):
    model_config = ConfigDict(extra="forbid")

    id_number: text(18) = Field(description="逝者公民身份号码")
    name: text(40)
    death_date: Day
    served_on: Day
    services: dict[str, str] = Field(description="基本服务收费（元）："
                                     + "、".join(f"{k} {v}" for k, v in SERVICES.items()))  # fmt: skip
    urn: Money = Field("", description='骨灰盒收费（元，如 "300.00"）')


class ClaimOut(Schema):
    id: int
    home: str
    id_number: str
    name: str
    death_date: date
    served_on: date
    services: dict[str, str]
    charged: str
    waived_services: str
    waived_urn: str
    family_pays: str
    status: str
    refusal: str
    reason: str


class ClaimPage(Schema):
    count: int
    page: int
    results: list[ClaimOut]


def claim_out(c, *, full: bool = False) -> dict:
    return {
        "id": c.pk, "home": c.home.code, "id_number": c.id_number if full else mask_id(c.id_number), "name": c.name,
        "death_date": c.death_date, "served_on": c.served_on, "services": {k: fmt(v) for k, v in c.services.items()},
        "charged": fmt(c.charged_fen), "waived_services": fmt(c.waived_services_fen),
        "waived_urn": fmt(c.waived_urn_fen),
        "family_pays": fmt(c.family_pays_fen), "status": c.status, "refusal": c.refusal, "reason": c.reason,
    }  # fmt: skip


@router.get("/funerals/claims", response=ClaimPage, summary="殡葬费用减免记录（殡仪馆：本馆的）")
def list_claims(request, page: PageNo = 1):
    qs = selectors.claims_for(request.user).order_by("-served_on", "-id")
    page, rows = api_page(qs, page, PAGE)
    return {"count": qs.count(), "page": page, "results": [claim_out(c) for c in rows]}


@router.post("/funerals/claims", response={201: ClaimOut, 403: Errors, 422: Errors},
             summary="登记殡葬费用减免（殡仪馆）")
def create_claim(request, payload: ClaimIn):
    c = services.claim(request.user, id_number=payload.id_number, name=payload.name, death_date=payload.death_date,
                       served_on=payload.served_on, services=payload.services, urn=payload.urn)  # fmt: skip
    return Status(201, claim_out(c, full=True))


@router.get("/funerals/claims/{claim_id}", response=ClaimOut, summary="一条减免记录")
def get_claim(request, claim_id: Id):
    return claim_out(selectors.claim_for(request.user, claim_id), full=True)


@router.get("/funerals/figures", response=dict, summary="殡葬减免统计：按县和月份")
def figures(request):
    rows, total = selectors.by_county_month(selectors.claims_for(request.user))
    return {
        "rows": [{"county": r["county"], "month": f"{r['month']:%Y-%m}", "count": r["n"], "refused": r["refused"],
                  "services": fmt(r["services"]), "urn": fmt(r["urn"]), "amount": fmt(r["amount"])} for r in rows],
        "total": {"count": total["n"], "refused": total["refused"], "amount": fmt(total["amount"])},
    }  # fmt: skip
