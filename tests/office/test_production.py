"""Production settings refuse to be unsafe (issue 14, point 4): no start with the demo's secret
key, HTTPS-only cookies and HSTS behind the proxy, `check --deploy` clean, a Content Security
Policy the pages keep, nothing a logged-in user sees kept in a cache, uploads limited in size,
and a spreadsheet bomb refused before it is opened."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from safetynet.batch import feeds
from safetynet.batch.feeds import FeedError, read_delivery
from safetynet.policy import idnumber
from tests.office.conftest import TODAY

ROOT = Path(__file__).resolve().parents[2]
HOST = "safetynet.example.gov.cn"
KEY = "k3y-for-tests-only-" + "x9Qz7Lw2" * 6  # long and varied enough for check --deploy


def run(code_or_args, **env_extra) -> subprocess.CompletedProcess:
    """A fresh Python with the given environment (settings are read once, at import)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFETYNET_") and k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="safetynet.site.settings", DATABASE_URL="sqlite:///:memory:", **env_extra)
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)


SETUP = "import django; django.setup(); print('started')"


def test_production_refuses_to_start_with_the_demo_secret_key():
    refused = run(SETUP, SAFETYNET_ALLOWED_HOSTS=HOST)
    assert refused.returncode != 0 and "started" not in refused.stdout
    assert "ImproperlyConfigured" in refused.stderr
    assert "请设置环境变量 SAFETYNET_SECRET_KEY" in refused.stderr and "set SAFETYNET_SECRET_KEY" in refused.stderr
    # with a key of its own it starts; the local demo and debugging start with the demo key
    assert run(SETUP, SAFETYNET_ALLOWED_HOSTS=HOST, SAFETYNET_SECRET_KEY=KEY).stdout.strip() == "started"
    assert run(SETUP).stdout.strip() == "started"
    assert run(SETUP, SAFETYNET_ALLOWED_HOSTS="127.0.0.1,localhost").stdout.strip() == "started"
    assert run(SETUP, SAFETYNET_ALLOWED_HOSTS=HOST, SAFETYNET_DEBUG="1").stdout.strip() == "started"


def test_check_deploy_is_clean_with_production_settings():
    checked = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                  SAFETYNET_SECRET_KEY=KEY, SAFETYNET_ALLOWED_HOSTS=HOST)  # fmt: skip
    assert checked.returncode == 0, checked.stderr + checked.stdout
    assert "System check identified no issues" in checked.stdout and "WARNING" not in checked.stderr + checked.stdout


BEHIND_PROXY = f"""
import django, json; django.setup()
from django.test import Client
c = Client(HTTP_HOST="{HOST}")
plain = c.get("/accounts/login/")
https = c.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
cookie = https.cookies["csrftoken"]
print(json.dumps({{"plain": [plain.status_code, plain.get("Location", "")],
                   "https": https.status_code, "hsts": https.get("Strict-Transport-Security", ""),
                   "secure_cookie": bool(cookie["secure"]), "nosniff": https.get("X-Content-Type-Options"),
                   "referrer": https.get("Referrer-Policy"), "frame": https.get("X-Frame-Options")}}))
"""


def test_behind_the_proxy_production_answers_https_only_with_secure_cookies_and_hsts():
    out = run(BEHIND_PROXY, SAFETYNET_SECRET_KEY=KEY, SAFETYNET_ALLOWED_HOSTS=HOST)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, f"https://{HOST}/accounts/login/"]
    assert seen["https"] == 200 and seen["secure_cookie"]
    assert seen["hsts"] == "max-age=31536000; includeSubDomains"
    assert (seen["nosniff"], seen["referrer"], seen["frame"]) == ("nosniff", "same-origin", "DENY")


def test_the_local_demo_over_http_has_no_secure_only_cookies(settings):
    assert not settings.SESSION_COOKIE_SECURE and not settings.CSRF_COOKIE_SECURE
    assert not getattr(settings, "SECURE_SSL_REDIRECT", False)
    r = Client().get("/accounts/login/")
    assert r.status_code == 200 and not r.cookies["csrftoken"]["secure"]


# --- Content Security Policy -----------------------------------------------------------------


def _directives(header: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


def test_pages_carry_a_self_only_policy_and_their_inline_scripts_its_nonce(city):
    c = Client()
    c.force_login(city["city_admin"])
    r = c.get("/payroll/")
    policy = _directives(r["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    nonce = next(s for s in policy["script-src"] if s.startswith("'nonce-"))[7:-1]
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", r.content.decode())
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline)
    assert Client().get("/payroll/").status_code == 302  # (the policy is on every answer, logged in or not)
    assert "Content-Security-Policy" in Client().get("/accounts/login/")


def test_no_template_has_inline_handlers_or_scripts_without_the_nonce():
    """Inline event handlers and javascript: links cannot carry a nonce: the policy blocks them."""
    bad = []
    for path in ROOT.glob("safetynet/*/templates/**/*.html"):
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"))  # template comments
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", text):
            if "src=" not in tag and "csp_nonce" not in tag and 'type="application/json"' not in tag:
                bad.append(f"{path.relative_to(ROOT)}: {tag}")
        bad += [f"{path.relative_to(ROOT)}: {m}" for m in re.findall(r"\son[a-z]+=\"[^\"]*\"|javascript:", text)]
    assert bad == []


# --- no caching of personal data -------------------------------------------------------------


def test_what_a_logged_in_user_sees_is_never_stored_by_a_cache(city, poor_household):
    from safetynet.site import accounts

    c = Client()
    c.force_login(city["clerk"])
    for url in ("/desk/", f"/households/{poor_household.pk}/", "/api/v1/deadlines"):
        assert "no-store" in c.get(url)["Cache-Control"], url
    _, key = accounts.create_token(city["clerk"], city["clerk"], "接口")
    api = Client().get(f"/api/v1/households/{poor_household.pk}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == 200 and "no-store" in api["Cache-Control"]
    # public pages and static files may be cached
    assert "no-store" not in Client().get("/").get("Cache-Control", "")
    static = c.get("/static/site/site.css")
    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")


# --- uploads ---------------------------------------------------------------------------------


def test_an_upload_over_the_limit_is_refused_before_it_is_read(city, settings):
    settings.SAFETYNET_MAX_UPLOAD_MB = 1
    c = Client()
    c.force_login(city["verifier"])
    big = SimpleUploadedFile("存款.csv", b"id_number,balance\n" + b"x" * (1024 * 1024 + 1))
    page = c.post("/verification/deliveries/", {"item": "deposits", "delivered": "2024-03-01", "file": big})
    text = page.content.decode()
    assert page.status_code == 413 and "上传的文件过大" in text and "上限为 1 MB" in text
    big.seek(0)
    api = c.post("/api/v1/verification/deliveries", {"item": "deposits", "delivered": "2024-03-01", "file": big})
    assert api.status_code == 413
    assert api.json()["detail"][0]["loc"] == "file" and "上限为 1 MB" in api.json()["detail"][0]["msg"]
    small = SimpleUploadedFile("存款.csv", b"id_number,balance\n")
    assert c.post("/verification/deliveries/", {"item": "deposits", "delivered": "2024-03-01",
                                                "file": small}).status_code != 413  # fmt: skip


def test_big_uploads_stream_to_disk(settings):
    # Files over 2.5 MB go to a temporary file as they arrive, not into memory.
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
    assert "django.core.files.uploadhandler.TemporaryFileUploadHandler" in settings.FILE_UPLOAD_HANDLERS


def workbook(path: Path, rows: int = 3) -> Path:
    book = Workbook()
    book.active.append(["id_number", "death_date"])
    for n in range(rows):
        book.active.append([idnumber.generate("370811", date(1950, 1, 1), n + 1), TODAY.isoformat()])
    book.save(path)
    return path


def bomb(path: Path, inflated_mb: int = 60) -> Path:
    """A workbook whose sheet is padded with blanks: a few hundred KB that inflate to 60 MB."""
    good = workbook(path.with_name("good.xlsx"))
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (inflated_mb << 20))
            out.writestr(item.filename, data)
    return path


def test_a_spreadsheet_bomb_is_refused_before_it_is_opened(tmp_path):
    path = bomb(tmp_path / "死亡名单.xlsx")
    assert path.stat().st_size < 1 << 20
    with pytest.raises(FeedError, match="压缩比异常.*已拒绝"):
        read_delivery(path, "deaths", TODAY)
    # an ordinary workbook still reads
    assert read_delivery(workbook(tmp_path / "ok.xlsx"), "deaths", TODAY).rows.height == 3


def test_a_workbook_too_big_when_inflated_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(feeds, "XLSX_MAX_UNCOMPRESSED", 4096)
    with pytest.raises(FeedError, match="解压后达 .* MB，超过上限"):
        read_delivery(workbook(tmp_path / "ok.xlsx", rows=200), "deaths", TODAY)


def test_a_spreadsheet_bomb_is_refused_by_the_import_and_nothing_is_stored(city, tmp_path):
    from safetynet.verification import services
    from safetynet.verification.models import FeedDelivery

    with pytest.raises(FeedError, match="压缩炸弹"):
        services.import_delivery(city["verifier"], bomb(tmp_path / "deaths.xlsx"), "deaths", TODAY)
    assert not FeedDelivery.objects.exists()
