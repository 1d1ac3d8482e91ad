"""API authentication: a bearer token (``Authorization: Bearer ...``) or the browser session.

A token is found by the SHA-256 of what was sent (an index lookup: the time it takes tells
nothing about the stored keys). Expired and revoked tokens answer 401. Keys are 256 random bits,
so guessing is hopeless, but an address that keeps sending wrong tokens is still logged and,
past ``SAFETYNET_BEARER_FAILURES`` in ten minutes, answered 429 without a lookup.

The token's model (``registry.ApiToken``) is reached through the app registry when a call comes
in, so this leaf imports no app.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from ninja.errors import Throttled
from ninja.security import HttpBearer, django_auth

log = logging.getLogger("safetynet.auth")

FAILURE_WINDOW = 600  # seconds
LAST_USED_GRANULARITY = timedelta(minutes=1)  # one write a minute per token, not one per call
TOKEN_MODEL = "registry.ApiToken"


def hash_key(key: str) -> str:
    """What is stored of a token: its SHA-256."""
    return hashlib.sha256(key.encode()).hexdigest()


def client_ip(request) -> str:
    """The caller's address; behind the city's proxy (``SAFETYNET_PROXY_COUNT`` proxies), the one
    the nearest proxy saw, from X-Forwarded-For. Used for login lockout and token throttling."""
    proxies = settings.SAFETYNET_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        ip = client_ip(request)
        failures_key = f"safetynet:bearer-failures:{ip}"
        if (cache.get(failures_key) or 0) >= settings.SAFETYNET_BEARER_FAILURES:
            raise Throttled(wait=FAILURE_WINDOW)
        tokens = apps.get_model(TOKEN_MODEL).objects
        now = timezone.now()
        found = tokens.select_related("user").filter(key_hash=hash_key(token)).first()
        reason = (
            "unknown" if found is None
            else "inactive user" if not found.user.is_active
            else "revoked" if found.revoked_at is not None
            else "expired" if found.expires_at <= now
            else ""
        )  # fmt: skip
        if reason:
            if not cache.add(failures_key, 1, FAILURE_WINDOW):
                try:
                    cache.incr(failures_key)
                except ValueError:  # expired in between
                    cache.set(failures_key, 1, FAILURE_WINDOW)
            log.warning("API token refused (%s) from %s%s", reason, ip, f" for token {found.pk}" if found else "")
            return None
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_GRANULARITY:
            tokens.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found
        return found.user


# Every route of the API, unless its router says otherwise (the public policy endpoints).
STAFF_AUTH = [TokenAuth(), django_auth]
