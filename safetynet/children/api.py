"""/api/v1/children: the figures of children's allowances and education aid (issue 11 point 8).
The applications and steps are the frame's: ``POST /api/v1/cases/{case_id}/steps/{name}``."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from safetynet.cases import programmes
from safetynet.children import selectors, services
from safetynet.children.schemas import AidApplicationIn, ChildApplicationIn, OpenedOut
from safetynet.policy.education_aid import KIND_ZH
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import fmt
from safetynet.registry.models import Person
from safetynet.registry.selectors import households_for
from safetynet.web.inputs import Errors

router = Router(tags=["children"])  # staff only: the API's default (safetynet.web.api)


class YearIn(Schema):
    year: int | None = None


@router.get("/figures", response={200: dict, 403: Errors, 422: Errors},
            summary="儿童保障与助学统计：按类别和养育方式的保障人数和发放金额，按种类的助学人数和金额，按乡镇")
def figures(request, q: Query[YearIn]):
    year = q.year or date.today().year
    if not 2000 <= year <= 2100:
        raise InputError([FieldError("year", "range", low=2000, high=2100, value=year)])
    data = selectors.figures(request.user, year)
    if data is None:
        raise PermissionDenied
    return {
        "year": year,
        "children": [{**r, "label": programmes.label(r["programme"]), "paid": fmt(r["paid_fen"])}
                     for r in data["children"]],
        "aid": [{**r, "label": KIND_ZH[r["kind"]], "paid": fmt(r["paid_fen"])} for r in data["aid"]],
        "aid_refused": data["aid_refused"],
        "townships": [{**r, "children_paid": fmt(r["children_paid_fen"]), "aid_paid": fmt(r["aid_paid_fen"])}
                      for r in data["townships"]],
    }  # fmt: skip


def _opened(case) -> dict:
    return {"id": case.pk, "programme": case.programme, "state": case.state, "version": case.version,
            "assessment": case.assessment}  # fmt: skip


@router.post("/applications", response={201: OpenedOut, 403: Errors, 404: Errors, 422: Errors},
             summary="受理孤儿、事实无人抚养儿童保障申请（乡镇窗口）")
def apply_child(request, payload: ChildApplicationIn):
    household = get_object_or_404(households_for(request.user), pk=payload.household_id)
    child = get_object_or_404(Person, pk=payload.applicant_id, household=household)
    case = services.apply_child(
        request.user, household=household, applicant=child, father=payload.father, mother=payload.mother,
        placement=payload.placement, full_time_study=payload.full_time_study, documents=payload.documents,
        guardian_name=payload.guardian_name, on=payload.on,
    )  # fmt: skip
    return Status(201, _opened(case))


@router.post("/aid", response={201: OpenedOut, 403: Errors, 404: Errors, 422: Errors},
             summary="受理助学申请（乡镇窗口，录取通知书或在校证明）")
def apply_aid(request, payload: AidApplicationIn):
    student = get_object_or_404(Person, pk=payload.student_id, household__in=households_for(request.user))
    case = services.apply_aid(
        request.user, student=student, level=payload.level, admission_year=payload.admission_year,
        family=payload.family, orphan=payload.orphan, enrolled=payload.enrolled, school=payload.school,
        proof=payload.proof, school_year=payload.school_year, on=payload.on,
    )  # fmt: skip
    return Status(201, _opened(case))
