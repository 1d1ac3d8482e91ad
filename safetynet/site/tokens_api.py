"""/api/v1/tokens: a user's own API tokens, listed, made and revoked.

A new token is made only from a logged-in browser session, never with a token: a stolen token
must not be able to mint another that outlives it.
"""

from __future__ import annotations

from datetime import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.security import django_auth

from safetynet.site import accounts
from safetynet.web.inputs import Errors

router = Router(tags=["tokens"])  # staff only: the API's default (safetynet.web.api)


class TokenOut(Schema):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    revoked_at: datetime | None
    status: str  # active, expired, revoked


class TokenCreated(TokenOut):
    key: str  # shown once; only its hash is kept


class TokenIn(Schema):
    name: str
    days: int | None = None


def token_status(token, now=None) -> str:
    now = now or timezone.now()
    return "revoked" if token.revoked_at else "expired" if token.expires_at <= now else "active"


def token_out(token) -> dict:
    return {"id": token.pk, "name": token.name, "created_at": token.created_at, "last_used_at": token.last_used_at,
            "expires_at": token.expires_at, "revoked_at": token.revoked_at, "status": token_status(token)}


@router.get("/tokens", response=list[TokenOut], summary="本人的接口令牌（含已撤销、已过期）")
def list_tokens(request):
    return [token_out(t) for t in accounts.tokens_of(request.user)]


@router.post("/tokens", response={201: TokenCreated, 422: Errors}, auth=django_auth,
             summary="新建接口令牌（须登录网页会话；令牌只显示这一次）")
def create_token(request, payload: TokenIn):
    try:
        token, key = accounts.create_token(request.user, request.user, payload.name, payload.days)
    except accounts.TokenError as exc:
        return Status(422, {"detail": [{"loc": exc.field, "type": "invalid", "msg": str(exc)}]})
    return Status(201, {**token_out(token), "key": key})


@router.delete("/tokens/{token_id}", response={204: None}, summary="撤销本人的一个接口令牌")
def revoke_token(request, token_id: int):
    token = get_object_or_404(accounts.tokens_of(request.user), pk=token_id)
    accounts.revoke_token(request.user, token)
    return Status(204, None)
