"""The API's error types and handlers, and ``make_api()``: the NinjaAPI with them and its
authentication installed. ``safetynet/site/urls.py`` builds the one API (``/api/v1/``) and
mounts each app's router on it; no app's ``api.py`` imports another's.

Bad input answers 422 with ``{"detail": [{"loc", "type", "msg"}]}``, ``loc`` the field path
(``members[1].id_number``), ``msg`` in Chinese unless ``?lang=en``. Every refusal has that shape
(401 no valid token, 403 a role that may not act, 404 not found or outside the caller's area, 409
a record changed meanwhile, 422 bad input, 429 too many wrong tokens), and the schema says so for
every operation, so a client (and the schemathesis run in ``make test``) can rely on it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from safetynet.policy.errors import FieldError, InputError, PolicyError
from safetynet.web.auth import STAFF_AUTH
from safetynet.web.errors import Conflict
from safetynet.web.inputs import ErrorItem, Errors, field_error
from safetynet.web.lang import request_lang

# The refusals any operation may answer, besides those it declares itself.
COMMON_ERRORS = {
    401: "未登录，或接口令牌无效、已过期、已撤销",
    403: "您的角色或辖区不能办理此事项",
    404: "未找到，或不在您的辖区内",
    422: "输入有误：detail 逐项列出字段路径与原因",
    429: "错误令牌过多，请稍后再试",
}
# A policy error about one input names that field.
POLICY_ERROR_FIELDS = {"unknown_area": "area", "before_first_value": "month", "calendar_year_missing": "date"}


class SafetynetAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        """As ninja's, but each error keeps what was sent, so the message can say it ("实为 99");
        only the house's message is ever answered (the handler of ``NinjaValidationError``)."""
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


def _detail(api: NinjaAPI, request, errors: list[dict], status: int):
    return api.create_response(request, {"detail": errors}, status=status)


def install_handlers(api: NinjaAPI) -> None:
    """Every refusal in the one shape, in the caller's language; never a traceback."""

    @api.exception_handler(InputError)
    def input_error(request, exc: InputError):
        return _detail(api, request, [e.as_dict(request_lang(request)) for e in exc.errors], 422)

    @api.exception_handler(Conflict)
    def conflict(request, exc: Conflict):
        return _detail(api, request, [FieldError("", exc.code, **exc.params).as_dict(request_lang(request))], 409)

    @api.exception_handler(PolicyError)
    def policy_error(request, exc: PolicyError):
        error = FieldError(POLICY_ERROR_FIELDS.get(exc.code, ""), exc.code, **exc.params)
        return _detail(api, request, [error.as_dict(request_lang(request))], 422)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc: PermissionDenied):
        return _detail(api, request, [{"loc": "", "type": "not_permitted", "msg": str(exc)}], 403)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        # the schema's refusals in the same words and paths as the services' (Chinese, members[0].name)
        lang = request_lang(request)
        return _detail(api, request, [field_error(e).as_dict(lang) for e in exc.errors], 422)

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        return _detail(api, request, [{"loc": "", "type": "not_found", "msg": COMMON_ERRORS[404]}], 404)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 400:  # a body that is not JSON at all: bad input like any other
            error = FieldError("", "invalid", detail="请求体应为 UTF-8 编码的 JSON")
            return _detail(api, request, [error.as_dict(request_lang(request))], 422)
        kind = {401: "unauthorized", 403: "not_permitted", 429: "throttled"}.get(exc.status_code, "http_error")
        msg = COMMON_ERRORS.get(exc.status_code, str(exc))
        response = _detail(api, request, [{"loc": "", "type": kind, "msg": msg}], exc.status_code)
        if getattr(exc, "wait", None):
            response["Retry-After"] = str(exc.wait)
        return response


def make_api(**kwargs) -> SafetynetAPI:
    """A NinjaAPI with the house's handlers, and staff authentication (a bearer token or the
    browser session) on every route whose router does not say otherwise (``Router(auth=None)``
    for public ones)."""
    kwargs.setdefault("auth", STAFF_AUTH)
    api = SafetynetAPI(**kwargs)
    install_handlers(api)
    return api
