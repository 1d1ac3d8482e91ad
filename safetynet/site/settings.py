"""Django settings of safetynet.

Embedded defaults (SQLite under ``var/``) make ``make demo`` work on a fresh machine; production
sets ``DATABASE_URL`` (PostgreSQL, psycopg 3), ``SAFETYNET_SECRET_KEY`` and
``SAFETYNET_ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("SAFETYNET_DATA_DIR", BASE_DIR / "var"))
# The department feed store (Parquet, partitioned by department, item and delivery date).
FEED_STORE = Path(os.environ.get("SAFETYNET_FEED_STORE", DATA_DIR / "feeds"))
DATA_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite database lives here
# The audit chain's HMAC key, kept outside the database (else a key file, made 0600 on first use), and
# the append-only file of signed checkpoints (count and head hash) that `safetynet audit verify` compares.
SAFETYNET_AUDIT_KEY = os.environ.get("SAFETYNET_AUDIT_KEY", "")
SAFETYNET_AUDIT_KEY_FILE = Path(os.environ.get("SAFETYNET_AUDIT_KEY_FILE", DATA_DIR / "audit.key"))
SAFETYNET_AUDIT_CHECKPOINTS = Path(os.environ.get("SAFETYNET_AUDIT_CHECKPOINTS", DATA_DIR / "audit-checkpoints.jsonl"))
SAFETYNET_AUDIT_CHECKPOINT_EVERY = int(os.environ.get("SAFETYNET_AUDIT_CHECKPOINT_EVERY", "1000"))  # events

DEMO_SECRET_KEY = "insecure-demo-key-set-SAFETYNET_SECRET_KEY-in-production"
SECRET_KEY = os.environ.get("SAFETYNET_SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = os.environ.get("SAFETYNET_DEBUG", "") == "1"
_HOSTS = os.environ.get("SAFETYNET_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
ALLOWED_HOSTS = [h.strip() for h in _HOSTS.split(",") if h.strip()]
# Production: not debugging, and served under a name other than this machine's own. Then the
# demo's key (public, in this file) would let anyone forge sessions: refuse to start.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "testserver", "::1", "[::1]"}
PRODUCTION = not DEBUG and any(h not in LOCAL_HOSTS for h in ALLOWED_HOSTS)
if PRODUCTION and SECRET_KEY == DEMO_SECRET_KEY:
    raise ImproperlyConfigured(
        "生产环境（SAFETYNET_DEBUG 未开启且 SAFETYNET_ALLOWED_HOSTS 含非本机地址）不能使用演示密钥："
        "请设置环境变量 SAFETYNET_SECRET_KEY（至少 50 个随机字符）。 "
        "Refusing to start in production with the demo secret key: set SAFETYNET_SECRET_KEY "
        "(50 or more random characters)."
    )
# `make demo` only (SAFETYNET_DEMO=1): its users may keep the shared demo password. Anywhere
# else a login with that password must choose a new one before anything else.
SAFETYNET_DEMO = os.environ.get("SAFETYNET_DEMO", "") == "1"
# The office's one clock (safetynet.web.clock.today): a simulated date for the demo or a replay of
# a past year. A production office never runs at a simulated date.
SAFETYNET_TODAY = None
if os.environ.get("SAFETYNET_TODAY"):
    if not (DEBUG or SAFETYNET_DEMO):
        raise ImproperlyConfigured(
            "SAFETYNET_TODAY（模拟日期）只能在演示（SAFETYNET_DEMO=1）或调试（SAFETYNET_DEBUG=1）时使用。 "
            "SAFETYNET_TODAY (a simulated date) is allowed only with SAFETYNET_DEMO=1 or SAFETYNET_DEBUG=1."
        )
    try:
        SAFETYNET_TODAY = date.fromisoformat(os.environ["SAFETYNET_TODAY"])
    except ValueError:
        raise ImproperlyConfigured(
            f"SAFETYNET_TODAY 须为 YYYY-MM-DD 格式的日期，收到 {os.environ['SAFETYNET_TODAY']!r}。 "
            "SAFETYNET_TODAY must be an ISO date (YYYY-MM-DD)."
        ) from None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not a CDN
    "django_tasks",
    "django_tasks_db",  # the task queue's table, read by `safetynet manage worker`
    "axes",  # login throttling and lockout
    "django_otp",
    "django_otp.plugins.otp_totp",  # the optional second factor (TOTP)
    "csp",
    "safetynet.site",
    "safetynet.registry",
    "safetynet.cases",
    "safetynet.notices",
    "safetynet.documents",
    "safetynet.supervision",
    "safetynet.payments",
    "safetynet.reports",
    "safetynet.verification",
    "safetynet.administration",
    "safetynet.funds",
    "safetynet.referrals",
    "safetynet.temporary",
    "safetynet.charity",
    "safetynet.discovery",
    "safetynet.funerals",
    "safetynet.care",
    "safetynet.children",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safetynet.site.middleware.UploadLimitMiddleware",  # before anything reads the body
    "safetynet.site.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "safetynet.site.middleware.IdleTimeoutMiddleware",
    "safetynet.site.middleware.PasswordChangeMiddleware",
    "safetynet.site.middleware.DepartmentLiaisonMiddleware",
    "safetynet.site.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "safetynet.site.urls"
WSGI_APPLICATION = "safetynet.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "safetynet.site.menu.menu",  # the side menu of the user's role
            ],
        },
    },
]


# Each server thread keeps its connection this many seconds instead of opening one per request
# (on SQLite, 1.3 ms of CPU: its functions and pragmas; on PostgreSQL, a round trip and a login).
CONN_MAX_AGE = int(os.environ.get("SAFETYNET_CONN_MAX_AGE", "60"))


def sqlite_database(name) -> dict:
    """SQLite for several clerks at once: WAL lets readers run beside the one writer; a write
    transaction takes the write lock when it begins (IMMEDIATE), so two writers queue on the busy
    timeout instead of one failing with "database is locked" when it upgrades a read lock."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        "CONN_MAX_AGE": CONN_MAX_AGE,
        "OPTIONS": {
            # NORMAL is safe in WAL mode (no corruption); a power cut may lose the last commits.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,  # seconds a writer waits for the lock (under gunicorn's 60 s timeout)
        },
    }


def database_from_url(url: str) -> dict:
    """``postgresql://user:password@host:port/name`` or ``sqlite:///path`` as a Django DATABASES entry."""
    parts = urlparse(url)
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # A kept connection the server dropped (restart, failover) is noticed before it is used.
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
        }
    if parts.scheme == "sqlite":
        return sqlite_database(unquote(parts.path[1:]) or ":memory:")
    raise ValueError(f"DATABASE_URL: unsupported scheme {parts.scheme!r} (use postgresql:// or sqlite:///)")


DATABASES = {
    "default": database_from_url(os.environ["DATABASE_URL"])
    if os.environ.get("DATABASE_URL")
    else sqlite_database(DATA_DIR / "safetynet.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "safetynet.site.passwords.NoUsernameValidator"},
    {"NAME": "safetynet.site.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "safetynet.site.passwords.NotDemoPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Messages are written in Chinese; the English catalogue is compiled and committed
# (cd safetynet && django-admin makemessages -l en && django-admin compilemessages).
LOCALE_PATHS = [BASE_DIR / "safetynet" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk"
LOGOUT_REDIRECT_URL = "login"

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Offices run without internet access: every script and style is served from here (WhiteNoise),
# straight from the apps' static folders, so no collectstatic step is needed to start.
WHITENOISE_USE_FINDERS = True

# Screenings, checks, imports and all-township payrolls are queued in the database and run by
# `safetynet manage worker` beside the web server, never in a web process. A running job beats
# every RUN_HEARTBEAT_SECONDS; one silent for RUN_STALE_MINUTES lost its worker and is marked failed.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RUN_HEARTBEAT_SECONDS = 30
RUN_STALE_MINUTES = int(os.environ.get("SAFETYNET_RUN_STALE_MINUTES", "10"))
# Uploads waiting for the worker (a department delivery is imported from here, then removed).
UPLOAD_DIR = DATA_DIR / "uploads"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Logins (issue 14). Lockout by user name, whatever the address: the clerks of a township share
# one address behind its router, and one of them mistyping must not lock out the others.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("SAFETYNET_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SAFETYNET_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "safetynet.site.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "safetynet.web.auth.client_ip"
SAFETYNET_PROXY_COUNT = int(os.environ.get("SAFETYNET_PROXY_COUNT", "1" if PRODUCTION else "0"))
# Whom a locked-out user calls (shown on the lockout page).
SAFETYNET_HELPDESK = os.environ.get("SAFETYNET_HELPDESK", "市民政局社会救助科系统管理员")
SAFETYNET_BEARER_FAILURES = int(os.environ.get("SAFETYNET_BEARER_FAILURES", "30"))  # per address, ten minutes
SAFETYNET_API_TOKEN_DAYS = int(os.environ.get("SAFETYNET_API_TOKEN_DAYS", "90"))
# Logged out after this many minutes without a request; and after a working day whatever happens.
SAFETYNET_SESSION_IDLE_MINUTES = int(os.environ.get("SAFETYNET_SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
OTP_TOTP_ISSUER = "safetynet"

# Production refuses to be unsafe (issue 14): HTTPS only behind the city's proxy, which
# terminates TLS and says so in X-Forwarded-Proto. Off for the local demo over plain http.
SAFETYNET_HTTPS = os.environ.get("SAFETYNET_HTTPS", "1" if PRODUCTION else "0") == "1"
if SAFETYNET_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading HSTS is decided for the city's whole domain, not by one application under it.
# Lockout by address (axes.W006) would lock a whole township office out behind its one router;
# the password rules (12 characters, no common ones) answer trying one password on many names.
SILENCED_SYSTEM_CHECKS = ["security.W021", "axes.W006"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts and styles from this server only; the few inline ones carry the request's nonce.
# Style attributes stay allowed (a bar's width, a chart's height): they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Uploads: department deliveries up to SAFETYNET_MAX_UPLOAD_MB (larger requests answer 413
# before they are read); files over 2.5 MB stream to a temporary file instead of memory.
SAFETYNET_MAX_UPLOAD_MB = int(os.environ.get("SAFETYNET_MAX_UPLOAD_MB", "200"))
# The address the public reaches the site at: the papers' QR codes open its verification page.
SAFETYNET_PUBLIC_URL = os.environ.get("SAFETYNET_PUBLIC_URL", "")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields and JSON bodies, files apart
