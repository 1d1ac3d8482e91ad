"""A user's own account: API tokens (made, listed, revoked), the password and the second factor.

Every write is one function, in a transaction, with its audit record.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safetynet.registry.models import ApiToken, PasswordChangeRequired
from safetynet.supervision.services import record
from safetynet.web.auth import hash_key  # noqa: F401  (accounts.hash_key: what is stored of a key)


class TokenError(ValueError):
    """Bad input for a token: ``field`` names it, the message is for the user."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


MAX_TOKEN_DAYS = 366  # a token that outlives a year is a password nobody rotates


def _area(user) -> str:
    staff = getattr(user, "staff", None)
    return staff.area_id if staff is not None else ""


def tokens_of(user):
    """The user's tokens, newest first, revoked and expired ones included (they are history)."""
    return ApiToken.objects.filter(user=user)


@transaction.atomic
def create_token(actor, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; the key is returned once and only its hash is kept."""
    name = (name or "").strip()
    if not name:
        raise TokenError("name", "请填写用途")
    if len(name) > 60:
        raise TokenError("name", "用途不能超过 60 个字")
    days = settings.SAFETYNET_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise TokenError("days", f"有效天数应为 1 至 {MAX_TOKEN_DAYS} 天")
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_key(key), expires_at=timezone.now() + timedelta(days=days)
    )
    record(actor, "api_token.create", object_type="api_token", object_id=token.pk, area_code=_area(user),
           details={"user": user.get_username(), "name": name, "expires_at": token.expires_at})  # fmt: skip
    return token, key


@transaction.atomic
def revoke_token(actor, token: ApiToken) -> ApiToken:
    """Revoke a token now; a token already revoked stays as it was."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor, "api_token.revoke", object_type="api_token", object_id=token.pk, area_code=_area(token.user),
               details={"user": token.user.get_username(), "name": token.name})  # fmt: skip
    return token


@transaction.atomic
def password_changed(user) -> None:
    """The user chose a new password: nothing forces another change, and the trail says so."""
    PasswordChangeRequired.objects.filter(user=user).delete()
    record(user, "password.change", object_type="user", object_id=user.pk, area_code=_area(user))


@transaction.atomic
def require_password_change(actor, user) -> None:
    """An administrator set this user's password: the user must replace it at the next login."""
    PasswordChangeRequired.objects.get_or_create(user=user)
    record(actor, "password.require_change", object_type="user", object_id=user.pk, area_code=_area(user),
           details={"user": user.get_username()})  # fmt: skip


def confirmed_totp(user):
    """The user's confirmed TOTP device, if they enrolled one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp(user):
    """The device being set up (made on first visit, kept until confirmed, so the QR stays the same)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="safetynet", confirmed=False)


@transaction.atomic
def confirm_totp(user, device, code: str) -> bool:
    """The first code from the user's app proves the secret was taken: the device is on from now."""
    if not device.verify_token(code.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(user, "otp.enrol", object_type="user", object_id=user.pk, area_code=_area(user))
    return True


@transaction.atomic
def remove_totp(user, device, code: str) -> bool:
    """Turning the second factor off takes a current code, so a borrowed session cannot."""
    if not device.verify_token(code.strip()):
        return False
    device.delete()
    record(user, "otp.remove", object_type="user", object_id=user.pk, area_code=_area(user))
    return True
