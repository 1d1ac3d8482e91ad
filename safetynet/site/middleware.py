"""Refuse NUL characters in any request: PostgreSQL cannot store them, and no real input has them."""

from __future__ import annotations

import json

from django.http import HttpResponse


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
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
