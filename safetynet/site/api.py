"""The HTTP API, ``/api/v1/``: django-ninja, documented at ``/api/v1/docs`` and
``/api/v1/openapi.json``. Each app adds its router here; this module holds the policy endpoints.

Bad input answers 422 with ``{"detail": [{"loc", "type", "msg"}]}``, ``loc`` the field path
(``members[1].id_number``), ``msg`` in Chinese unless ``?lang=en``. Every refusal has that shape
(401 no valid token, 403 a role that may not act, 404 not found or outside the caller's area, 409
a case changed meanwhile, 422 bad input, 429 too many wrong tokens), and the schema says so for
every operation, so a client (and the schemathesis run in ``make test``) can rely on it.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from safetynet.cases.services import TransitionError
from safetynet.policy import areas, working_days
from safetynet.policy.assessment import assess
from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.policy.household import INPUT_JSON_SCHEMA, load_json, parse_month
from safetynet.policy.parameters import in_force_json
from safetynet.site.inputs import Day, ErrorItem, Errors, field_error  # noqa: F401  (Errors: the routers' too)

# The refusals any operation may answer, besides those it declares itself.
COMMON_ERRORS = {
    401: "未登录，或接口令牌无效、已过期、已撤销",
    403: "您的角色或辖区不能办理此事项",
    404: "未找到，或不在您的辖区内",
    422: "输入有误：detail 逐项列出字段路径与原因",
    429: "错误令牌过多，请稍后再试",
}


class SafetynetAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        """As ninja's, but each error keeps what was sent, so the message can say it ("实为 99");
        only the house's message is ever answered (``_validation_error``)."""
        errors = []
        for context in error_contexts:
            model = context.model
            for e in context.pydantic_validation_error.errors(include_url=False):
                e["loc"] = (model.__ninja_param_source__,) + model.__ninja_flatten_map_reverse__.get(e["loc"], e["loc"])
                errors.append(dict(e))
        return NinjaValidationError(errors)

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The schema with the common refusals on every operation (401 and 429 on those that need
        a login), all in the one error shape."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
            "Errors", Errors.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        schema["components"]["schemas"].setdefault("ErrorItem", ErrorItem.model_json_schema())
        errors = {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in COMMON_ERRORS.items():
                    if status in (401, 429) and not operation.get("security"):
                        continue
                    if status not in responses and str(status) not in responses:
                        responses[status] = {"description": description, "content": errors}
        return schema


api = SafetynetAPI(
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
    # the schema's refusals in the same words and paths as the services' (Chinese, members[0].name)
    lang = _lang(request)
    return api.create_response(request, {"detail": [field_error(e).as_dict(lang) for e in exc.errors]}, status=422)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"detail": [{"loc": "", "type": "not_found", "msg": COMMON_ERRORS[404]}]},
                               status=404)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    if exc.status_code == 400:  # a body that is not JSON at all: bad input like any other
        error = FieldError("", "invalid", detail="请求体应为 UTF-8 编码的 JSON")
        return api.create_response(request, {"detail": [error.as_dict(_lang(request))]}, status=422)
    kind = {401: "unauthorized", 403: "not_permitted", 429: "throttled"}.get(exc.status_code, "http_error")
    body = {"detail": [{"loc": "", "type": kind, "msg": COMMON_ERRORS.get(exc.status_code, str(exc))}]}
    response = api.create_response(request, body, status=exc.status_code)
    if getattr(exc, "wait", None):
        response["Retry-After"] = str(exc.wait)
    return response


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
    area: str = Field(max_length=12)
    month: str = Field(max_length=7)


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
    date: Day
    n: int = Field(ge=-1000, le=1000)  # about four years of working days either way


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
