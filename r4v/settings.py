"""One settings module for every environment, driven by environment variables.

Every variable is listed in `.env.example` and the README. With none set, the app runs on its
embedded defaults: SQLite in `var/` and Celery on kombu's filesystem transport in `var/broker/`,
so a bare machine with Python 3.12 runs the whole product, worker and beat included.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

# django-environ raises ImproperlyConfigured on values it cannot parse ("DEBUG=maybe"),
# which is the loud failure we want.
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

_INSECURE_DEV_KEY = "dev-only-insecure-key-r4v-coordination-not-for-production-use-0123456789"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _INSECURE_DEV_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    # Second factor (r4v/mfa.py): TOTP devices, and static tokens as recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "r4v",
    "sectors",
    "program_cycle",
    "meetings",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # gzip for HTML and JSON, not for responses with a CSRF token (BREACH; see the class).
    # After WhiteNoise, which serves static files precompressed.
    "r4v.public_cache.CompressionMiddleware",
    # Serves anonymous public reads from the cache, and stores them whole, before the
    # sessions, languages, CSRF, authentication and CSP (r4v/public_cache.py).
    "r4v.public_cache.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which device verified this session (request.user.is_verified()), then the gate that sends
    # a user who owes a second factor to enter or enrol one, site and admin alike (r4v/mfa.py).
    "django_otp.middleware.OTPMiddleware",
    "r4v.mfa.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Attributes web changes in the audit trail; services also pass the actor explicitly,
    # so changes made by Celery and commands are attributed too.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Innermost: knows the view, so it marks the public reads for the cache above, with their
    # ETag (304 when unchanged) and Last-Modified.
    "r4v.public_cache.PublicViewMiddleware",
]

ROOT_URLCONF = "r4v.urls"
WSGI_APPLICATION = "r4v.wsgi.application"

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
                "sectors.context_processors.roles",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: a gunicorn sync worker serves one request at a time, so each keeps
# one connection for CONN_MAX_AGE seconds instead of opening one per request. The health check
# re-opens a connection the server dropped before a request uses it. Off with DEBUG: runserver opens a thread, and so a connection, per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite for a web server (the embedded default serves several threads and a worker):
    # WAL lets readers work beside the one writer; the busy timeout makes a writer wait for
    # the lock instead of failing; IMMEDIATE takes the write lock when a transaction begins,
    # so two transactions that read and then write queue up instead of deadlocking (SQLite
    # answers a deferred transaction's upgrade with "database is locked" at once, whatever
    # the timeout).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ----------------------------------------------------------------------------
AUTH_USER_MODEL = "r4v.User"
# Who may do what is sectors.policy's answer, from role assignments; Django's own backend
# serves the admin's model permissions.
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my-work"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule on the password: Django tells every validator when a password is saved
    # (any form, the admin, `changepassword`, `set_password` + `save` anywhere), which makes
    # this the one place where a new password ends the user's API tokens.
    {"NAME": "r4v.tokens.RevokeTokensOnPasswordChange"},
]
# API tokens: a key lives this long, then the owner creates a new one.
API_TOKEN_LIFETIME_DAYS = 90
API_TOKENS_PER_USER = 10
# Log-in lockout (r4v/lockout.py), counted in the default cache, which all workers share:
# this many failures within the window lock the account, or the client address, for the
# cool-off. The address limit is higher: an office behind one address has many people.
LOGIN_LOCKOUT = {
    "ACCOUNT_FAILURES": 5,
    "ADDRESS_FAILURES": 20,
    "WINDOW_SECONDS": 15 * 60,
    "COOL_OFF_SECONDS": 15 * 60,
}
# Second factor (r4v/mfa.py): holders of these roles (sectors' RoleAssignment.Role values) must
# log in with a TOTP code; "administrator" also covers any account that can enter the admin.
# Everyone else may enrol. Empty: nobody is required.
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=["regional_team", "administrator"])
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "R4V Coordination"
# The log-in lockout counts wrong codes per account and address (r4v/lockout.py); django-otp's
# per-device back-off on top would refuse a right code typed a second after a wrong one.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# ASVS L2: 12 hours absolute at most; Django's default is two weeks.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Instants are stored in UTC and shown in the viewer's zone; the region spans UTC-6 to UTC-3.
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="America/Panama")

# --- Static files --------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# With DEBUG off, collectstatic writes each file under a name carrying its content hash, plus a
# gzip copy; WhiteNoise serves the copy to browsers that accept it and sends hashed names with
# `max-age=315360000, public, immutable` (ten years: a changed file gets a new name). Unhashed
# names keep WhiteNoise's 60 s, as nothing would bust their cache. tests/browser/test_phone.py
# checks both on the wire. With DEBUG on, files are served as edited, uncached.
# Uploaded attachments: under var/, never served as static or media; downloads go through a
# view that checks the policy (program_cycle.views.attachment_download).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security headers -------------------------------------------------------------------------
from django.utils.csp import CSP  # noqa: E402  (kept beside its only use)

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # Behind a TLS-terminating proxy Django sees plain HTTP; the header the proxy sets says what
    # the browser used, so SECURE_SSL_REDIRECT does not loop and secure cookies are sent. Trust it
    # only where a proxy sets it and drops the client's own; with none in front, set it empty.
    _proxy_header = env.str("SECURE_PROXY_SSL_HEADER", default="X-Forwarded-Proto")
    SECURE_PROXY_SSL_HEADER = (
        ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None
    )

# --- E-mail (Django 6.1 MAILERS) ----------------------------------------------------------------
# Every notification is also stored in the in-app inbox, so nothing depends on delivery.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="R4V Coordination <no-reply@r4v.local>")
_smtp_host = env.str("SMTP_HOST", default="")
if _smtp_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host,
                "port": env.int("SMTP_PORT", default=587),
                "username": env.str("SMTP_USER", default=""),
                "password": env.str("SMTP_PASSWORD", default=""),
                "use_tls": env.bool("SMTP_USE_TLS", default=True),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail"))},
        }
    }

# --- Cache ------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# The cache holds the log-in lockout and the API throttles, so every worker process must
# read the same one: Redis, or on the embedded default files in var/ (local memory would
# give each gunicorn worker, and the Celery worker, counts of its own).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
        # Past MAX_ENTRIES the file cache deletes a third of its entries at random, locks
        # included: well above what a machine serving one region's staff ever holds.
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}
# Rendered public pages and API reads (r4v/public_cache.py), apart from the lockout counts so
# that culling pages never drops a lock. Entries are stored under the content version: a change
# makes the old ones unreachable, and they expire.
CACHES["public"] = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "public",
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache-public"),
        "OPTIONS": {"MAX_ENTRIES": 5_000},
    }
)

# --- Celery -------------------------------------------------------------------------------------
# With REDIS_URL: Redis. Without it: kombu's filesystem transport, which lets a worker and beat
# started by `make run` exchange messages through files on one machine — the same tasks, the
# same schedule, no server to install.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem"):
    # kombu does not create the folder; publisher and worker must name the same one.
    _broker_dir = env.path("CELERY_BROKER_FOLDER", default=VAR_DIR / "broker")
    Path(_broker_dir).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "store_processed": False,
        # Without it kombu puts broadcast (control) messages in the working directory.
        "control_folder": str(Path(_broker_dir) / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Outbox sweeper: e-mails any inbox notification whose on-commit delivery was lost
    # (broker down at commit time, worker killed). Late rather than never.
    "deliver-pending-notifications": {
        "task": "r4v.deliver_pending_notifications",
        "schedule": 60.0,
    },
    # One e-mail a day with the messages of people who chose the daily digest.
    "send-notification-digests": {
        "task": "r4v.send_notification_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # The reminder table (r4v.reminders): every reminder that is due, claimed row by row.
    # Every minute, so nothing is more than a minute late; a missed run is caught up.
    "sweep-reminders": {
        "task": "r4v.sweep_reminders",
        "schedule": 60.0,
    },
    # The shared calendar's overlap scan: tells both organizers of each new clash, once.
    "scan-meeting-conflicts": {"task": "meetings.scan_conflicts", "schedule": 300.0},
    # Schedules, on the reminder table, a reminder to co-lead focal points and the Regional
    # Platform of each designation whose term ends within 60 days, once per planned end.
    "notify-expiring-terms": {
        "task": "sectors.notify_expiring_terms",
        "schedule": crontab(hour=6, minute=0),
    },
    # Schedules this ISO week's overdue digest for the Regional Platform (idempotent by week);
    # daily, so a missed Monday is caught up the next day. The reminder sweeper sends it.
    "ensure-overdue-digest": {
        "task": "program_cycle.ensure_overdue_digest",
        "schedule": crontab(hour=7, minute=30),
    },
}

# --- REST framework --------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Deny by default: every viewset names the permission it needs.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "r4v.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # DRF's parsers, with a JSON parser that answers 400 where DRF's raises (deep nesting,
    # lone surrogates).
    "DEFAULT_PARSER_CLASSES": [
        "r4v.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["r4v.filtering.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "r4v.api_fields.Pagination",
    "PAGE_SIZE": 50,
    # drf-spectacular's, documenting the error body on every refusal an operation can answer.
    "DEFAULT_SCHEMA_CLASS": "r4v.api_errors.AutoSchema",
    "EXCEPTION_HANDLER": "r4v.api_errors.exception_handler",
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "R4V Coordination API",
    "DESCRIPTION": "Coordination structure of the R4V platform: countries, platforms, sectors, "
    "co-leads, co-coordinators and partners. Reads are public; writes need a token.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Four models have a `kind` choice field; each enum gets its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "PlatformKindEnum": "sectors.models.Platform.Kind",
        "SectorKindEnum": "sectors.models.Sector.Kind",
        "OrganizationKindEnum": "sectors.models.Organization.Kind",
        "ChangeNoticeKindEnum": "sectors.models.ChangeNotice.Kind",
        "CycleKindEnum": "program_cycle.models.CycleKind",
        "PartyEnum": "program_cycle.models.PARTY_CHOICES",
        "TaskStateEnum": "program_cycle.models.TaskState",
        # The calendar's `kind` and `status` fields (meetings app).
        "MeetingKindEnum": "meetings.models.Meeting.Kind",
        "MeetingStatusEnum": "meetings.models.Meeting.Status",
        "MinutesStatusEnum": "meetings.models.Minutes.Status",
        "ActionPointStatusEnum": "meetings.models.ActionPoint.Status",
        "ChangeNoticeStatusEnum": "sectors.models.ChangeNotice.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# History reasons: a text column, so a reason is never cut (services store fixed msgids,
# people type up to the forms' limit).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
