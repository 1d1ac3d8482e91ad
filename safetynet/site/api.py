"""The HTTP API, ``/api/v1/``: django-ninja, documented at ``/api/v1/docs`` and
``/api/v1/openapi.json``. Each app adds its router here; this module holds the policy endpoints.

Bad input answers 422 with ``{"detail": [{"loc", "type", "msg"}]}``, ``loc`` the field path
(``members[1].id_number``), ``msg`` in Chinese unless ``?lang=en``.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import ValidationError as NinjaValidationError

from safetynet.cases.services import TransitionError
from safetynet.policy import areas, working_days
from safetynet.policy.assessment import assess
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.household import INPUT_JSON_SCHEMA, load_json, parse_month
from safetynet.policy.parameters import in_force_json

api = NinjaAPI(
    title="safetynet API",
    version="1",
    description="济宁市社会救助平台接口：低保、特困认定测算，政策参数与工作日历。",
    urls_namespace="api-v1",
)


def _lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or ""
    if not lang and request.headers.get("Accept-Language", "").lower().startswith("en"):
        lang = "en"
    return "en" if lang == "en" else "zh"


@api.exception_handler(InputError)
def _input_error(request: HttpRequest, exc: InputError):
    return api.create_response(request, {"detail": [e.as_dict(_lang(request)) for e in exc.errors]}, status=422)


@api.exception_handler(PolicyError)
def _policy_error(request: HttpRequest, exc: PolicyError):
    field = {"unknown_area": "area", "before_first_value": "month", "calendar_year_missing": "date"}.get(exc.code, "")
    error = FieldError(field, exc.code, **exc.params)
    return api.create_response(request, {"detail": [error.as_dict(_lang(request))]}, status=422)


@api.exception_handler(TransitionError)
def _transition_error(request: HttpRequest, exc: TransitionError):
    # The case is in another state or another version than the caller saw: a conflict.
    error = FieldError("", exc.code, **exc.params)
    return api.create_response(request, {"detail": [error.as_dict(_lang(request))]}, status=409)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied):
    return api.create_response(request, {"detail": [{"loc": "", "type": "not_permitted", "msg": str(exc)}]},
                               status=403)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError):
    detail = [
        {
            "loc": ".".join(str(p) for p in e.get("loc", ())[1:]),
            "type": e.get("type", "invalid"),
            "msg": e.get("msg", ""),
        }
        for e in exc.errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)


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


class ErrorItem(Schema):
    loc: str
    type: str
    msg: str


class Errors(Schema):
    detail: list[ErrorItem]


@api.post(
    "/assessments",
    response={200: Assessment, 422: Errors},
    summary="测算一户的低保与特困认定",
    description="Decide one household for dibao and tekun in a month. Same input and output as "
    "`safetynet assess`. Amounts are strings with two decimals; numbers in the input are read exactly.",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": INPUT_JSON_SCHEMA}}}},
    tags=["policy"],
)
def create_assessment(request: HttpRequest):
    # The body is parsed by the policy floor itself, so the API and the CLI accept and refuse
    # exactly the same inputs with the same messages.
    try:
        body = request.body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([FieldError("", "encoding", position=exc.start)]) from None
    return assess(load_json(body), lang=_lang(request))


class AreaOut(Schema):
    code: str
    name: str
    tier: str
    code_confirmed: bool


@api.get("/policy/areas", response=list[AreaOut], summary="县级区划及其标准档次", tags=["policy"])
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
    area: str
    month: str


@api.get(
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
    return in_force_json(query.area, on, _lang(request))


class WorkingDayQuery(Schema):
    date: date
    n: int


class WorkingDayOut(Schema):
    date: date
    n: int
    result: date
    provisional: bool = Field(description="按暂定日历（法定节假日，尚未录入当年放假安排）推算")
    provisional_years: list[int]


@api.get(
    "/calendar/add-working-days",
    response={200: WorkingDayOut, 422: Errors},
    summary="某日之后第 n 个工作日",
    tags=["calendar"],
)
def add_working_days(request: HttpRequest, query: Query[WorkingDayQuery]):
    result = working_days.add_working_days(query.date, query.n)
    years = working_days.provisional_years(query.date, result)
    return {"date": query.date, "n": query.n, "result": result, "provisional": bool(years), "provisional_years": years}


def _mount() -> None:
    from safetynet.cases.api import router as cases_router
    from safetynet.payments.api import router as payments_router
    from safetynet.registry.api import router as registry_router
    from safetynet.site.tokens_api import router as tokens_router
    from safetynet.verification.api import router as verification_router

    api.add_router("/", registry_router)
    api.add_router("/", cases_router)
    api.add_router("/", payments_router)
    api.add_router("/verification", verification_router)
    api.add_router("/", tokens_router)


_mount()
