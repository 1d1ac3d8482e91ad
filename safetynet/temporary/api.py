"""/api/v1/temporary: the registration of temporary assistance (求助登记), a case's temporary
record, and the step to a dibao or tekun application. The steps themselves are the frame's
routes, ``POST /api/v1/cases/{case_id}/steps/{name}`` (``help_first``, ``grant`` …)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from safetynet.cases import selectors as case_selectors
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import fmt
from safetynet.registry.selectors import households_for
from safetynet.supervision.services import record_access
from safetynet.temporary import selectors, services
from safetynet.temporary.schemas import ApplicationIn, ReportIn, TemporaryOut
from safetynet.web.inputs import Errors, Id
from safetynet.web.personal import sees_full_id

router = Router(tags=["temporary"])  # staff only: the API's default (safetynet.web.api)


class TemporaryCaseOut(Schema):
    id: int
    programme: str
    state: str
    version: int
    due_on: str | None
    allowed_steps: list[str]
    temporary: TemporaryOut


class OpenedOut(Schema):
    id: int
    programme: str
    state: str
    version: int


def _money(fen: int | None) -> str | None:
    return None if fen is None else fmt(fen)


def temporary_out(request, case, row) -> dict:
    record_access(request.user, purpose="view", person_ids=[case.applicant_id], object_type="case", object_id=case.pk,
                  area_code=case.area_code, full_id=sees_full_id(request.user, case.area_code))  # fmt: skip
    return {
        "id": case.pk, "programme": case.programme, "state": case.state, "version": case.version,
        "due_on": case.due_on.isoformat() if case.due_on else None,
        "allowed_steps": case_selectors.allowed_transitions(request.user, case),
        "temporary": {
            "case": case.pk, "kind": row.kind, "cause": row.cause, "occurred_on": row.occurred_on,
            "reported_at": row.reported_at, "reported_by_name": row.reported_by_name,
            "from_elsewhere": row.from_elsewhere, "help_first_path": row.help_first_path,
            "help_first_amount": _money(row.help_first_fen), "help_method": row.help_method,
            "helped_at": row.helped_at, "within_hours": row.within_hours, "hours": row.help_hours,
            "papers_due_on": row.papers_due_on, "proposed_amount": _money(row.proposed_fen),
            "granted_amount": _money(row.granted_fen), "fund_paid": fmt(row.fund_paid_fen),
            "owed": _money(case.monthly_amount_fen), "from_case": row.from_case_id, "dibao_case": row.dibao_case_id,
        },
    }  # fmt: skip


@router.post("/temporary/cases", response={201: TemporaryCaseOut, 403: Errors, 404: Errors, 422: Errors},
             summary="临时救助求助登记（急难型先行救助；支出型先核对、后申请）")
def report(request, payload: ReportIn):
    household = get_object_or_404(households_for(request.user), pk=payload.household)
    applicant = household.members.filter(pk=payload.applicant).first()
    if applicant is None:
        raise InputError([FieldError("applicant", "not_a_member")])
    from_case = case_selectors.case_for(request.user, payload.from_case) if payload.from_case else None
    fields = payload.model_dump(exclude={"household", "applicant", "from_case"})
    case = services.report(request.user, household=household, applicant=applicant, from_case=from_case, **fields)
    case, row = selectors.temporary_for(request.user, case.pk)
    return Status(201, temporary_out(request, case, row))


@router.get("/temporary/cases/{case_id}", response={200: TemporaryCaseOut, 404: Errors},
            summary="临时救助案件：事件、先行救助时限、审批与发放（查看记入审计日志）")
def get_temporary(request, case_id: Id):
    case, row = selectors.temporary_for(request.user, case_id)
    return temporary_out(request, case, row)


@router.post("/temporary/cases/{case_id}/application", response={201: OpenedOut, 403: Errors, 404: Errors,
                                                                  422: Errors},
             summary="由临时救助转为低保、特困申请（发起核对）")
def open_application(request, case_id: Id, payload: ApplicationIn):
    case = case_selectors.case_for(request.user, case_id)
    opened = services.open_application(request.user, case, on=payload.on, programme=payload.programme)
    return Status(201, {"id": opened.pk, "programme": opened.programme, "state": opened.state,
                        "version": opened.version})
