"""The policy floor's public endpoints of the API (``/api/v1/``): assessments (dibao and tekun,
or temporary assistance with its event), the areas and
their parameters, the working-day calendar. No login: they tell the law, not anyone's file.

The API itself (its handlers, authentication, error shape) is built in ``safetynet/site/urls.py``
by ``safetynet.web.api.make_api``, which mounts this router and each app's.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from safetynet.policy import areas, working_days
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.household import load_json, parse_month
from safetynet.policy.parameters import in_force_json
from safetynet.policy.temporary import ASSESSMENT_INPUT_JSON_SCHEMA, KINDS, assess_programme
from safetynet.web.inputs import Day, Errors
from safetynet.web.lang import request_lang

router = Router(auth=None)


class Reason(Schema):
    code: str
    text: str
    basis: str


class SinglePerson(Schema):
    id_number: str
    monthly_amount: str


class DibaoResult(Schema):
    eligible: bool
    monthly_amount: str
    family_amount: str
    standard: str
    members: int
    household_income: str
    per_capita_income: str
    edge_family: bool
    single_person_members: list[str]
    single_person_amounts: list[SinglePerson]
    reasons: list[Reason]


class TekunMember(Schema):
    id_number: str
    eligible: bool
    monthly_amount: str
    basic: str
    care: str
    care_level: str | None
    reasons: list[Reason]


class TekunResult(Schema):
    members: list[TekunMember]


class Assessment(Schema):
    area: str
    month: str
    hukou: str
    dibao: DibaoResult
    tekun: TekunResult


class TemporaryAssessment(Schema):
    """Temporary assistance (临时救助) for one event: the most the rules allow, and who approves it."""

    programme: Literal["temporary"]
    area: str
    hukou: str
    month: str
    kind: Literal[KINDS]
    cause: str
    occurred_on: date
    person: str | None
    eligible: bool
    amount: str = Field(description="the most the rules allow, after the caps")
    need: str = Field(description="before the per-event and yearly caps")
    persons: int
    standard: str
    bearable: str = Field(description="spending type: what the household can bear")
    cap: str = Field(description="per event")
    yearly_cap: str
    paid_this_year: str
    yearly_left: str
    approval: Literal["township", "county"]
    township_limit: str
    help_first: bool = Field(description="emergency: the township helps first and the papers follow")
    help_first_hours: int
    papers_limit: int = Field(description="working days to complete the papers after help first")
    reasons: list[Reason]


class ChildAssessment(Schema):
    """An orphan's or de-facto unsupported child's basic living allowance (儿童-2019)."""

    programme: Literal["orphan", "unsupported_child"] | None
    category: Literal["orphan", "unsupported_child"] | None
    eligible: bool
    age: int
    placement: str
    standard: str
    monthly_amount: str
    confirmed: bool
    reasons: list[Reason]


class AidAssessment(Schema):
    """A student's education aid for one school year (seed)."""

    programme: Literal["education_aid"]
    eligible: bool
    kind: str | None
    amount: str
    school_year: int
    school_year_label: str
    study_year: int
    reasons: list[Reason]


@router.post(
    "/assessments",
    response={200: Assessment | TemporaryAssessment | ChildAssessment | AidAssessment, 422: Errors},
    summary="测算一户的低保与特困认定，或一次临时救助",
    description='Decide one household for dibao and tekun in a month; with `"programme": "temporary"` and an '
    "`event`, the temporary assistance for that event instead. Same input and output as `safetynet assess "
    "[--programme temporary]`. Amounts are strings with two decimals; numbers in the input are read exactly; "
    "a refusal names each field by its path (`event.spending`).",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": ASSESSMENT_INPUT_JSON_SCHEMA}}}
    },
    tags=["policy"],
)
def create_assessment(request: HttpRequest):
    # The body is parsed by the policy floor itself, so the API and the CLI accept and refuse
    # exactly the same inputs with the same messages.
    try:
        body = request.body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([FieldError("", "encoding", position=exc.start)]) from None
    return assess_programme(load_json(body), lang=request_lang(request))


class AreaOut(Schema):
    code: str
    name: str
    tier: str
    code_confirmed: bool


@router.get("/policy/areas", response=list[AreaOut], summary="县级区划及其标准档次", tags=["policy"])
def list_areas(request: HttpRequest):
    return [a.__dict__ for a in areas.all_areas()]


class ParameterOut(Schema):
    name: str
    description: str
    unit: str
    value: object | None = None
    effective: date | None = None
    reference: str | None = None
    confirmed: bool | None = None
    note: str | None = None
    error: str | None = None


class ParametersQuery(Schema):
    area: str = Field(max_length=12)
    month: str = Field(max_length=7)


@router.get(
    "/policy/parameters",
    response={200: list[ParameterOut], 422: Errors},
    summary="某区划某月生效的政策参数",
    tags=["policy"],
)
def parameters_in_force(request: HttpRequest, query: Query[ParametersQuery]):
    try:
        on = parse_month(query.month)
    except PolicyError as exc:
        raise InputError([FieldError("month", exc.code, **exc.params)]) from None
    areas.get_area(query.area)
    return in_force_json(query.area, on, request_lang(request))


class WorkingDayQuery(Schema):
    date: Day
    n: int = Field(ge=-1000, le=1000)  # about four years of working days either way


class WorkingDayOut(Schema):
    date: date
    n: int
    result: date
    provisional: bool = Field(description="按暂定日历（法定节假日，尚未录入当年放假安排）推算")
    provisional_years: list[int]


@router.get(
    "/calendar/add-working-days",
    response={200: WorkingDayOut, 422: Errors},
    summary="某日之后第 n 个工作日",
    tags=["calendar"],
)
def add_working_days(request: HttpRequest, query: Query[WorkingDayQuery]):
    result = working_days.add_working_days(query.date, query.n)
    years = working_days.provisional_years(query.date, result)
    return {"date": query.date, "n": query.n, "result": result, "provisional": bool(years), "provisional_years": years}
