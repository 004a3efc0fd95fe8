"""Settings for the 政务公开 platform: one file, driven by the environment.

Development is the default (``manage.py`` needs nothing set). Production is
``DJANGO_DEBUG=0`` (the default under gunicorn, see ``config/wsgi.py``) and
refuses to start without the secrets it needs.
"""

import os
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)


def env_required(name, dev_default):
    """A value production must be given; development falls back to a safe default."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if DEBUG:
        return dev_default
    # One line, naming the variable: this is read by an operator, not a developer.
    sys.exit(f"配置错误：生产模式（DJANGO_DEBUG=0）必须设置环境变量 {name}。")


SECRET_KEY = env_required("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-" + "x" * 20)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or (
    ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
if not ALLOWED_HOSTS:
    env_required("DJANGO_ALLOWED_HOSTS", "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "config.apps.ZwgkAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "agencies",
    "accounts",
    "workdays",
    "disclosure",
    "standards",
    "applications",
    "proposals",
    "subscriptions",
    "reports",
    "perf",
]

MIDDLEWARE = [
    # Outermost, so that every response carries the headers and a request id, including the
    # HTTP→HTTPS redirect that SecurityMiddleware answers without calling anything inside it.
    "config.headers.SecurityHeadersMiddleware",
    "accounts.audit.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.sessions.StaffSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "disclosure.context_processors.site",
            ],
        },
    },
]

# SQLite file when DATABASE_URL is unset, so the demo and the tests need nothing installed.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        # Reconnects transparently after PostgreSQL restarts instead of failing until gunicorn restarts.
        conn_health_checks=True,
    )
}
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=60, conn_health_checks=True
    )
    if DATABASES["replica"]["ENGINE"].endswith("postgresql"):
        # A replica host that does not answer must not hold a request for long: the router then
        # reads from the primary (config.routers.ReplicaBreaker).
        DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = int(
            os.environ.get("DJANGO_REPLICA_CONNECT_TIMEOUT", "2")
        )
    # Tests run against one database: the replica alias then reads the test copy of default.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(1, "config.routers.ReplicaPinMiddleware")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The covering indexes' INCLUDE columns are a PostgreSQL optimisation that SQLite ignores
    # (the indexes themselves are still created); the warning would only alarm demo users.
    # W039: the one covering unique constraint is UnfiledTally's, a table only PostgreSQL's
    # triggers fill (SQLite counts the items), so nothing relies on it there.
    SILENCED_SYSTEM_CHECKS = ["models.W040", "models.W039"]
    # runserver answers each request in its own thread: readers must not block the writer (WAL),
    # and a transaction takes the write lock when it begins, so two writers queue for up to the
    # timeout instead of one failing with "database is locked" when it upgrades its read lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# After a write the browser reads from the primary this long, longer than the replica's lag.
REPLICA_PIN_SECONDS = int(os.environ.get("DJANGO_REPLICA_PIN_SECONDS", "10"))
# After a failed connection to the replica, reads go to the primary this long before a retry.
REPLICA_RETRY_SECONDS = float(os.environ.get("DJANGO_REPLICA_RETRY_SECONDS", "30"))
# The pin cookie's name (config.routers sets it; the page cache never serves a pinned browser).
REPLICA_PIN_COOKIE = "zwgk_primary"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous public pages come from that cache, served right after whitenoise: inside the
# security headers, before sessions, CSRF and auth (see disclosure/cache.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "disclosure.cache.AnonymousPageCacheMiddleware",
)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.MembershipBackend"]
LOGIN_URL = "admin:login"
# Where a login goes when its ``next`` is missing or points off-site: the staff home.
LOGIN_REDIRECT_URL = "admin:index"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded attachments live outside the static tree and are served through views.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"  # never routed: attachments are served through access-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Sessions: 30 minutes idle for staff (等保), refreshed on every request.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_IDLE_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # TLS ends at the proxy in front of gunicorn; only that proxy sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are only accepted over HTTPS, for this exact host and path "/".
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("运维", addr) for addr in env_list("DJANGO_ADMINS")]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # ID and mobile numbers are masked before any handler writes or mails a record (PIPL).
    "filters": {
        "personal_data": {"()": "accounts.masking.PersonalDataFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "refusal_without_traceback": {"()": "config.logfilters.RefusalWithoutTraceback"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["personal_data", "refusal_without_traceback"],
        },
        "mail_admins": {
            "level": "ERROR",
            "class": "accounts.masking.MaskingAdminEmailHandler",
            "filters": ["require_debug_false", "personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.db.backends": {"level": "INFO"},
    },
}

# Security (see README "Security"; the numbers are what 等保 assessors commonly ask for).
# Audit events are kept at least this long (互联网政务应用安全管理规定 Art. 20: ≥ 1 year).
AUDIT_RETENTION_DAYS = int(os.environ.get("ZWGK_AUDIT_RETENTION_DAYS", "365"))
# Proxies whose X-Forwarded-For is believed (addresses or CIDR); empty = use the direct peer.
TRUSTED_PROXIES = env_list("ZWGK_TRUSTED_PROXIES")
# When set (CIDR list), the staff area answers 404 to every other address (安全管理规定 Art. 19).
STAFF_ALLOWED_NETWORKS = env_list("ZWGK_STAFF_ALLOWED_NETWORKS")
STAFF_URL_PREFIXES = ["/admin/"]
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("ZWGK_PASSWORD_MAX_AGE_DAYS", "90"))
LOGIN_FAILURE_LIMIT = 5  # per username and IP within the window
LOGIN_IP_FAILURE_LIMIT = 20  # per IP across usernames within the window: then failures are slowed
LOGIN_IP_DELAY_SECONDS = int(os.environ.get("ZWGK_LOGIN_IP_DELAY_SECONDS", "2"))
LOGIN_FAILURE_WINDOW_SECONDS = 30 * 60
LOGIN_LOCKOUT_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("ZWGK_SESSION_ABSOLUTE_SECONDS", 10 * 3600))
# Active staff accounts unused this long are listed by ``manage.py check --database default``.
ACCOUNT_DORMANT_DAYS = int(os.environ.get("ZWGK_ACCOUNT_DORMANT_DAYS", "90"))
OTP_TOTP_ISSUER = "政务公开管理后台"
# Nobody reads a member's TOTP key or QR code in the admin (it would clone the second factor).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A set-password link (reset or new account, accounts.recovery) is valid this long, once.
SET_PASSWORD_LINK_HOURS = int(os.environ.get("ZWGK_SET_PASSWORD_LINK_HOURS", "24"))

# Applicants' ID numbers, phones and addresses are encrypted at rest (AES-GCM) with this key:
# base64 of 32 random bytes. The development default is base64(sha256(b"zwgk-dev-only-pii-key")).
ZWGK_PII_KEY = env_required("ZWGK_PII_KEY", "qOv/6tCcT7hDTYb5XEUOi0FcvfL2o/iWUW9cbzS4+IA=")
# Stored with every ciphertext so that a rotated key can still read older rows.
ZWGK_PII_KEY_VERSION = int(os.environ.get("ZWGK_PII_KEY_VERSION", "1"))
# Applicants' personal data is anonymised this many years after the case closed (the archive
# period of the privacy notice; PIPL Art. 19, 47): ``manage.py purge_expired_applicants``.
APPLICANT_RETENTION_YEARS = int(os.environ.get("ZWGK_APPLICANT_RETENTION_YEARS", "5"))
# E-mail subscriptions (subscriptions app): how long a confirmation link is valid (an unconfirmed
# request is deleted after it), and the site's address for the links in mails sent by cron.
ZWGK_SUBSCRIBE_LINK_HOURS = int(os.environ.get("ZWGK_SUBSCRIBE_LINK_HOURS", "48"))
ZWGK_SITE_URL = os.environ.get("ZWGK_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
# The public application form posted sooner than this after it was shown is taken for a script.
ZWGK_APPLY_MIN_SECONDS = int(os.environ.get("ZWGK_APPLY_MIN_SECONDS", "3"))
# The largest attachment of a catalog item (checked before its type and digest).
DISCLOSURE_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("ZWGK_ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024))
)
# Reading an attachment's text runs in a child process with these limits (disclosure.
# attachment_text): CPU seconds, address space, and the characters kept.
ZWGK_TEXT_CPU_SECONDS = int(os.environ.get("ZWGK_TEXT_CPU_SECONDS", "20"))
ZWGK_TEXT_MEMORY_MB = int(os.environ.get("ZWGK_TEXT_MEMORY_MB", "768"))
ZWGK_TEXT_MAX_CHARS = int(os.environ.get("ZWGK_TEXT_MAX_CHARS", "1000000"))

# Demo mode prints demo passwords and marks the site as a demonstration.
DEMO_MODE = env_bool("ZWGK_DEMO", DEBUG)
# TOTP second factor for staff: on in production, off in development and the demo.
ZWGK_STAFF_2FA = env_bool("ZWGK_STAFF_2FA", not DEBUG and not DEMO_MODE)
