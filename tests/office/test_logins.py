"""Logins (issue 14, point 3): lockout after repeated failures, the password rules, changing
one's password, the forced change of the demo's shared password, the idle timeout, API tokens
that expire and can be revoked, and the city administrator's optional second factor."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from safetynet.registry.models import ApiToken, PasswordChangeRequired
from safetynet.site import accounts
from safetynet.site.demo import DEMO_PASSWORD
from safetynet.supervision.models import AuditEvent

NEW_PASSWORD = "Weishan-Lake-lotus-77"


@pytest.fixture(autouse=True)
def outside_the_demo(settings):
    """These tests are a real office: the demo's shared password must be changed."""
    settings.SAFETYNET_DEMO = False
    cache.clear()  # the bearer-token failure counts
    yield
    cache.clear()


def log_in(client: Client, username: str, password: str = DEMO_PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- lockout ---------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_user_name_and_say_when_to_retry_and_whom_to_call(city):
    c = Client()
    for n in range(4):
        r = log_in(c, "clerk", f"wrong-password-{n}")
        assert r.status_code == 200 and "连续输错 5 次，账号将锁定 15 分钟" in r.content.decode()
    r = log_in(c, "clerk", "wrong-password-5")
    assert r.status_code == 429
    # Locked: even the right password is refused, with when to retry and whom to call.
    r = log_in(c, "clerk")
    text = r.content.decode()
    assert r.status_code == 429 and not logged_in(c)
    assert "已暂时锁定" in text and "15 分钟后" in text and "市民政局社会救助科系统管理员" in text
    retry_at = (timezone.localtime() + timedelta(minutes=15)).strftime("%H:%M")
    assert retry_at in text or (timezone.localtime() + timedelta(minutes=14)).strftime("%H:%M") in text
    # Another clerk of the same office (same address) is not locked out.
    other = Client()
    assert log_in(other, "approver").status_code == 302 and logged_in(other)
    # After the cool-off the user logs in again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(c, "clerk").status_code == 302 and logged_in(c)


def test_the_api_token_is_not_locked_out_by_failed_page_logins(city):
    _, key = accounts.create_token(city["clerk"], city["clerk"], "接口")
    c = Client()
    for n in range(6):
        log_in(c, "clerk", f"wrong-password-{n}")
    assert Client().get("/api/v1/tokens", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


# --- password rules and the change page ----------------------------------------------------


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("Clerk-2026-safe", "不能包含用户名"),  # the user name, whatever its case
        ("73081120260304", "密码只包含数字"),
        ("Short-7-x", "至少包含 12 个字符"),
        ("password1234", "太常见"),
        (DEMO_PASSWORD, "演示环境的公用密码"),
    ],
)
def test_the_change_page_refuses_weak_passwords_in_chinese(city, password, says):
    c = Client()
    c.force_login(city["clerk"])
    r = c.post("/accounts/password/", {"old_password": DEMO_PASSWORD, "new_password1": password,
                                       "new_password2": password})  # fmt: skip
    text = r.content.decode()
    assert r.status_code == 200 and says in text and 'id="error-summary"' in text
    assert city["clerk"].__class__.objects.get(pk=city["clerk"].pk).check_password(DEMO_PASSWORD)


def test_changing_ones_password_is_audited_and_the_old_one_stops_working(city):
    c = Client()
    c.force_login(city["clerk"])
    assert "修改密码" in c.get("/desk/").content.decode()  # the user menu leads to the account page
    assert 'href="/accounts/password/"' in c.get("/accounts/").content.decode()
    r = c.post("/accounts/password/", {"old_password": DEMO_PASSWORD, "new_password1": NEW_PASSWORD,
                                       "new_password2": NEW_PASSWORD})  # fmt: skip
    assert r.status_code == 302 and logged_in(c)  # still logged in after the change
    assert AuditEvent.objects.filter(action="password.change", actor=city["clerk"]).exists()
    assert log_in(Client(), "clerk").status_code == 200
    assert log_in(Client(), "clerk", NEW_PASSWORD).status_code == 302


# --- the demo's shared password ----------------------------------------------------------------


def test_outside_the_demo_the_shared_password_leads_to_the_change_page_until_changed(city):
    c = Client()
    r = log_in(c, "clerk")
    assert r.status_code == 302 and logged_in(c)
    for page in ("/desk/", "/households/", "/payroll/", "/accounts/tokens/"):
        r = c.get(page)
        assert r.status_code == 302 and r["Location"] == "/accounts/password/", page
    api = c.get("/api/v1/deadlines")
    assert api.status_code == 403 and api.json()["detail"][0]["type"] == "password_change_required"
    page = c.get("/accounts/password/").content.decode()
    assert 'id="forced"' in page and "请先修改初始密码" in page
    c.post("/accounts/password/", {"old_password": DEMO_PASSWORD, "new_password1": NEW_PASSWORD,
                                   "new_password2": NEW_PASSWORD})  # fmt: skip
    assert c.get("/desk/").status_code == 200
    assert log_in(Client(), "clerk", NEW_PASSWORD)["Location"] == "/desk/"


def test_in_the_demo_the_shared_password_logs_in_normally(city, settings):
    settings.SAFETYNET_DEMO = True
    c = Client()
    assert log_in(c, "clerk")["Location"] == "/desk/"
    assert c.get("/desk/").status_code == 200


def test_a_user_an_administrator_made_must_choose_a_password(city, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="Root-admin-2026-x")
    c = Client()
    c.force_login(admin)
    r = c.post("/admin/auth/user/add/", {"username": "newclerk", "password1": "Given-by-admin-99",
                                         "password2": "Given-by-admin-99", "usable_password": "true"})  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:2000]
    newclerk = django_user_model.objects.get(username="newclerk")
    assert PasswordChangeRequired.objects.filter(user=newclerk).exists()
    assert AuditEvent.objects.filter(action="password.require_change", actor=admin).exists()
    n = Client()
    log_in(n, "newclerk", "Given-by-admin-99")
    assert n.get("/desk/")["Location"] == "/accounts/password/"
    n.post("/accounts/password/", {"old_password": "Given-by-admin-99", "new_password1": NEW_PASSWORD,
                                   "new_password2": NEW_PASSWORD})  # fmt: skip
    assert not PasswordChangeRequired.objects.filter(user=newclerk).exists()
    assert log_in(Client(), "newclerk", NEW_PASSWORD)["Location"] == "/desk/"


def test_the_admin_site_logs_in_through_the_same_page():
    r = Client().get("/admin/login/?next=/admin/")
    assert r.status_code == 302 and r["Location"] == "/accounts/login/?next=/admin/"


# --- idle timeout ----------------------------------------------------------------------------


def _idle(c: Client, minutes: float) -> None:
    session = c.session
    session["last_seen"] = int(time.time() - minutes * 60)
    session.save()


def test_a_session_idle_past_the_limit_is_logged_out(city, settings):
    c = Client()
    c.force_login(city["clerk"])
    assert c.get("/desk/").status_code == 200
    _idle(c, 29)
    assert c.get("/desk/").status_code == 200  # activity within the limit keeps the session
    _idle(c, 31)
    r = c.get("/households/")
    assert r.status_code == 302 and r["Location"] == "/accounts/login/?next=/households/"
    assert not logged_in(c)
    assert "30 分钟未操作" in c.get(r["Location"]).content.decode()
    # the limit is a setting
    settings.SAFETYNET_SESSION_IDLE_MINUTES = 5
    c.force_login(city["clerk"])
    c.get("/desk/")
    _idle(c, 6)
    assert c.get("/desk/").status_code == 302 and not logged_in(c)


def test_an_idle_session_on_the_api_answers_401(city):
    c = Client()
    c.force_login(city["clerk"])
    assert c.get("/api/v1/deadlines").status_code == 200
    _idle(c, 31)
    assert c.get("/api/v1/deadlines").status_code == 401


# --- API tokens ------------------------------------------------------------------------------


def test_a_token_made_on_the_page_is_shown_once_listed_and_revoked_after_confirmation(city):
    c = Client()
    c.force_login(city["clerk"])
    r = c.post("/accounts/tokens/", {"name": "低保对接", "days": "30"})
    text = r.content.decode()
    key = text.split('<code id="new-key">')[1].split("</code>")[0]
    token = ApiToken.objects.get(user=city["clerk"])
    assert token.key_hash == accounts.hash_key(key) and key not in str(token.__dict__)
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    api = Client()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    listed = api.get("/api/v1/tokens", **bearer).json()
    assert [(t["name"], t["status"]) for t in listed] == [("低保对接", "active")] and "key" not in listed[0]
    page = c.get("/accounts/tokens/").content.decode()
    assert key not in page and "低保对接" in page and "有效" in page  # the key is never shown again
    assert ApiToken.objects.get().last_used_at is not None and "最近使用" in page
    confirm = c.get(f"/accounts/tokens/{token.pk}/revoke/")
    assert "确定撤销令牌“低保对接”" in confirm.content.decode()
    assert ApiToken.objects.get().revoked_at is None  # asking is not revoking
    c.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert api.get("/api/v1/tokens", **bearer).status_code == 401
    assert "已撤销" in c.get("/accounts/tokens/").content.decode()
    actions = list(AuditEvent.objects.filter(object_type="api_token").values_list("action", flat=True))
    assert sorted(actions) == ["api_token.create", "api_token.revoke"]


def test_the_token_page_names_bad_input(city):
    c = Client()
    c.force_login(city["clerk"])
    r = c.post("/accounts/tokens/", {"name": "", "days": "9999"})
    assert r.status_code == 422 and "请填写用途" in r.content.decode() and not ApiToken.objects.exists()
    r = c.post("/accounts/tokens/", {"name": "x", "days": "9999"})
    assert r.status_code == 422 and "有效天数应为 1 至 366 天" in r.content.decode()


def test_an_expired_token_answers_401(city):
    token, key = accounts.create_token(city["clerk"], city["clerk"], "接口", days=1)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert Client().get("/api/v1/deadlines", **bearer).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get("/api/v1/deadlines", **bearer).status_code == 401
    assert Client().get("/api/v1/tokens", **bearer).status_code == 401


def test_tokens_through_the_api_list_make_and_revoke_only_ones_own(city):
    c = Client()
    c.force_login(city["clerk"])
    made = c.post("/api/v1/tokens", {"name": "报表", "days": 7}, content_type="application/json")
    assert made.status_code == 201 and made.json()["status"] == "active"
    key, pk = made.json()["key"], made.json()["id"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    # a token cannot mint another (a stolen one must not outlive itself)
    assert Client().post("/api/v1/tokens", {"name": "x"}, content_type="application/json",
                         **bearer).status_code == 401  # fmt: skip
    bad = c.post("/api/v1/tokens", {"name": " ", "days": 0}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == "name"
    bad = c.post("/api/v1/tokens", {"name": "x", "days": 400}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == "days"
    other, _ = accounts.create_token(city["approver"], city["approver"], "别人的")
    assert Client().delete(f"/api/v1/tokens/{other.pk}", **bearer).status_code == 404
    assert Client().delete(f"/api/v1/tokens/{pk}", **bearer).status_code == 204
    assert Client().get("/api/v1/tokens", **bearer).status_code == 401
    assert [t["status"] for t in c.get("/api/v1/tokens").json()] == ["revoked"]
    assert ApiToken.objects.get(pk=other.pk).revoked_at is None


def test_the_command_makes_a_token_with_its_days(city, capsys):
    call_command("create_api_token", "clerk", "--days", "7", "--name", "夜间批处理")
    key = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(key_hash=accounts.hash_key(key))
    assert token.name == "夜间批处理" and timedelta(days=6, hours=23) < token.expires_at - timezone.now()
    assert AuditEvent.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()
    with pytest.raises(CommandError) as bad:
        call_command("create_api_token", "clerk", "--days", "0")
    assert bad.value.returncode == 2 and "--days" in str(bad.value)
    with pytest.raises(CommandError) as nobody:
        call_command("create_api_token", "nobody")
    assert nobody.value.returncode == 2


def test_wrong_bearer_tokens_are_logged_and_then_throttled(city, settings, caplog):
    settings.SAFETYNET_BEARER_FAILURES = 3
    _, key = accounts.create_token(city["clerk"], city["clerk"], "接口")
    c = Client()
    with caplog.at_level(logging.WARNING, logger="safetynet.auth"):
        for n in range(3):
            assert c.get("/api/v1/deadlines", HTTP_AUTHORIZATION=f"Bearer guess-{n}").status_code == 401
    assert sum("API token refused (unknown)" in r.getMessage() for r in caplog.records) == 3
    # past the limit the address is answered 429 without a lookup, even with a good token...
    assert c.get("/api/v1/deadlines", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 429
    # ...while another address is served
    assert c.get("/api/v1/deadlines", HTTP_AUTHORIZATION=f"Bearer {key}",
                 REMOTE_ADDR="10.0.0.9").status_code == 200  # fmt: skip


# --- the second factor -----------------------------------------------------------------------


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def test_the_city_administrator_enrols_a_second_factor_and_the_login_asks_for_it(city):
    admin = city["city_admin"]
    c = Client()
    c.force_login(admin)
    page = c.get("/accounts/otp/").content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert "<svg" in page and "otpauth://" not in page  # the address is in the QR code, not shown as text
    secret = page.split('<code id="otp-secret">')[1].split("</code>")[0]
    assert len(secret) == 32
    assert "验证码不正确" in c.post("/accounts/otp/", {"code": "000000"}).content.decode()
    TOTPDevice.objects.get(pk=device.pk).throttle_reset()  # the wrong code's back-off is django-otp's to test
    assert c.post("/accounts/otp/", {"code": code(device)})["Location"] == "/accounts/"
    assert "已启用" in c.get("/accounts/").content.decode()
    assert AuditEvent.objects.filter(action="otp.enrol", actor=admin).exists()

    r = log_in(Client(), "city_admin", "Lotus-city-admin-2026")
    assert r.status_code == 200  # a wrong password does not reach the second step
    admin.set_password("Lotus-city-admin-2026")
    admin.save()
    n = Client()
    r = log_in(n, "city_admin", "Lotus-city-admin-2026")
    assert r["Location"] == "/accounts/login/otp/" and not logged_in(n)
    assert n.get("/desk/")["Location"].startswith("/accounts/login/")  # not in yet
    wrong = n.post("/accounts/login/otp/", {"code": "123456"})
    assert "验证码不正确" in wrong.content.decode() and not logged_in(n)
    device.refresh_from_db()
    device.throttle_reset()
    assert n.post("/accounts/login/otp/", {"code": code(device, 1)})["Location"] == "/desk/"
    assert logged_in(n) and n.get("/desk/").status_code == 200


def test_a_second_factor_is_off_unless_enrolled_and_only_for_the_city(city):
    c = Client()
    assert log_in(c, "city_admin")["Location"] != "/accounts/login/otp/"
    clerk = Client()
    clerk.force_login(city["clerk"])
    assert clerk.get("/accounts/otp/").status_code == 403
    assert "双重验证" not in clerk.get("/accounts/").content.decode()


def test_the_second_step_expires(city):
    admin = city["city_admin"]
    device = TOTPDevice.objects.create(user=admin, name="t", confirmed=True)
    c = Client()
    log_in(c, "city_admin")
    session = c.session
    session["otp_pending"]["at"] -= 301
    session.save()
    r = c.post("/accounts/login/otp/", {"code": code(device)})
    assert r["Location"] == "/accounts/login/" and not logged_in(c)


def test_a_right_code_typed_during_the_back_off_is_told_to_wait_not_called_wrong(city):
    admin = city["city_admin"]
    c = Client()
    c.force_login(admin)
    c.get("/accounts/otp/")
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert "验证码不正确" in c.post("/accounts/otp/", {"code": "000000"}).content.decode()
    page = c.post("/accounts/otp/", {"code": code(device)}).content.decode()  # within django-otp's back-off
    assert "请等待" in page and "验证码不正确" not in page
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    TOTPDevice.objects.get(pk=device.pk).throttle_reset()
    assert c.post("/accounts/otp/", {"code": code(device)})["Location"] == "/accounts/"


def test_the_login_page_names_the_demo_password_in_the_demo_only(db, settings):
    assert DEMO_PASSWORD not in Client().get("/accounts/login/").content.decode()
    settings.SAFETYNET_DEMO = True
    assert DEMO_PASSWORD in Client().get("/accounts/login/").content.decode()


def test_the_account_pages_lead_back_to_the_account(city):
    c = Client()
    c.force_login(city["city_admin"])
    for url in ("/accounts/tokens/", "/accounts/password/", "/accounts/otp/"):
        assert 'href="/accounts/"' in c.get(url).content.decode().split('id="breadcrumbs"')[1].split("</ol>")[0]
