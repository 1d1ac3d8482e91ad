from __future__ import annotations

import time
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.safestring import mark_safe

from safetynet.policy import areas
from safetynet.policy.parameters import lookup, value
from safetynet.registry.models import PasswordChangeRequired
from safetynet.site import accounts
from safetynet.site.middleware import MUST_CHANGE_PASSWORD
from safetynet.web import clock


def home(request):
    """What safetynet is, and the standards in force this month in every area."""
    today = clock.today().replace(day=1)
    rows = []
    for area in areas.all_areas():
        rows.append(
            {
                "area": area,
                "dibao_urban": value("dibao_standard", area.code, today, hukou="urban"),
                "dibao_rural": value("dibao_standard", area.code, today, hukou="rural"),
                "tekun_urban": value("tekun_basic_standard", area.code, today, hukou="urban"),
                "tekun_rural": value("tekun_basic_standard", area.code, today, hukou="rural"),
                "time_limit": value("decision_time_limit", area.code, today),
            }
        )
    # Since when, and by which document, each value shown is in force (the same in every area).
    bases = [
        {"label": label, "effective": entry.effective, "reference": entry.reference, "confirmed": entry.confirmed}
        for label, name, keys in (("低保标准", "dibao_standard", {"hukou": "urban"}),
                                  ("特困人员基本生活标准", "tekun_basic_standard", {"hukou": "urban"}),
                                  ("审核确认时限", "decision_time_limit", {}))
        for entry in [lookup(name, areas.all_areas()[0].code, today, **keys)[1]]
    ]
    return render(request, "site/home.html", {"rows": rows, "month": today, "city": areas.city(), "bases": bases})


# --- Logins and the user's own account (issue 14) ---

OTP_PENDING = "otp_pending"  # the session key of a login waiting for its second factor
OTP_WINDOW = 300  # seconds to type the code after the password


def _needs_new_password(user, password: str) -> bool:
    from safetynet.site.demo import DEMO_PASSWORD

    return (not settings.SAFETYNET_DEMO and password == DEMO_PASSWORD) or PasswordChangeRequired.objects.filter(
        user=user
    ).exists()


def _demo_password() -> str:
    """Shown on the login page of the demo only: elsewhere nobody may log in with it."""
    from safetynet.site.demo import DEMO_PASSWORD

    return DEMO_PASSWORD if settings.SAFETYNET_DEMO else ""


class LoginView(auth_views.LoginView):
    """Django's login, then the second factor for a user who enrolled one, and the forced change
    of a shared or administrator-set password."""

    def form_valid(self, form):
        user = form.get_user()
        must_change = _needs_new_password(user, form.cleaned_data.get("password") or "")
        if accounts.confirmed_totp(user) is not None:
            self.request.session[OTP_PENDING] = {"user": user.pk, "backend": user.backend, "at": time.time(),
                                                 "next": self.get_success_url(), "must_change": must_change}
            return redirect("login-otp")
        response = super().form_valid(form)
        if must_change:
            self.request.session[MUST_CHANGE_PASSWORD] = True
        return response

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "failure_limit": settings.AXES_FAILURE_LIMIT,
                "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
                "demo_password": _demo_password()}


def login_otp(request):
    """The second step of a login: the six digits from the user's authenticator app."""
    pending = request.session.get(OTP_PENDING)
    user = device = None
    if pending and time.time() - pending["at"] <= OTP_WINDOW:
        user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
        device = accounts.confirmed_totp(user) if user else None
    if device is None:
        request.session.pop(OTP_PENDING, None)
        messages.info(request, "请重新输入用户名和密码。")
        return redirect("login")
    error = ""
    if request.method == "POST":
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            error = "验证码错误次数过多，请稍候片刻再试。"
        elif device.verify_token(request.POST.get("code", "").strip()):
            del request.session[OTP_PENDING]
            login(request, user, backend=pending["backend"])
            if pending["must_change"]:
                request.session[MUST_CHANGE_PASSWORD] = True
            return redirect(pending["next"])
        else:
            error = "验证码不正确：请输入手机验证器当前显示的 6 位数字。"
    return render(request, "registration/login_otp.html", {"error": error, "username": user.get_username()})


def locked_out(request, response=None, credentials=None):
    """django-axes' answer once a user name has failed too often: when to retry, whom to call."""
    cooloff = settings.AXES_COOLOFF_TIME
    return render(request, "registration/locked_out.html", {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(cooloff.total_seconds() // 60),
        "retry_at": timezone.localtime() + cooloff,
        "helpdesk": settings.SAFETYNET_HELPDESK,
    }, status=429)  # fmt: skip


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.password_changed(self.request.user)
        self.request.session.pop(MUST_CHANGE_PASSWORD, None)
        messages.success(self.request, "密码已修改。")
        return response

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "forced": bool(self.request.session.get(MUST_CHANGE_PASSWORD))}


def _may_use_otp(user) -> bool:
    staff = getattr(user, "staff", None)
    return user.is_superuser or (staff is not None and staff.role == "city")


@login_required
def account(request):
    return render(request, "site/account.html", {
        "tokens": accounts.tokens_of(request.user).filter(revoked_at=None, expires_at__gt=timezone.now()).count(),
        "may_use_otp": _may_use_otp(request.user),
        "otp_on": accounts.confirmed_totp(request.user) is not None,
        "idle_minutes": settings.SAFETYNET_SESSION_IDLE_MINUTES,
    })  # fmt: skip


@login_required
def tokens(request):
    """The user's API tokens: made here (the key shown once), listed, revoked."""
    from safetynet.site.tokens_api import token_status

    new_key, errors = "", {}
    if request.method == "POST":
        try:
            days = int(request.POST.get("days") or settings.SAFETYNET_API_TOKEN_DAYS)
        except ValueError:
            days = 0
        try:
            _, new_key = accounts.create_token(request.user, request.user, request.POST.get("name", ""), days)
        except accounts.TokenError as exc:
            errors[exc.field] = str(exc)
    now = timezone.now()
    rows = [(t, token_status(t, now)) for t in accounts.tokens_of(request.user)]
    return render(request, "site/tokens.html", {
        "rows": rows, "new_key": new_key, "errors": errors, "form": request.POST if errors else {},
        "default_days": settings.SAFETYNET_API_TOKEN_DAYS, "max_days": accounts.MAX_TOKEN_DAYS,
    }, status=422 if errors else 200)  # fmt: skip


@login_required
def token_revoke(request, token_id: int):
    """Revoking asks once more: an integration using the token stops working at once."""
    token = get_object_or_404(accounts.tokens_of(request.user), pk=token_id)
    if request.method == "POST":
        accounts.revoke_token(request.user, token)
        messages.success(request, f"已撤销令牌“{token.name}”。")
        return redirect("tokens")
    return render(request, "site/token_revoke.html", {"token": token})


def _otp_wait(device) -> str:
    """After a wrong code django-otp refuses every code for a while (1, 2, 4 … seconds): say so,
    or the right code typed next would be called wrong."""
    allowed, info = device.verify_is_allowed()
    if allowed:
        return ""
    until = (info or {}).get("locked_until")
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
    return f"验证码输入有误后须稍候：请等待 {seconds} 秒，再输入验证器当前显示的 6 位数字。"


@login_required
def otp_setup(request):
    """The city administrator's second factor: scan the QR code, type the first code to confirm."""
    if not _may_use_otp(request.user):
        raise PermissionDenied("双重验证仅供市级管理员使用。")
    device = accounts.confirmed_totp(request.user)
    error = ""
    if device is not None:
        if request.method == "POST":
            error = _otp_wait(device)
            if not error and accounts.remove_totp(request.user, device, request.POST.get("code", "")):
                messages.success(request, "已关闭双重验证。")
                return redirect("account")
            error = error or "验证码不正确，未关闭双重验证。"
        return render(request, "site/otp_setup.html", {"on": True, "error": error})
    device = accounts.pending_totp(request.user)
    if request.method == "POST":
        error = _otp_wait(device)
        if not error and accounts.confirm_totp(request.user, device, request.POST.get("code", "")):
            messages.success(request, "已启用双重验证：以后登录时须输入验证器上的 6 位数字。")
            return redirect("account")
        error = error or "验证码不正确：请确认手机时间准确，输入验证器当前显示的 6 位数字。"
    uri = device.config_url
    return render(request, "site/otp_setup.html", {
        "on": False, "error": error, "uri": uri, "secret": b32encode(device.bin_key).decode(),
        "qr": mark_safe(segno.make(uri, micro=False).svg_inline(scale=4, title="otpauth")),
    })  # fmt: skip
