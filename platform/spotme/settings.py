"""SPOT-Me settings: one module, driven by environment variables.

Every value that differs between a laptop and production comes from the environment; secrets may
also come from a file (`NAME_FILE`), as container orchestrators mount them.

    DATABASE_URL         postgres://user:pass@host:port/name   (required; `make run` provides one)
    REDIS_URL            redis://host:port/db   unset: Celery runs tasks in-process, cache in memory
    SECRET_KEY[_FILE]    required when DEBUG is off
    DEBUG                "1"/"true" for development (default: off)
    SPOTME_APEX_DOMAIN   the platform's apex domain (default: localhost); agencies are <sub>.<apex>
    SPOTME_HTTPS         "1" when served behind TLS (secure cookies, HSTS); default: on unless DEBUG
    SENTRY_DSN           error reporting (events tagged with the agency)
    EMAIL_URL-like:      EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD[_FILE],
                         EMAIL_USE_TLS, DEFAULT_FROM_EMAIL; unset EMAIL_HOST: console backend
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent  # platform/spotme
REPO_DIR = BASE_DIR.parent.parent


# --- helpers to read the environment ----------------------------------------------------------


def env_str(name: str, default: str | None = None) -> str | None:
    """Value of NAME, or the contents of the file named by NAME_FILE, or default."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def database_from_url(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// URL")
    options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
    return {
        "ENGINE": "django_tenants.postgresql_backend",
        "NAME": unquote(parsed.path.lstrip("/")),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "OPTIONS": options,
    }


# --- core -------------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG")
TESTING = env_bool("SPOTME_TESTING")
_INSECURE_DEV_KEY = "django-insecure-spotme-development-key-do-not-use-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY") or (_INSECURE_DEV_KEY if (DEBUG or TESTING) else "")
if (
    not SECRET_KEY
    or (SECRET_KEY == _INSECURE_DEV_KEY and not (DEBUG or TESTING))
    or (not DEBUG and not TESTING and len(SECRET_KEY) < 50)
):
    raise ImproperlyConfigured(
        "SECRET_KEY (or SECRET_KEY_FILE) must be set to a random value of at least 50 characters "
        "when DEBUG is off."
    )

APEX_DOMAIN = (env_str("SPOTME_APEX_DOMAIN", "localhost") or "localhost").lower()
HTTPS = env_bool("SPOTME_HTTPS", default=not (DEBUG or TESTING))
# The port users reach the platform on, when not 80/443 (development): used in links we send out.
SPOTME_PUBLIC_PORT = os.environ.get("SPOTME_PUBLIC_PORT", "")
# Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (CIDRs, comma-separated; default:
# none). Everyone else's are dropped by spotme.proxies.TrustedProxyMiddleware; the client address of
# the audit trail, lockout, throttles and access log, and HTTPS detection follow from this one list.
SPOTME_TRUSTED_PROXIES = (env_str("SPOTME_TRUSTED_PROXIES", "") or "").strip()
try:
    from spotme.proxies import parse_networks

    parse_networks(SPOTME_TRUSTED_PROXIES)
except ValueError as exc:
    raise ImproperlyConfigured(f"SPOTME_TRUSTED_PROXIES: {exc}") from exc
ALLOWED_HOSTS = [
    APEX_DOMAIN,
    f".{APEX_DOMAIN}",
    *filter(None, os.environ.get("ALLOWED_HOSTS", "").split(",")),
]
if DEBUG or TESTING:
    ALLOWED_HOSTS += ["127.0.0.1", "testserver", ".testserver"]

# Subdomains an agency may never take: platform hosts and names that invite phishing.
RESERVED_SUBDOMAINS = frozenset(
    [
        "www",
        "api",
        "admin",
        "static",
        "media",
        "mail",
        "smtp",
        "imap",
        "pop",
        "ftp",
        "app",
        "apps",
        "console",
        "operator",
        "operators",
        "jdn",
        "spotme",
        "help",
        "helpdesk",
        "support",
        "status",
        "docs",
        "doc",
        "public",
        "template",
        "test",
        "staging",
        "dev",
        "root",
        "login",
        "auth",
        "sso",
        "id",
        "account",
        "accounts",
        "portal",
        "gov",
        "cdn",
        "assets",
        "ns",
        "ns1",
        "ns2",
        "webmail",
        "blog",
    ]
)

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "spotme.accounts",
    "spotme.audit",
    "spotme.outbox",  # follow-up work (Celery tasks) written with the data: spotme/outbox
    "auditlog",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files, no CDN
    "health_check",  # /health/ (spotme.health), answered before host routing
    "csp",  # Content-Security-Policy header (django-csp)
    "spotme.web",
    "shared_apps.onboarding",
    "shared_apps.operators",
    "provisioning",
]
TENANT_APPS = [
    "spotme.accounts",
    "spotme.audit",
    "spotme.outbox",  # follow-up work (Celery tasks) written with the data: spotme/outbox
    "auditlog",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "tenant_apps.organisation",
    "tenant_apps.people",
    "tenant_apps.attendance",
    "tenant_apps.notifications",
    "tenant_apps.tasks",
    "tenant_apps.movements",
    "tenant_apps.insights",
    "tenant_apps.reports",  # Laporan
    "tenant_apps.opendata",
    "tenant_apps.devices",  # Integrasi Peranti: biometric device data in
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Agency"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# New agencies are cloned from this schema, which is migrated but holds no user data.
TENANT_BASE_SCHEMA = "spotme_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# search_path is set once per connection checkout, not before every query.
TENANT_LIMIT_SET_CALLS = True
TENANT_MULTIPROCESSING_MAX_PROCESSES = env_int("SPOTME_MIGRATION_PROCESSES", max(2, os.cpu_count() or 2))
ROOT_URLCONF = "spotme.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "spotme.urls_public"

MIDDLEWARE = [
    # The client's address and scheme from trusted proxies only (SPOTME_TRUSTED_PROXIES): first, so
    # every later reader (probes' internal check, metrics, axes, audit, throttles) agrees.
    "spotme.proxies.TrustedProxyMiddleware",
    # Probes and /metrics on any host (a pod's IP address), before the host router: spotme/health.py.
    "spotme.health.ProbeMiddleware",
    "spotme.metrics.RequestMetricsMiddleware",  # per agency, unknown hosts included
    "tenants.middleware.AgencyRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "spotme.security.CSPMiddleware",  # django-csp's, the policy built once per process
    "spotme.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and JSON compressed (static files are WhiteNoise's, precompressed): spotme.middleware.
    "spotme.middleware.TextGZipMiddleware",
    "spotme.middleware.RequestContextMiddleware",
    "spotme.middleware.SessionMiddleware",  # Django's; a failed save never undoes a success
    "spotme.security.PrivateResponseMiddleware",  # no-store for signed-in users and the API
    "django.middleware.locale.LocaleMiddleware",
    "spotme.middleware.RejectNulQueryMiddleware",  # after the locale: its 400 speaks the user's language
    "spotme.api_query.DeclaredQueryMiddleware",  # API query values as the OpenAPI schema declares them
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "spotme.middleware.AuthenticationMiddleware",  # Django's, with the user read in the routing statement
    "django_otp.middleware.OTPMiddleware",
    "axes.middleware.AxesMiddleware",  # renders the lockout page (spotme.accounts.lockout)
    "spotme.accounts.middleware.IdleTimeoutMiddleware",
    "spotme.accounts.middleware.TwoFactorMiddleware",  # before ForcePasswordChangeMiddleware
    "spotme.audit.middleware.AuditMiddleware",  # actor, IP, user agent of data changes
    "tenants.middleware.AgencyStatusMiddleware",
    "spotme.middleware.ForcePasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "spotme.web.context.platform",
                "tenant_apps.people.context.agency",
            ],
        },
    },
]
WSGI_APPLICATION = "spotme.wsgi.application"

# --- database ---------------------------------------------------------------------------------

_database_url = env_str("DATABASE_URL")
if not _database_url:
    raise ImproperlyConfigured("DATABASE_URL is not set (make run / make test provide a local one).")
DATABASES = {"default": database_from_url(_database_url)}
if os.environ.get("SPOTME_TEST_DATABASE"):  # lets two test runs share one server
    DATABASES["default"]["TEST"] = {"NAME": os.environ["SPOTME_TEST_DATABASE"]}
if env_bool("SPOTME_DB_POOL", default=not TESTING):
    # Django's built-in psycopg 3 pool; django-tenants resets search_path on every checkout.
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env_int("SPOTME_DB_POOL_MIN", 2),
        "max_size": env_int("SPOTME_DB_POOL_MAX", 20),
        "timeout": 10,
    }
    # Django passes `check=ConnectionPool.check_connection` to the pool with this: a connection is
    # checked (an empty query) when handed out, so after a database restart the pool's dead
    # connections are replaced instead of failing the request that gets them.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, Celery ----------------------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Degrades to "nothing cached" while Redis is away: no request fails for the cache
            # (spotme/cache.py). Short socket timeouts: an unreachable Redis costs one short wait.
            "BACKEND": "spotme.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
            # Every key carries the agency's schema name: one agency never reads another's entries.
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without Redis there is no broker: tasks run in-process, right where they are enqueued.
CELERY_TASK_ALWAYS_EAGER = env_bool("SPOTME_CELERY_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
# A task is acknowledged only once it has finished, and one whose pool process died is put back
# (reject_on_worker_lost). If the whole worker is killed (SIGKILL, OOM, node lost), its unacknowledged
# task goes back to the queue after the broker's visibility timeout, swept every few seconds by the
# other workers. It must exceed the longest countdown a task waits (device-pull backoff: 30 min),
# or that task is delivered twice. Long jobs hold leases (spotme/leases.py, SPOTME_LEASE_SECONDS)
# that a dead worker stops renewing, so the redelivered task (or an operator) can take the job over.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
_visibility_timeout = env_int("SPOTME_CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _visibility_timeout,
    # How often a worker looks for tasks a dead worker left unacknowledged: a tenth of the timeout.
    "unacked_restore_interval": max(1, min(10, _visibility_timeout // 10)),
    "unacked_restore_throttle": 1 if _visibility_timeout < 600 else 10,
}
SPOTME_LEASE_SECONDS = env_int("SPOTME_LEASE_SECONDS", 60)
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("SPOTME_CELERY_QUEUE", "spotme")
CELERY_TIMEZONE = "Asia/Kuala_Lumpur"
CELERY_BEAT_SCHEDULE = {
    # Close yesterday for every agency (absent, incomplete), after night shifts have clocked out.
    "close-yesterday": {"task": "attendance.close_yesterday_everywhere",
                        "schedule": crontab(hour=6, minute=0)},
    # Colour cards from the 1st, final once the cut-off day has passed.
    "colour-cards": {"task": "attendance.colour_cards_everywhere", "schedule": crontab(hour=1, minute=15)},
    # Last month's attendance reports emailed to executives and supervisors (tenant_apps/reports/tasks.py).
    "monthly-reports": {"task": "reports.monthly_everywhere",
                        "schedule": crontab(day_of_month=1, hour=8, minute=0)},
    # Platform statistics for the operators' console (counts per agency into a public table).
    "platform-stats": {"task": "operators.collect_stats_everywhere", "schedule": 900.0},
    # Webhook deliveries due for a retry that no countdown task carries (long waits, lost tasks).
    "webhook-retries": {"task": "opendata.retry_due_everywhere", "schedule": 300.0},
    # Retention, per agency and its own periods (AgencyProfile): token uses, webhook deliveries,
    # notifications.
    "opendata-retention": {"task": "opendata.purge_old_everywhere", "schedule": crontab(hour=3, minute=10)},
    "notifications-retention": {"task": "notifications.purge_old_everywhere",
                                "schedule": crontab(hour=3, minute=20)},
    # The transactional outbox: tasks not yet published (the broker was down), spotme/outbox.
    "outbox-relay": {"task": "outbox.relay_everywhere", "schedule": 30.0},
    # Integrasi Peranti: every few minutes, one pull task per agency whose next pull time has come.
    "device-pulls": {"task": "devices.pulls_due_everywhere", "schedule": 120.0},
}
if os.environ.get("SPOTME_BEAT_CLOSE_DAY_SECONDS"):
    # Tests and staging: run the nightly close every N seconds instead (it is idempotent).
    CELERY_BEAT_SCHEDULE["close-yesterday"]["schedule"] = float(os.environ["SPOTME_BEAT_CLOSE_DAY_SECONDS"])

# --- auth, sessions, security -----------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked account before any password check
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # django-guardian: no anonymous user row in every schema
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "spotme.accounts.validators.LetterAndDigitValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Host-only cookies: no SESSION_COOKIE_DOMAIN, so a session of one agency never travels to another.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
# Django's database sessions, read in the statement that routes the request (spotme/sessions.py).
SESSION_ENGINE = "spotme.sessions"
SESSION_COOKIE_NAME = "spotme_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SPOTME_SESSION_AGE", 8 * 3600)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = [
    f"{'https' if HTTPS else 'http'}://*.{APEX_DOMAIN}",
    f"{'https' if HTTPS else 'http'}://{APEX_DOMAIN}",
]
SECURE_SSL_REDIRECT = HTTPS and env_bool("SPOTME_SSL_REDIRECT", True)
# Honoured only when a trusted proxy sent it: spotme.proxies drops the header from anyone else.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Map tiles (Leaflet, static/vendor/leaflet): any XYZ tile server; {s} stands for its subdomains;
# empty: maps without tiles (office circles and pins on a blank background).
# OpenStreetMap's own servers by default (fine for an agency's few map views; a national rollout
# should point this at JDN's own tile server or a provider under contract, see the OSM tile policy).
SPOTME_MAP_TILE_URL = env_str("SPOTME_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
SPOTME_MAP_ATTRIBUTION = env_str(
    "SPOTME_MAP_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)


def map_tile_source(tile_url: str) -> str:
    """The CSP source (scheme://host[:port]) the tiles of `tile_url` are fetched from."""
    parsed = urlparse(tile_url.replace("{s}", "SUBDOMAIN"))
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise ImproperlyConfigured("SPOTME_MAP_TILE_URL must be an http(s):// URL with {z}/{x}/{y}")
    return f"{parsed.scheme}://{parsed.netloc.replace('SUBDOMAIN', '*')}"


_TILE_SOURCES = [map_tile_source(SPOTME_MAP_TILE_URL)] if SPOTME_MAP_TILE_URL else []

# Content-Security-Policy (django-csp): everything from this origin only, no inline script or style
# (templates use classes and external files: spotme.css, clock.js) except our own static files put in
# the page for a fast first paint, each under this response's nonce (spotme.web.templatetags.
# spotme_inline; django-csp adds 'nonce-…' only to responses that use it); QR codes are inline SVG;
# map tiles from the tile server's origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        # Swagger UI's icons are data: URIs in its stylesheet; the map tiles come from their server.
        "img-src": ["'self'", "data:", *_TILE_SOURCES],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],  # the service worker (/sw.js) and the scripts it imports
        "manifest-src": ["'self'"],  # /manifest.webmanifest
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        **({"upgrade-insecure-requests": True} if HTTPS else {}),
    }
}
# Permissions-Policy (spotme.security): geolocation for this origin (clocking in), nothing else.
SPOTME_PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    "camera": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "bluetooth": [],
    "magnetometer": [],
    "gyroscope": [],
    "accelerometer": [],
    "display-capture": [],
}
SECURE_SSL_HOST = None
SILENCED_SYSTEM_CHECKS = [
    # Lockout counts per account, deliberately not per IP address (see AXES_LOCKOUT_PARAMETERS); the
    # per-address limit counts different accounts instead (SPOTME_LOGIN_ADDRESS_ACCOUNT_LIMIT).
    "axes.W006",
    *(["security.W019"] if not HTTPS else []),
]

# --- login lockout (django-axes), password reset, two-factor (django-otp) ----------------------
# The limits are each agency's own (AgencyProfile: failed_login_limit, lockout_minutes); on the apex
# (JDN operators) the defaults in spotme.accounts.policy apply. See spotme/accounts/lockout.py.
# Attempts are kept in the database of the schema they happened in, so each agency counts its own.
# Axes' database handler plus the per-address limit against password spraying (spotme.accounts.lockout).
AXES_HANDLER = "spotme.accounts.lockout.AgencyAxesHandler"
# Per account only: locking by address would let anyone lock out a whole office that shares one NAT
# address, while an attacker rotating addresses still runs into each account's own count.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = "spotme.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = "spotme.accounts.lockout.cool_off"
AXES_USERNAME_CALLABLE = "spotme.accounts.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "spotme.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "spotme.audit.events.client_ip"
AXES_RESET_ON_SUCCESS = True  # the count is of consecutive failures
# The lock runs from the failure that caused it; attempts while locked do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
# Successful logins and logouts are in spotme.audit.AuthEvent already; no second, ever-growing log.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_ENABLE_ADMIN = False
# Password spraying: failures for this many different accounts from one client address within the
# window pause logins from that address until the window has passed (0: off).
SPOTME_LOGIN_ADDRESS_ACCOUNT_LIMIT = env_int("SPOTME_LOGIN_ADDRESS_ACCOUNT_LIMIT", 10)
SPOTME_LOGIN_ADDRESS_WINDOW_MINUTES = env_int("SPOTME_LOGIN_ADDRESS_WINDOW_MINUTES", 15)
# Password reset requests per account and client address, and per account (spotme.accounts.actions).
SPOTME_PASSWORD_RESET_LIMIT = 3
SPOTME_PASSWORD_RESET_ACCOUNT_LIMIT = 10
SPOTME_PASSWORD_RESET_WINDOW_SECONDS = 15 * 60


def _totp_issuer(device):  # the name shown in the authenticator app
    from spotme.accounts.two_factor import totp_issuer

    return totp_issuer(device)


OTP_TOTP_ISSUER = _totp_issuer

# --- audit trail (spotme.audit) ----------------------------------------------------------------

# Data changes: django-auditlog, into spotme.audit.LogEntry (its entry plus the user agent); the
# tracked models are listed in spotme/audit/tracking.py. Authentication events: spotme.audit.AuthEvent.
AUDITLOG_LOGENTRY_MODEL = "audit.LogEntry"
# Foreign keys recorded by name ("Bahagian Kewangan"), not id: readable, and true to the moment.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True
AUDITLOG_CID_GETTER = "spotme.audit.middleware.request_id"
# auditlog's own migrations create the (swapped-out) auditlog.LogEntry table: not needed in any schema.
MIGRATION_MODULES = {"auditlog": None}

# --- i18n -------------------------------------------------------------------------------------

LANGUAGE_CODE = "ms"
LANGUAGES = [("ms", _("Bahasa Melayu")), ("en", _("English"))]
# The project's catalogue (makemessages writes it from our sources), then Malay for libraries that
# ship none (Django REST framework's errors), kept apart so makemessages never drops it.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_libraries"]
FORMAT_MODULE_PATH = ["spotme.formats"]  # DD/MM/YYYY and HH:MM in both languages
LANGUAGE_COOKIE_NAME = "spotme_lang"
LANGUAGE_COOKIE_SECURE = HTTPS
TIME_ZONE = "Asia/Kuala_Lumpur"
USE_I18N = True
USE_TZ = True

# --- static files -----------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = (
    REPO_DIR / ".devdata" / "static"
    if DEBUG or TESTING
    else Path(env_str("SPOTME_STATIC_ROOT", str(REPO_DIR / "staticfiles")))
)
# Uploaded files live under MEDIA_ROOT/<schema>/: one agency's files never share a folder with another's.
MEDIA_ROOT = Path(env_str("SPOTME_MEDIA_ROOT", str(REPO_DIR / ".devdata" / "media")) or "")
MEDIA_URL = "/media/"
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
STORAGES = {
    "default": {"BACKEND": "spotme.storage.AgencyFileStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
if DEBUG or TESTING:
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root

# --- email ------------------------------------------------------------------------------------

EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "") or ""
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "") or ""
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"SPOT-Me <no-reply@{APEX_DOMAIN}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SPOTME_OPERATOR_EMAILS = [e for e in (env_str("SPOTME_OPERATOR_EMAILS", "") or "").split(",") if e]

# --- REST framework ---------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "spotme.api.Pagination",
    # One JSON parser for every endpoint (objects only, bounded depth, no NUL), plus forms for uploads.
    "DEFAULT_PARSER_CLASSES": [
        "spotme.api.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "spotme.api.exception_handler",
    "DEFAULT_METADATA_CLASS": "spotme.api.Metadata",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SPOT-Me API",
    "DESCRIPTION": "SPOT-Me platform API. Agency endpoints are served on the agency's own subdomain.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # Error responses of every operation, and times of day as local times: spotme/openapi.py.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "spotme.openapi.document_errors",
    ],
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two choice sets share the field name "kind": name them apart in the schema.
    "ENUM_NAME_OVERRIDES": {
        "PatternKindEnum": [("flexi", "flexi"), ("fixed", "fixed"), ("shift", "shift")],
        "ArrangementKindEnum": "tenant_apps.attendance.models.Arrangement.Kind",
        "TaskStatusEnum": "tenant_apps.tasks.models.Status",
        "MovementKindEnum": "tenant_apps.movements.models.Movement.Kind",
        "MovementStatusEnum": "tenant_apps.movements.models.Movement.Status",
        "MovementApprovalEnum": "tenant_apps.movements.models.Movement.Approval",
        "WebhookDeliveryStatusEnum": "tenant_apps.opendata.models.DeliveryStatus",
        "IssueStatusEnum": "tenant_apps.attendance.models.IssueStatus",
    },
}

# --- logging, error reporting -----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "spotme.logging.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(agency)s] %(name)s: %(message)s"},
        "json": {"()": "spotme.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": "json" if env_bool("SPOTME_JSON_LOGS", not (DEBUG or TESTING)) else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.db.backends.schema": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # axes logs every login at INFO; our AuthEvents record them
    },
}

# Prometheus (spotme.metrics): /metrics answers requests on SPOTME_METRICS_PORT (a second gunicorn
# listener that only the cluster reaches) or carrying "Authorization: Bearer <SPOTME_METRICS_TOKEN>".
SPOTME_METRICS_PORT = env_int("SPOTME_METRICS_PORT", 0)
SPOTME_METRICS_TOKEN = env_str("SPOTME_METRICS_TOKEN", "") or ""

# --- open data out (tenant_apps.opendata, docs/integrations.md) ---------------------------------
# Key(s) for secrets stored encrypted (spotme/crypto.py): comma-separated Fernet keys, first encrypts.
SPOTME_FIELD_KEY = env_str("SPOTME_FIELD_KEY", "") or ""
# Device APIs (Integrasi Peranti) on private or loopback addresses: refused unless allowed (an agency
# reached over a private government network; development and tests).
SPOTME_DEVICE_ALLOW_PRIVATE = env_bool("SPOTME_DEVICE_ALLOW_PRIVATE", default=DEBUG or TESTING)
# Requests per API token (DRF rate syntax: N/second|minute|hour|day).
SPOTME_OPENDATA_RATE = os.environ.get("SPOTME_OPENDATA_RATE", "120/minute")
SPOTME_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("SPOTME_WEBHOOK_TIMEOUT_SECONDS", "10"))
SPOTME_WEBHOOK_MAX_ATTEMPTS = env_int("SPOTME_WEBHOOK_MAX_ATTEMPTS", 8)
SPOTME_WEBHOOK_RETRY_BASE_SECONDS = env_int("SPOTME_WEBHOOK_RETRY_BASE_SECONDS", 30)
# Webhook URLs may point at loopback/private addresses (a receiver on 1GovNet, development); off in
# production so an agency cannot make the platform call into its own network.
SPOTME_WEBHOOK_ALLOW_PRIVATE = env_bool("SPOTME_WEBHOOK_ALLOW_PRIVATE", DEBUG or TESTING)
SPOTME_WEBHOOK_ALLOW_HTTP = env_bool("SPOTME_WEBHOOK_ALLOW_HTTP", DEBUG or TESTING)

# --- Web Push (tenant_apps/notifications/push.py, spotme/vapid.py) -------------------------------
# The VAPID key pair; None (no private key): push notifications are off and the settings page says so.
try:
    from spotme.vapid import from_environment as _vapid_from_environment

    SPOTME_VAPID = _vapid_from_environment(
        env_str("SPOTME_VAPID_PRIVATE_KEY"),
        env_str("SPOTME_VAPID_PUBLIC_KEY"),
        env_str("SPOTME_VAPID_SUBJECT"),
        default_subject=f"mailto:no-reply@{APEX_DOMAIN}",
    )
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from exc
# Push endpoints on this machine (http://127.0.0.1, localhost): development and the tests' receiver
# only; otherwise an endpoint must be https on a public address (the push services).
SPOTME_PUSH_ALLOW_LOOPBACK = DEBUG or TESTING
SPOTME_PUSH_TIMEOUT_SECONDS = float(os.environ.get("SPOTME_PUSH_TIMEOUT_SECONDS", "10"))
# How long a push service keeps a message for a phone that is off (seconds).
SPOTME_PUSH_TTL_SECONDS = env_int("SPOTME_PUSH_TTL_SECONDS", 24 * 3600)

SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from spotme.observability import init_sentry

    init_sentry(SENTRY_DSN, environment=os.environ.get("SPOTME_ENVIRONMENT", "production"))
