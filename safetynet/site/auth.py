"""API authentication: a bearer token (``Authorization: Bearer ...``) or the browser session."""

from __future__ import annotations

import hashlib

from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from safetynet.registry.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = ApiToken.objects.select_related("user").filter(
            key_hash=hashlib.sha256(token.encode()).hexdigest(), user__is_active=True
        ).first()
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


STAFF_AUTH = [TokenAuth(), django_auth]
