"""/api/v1/cases: the same steps as the case page, for other systems and scripts: one route per
step (``POST /cases/{case_id}/steps/{name}``, its body the step's schema), made from the steps'
declaration (``steps.STEPS``) by ``step_router``."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from safetynet.cases import programmes, selectors, services
from safetynet.cases.models import BackdatedAct, State
from safetynet.cases.schemas import Note
from safetynet.cases.steps import STEPS, Step
from safetynet.policy import working_days
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import fmt
from safetynet.registry.selectors import households_for, staff_of
from safetynet.supervision.services import record_access
from safetynet.verification.selectors import latest_check
from safetynet.web import clock
from safetynet.web.inputs import Day, Errors, Id, PageNo
from safetynet.web.lists import api_page
from safetynet.web.personal import sees_full_id, shown_id

router = Router(tags=["cases"])  # staff only: the API's default (safetynet.web.api)


class EventOut(Schema):
    on: date
    transition: str
    from_state: str
    to_state: str
    actor: str | None
    note: str
    opinion: str = Field("", description="审核意见（审核确认、不予确认）")
    overrides_check: bool = Field(False, description="最近一次核对结论为不符合条件而仍予确认")


class CaseOut(Schema):
    id: int
    programme: str
    state: str
    version: int
    household: int
    applicant_name: str
    applicant_id_number: str
    area_code: str
    staff_relative: bool
    opened_on: date
    accepted_on: date | None
    decision_due_on: date | None
    due_on: date | None
    deadlines_provisional: bool = Field(
        description="期限落在尚未录入放假安排的年份，按法定节假日暂定；录入后重新计算")
    decided_on: date | None
    monthly_amount: str | None
    notice_starts_on: date | None
    notice_ends_on: date | None
    entitlement_from: date | None
    entitlement_until: date | None
    allowed_steps: list[str]
    latest_decision_opinion: str = Field("", description="最近一次决定（审核确认或不予确认）的审核意见")
    latest_check: str | None = Field(None, description="本户最近一次部门数据核对的结论（still_eligible、"
                                     "amount_changes、no_longer_eligible、newly_eligible、not_eligible）")
    events: list[EventOut] = []


def case_out(request, case, events: bool = False) -> dict:
    amount = case.monthly_amount_fen
    return {
        "id": case.pk, "programme": case.programme, "state": case.state, "version": case.version,
        "household": case.household_id, "applicant_name": case.applicant.name,
        "applicant_id_number": shown_id(request.user, case.applicant.id_number, case.area_code),
        "area_code": case.area_code, "staff_relative": case.staff_relative, "opened_on": case.opened_on,
        "accepted_on": case.accepted_on, "decision_due_on": case.decision_due_on, "due_on": case.due_on,
        "deadlines_provisional": any(d and working_days.is_provisional(d) for d in (case.decision_due_on, case.due_on)),
        "decided_on": case.decided_on, "monthly_amount": None if amount is None else fmt(amount),
        "notice_starts_on": case.notice_starts_on, "notice_ends_on": case.notice_ends_on,
        "entitlement_from": case.entitlement_from, "entitlement_until": case.entitlement_until,
        "allowed_steps": selectors.allowed_transitions(request.user, case),
        "latest_decision_opinion": case.latest_decision_opinion if events else "",
        "latest_check": (latest.impact if (latest := latest_check(case.household_id)) else None) if events else None,
        "events": [
            {"on": e.on, "transition": e.transition, "from_state": e.from_state, "to_state": e.to_state,
             "actor": e.actor.username if e.actor else None, "note": e.note, "opinion": e.opinion,
             "overrides_check": e.overrides_check}
            for e in case.events.all()
        ] if events else [],
    }


def case_seen(request, case) -> dict:
    """One case's answer, with its timeline; the access is logged (PIPL)."""
    record_access(request.user, purpose="view", person_ids=[case.applicant_id], object_type="case", object_id=case.pk,
                  area_code=case.area_code, full_id=sees_full_id(request.user, case.area_code))  # fmt: skip
    return case_out(request, case, events=True)


def cases_seen(request, cases) -> list[dict]:
    """A list of cases' answers; the applicants whose whole number it shows are logged."""
    seen = [c.applicant_id for c in cases if sees_full_id(request.user, c.area_code)]
    if seen:
        staff = staff_of(request.user)
        record_access(request.user, purpose="list", person_ids=seen, object_type="case", object_id="list",
                      area_code=staff.area_id if staff else "")  # fmt: skip
    return [case_out(request, c) for c in cases]


class CasePage(Schema):
    count: int
    page: int
    results: list[CaseOut]


@router.get("/cases", response=CasePage, summary="辖区内的案件")
def list_cases(request, state: Literal[tuple(State.values)] | None = None, page: PageNo = 1):
    qs = selectors.cases_for(request.user).order_by("-id")
    if state:
        qs = qs.filter(state=state)
    page, rows = api_page(qs, page, 50)
    return {"count": qs.count(), "page": page, "results": cases_seen(request, rows)}


@router.get("/cases/{case_id}", response=CaseOut, summary="一件案件及其办理过程（查看记入审计日志）")
def get_case(request, case_id: Id):
    return case_seen(request, selectors.case_for(request.user, case_id))


class PrecheckIn(Schema):
    model_config = ConfigDict(extra="forbid")

    household: Id
    # The programmes whose cases open with the check (先核对、后申请): dibao, tekun, …
    programme: Literal[tuple(d.code for d in programmes.opened_by("start_precheck"))]  # type: ignore[valid-type]
    applicant: Id
    on: Day


@router.post("/cases", response={201: CaseOut, 422: Errors}, summary="发起核对（先核对、后申请）")
def start_precheck(request, payload: PrecheckIn):
    household = get_object_or_404(households_for(request.user), pk=payload.household)
    applicant = household.members.filter(pk=payload.applicant).first()
    if applicant is None:
        raise InputError([FieldError("applicant", "not_a_member")])
    case = services.start_precheck(request.user, household=household, programme=payload.programme,
                                   applicant=applicant, on=payload.on)
    return Status(201, case_seen(request, case))


class BackdatedOut(Schema):
    id: int
    case: int
    transition: str
    on: date
    reason: str
    status: str
    requested_by: str
    decided_by: str | None


def backdated_out(act) -> dict:
    return {"id": act.pk, "case": act.case_id, "transition": act.transition, "on": act.on, "reason": act.reason,
            "status": act.status, "requested_by": act.requested_by.username,
            "decided_by": act.decided_by.username if act.decided_by else None}  # fmt: skip


def _step_description(step: Step) -> str:
    roles = "、".join(step.roles)
    states = "、".join(step.from_states)
    return (f"`{step.name}`: {states} → {step.to_state}; roles: {roles}. `version` must be the case's current "
            "version: two people acting at once cannot both succeed (409). Dated more than 5 working days back "
            "(补录), it needs `backdate_reason` and answers 202 with the act waiting for a second approver.")


def step_router(steps) -> Router:
    """One route per declared step, its body the step's schema; then, outside the schema, a
    route that answers an unknown step's name as bad input (422 naming ``name``)."""
    steps = list(steps)
    router = Router()  # mounted under the cases router: its tag and authentication
    for step in steps:
        _add_step_route(router, step)

    @router.post("/cases/{case_id}/steps/{name}", response={422: Errors}, include_in_schema=False)
    def unknown_step(request, case_id: Id, name: str):
        selectors.case_for(request.user, case_id)  # a case outside the caller's area is a 404 first
        raise InputError([FieldError("name", "choice", value=name[:40], choices=", ".join(s.name for s in steps))])

    return router


def _add_step_route(router: Router, step: Step) -> None:
    def take(request, case_id, payload):
        case = selectors.case_for(request.user, case_id)
        result = step.take(request.user, case, payload.model_dump())
        if isinstance(result, BackdatedAct):  # filed: it waits for a second approver's confirmation
            return Status(202, backdated_out(result))
        return case_seen(request, result)

    # the types ninja reads: the body is this step's own schema (named in the OpenAPI schema)
    take.__annotations__ = {"case_id": Id, "payload": step.schema}
    take.__name__ = take.__qualname__ = f"take_{step.name}"
    router.post(
        f"/cases/{{case_id}}/steps/{step.name}",
        response={200: CaseOut, 202: BackdatedOut, 403: Errors, 409: Errors, 422: Errors},
        summary=f"{step.label}（{step.name}）", description=_step_description(step),
        operation_id=f"take_step_{step.name}", url_name=f"case-step-{step.name}",
    )(take)


class BackdateDecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: Note = ""


router.add_router("", step_router(STEPS.values()))


@router.post("/cases/{case_id}/backdated/{act_id}/{decision}",
             response={200: BackdatedOut, 403: Errors, 409: Errors, 422: Errors},
             summary="确认或不予确认补录事项（本乡镇另一名审核人员）",
             description="`decision` is `confirm` (the step is then taken as at its date) or `refuse` (a `note` "
             "is required; the case is not changed).")
def decide_backdated(request, case_id: Id, act_id: Id, decision: Literal["confirm", "refuse"],
                     payload: BackdateDecisionIn):
    case = selectors.case_for(request.user, case_id)
    act = get_object_or_404(case.backdated_acts.all(), pk=act_id)
    if decision == "confirm":
        services.confirm_backdated(request.user, act, note=payload.note)
    else:
        services.refuse_backdated(request.user, act, note=payload.note)
    act.refresh_from_db()
    return backdated_out(act)


class DeadlinesOut(Schema):
    today: date
    overdue: list[CaseOut]
    due_soon: list[CaseOut]


@router.get("/deadlines", response=DeadlinesOut, summary="超期与三个工作日内到期的环节")
def deadlines(request):
    today = clock.today()
    return {"today": today, "overdue": cases_seen(request, list(selectors.overdue(request.user, today)[:500])),
            "due_soon": cases_seen(request, list(selectors.due_soon(request.user, today)[:500]))}
