"""/api/v1/discovery: the discovery tasks as on the pages. Reads through ``selectors`` (another
area is a 404), writes through ``services`` (a role that may not act is a 403; a task that moved
meanwhile a 409); bad input is a 422 naming the field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import Http404
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from safetynet.discovery import selectors, services
from safetynet.discovery.models import OPEN_STATES, Outcome, Source, State
from safetynet.policy.errors import FieldError, InputError
from safetynet.web.inputs import Day, Errors, Id, PageNo, text
from safetynet.web.lists import api_page

router = Router(tags=["discovery"])
PAGE = 50


class LeadIn(Schema):
    model_config = ConfigDict(extra="forbid")

    source: Literal["hotline", "village", "department"] = Field(description="hotline 热线、village 村（居）报告、"
                                                                "department 部门通报")  # fmt: skip
    area: text(12) = Field(description="交办的乡镇（街道）或村（居）区划代码")
    situation: text(services.TEXT_MAX) = Field(description="困难情况")
    reported_at: datetime = Field(description="报告时间")
    emergency: bool = False
    reporter: text(60, required=False) = ""
    reporter_phone: text(20, required=False) = ""
    id_number: text(18, required=False) = Field("", description="公民身份号码（已登记在册时关联其家庭）")
    name: text(40, required=False) = ""
    address: text(200, required=False) = ""
    phone: text(20, required=False) = ""


class VisitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    on: Day
    note: text(services.TEXT_MAX)


class CloseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["no_need", "referred"]
    note: text(services.TEXT_MAX)
    referral: Id | None = None


class LinkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    case: Id = Field(description="该家庭的在办案件（筛查任务：所涉项目的案件）")
    note: text(services.TEXT_MAX) = ""


class TaskOut(Schema):
    id: int
    source: str
    area_code: str
    household: int | None
    person: int | None
    name: str
    situation: str
    emergency: bool
    reporter: str
    reported_at: datetime
    due_at: datetime
    overdue: bool = Field(description="已过走访时限仍未走访")
    state: str
    visited_on: date | None
    outcome: str
    case: int | None
    referral: int | None
    closed_at: datetime | None
    in_time: bool | None = Field(description="在走访时限内首次处置")


class TaskPage(Schema):
    count: int
    page: int
    results: list[TaskOut]


def task_out(t) -> dict:
    return {
        "id": t.pk, "source": t.source, "area_code": t.area_code, "household": t.household_id, "person": t.person_id,
        "name": t.who, "situation": t.situation, "emergency": t.emergency, "reporter": t.reporter,
        "reported_at": t.reported_at, "due_at": t.due_at, "overdue": t.overdue_at(selectors.now()), "state": t.state,
        "visited_on": t.visited_on, "outcome": t.outcome, "case": t.case_id, "referral": t.referral_id,
        "closed_at": t.closed_at, "in_time": t.in_time,
    }  # fmt: skip


@router.get("/discovery", response=TaskPage, summary="辖区内的主动发现任务")
def list_tasks(request, source: Literal[tuple(Source.values)] | None = None,
               state: Literal[tuple(State.values)] | None = None, overdue: bool | None = None, page: PageNo = 1):
    qs = selectors.tasks_for(request.user)
    if source:
        qs = qs.filter(source=source)
    if state:
        qs = qs.filter(state=state)
    if overdue is not None:
        late = selectors.overdue_q(selectors.now())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    qs = qs.order_by("due_at", "id")
    page, rows = api_page(qs, page, PAGE)
    return {"count": qs.count(), "page": page, "results": [task_out(t) for t in rows]}


@router.get("/discovery/figures", response=dict, summary="主动发现统计：按线索来源和处置结果")
def figures(request):
    sources, total = selectors.by_source(selectors.tasks_for(request.user), selectors.now())
    def row(r) -> dict:
        return {"total": r.total, "open": r.open, "overdue": r.overdue, "closed_in_time": r.closed_in_time,
                "closed_late": r.closed_late, "outcomes": dict(zip(Outcome.values, r.outcome_cells, strict=True))}

    return {"sources": {r.source: row(r) for r in sources}, "total": row(total), "open_states": list(OPEN_STATES)}


@router.post("/discovery", response={201: TaskOut, 422: Errors}, summary="登记线索（热线、村居报告、部门通报）")
def create_task(request, payload: LeadIn):
    t = services.record_lead(request.user, source=payload.source, area_code=payload.area, situation=payload.situation,
                            reported_at=payload.reported_at, emergency=payload.emergency, reporter=payload.reporter,
                            reporter_phone=payload.reporter_phone, id_number=payload.id_number, name=payload.name,
                            address=payload.address, phone=payload.phone)  # fmt: skip
    return Status(201, task_out(selectors.task_for(request.user, t.pk)))


@router.get("/discovery/{task_id}", response=TaskOut, summary="一件主动发现任务")
def get_task(request, task_id: Id):
    return task_out(selectors.task_for(request.user, task_id))


@router.post("/discovery/{task_id}/visit", response={200: TaskOut, 409: Errors, 422: Errors}, summary="登记入户走访")
def visit_task(request, task_id: Id, payload: VisitIn):
    services.visit(request.user, selectors.task_for(request.user, task_id), on=payload.on, note=payload.note)
    return task_out(selectors.task_for(request.user, task_id))


@router.post("/discovery/{task_id}/close", response={200: TaskOut, 409: Errors, 422: Errors},
             summary="办结（无需救助、已转介）")
def close_task(request, task_id: Id, payload: CloseIn):
    task = selectors.task_for(request.user, task_id)
    referral = None
    if payload.referral is not None:
        from safetynet.referrals.selectors import referrals_for

        referral = referrals_for(request.user).filter(pk=payload.referral).first()
        if referral is None:
            raise Http404("referral")
    services.close(request.user, task, outcome=payload.outcome, note=payload.note, referral=referral)
    return task_out(selectors.task_for(request.user, task_id))


@router.post("/discovery/{task_id}/link", response={200: TaskOut, 409: Errors, 422: Errors},
             summary="办结并关联在办案件（该家庭已有在办的申请或保障中的案件）")
def link_task(request, task_id: Id, payload: LinkIn):
    task = selectors.task_for(request.user, task_id)
    if task.household_id is None:
        raise InputError([FieldError("household", "discovery_no_household")])
    case = next((c for c in selectors.live_cases([task.household_id]).get(task.household_id, [])
                 if c.pk == payload.case), None)  # fmt: skip
    if case is None:
        raise InputError([FieldError("case", "discovery_case_not_live", case=payload.case)])
    services.link_case(request.user, task, case=case, note=payload.note)
    return task_out(selectors.task_for(request.user, task_id))
