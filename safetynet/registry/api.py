"""/api/v1/households: search, read, register. Scoped like the pages; an answer showing personal
data logs the access (PIPL), like the pages."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from safetynet.policy import idnumber
from safetynet.policy.household import ASSET_KINDS, DISABILITY_KINDS, HUKOU, INCOME_KINDS, RELATIONS, VEHICLE_USES
from safetynet.registry import services
from safetynet.registry.models import Area
from safetynet.registry.selectors import areas_for, household_for, search_households
from safetynet.registry.views import log_households_seen
from safetynet.site.inputs import Errors, Id, PageNo, text
from safetynet.site.personal import sees_full_id, shown_id
from safetynet.supervision.services import record_access
from safetynet.web.lists import api_page

router = Router(tags=["registry"])  # staff only: the API's default (safetynet.web.api)


class MemberOut(Schema):
    id: int
    name: str
    id_number: str
    relation: str
    birth_date: date


class HouseholdOut(Schema):
    id: int
    village: str
    village_name: str
    hukou: str
    address: str
    registered_poor: bool
    members: list[MemberOut]


class Page(Schema):
    count: int
    page: int
    results: list[HouseholdOut]


def household_out(user, h) -> dict:
    return {
        "id": h.pk, "village": h.village_id, "village_name": h.village.name, "hukou": h.hukou, "address": h.address,
        "registered_poor": h.registered_poor,
        "members": [{"id": p.pk, "name": p.name, "id_number": shown_id(user, p.id_number, h.village_id),
                     "relation": p.relation, "birth_date": p.birth_date} for p in h.members.all()],
    }


def household_seen(user, h) -> dict:
    """One household's answer, its access logged."""
    record_access(user, purpose="view", person_ids=[p.pk for p in h.members.all()], object_type="household",
                  object_id=h.pk, area_code=h.village_id, full_id=sees_full_id(user, h.village_id))  # fmt: skip
    return household_out(user, h)


@router.get("/households", response=Page, summary="在辖区内查询家庭（姓名、身份证号码或其后几位、住址）")
def list_households(request, q: str = Query(..., max_length=100), page: PageNo = 1):
    qs = search_households(request.user, q).prefetch_related("members")
    page, households = api_page(qs, page, 20)
    for h in households:
        h.full_ids = sees_full_id(request.user, h.village_id)
    log_households_seen(request.user, households, purpose="search")
    return {"count": qs.count(), "page": page, "results": [household_out(request.user, h) for h in households]}


@router.get("/households/{household_id}", response=HouseholdOut, summary="一户家庭（查看记入审计日志）")
def get_household(request, household_id: Id):
    return household_seen(request.user, household_for(request.user, household_id))


# The sizes are the columns' (registry.models); the services check the same again for every
# other way in (pages, the command line, the demo).
Name, Phone, Address, HouseholdNo = text(40), text(20, required=False), text(200), text(32, required=False)


class IncomeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: Literal[INCOME_KINDS]
    monthly: str = Field(max_length=20, description='月收入（元），如 "1500.00"')


class AssetIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: Literal[ASSET_KINDS]
    value: str = Field("", max_length=20, description="价值（元）；存款、有价证券、商业保险必填")
    use: Literal[("", *VEHICLE_USES)] = ""


class MemberIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Name
    id_number: str = Field(max_length=18)
    relation: Literal[RELATIONS] = "other"
    phone: Phone = ""
    bank_card: str = Field("", max_length=30, description="银行卡号：12–19 位数字，16 位及以上须通过 Luhn 校验")
    incomes: list[IncomeIn] = Field([], max_length=20)
    assets: list[AssetIn] = Field([], max_length=20)
    disability_grade: int | None = Field(None, ge=1, le=4)
    disability_kind: Literal[("", *DISABILITY_KINDS)] = ""
    serious_illness: bool = False
    able_obligor: bool = True
    staff_relative: bool = False


# What a registration looks like (the documentation's example; the API fuzz test starts from it).
EXAMPLE = {
    "village": "370811001001", "hukou": "rural", "address": "城关街道张庄村 12 号",
    "members": [
        {"name": "张建国", "id_number": idnumber.generate("370811", date(1958, 3, 1), 31), "relation": "head",
         "disability_grade": 2, "disability_kind": "physical"},
        {"name": "李秀英", "id_number": idnumber.generate("370811", date(1960, 7, 9), 32, "female"),
         "relation": "spouse"},
    ],
}  # fmt: skip


class HouseholdIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    village: str = Field(max_length=12)
    hukou: Literal[HUKOU]
    address: Address
    household_no: HouseholdNo = ""
    registered_poor: bool = False
    members: list[MemberIn] = Field(min_length=1, max_length=20)


@router.post("/households", response={201: HouseholdOut, 422: Errors}, summary="登记家庭（窗口经办人员）")
def create_household(request, payload: HouseholdIn):
    village = get_object_or_404(areas_for(request.user, Area.Level.VILLAGE), code=payload.village)
    household = services.create_household(
        request.user, village=village, hukou=payload.hukou, address=payload.address,
        registered_poor=payload.registered_poor, members=[m.dict() for m in payload.members],
        household_no=payload.household_no,
    )
    return Status(201, household_seen(request.user, household))
