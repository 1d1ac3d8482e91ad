"""/api/v1/referrals: the window's referrals to the other departments and their answers, as on
the pages. Reads through ``selectors`` (another area, or another department for a department's
liaison, is a 404), writes through ``services`` (a role that may not act is a 403; a referral that
moved meanwhile a 409); bad input is a 422 naming the field."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import Http404
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from safetynet.cases.models import Case
from safetynet.policy.errors import FieldError, InputError
from safetynet.policy.money import fmt
from safetynet.referrals import departments, selectors, services
from safetynet.referrals.models import OPEN_STATES, Outcome, State
from safetynet.registry.models import DEPARTMENTS
from safetynet.registry.selectors import households_for, staff_of
from safetynet.supervision.services import record_access
from safetynet.web import clock
from safetynet.web.inputs import Day, Errors, Id, PageNo, text
from safetynet.web.lists import api_page
from safetynet.web.personal import mask_id, sees_full_id

router = Router(tags=["referrals"])  # staff only: the API's default (safetynet.web.api)
PAGE = 50
Department = Literal[tuple(code for code, _label in DEPARTMENTS)]
Money = text(20, required=False)


class ReferralIn(Schema):
    model_config = ConfigDict(extra="forbid")

    household: Id = Field(description="家庭编号")
    department: Department = Field(description="转往部门：medical 医保、housing 住建、employment 人社、education 教育、"
                                   "disaster 应急")  # fmt: skip
    category: text(20) = Field("other", description="需求类别，按部门（见 GET /referrals/categories）")
    need: text(services.NEED_MAX) = Field(description="需求情况")
    amount: Money = Field("", description='涉及金额（元，如 "12000.00"；可不填）')
    on: Day = Field(description="转介日期，不晚于今天")
    case: Id | None = Field(None, description="来源案件（该家庭的案件，可不填）")


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal[tuple(Outcome.values)] = Field(
        description="granted 给予救助（资金）、service 给予服务或实物救助（办结）；not_eligible 不符合救助条件、"
        "not_competent 不属本部门职责（不予办理）")
    answer: text(services.ANSWER_MAX) = Field(description="答复内容")
    amount: Money = Field("", description='救助金额（元，如 "3000.00"），给予资金救助时必填')
    on: Day = Field(description="答复日期，不晚于今天")


class OnIn(Schema):
    model_config = ConfigDict(extra="forbid")

    on: Day


class WithdrawIn(OnIn):
    reason: text(services.ANSWER_MAX) = Field(description="撤回原因")


class ReferralEventOut(Schema):
    on: date
    action: str
    from_state: str
    to_state: str
    actor: str | None
    note: str


class ReferralOut(Schema):
    id: int
    household: int
    case: int | None
    area_code: str
    department: str
    category: str
    need: str
    amount: str | None = Field(description="涉及金额（元）")
    state: str
    sent_on: date
    due_on: date
    overdue: bool = Field(description="已过答复期限仍未答复")
    received_on: date | None
    outcome: str
    answer: str
    granted: str | None = Field(description="救助金额（元）")
    answered_on: date | None
    answer_source: str
    facts: dict = Field(description="转介时发送的家庭信息：只含该部门可见的字段")
    events: list[ReferralEventOut] = []


class ReferralPage(Schema):
    count: int
    page: int
    results: list[ReferralOut]


def _facts(request, r) -> dict:
    """The facts as this caller may see them (ID numbers masked unless their duty needs them)."""
    staff = staff_of(request.user)
    if sees_full_id(request.user, r.area_code) or (staff and staff.role == "department"):
        return r.facts
    return {**r.facts, **({"members": [{**m, **({"id_number": mask_id(m["id_number"])} if "id_number" in m else {})}
                                       for m in r.facts["members"]]} if r.facts.get("members") else {})}  # fmt: skip


def referral_out(request, r, *, events: bool = False) -> dict:
    return {
        "id": r.pk, "household": r.household_id, "case": r.case_id, "area_code": r.area_code,
        "department": r.department, "category": r.category, "need": r.need,
        "amount": None if r.need_amount_fen is None else fmt(r.need_amount_fen), "state": r.state,
        "sent_on": r.sent_on, "due_on": r.due_on, "overdue": r.overdue_on(clock.today()), "received_on": r.received_on,
        "outcome": r.outcome, "answer": r.answer, "granted": None if r.granted_fen is None else fmt(r.granted_fen),
        "answered_on": r.answered_on, "answer_source": r.answer_source,
        "facts": _facts(request, r) if events else {},
        "events": [{"on": e.on, "action": e.action, "from_state": e.from_state, "to_state": e.to_state,
                    "actor": e.actor.username if e.actor else None, "note": e.note}
                   for e in r.events.all()] if events else [],
    }  # fmt: skip


def _seen(request, r) -> dict:
    """One referral with its facts and timeline; the access is logged (PIPL)."""
    staff = staff_of(request.user)
    full = sees_full_id(request.user, r.area_code) or bool(staff and staff.role == "department")
    record_access(request.user, purpose="view", person_ids=r.person_ids, object_type="referral", object_id=r.pk,
                  area_code=r.area_code, full_id=full)  # fmt: skip
    return referral_out(request, r, events=True)


@router.get("/referrals", response=ReferralPage, summary="辖区内的转介（部门人员：本部门的）")
def list_referrals(request, department: Department | None = None, state: Literal[tuple(State.values)] | None = None,
                   overdue: bool | None = None, page: PageNo = 1):
    qs = selectors.referrals_for(request.user)
    if department:
        qs = qs.filter(department=department)
    if state:
        qs = qs.filter(state=state)
    if overdue is not None:
        late = {"state__in": OPEN_STATES, "due_on__lt": clock.today()}
        qs = qs.filter(**late) if overdue else qs.exclude(**late)
    qs = qs.order_by("due_on", "id")
    page, rows = api_page(qs, page, PAGE)
    return {"count": qs.count(), "page": page, "results": [referral_out(request, r) for r in rows]}


@router.get("/referrals/categories", response=dict[str, dict[str, str]], summary="各部门的需求类别")
def categories(request):
    return {code: dict(d.categories) for code, d in departments.DEPARTMENTS.items()}


@router.post("/referrals", response={201: ReferralOut, 422: Errors}, summary="转介（乡镇窗口）")
def create_referral(request, payload: ReferralIn):
    household = households_for(request.user).filter(pk=payload.household).first()
    if household is None:
        raise Http404("household")
    case = None
    if payload.case is not None:
        case = Case.objects.filter(pk=payload.case, household=household).first()
        if case is None:
            raise InputError([FieldError("case", "referral_case_household", case=payload.case)])
    r = services.refer(request.user, household=household, department=payload.department, need=payload.need,
                       on=payload.on, case=case, category=payload.category, amount=payload.amount)  # fmt: skip
    return Status(201, _seen(request, selectors.referral_for(request.user, r.pk)))


@router.get("/referrals/{referral_id}", response=ReferralOut, summary="一件转介：需求、发送的家庭信息、办理记录")
def get_referral(request, referral_id: Id):
    return _seen(request, selectors.referral_for(request.user, referral_id))


@router.post("/referrals/{referral_id}/receive", response={200: ReferralOut, 409: Errors, 422: Errors},
             summary="接收转介（协办部门）")
def receive_referral(request, referral_id: Id, payload: OnIn):
    r = selectors.referral_for(request.user, referral_id)
    services.receive(request.user, r, on=payload.on)
    return _seen(request, selectors.referral_for(request.user, referral_id))


@router.post("/referrals/{referral_id}/answer", response={200: ReferralOut, 409: Errors, 422: Errors},
             summary="答复转介（协办部门；窗口登记部门的书面答复）")
def answer_referral(request, referral_id: Id, payload: AnswerIn):
    r = selectors.referral_for(request.user, referral_id)
    services.answer(request.user, r, outcome=payload.outcome, text=payload.answer, on=payload.on,
                    amount=payload.amount)  # fmt: skip
    return _seen(request, selectors.referral_for(request.user, referral_id))


@router.post("/referrals/{referral_id}/withdraw", response={200: ReferralOut, 409: Errors, 422: Errors},
             summary="撤回转介（乡镇窗口）")
def withdraw_referral(request, referral_id: Id, payload: WithdrawIn):
    r = selectors.referral_for(request.user, referral_id)
    services.withdraw(request.user, r, on=payload.on, reason=payload.reason)
    return _seen(request, selectors.referral_for(request.user, referral_id))

