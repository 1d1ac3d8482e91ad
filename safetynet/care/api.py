"""/api/v1/care: tekun in practice as on the pages, scoped to the user's area (another area's case
is a 404). Bad input is a 422 naming the field; a full institution is a 422 on ``institution``."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from safetynet.care import selectors, services
from safetynet.care.models import ACTIVITIES, Caregiver
from safetynet.cases.selectors import case_for
from safetynet.registry.selectors import scope_prefix, staff_of
from safetynet.web.inputs import Day, Errors, Id, text
from safetynet.web.personal import mask_id

router = Router(tags=["care"])
READERS = ("clerk", "approver", "county", "city", "auditor")


def _prefix(request) -> str:
    staff = staff_of(request.user)
    if staff is None or staff.role not in READERS:
        raise PermissionDenied("您的角色不能查看特困人员供养服务")
    return scope_prefix(request.user)


def _tekun(request, case_id: int):
    _prefix(request)
    case = case_for(request.user, case_id)
    if case.programme != "tekun":
        raise Http404("not a tekun case")
    return case


def _person(case) -> dict:
    return {"case": case.pk, "name": case.applicant.name, "id_number": mask_id(case.applicant.id_number),
            "village": case.area_code}  # fmt: skip


@router.get("/figures", response=dict, summary="特困人员按供养方式、机构、自理能力统计；不能自理人员集中供养率")
def figures(request, as_of: Day | None = None):
    f = selectors.support_modes(_prefix(request), as_of)
    rate = f["concentration_rate"]
    return f | {"as_of": f["as_of"].isoformat(), "concentration_rate": None if rate is None else str(rate)}


@router.get("/lists", response=dict,
            summary="清单：供养方式未登记、分散供养照料需处理、待重新评估、符合特困条件的低保单人户")  # fmt: skip
def lists(request, days: int = Query(30, ge=1, le=366)):
    prefix = _prefix(request)
    return {
        "not_recorded": [_person(c) for c in selectors.not_recorded(prefix)],
        "home_care": [_person(r["case"]) | {
            "no_caregiver": r["no_caregiver"], "no_agreement": r["no_agreement"], "expiring": r["expiring"],
            "visit_overdue": r["visit_overdue"], "visit_due": r["visit_due"].isoformat()}
            for r in selectors.home_care(prefix, expiring_days=days) if r["attention"]],
        "reassessments_due": [_person(d.case) | {"reason": d.reason, "due_on": d.due_on.isoformat()}
                              for d in selectors.reassessments_due(prefix)],
        "singles": [_person(c) for c in selectors.singles(prefix)],
    }  # fmt: skip


class CaregiverIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: text(40)
    id_number: text(18)
    relation: text(20)
    phone: text(20)
    since: Day


@router.post("/cases/{case_id}/caregivers", response={201: dict, 403: Errors, 404: Errors, 422: Errors},
             summary="登记照料护理人")
def add_caregiver(request, case_id: Id, payload: CaregiverIn):
    c = services.add_caregiver(request.user, _tekun(request, case_id), **payload.dict())
    return Status(201, {"id": c.pk, "name": c.name, "since": c.since.isoformat()})


class AgreementIn(Schema):
    model_config = ConfigDict(extra="forbid")
    caregiver: int
    number: text(40)
    parties: text(200)
    starts_on: Day
    ends_on: Day
    duties: text(2000)
    allowance_to: Literal["person", "caregiver"]


@router.post("/cases/{case_id}/agreements", response={201: dict, 403: Errors, 404: Errors, 422: Errors},
             summary="登记委托照料协议")
def record_agreement(request, case_id: Id, payload: AgreementIn):
    case = _tekun(request, case_id)
    data = payload.dict()
    data["caregiver"] = Caregiver.objects.filter(case=case, pk=data["caregiver"]).first()
    a = services.record_agreement(request.user, case, **data)
    return Status(201, {"id": a.pk, "number": a.number, "ends_on": a.ends_on.isoformat()})


class VisitIn(Schema):
    model_config = ConfigDict(extra="forbid")
    visited_on: Day
    visitor: text(60)
    findings: text(2000)


@router.post("/cases/{case_id}/visits", response={201: dict, 403: Errors, 404: Errors, 422: Errors},
             summary="登记探访")
def record_visit(request, case_id: Id, payload: VisitIn):
    v = services.record_visit(request.user, _tekun(request, case_id), **payload.dict())
    return Status(201, {"id": v.pk, "visited_on": v.visited_on.isoformat()})


class AssessmentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    achieved: dict[str, bool] = Field(description="六项日常生活活动是否能够完成：" + "、".join(
        f"{k} {v}" for k, v in ACTIVITIES.items()))
    assessor_kind: Literal["third_party", "township"]
    assessor: text(100)
    assessed_on: Day


@router.post("/cases/{case_id}/assessments", response={201: dict, 403: Errors, 404: Errors, 409: Errors, 422: Errors},
             summary="登记生活自理能力评估（等级改变的，自下月起重新核定保障金）")
def record_assessment(request, case_id: Id, payload: AssessmentIn):
    a = services.record_assessment(request.user, _tekun(request, case_id), **payload.dict())
    return Status(201, {"id": a.pk, "unmet": a.unmet, "level": a.level, "previous_level": a.previous_level,
                        "redecided": a.decision_id is not None,
                        "effective": a.decision.data.get("effective") if a.decision else None})  # fmt: skip


@router.get("/institutions", response=list[dict], summary="供养服务机构：床位与在住人数")
def institutions(request, as_of: date | None = None):
    homes = list(selectors.institutions_for(_prefix(request)))
    counts = selectors.residents_by_institution(homes, as_of)
    return [{"id": h.pk, "name": h.name, "county": h.county_id, "capacity": h.capacity,
             "residents": counts.get(h.pk, 0)} for h in homes]  # fmt: skip
