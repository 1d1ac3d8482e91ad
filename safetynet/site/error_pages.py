"""The server's own error page: in the user's language, with a reference number that the log
line carrying the traceback also has, so the help desk can find what happened. Never a traceback
to the user."""

from __future__ import annotations

import logging
import secrets
import sys

from django.http import HttpResponseServerError
from django.template import loader

logger = logging.getLogger("safetynet.errors")


def reference_number() -> str:
    return secrets.token_hex(4).upper()


def server_error(request, template_name: str = "500.html"):
    """handler500: rendered without the request's context (no menu, no database query), since
    the database may be what failed."""
    reference = reference_number()
    # Called while Django handles the exception: its traceback goes in this log line.
    logger.error("服务器内部错误，参考编号 %s：%s %s", reference, request.method, request.get_full_path()[:500],
                 exc_info=sys.exc_info()[0] is not None)  # fmt: skip
    try:
        body = loader.get_template(template_name).render({"reference": reference})
    except Exception:  # the page itself failed: still no traceback, still the number
        body = f"<!doctype html><title>500</title><p>系统内部错误（参考编号 {reference}）。请联系系统管理员。</p>"
    response = HttpResponseServerError(body)
    response["X-Error-Reference"] = reference
    return response
