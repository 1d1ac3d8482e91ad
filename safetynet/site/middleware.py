"""The site's middleware: NUL characters refused (PostgreSQL cannot store them, and no real input
has them); uploads limited in size; idle sessions ended; a forced password change; no caching of
what a logged-in user sees."""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MUST_CHANGE_PASSWORD = "must_change_password"  # the session key set at login


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            nul = _has_nul(request)
        except MultiPartParserError:  # a form upload whose body is not what its header says
            message = "上传的表单格式无效（multipart 请求体与其边界不符），请重新选择文件提交"
            if request.path.startswith("/api/"):
                return _api_error(422, "multipart", message)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        if nul:
            message = "请求中含有空字符（\\x00），已拒绝"
            if request.path.startswith("/api/"):
                body = {"detail": [{"loc": "", "type": "nul_character", "msg": message}]}
                return HttpResponse(json.dumps(body, ensure_ascii=False), status=422,
                                    content_type="application/json")
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(request) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if request.method in ("POST", "PUT", "PATCH"):
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("multipart/form-data"):
            return any("\x00" in v for values in request.POST.lists() for v in values[1])
        body = request.body
        return b"\x00" in body or b"%00" in body or b"\\u0000" in body
    return False


def _api_error(status: int, kind: str, message: str, loc: str = "") -> HttpResponse:
    body = {"detail": [{"loc": loc, "type": kind, "msg": message}]}
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")


class UploadLimitMiddleware:
    """Refuse a request body over ``SAFETYNET_MAX_UPLOAD_MB`` before a byte of it is read: 413,
    a page in Chinese for the browser, the house's error list for the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit_mb = settings.SAFETYNET_MAX_UPLOAD_MB
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit_mb * 1024 * 1024:
            # Before LocaleMiddleware: the language from the user's choice (cookie) or browser.
            with translation.override(translation.get_language_from_request(request)):
                message = _("上传的文件过大：%(size)s MB，上限为 %(limit)s MB。请拆分后分批上传。") % {
                    "size": f"{length / 1024 / 1024:.0f}", "limit": limit_mb}
                if request.path.startswith("/api/"):
                    return _api_error(413, "too_large", message, "file")
                return render(request, "site/error.html", {"title": _("文件过大"), "message": message}, status=413)
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Log a browser session out after ``SAFETYNET_SESSION_IDLE_MINUTES`` without a request: a
    screen left open at the window must not show personal data to the next person. The time of
    the last request is saved at most once a minute, not on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen")
            if last is not None and now - last > settings.SAFETYNET_SESSION_IDLE_MINUTES * 60:
                logout(request)
                if not request.path.startswith("/api/"):
                    messages.info(request, _("您已超过 %(minutes)s 分钟未操作，为保护个人信息已自动退出，请重新登录。")
                                  % {"minutes": settings.SAFETYNET_SESSION_IDLE_MINUTES})
                    return redirect_to_login(request.get_full_path())
            elif last is None or now - last >= 60:
                request.session["last_seen"] = now
        return self.get_response(request)


class PasswordChangeMiddleware:
    """Until a user who logged in with the demo's password (outside the demo) or one set by an
    administrator has chosen a new one, every page leads to the change-password page."""

    ALLOWED = ("/accounts/password/", "/accounts/logout/", "/i18n/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.user.is_authenticated and request.session.get(MUST_CHANGE_PASSWORD)
                and not request.path.startswith(self.ALLOWED)):
            message = _("请先修改初始密码，再办理其他事项。")
            if request.path.startswith("/api/"):
                return _api_error(403, "password_change_required", message)
            messages.warning(request, message)
            return redirect("password-change")
        return self.get_response(request)


# What another department's liaison may open: its referrals (pages and API), its account, the
# language switch and the public pages. Everything else of the office is refused (意见-2020:
# 协同办理 shares a referral's facts, not the office's files).
# The API's description is no secret: whoever may call a route may read how.
_OWN = ("/accounts/", "/i18n/", "/public/", "/static/", "/api/v1/docs", "/api/v1/openapi.json")
LIAISON_PATHS = ("/referrals/", "/api/v1/referrals", *_OWN)

# The staff of bodies outside the office (another department, a social organisation, a funeral
# home) work on their own records only: the paths they may open, where their desk is, and what
# any other page of the office answers (403; the selectors also show them nothing by area).
OUTSIDE_ROLES: dict[str, tuple[tuple[str, ...], str, object]] = {
    "department": (LIAISON_PATHS, "/referrals/", gettext_lazy("协办部门人员只能办理本部门的转介")),
    "organisation": (("/charity/", "/api/v1/charity", *_OWN), "/charity/",
                     gettext_lazy("社会组织工作人员只能办理本组织的记录")),
    "funeral_home": (("/funerals/", "/api/v1/funerals", *_OWN), "/funerals/",
                     gettext_lazy("殡仪馆工作人员只能办理本馆的记录")),
}


class DepartmentLiaisonMiddleware:
    """Staff outside the office (``OUTSIDE_ROLES``) reach only their own pages: their desk is
    their list, and any other page of the office answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        staff = getattr(request.user, "staff", None) if request.user.is_authenticated else None
        outside = OUTSIDE_ROLES.get(staff.role) if staff is not None else None
        if outside is None or request.path == "/":
            return self.get_response(request)
        paths, desk, refusal = outside
        if request.path.startswith(paths):
            return self.get_response(request)
        if request.path == "/desk/":
            return redirect(desk)
        if request.path.startswith("/api/"):
            return _api_error(403, "forbidden", str(refusal))
        return render(request, "403.html", {"exception": str(refusal)}, status=403)


class NoStoreMiddleware:
    """Nothing shown to a logged-in user (pages, API answers, exports) is kept by the browser's
    or a proxy's cache: they show personal data. Static files never reach here (WhiteNoise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
