"""Settings, read entirely from the environment.

Every variable has a default that works for trying the portal out on one machine (SQLite, DEBUG off,
a development secret key that ``manage.py check --deploy`` flags). Production sets at least
``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``, ``DATABASE_URL`` and ``CELERY_BROKER_URL``.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url

from portal.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "django-insecure-development-only-set-DJANGO_SECRET_KEY"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Where customers reach the portal; used for absolute links (publicUrl, @odata.context, e-mails).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Domain for the mailbox address of businesses created through the portal's own API, the way
# Microsoft Bookings names a new booking mailbox (``fourthcoffee@contoso.onmicrosoft.com``).
BOOKINGS_MAILBOX_DOMAIN = os.environ.get("BOOKINGS_MAILBOX_DOMAIN", "portal.localhost")
# Zone for a business whose Bookings data names none (Graph has no business-level time zone).
BOOKINGS_DEFAULT_TIME_ZONE = os.environ.get("BOOKINGS_DEFAULT_TIME_ZONE", "America/Chicago")
# Page size of API collections; clients may ask for fewer with $top.
API_PAGE_SIZE = int(os.environ.get("API_PAGE_SIZE", "100"))

INSTALLED_APPS = [
    "bookings.admin.apps.PortalAdminConfig",  # Django's admin with the owner's pages (bookings/admin/site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.microsoft",
    "axes",
    "bookings",
]

MIDDLEWARE = [
    "portal.logging.RequestIdMiddleware",  # first: every response and log line carries the request id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bookings.api.middleware.CanonicalGraphPathMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",  # turns axes' lockout of the admin login into its 429 page
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers: IMMEDIATE takes the write lock at BEGIN, so two bookings for one slot
    # queue up instead of failing half-way with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file, not SQLite's shared in-memory database, whose table locks ignore the busy
    # timeout: concurrent writers then queue as they do in a real deployment.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"portal-test-{os.getpid()}.sqlite3")
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer fails a request (and /health/) in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    )
    # Statements a connection runs again and again (every booking's handful) are prepared once and
    # then only executed: PostgreSQL stops re-planning them, which took about 40% of its time per
    # booking. Needs server-side parameter binding. Behind a transaction-pooling PgBouncer without
    # prepared-statement support, set DATABASE_PREPARE_THRESHOLD=off.
    _prepare_threshold = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5").strip().lower()
    if _prepare_threshold not in {"off", "none", ""}:
        DATABASES["default"]["OPTIONS"].update(
            {"server_side_binding": True, "prepare_threshold": int(_prepare_threshold)}
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out admin login before any password is checked (needs ``request``,
    # which the admin's and allauth's forms pass; Bearer tokens do not authenticate through here).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
# Staff sign in with their Microsoft work account (an app registration's client id and secret; the
# "Sign in with Microsoft" button shows only when both are set). The account is linked to the staff
# member with its verified address (bookings/staff_accounts.py). Microsoft's address is trusted as
# verified only for a single named tenant (its id or domain): with "organizations" or "common" any
# tenant's admin could give an account someone else's address, so allauth asks for a confirmation
# e-mail first.
MICROSOFT_LOGIN_CLIENT_ID = os.environ.get("MICROSOFT_LOGIN_CLIENT_ID", "")
MICROSOFT_LOGIN_CLIENT_SECRET = os.environ.get("MICROSOFT_LOGIN_CLIENT_SECRET", "")
MICROSOFT_LOGIN_TENANT = os.environ.get("MICROSOFT_LOGIN_TENANT", "").strip() or "organizations"
MICROSOFT_LOGIN_TRUSTED = MICROSOFT_LOGIN_TENANT.lower() not in {"organizations", "common", "consumers"}
SOCIALACCOUNT_PROVIDERS = {
    "microsoft": {
        "APPS": [
            {
                "client_id": MICROSOFT_LOGIN_CLIENT_ID,
                "secret": MICROSOFT_LOGIN_CLIENT_SECRET,
                "settings": {"tenant": MICROSOFT_LOGIN_TENANT},
            }
        ]
        if MICROSOFT_LOGIN_CLIENT_ID and MICROSOFT_LOGIN_CLIENT_SECRET
        else [],
        "SCOPE": ["User.Read"],
        "VERIFIED_EMAIL": MICROSOFT_LOGIN_TRUSTED,
    }
}
# A trusted (verified) Microsoft address signs in to the account that already has it, instead of
# failing with "an account already exists", and connects the Microsoft login to it.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = MICROSOFT_LOGIN_TRUSTED
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = MICROSOFT_LOGIN_TRUSTED
SOCIALACCOUNT_EMAIL_VERIFICATION = ACCOUNT_EMAIL_VERIFICATION
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_ADAPTER = "bookings.staff_accounts.SocialAccountAdapter"  # 404, not 500, when not set up
# Sign-in, sign-up and e-mail limits (django-allauth), counted in the cache (Redis with CACHE_URL, so
# shared by every web process). Each is allauth's rate syntax: "amount/period/per", per ip, key or user.
ACCOUNT_RATE_LIMITS = {
    "login": os.environ.get("RATE_LIMIT_LOGIN", "30/m/ip"),
    # Failed sign-ins: per address, and per account (the "key": e-mail or username) across addresses.
    "login_failed": os.environ.get("RATE_LIMIT_LOGIN_FAILED", "10/m/ip,5/5m/key"),
    "signup": os.environ.get("RATE_LIMIT_SIGNUP", "10/h/ip"),
    "reset_password": os.environ.get("RATE_LIMIT_RESET_PASSWORD", "20/h/ip,3/h/key"),
    "confirm_email": os.environ.get("RATE_LIMIT_CONFIRM_EMAIL", "1/3m/key"),
}
# The admin's login (django-axes): AXES_FAILURE_LIMIT failures for one username from one address
# lock that pair out for AXES_COOLOFF_MINUTES. Customers' sign-ins are allauth's (above), so axes
# neither counts nor records them. Attempts are kept in the database (admin → Axes).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # no row per successful sign-in (every customer's address, forever)
AXES_ONLY_ADMIN_SITE = True
AXES_WHITELIST_CALLABLE = "bookings.rate_limits.outside_admin"
AXES_CLIENT_IP_CALLABLE = "bookings.rate_limits.client_ip"
AXES_LOCKOUT_TEMPLATE = "429.html"
# Booking POSTs (book, cancel, reschedule) per client address: "30/10m" is 30 per 10 minutes;
# "off" or "0" turns it off (bookings/rate_limits.py).
BOOKING_RATE_LIMIT = os.environ.get("BOOKING_RATE_LIMIT", "30/10m")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Booking e-mails (bookings/notices.py) are sent by a Celery worker after the change commits, and
# by beat's scan every minute; off (the zero-setup default, no worker), the request sends them.
EMAIL_IN_WORKER = env_bool("EMAIL_IN_WORKER", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "bookings@localhost")

# Behind our own TLS-terminating proxy, its X-Forwarded-Proto says https and the last hop of its
# X-Forwarded-For is the client's address (rate limits, axes, allauth); otherwise neither is believed.
BEHIND_TLS_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if BEHIND_TLS_PROXY else 0
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
# Probes ask over plain HTTP from inside the network; everything else is redirected to https.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Bearer first: an anonymous request then gets 401 with ``WWW-Authenticate: Bearer``,
        # as Graph answers, instead of 403.
        "bookings.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["bookings.api.permissions.IsStaffOrOwner"],
    "DEFAULT_RENDERER_CLASSES": ["bookings.api.renderers.GraphJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["bookings.api.parsers.GraphJSONParser"],
    "EXCEPTION_HANDLER": "bookings.api.errors.odata_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "bookings.api.schema.GraphAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bookings portal API",
    "DESCRIPTION": "Microsoft Graph Bookings resources (v1.0 shape) served by the portal.",
    "VERSION": "1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {"BookingPriceTypeEnum": "bookings.enums.PriceType.values"},
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# A publish that cannot reach the broker gives up quickly: the outbox row is already committed and
# the sweeper re-enqueues it, so a web request must not hang on a Redis outage.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Run tasks in the calling process instead of a worker: `make run` uses it so bookings reach the
# sandbox tenant with no Redis or worker running. Never in production.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Tasks are acknowledged late, so one a worker dies with is redelivered after this long. No task is
# ever scheduled further ahead than this (reminders and retries are beat scans over the database).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

# The cache holds short-lived answers (the booking pages' free slots). Give every web process the same
# one (CACHE_URL=redis://…) so a booking made through one process is seen by the others at once;
# without it each process keeps its own for at most SLOT_CACHE_SECONDS.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    # Short socket timeouts: a Redis that stops answering costs a page two seconds, not a hung worker.
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    if CACHE_URL.startswith(("redis://", "rediss://", "unix://"))
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"}
}
SLOT_CACHE_SECONDS = int(os.environ.get("SLOT_CACHE_SECONDS", "30"))

# One JSON object per line (portal/logging.py) unless DEBUG is on, when lines are for people to read;
# LOG_FORMAT=json or plain chooses either way. Celery's worker and beat log through the same handler.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json").strip().lower()
LOGGING = logging_config(LOG_FORMAT, os.environ.get("LOG_LEVEL", "INFO"))
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Microsoft Graph ---
# The Graph client (bookings/graph/). Against a real tenant set the tenant, the app registration's
# client id and secret, and GRAPH_AUTH_MODE. Against the emulator point GRAPH_BASE_URL at it and
# GRAPH_AUTHORITY_HOST at its https root (msal accepts only https authorities), trusting its test CA
# through the standard SSL_CERT_FILE variable.
GRAPH_BASE_URL = os.environ.get("GRAPH_BASE_URL", "https://graph.microsoft.com/v1.0").rstrip("/")
GRAPH_AUTHORITY_HOST = os.environ.get("GRAPH_AUTHORITY_HOST", "https://login.microsoftonline.com").rstrip("/")
GRAPH_TENANT_ID = os.environ.get("GRAPH_TENANT_ID", "")
GRAPH_CLIENT_ID = os.environ.get("GRAPH_CLIENT_ID", "")
GRAPH_CLIENT_SECRET = os.environ.get("GRAPH_CLIENT_SECRET", "")
# "app" (client credentials) or "delegated" (an owner signs in from the admin).
GRAPH_AUTH_MODE = os.environ.get("GRAPH_AUTH_MODE", "app").strip().lower()
GRAPH_TIMEOUT_SECONDS = float(os.environ.get("GRAPH_TIMEOUT_SECONDS", "30"))
GRAPH_MAX_RETRIES = int(os.environ.get("GRAPH_MAX_RETRIES", "5"))
# A 429 asking to wait longer than this is not slept through in the worker's thread: the outbox
# item is rescheduled for then instead.
GRAPH_MAX_INLINE_WAIT_SECONDS = float(os.environ.get("GRAPH_MAX_INLINE_WAIT_SECONDS", "30"))
# Fernet key(s) encrypting the delegated token cache at rest; comma-separated to rotate (the first
# encrypts, all decrypt). Empty: a key derived from SECRET_KEY.
GRAPH_TOKEN_CACHE_KEY = os.environ.get("GRAPH_TOKEN_CACHE_KEY", "")
# Booking mailboxes served in app-only mode (app-only tokens cannot list businesses).
BOOKINGS_BUSINESS_IDS = env_list("BOOKINGS_BUSINESS_IDS")
# Redis shared by every worker for Bookings' 4-requests-in-flight-per-mailbox limit (leases that a
# crashed worker loses after GRAPH_CONCURRENCY_LEASE_SECONDS). Defaults to the Celery broker when that
# is Redis; empty: each process limits itself alone.
GRAPH_CONCURRENCY_REDIS_URL = (
    os.environ.get(
        "GRAPH_CONCURRENCY_REDIS_URL",
        CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else "",
    )
    or None
)
GRAPH_CONCURRENCY_LEASE_SECONDS = float(os.environ.get("GRAPH_CONCURRENCY_LEASE_SECONDS", "60"))
# How long a request waits for a free slot of its mailbox before giving up (MailboxBusy, a GraphThrottled).
GRAPH_CONCURRENCY_MAX_WAIT_SECONDS = float(os.environ.get("GRAPH_CONCURRENCY_MAX_WAIT_SECONDS", "60"))

# --- Sync schedule ---
# Celery beat pulls definitions from Microsoft Graph every SYNC_INTERVAL_MINUTES (DESIGN §4, flow 1)
# and refreshes the calendar caches (appointments made in Bookings, staff busy time) every
# CALENDAR_REFRESH_MINUTES (flow 2): a slot taken in Bookings leaves the booking page within one.
# A run that is still queued when the next one is due is dropped (``expires``) instead of piling up.
SYNC_INTERVAL_MINUTES = max(1, int(os.environ.get("SYNC_INTERVAL_MINUTES", "15")))
CALENDAR_REFRESH_MINUTES = max(1, int(os.environ.get("CALENDAR_REFRESH_MINUTES", "5")))
CELERY_BEAT_SCHEDULE = {
    "sync-graph-definitions": {
        "task": "bookings.sync_graph_definitions",
        "schedule": SYNC_INTERVAL_MINUTES * 60.0,
        "kwargs": {"trigger": "beat"},
        "options": {"expires": SYNC_INTERVAL_MINUTES * 60.0},
    },
    "refresh-calendars": {
        "task": "bookings.refresh_calendars",
        "schedule": CALENDAR_REFRESH_MINUTES * 60.0,
        "options": {"expires": CALENDAR_REFRESH_MINUTES * 60.0},
    },
}

# --- Outbox (pushing changes to Microsoft Graph) ---
# Each committed change asks a worker to push its business's outbox at once; the sweeper re-enqueues
# whatever is due or whose worker died (its lease expired) every OUTBOX_SWEEP_SECONDS.
OUTBOX_PUSH_ON_COMMIT = env_bool("OUTBOX_PUSH_ON_COMMIT", True)
# Changes committed within this many seconds of each other share one worker task (bookings/kicks.py):
# the first enqueues it to run when the window closes. 0 enqueues one task per change.
KICK_WINDOW_SECONDS = max(0, int(os.environ.get("KICK_WINDOW_SECONDS", "1")))
# The lease must outlast one delivery attempt: waiting for a mailbox slot
# (GRAPH_CONCURRENCY_MAX_WAIT_SECONDS) plus the request and its inline retries.
OUTBOX_LEASE_SECONDS = max(30, int(os.environ.get("OUTBOX_LEASE_SECONDS", "600")))
OUTBOX_SWEEP_SECONDS = max(5, int(os.environ.get("OUTBOX_SWEEP_SECONDS", "30")))
OUTBOX_PUSH_BUDGET_SECONDS = float(os.environ.get("OUTBOX_PUSH_BUDGET_SECONDS", "50"))
# DESIGN §4.6: the portal sends its own confirmation (with the manage link), so pushed appointments
# carry optOutOfCustomerEmail unless the owner prefers Bookings' e-mails.
BOOKINGS_SENDS_CUSTOMER_EMAIL = env_bool("BOOKINGS_SENDS_CUSTOMER_EMAIL", False)
CELERY_BEAT_SCHEDULE["send-notices"] = {
    "task": "bookings.send_notices",
    "schedule": 60.0,
    "options": {"expires": 60.0},
}
CELERY_BEAT_SCHEDULE["sweep-outbox"] = {
    "task": "bookings.sweep_outbox",
    "schedule": float(OUTBOX_SWEEP_SECONDS),
    "options": {"expires": float(OUTBOX_SWEEP_SECONDS)},
}
