"""Django settings of safetynet.

Embedded defaults (SQLite under ``var/``) make ``make demo`` work on a fresh machine; production
sets ``DATABASE_URL`` (PostgreSQL, psycopg 3), ``SAFETYNET_SECRET_KEY`` and
``SAFETYNET_ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

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

SECRET_KEY = os.environ.get("SAFETYNET_SECRET_KEY", "insecure-demo-key-set-SAFETYNET_SECRET_KEY-in-production")
DEBUG = os.environ.get("SAFETYNET_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("SAFETYNET_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not a CDN
    "safetynet.site",
    "safetynet.registry",
    "safetynet.cases",
    "safetynet.notices",
    "safetynet.supervision",
    "safetynet.payments",
    "safetynet.reports",
    "safetynet.verification",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safetynet.site.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
            ],
        },
    },
]


def sqlite_database(name) -> dict:
    """SQLite for several clerks at once: WAL lets readers run beside the one writer; a write
    transaction takes the write lock when it begins (IMMEDIATE), so two writers queue on the busy
    timeout instead of one failing with "database is locked" when it upgrades a read lock."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
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
            # Each server thread keeps its connection a minute instead of one per request; a
            # connection the server dropped (restart, failover) is noticed before it is used.
            "CONN_MAX_AGE": int(os.environ.get("SAFETYNET_CONN_MAX_AGE", "60")),
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
