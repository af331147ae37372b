"""Settings for PLP Admin, read from the environment (django-environ).

Three modes, chosen by the environment and nothing else:
- no environment at all: SQLite beside the code, Celery tasks run in-process, DEBUG off;
- `make run` adds DEBUG=1 for a local trial;
- DJANGO_ENV=production: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL are required, and
  every setting that `manage.py check --deploy` looks at is set for HTTPS.
DATABASE_URL switches to PostgreSQL, REDIS_URL to a real Celery broker and a Redis cache.
"""

import os
from datetime import date, timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
IS_PRODUCTION = DJANGO_ENV == "production"

# SECRET_KEY is read as it is: django-environ would take a key that starts with "$" (as a random
# key may) for the name of another variable, and its error message would print the key.
if IS_PRODUCTION:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must name the hosts this site answers to.")
    DEBUG = env.bool("DEBUG", default=False)
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or (
        "django-insecure-local-only-key-never-used-in-production-0123456789"
    )
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
    DEBUG = env.bool("DEBUG", default=False)

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_celery_beat",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Two-factor sign-in (accounts.twofactor): authenticator-app codes and one-off recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "schools",
    "leadership",
    "consultants",
    "funding",
    "reports",
    "api",
    "audit",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Idle and absolute timeouts (accounts.sessions), then the log of refused access.
    "accounts.sessions.SessionTimeoutMiddleware",
    "accounts.security.AccessRefusedMiddleware",
    # request.user.is_verified() (django-otp's middleware, its device read through the cache);
    # then the second factor for the roles that must use it.
    "accounts.twofactor.middleware.OTPMiddleware",
    "accounts.twofactor.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes' documentation).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "accounts.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Database: SQLite for a zero-setup trial, PostgreSQL (psycopg 3) when DATABASE_URL is set.
if IS_PRODUCTION:
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend with computed decimals kept to their field's places (config/sqlite3).
    DATABASES["default"]["ENGINE"] = "config.sqlite3"
# Production keeps connections for a minute: a new PostgreSQL connection costs 6 to 9 ms, and its
# first queries plan cold (bench/README.md, page speed).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if IS_PRODUCTION else 0)
# A kept connection is checked before each request reuses it, so a restarted database costs one
# failed check, not a failed page.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: PostgreSQL compiles any query its planner costs above 100,000, which
    # cost the selection page 2.6 s of a 2.9 s query on national data (bench/README.md). The
    # app's queries are short lookups on indexes, where JIT never pays for itself.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Two-factor sign-in: the name authenticator apps show beside the code. Which roles must use it
# is a constant in accounts.twofactor.policy, not a setting: there is no switch to turn it off.
OTP_TOTP_ISSUER = "PLP Admin"
# The Django admin's pages of devices never show a secret key or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# django-axes: lock a user and address out after repeated failed log-ins.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The log-in form's field is "username" (AuthenticationForm); axes would otherwise look for "email".
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The client's address, for the lock-out and the security log (accounts.security): behind
# TRUSTED_PROXY_COUNT reverse proxies it is the X-Forwarded-For entry that many places from the
# right (the one the outermost trusted proxy appended); what a client sends to the left of it is
# never believed. 0 (no proxy) ignores the header. Production assumes one proxy (TLS ends there,
# SECURE_PROXY_SSL_HEADER); set it to the real number of proxies, or a client can dodge the
# lock-out (too high) or everyone shares the proxy's address (too low).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if IS_PRODUCTION else 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip_address"

# Sessions (accounts.sessions): signed out after SESSION_IDLE_TIMEOUT minutes without activity,
# and SESSION_ABSOLUTE_TIMEOUT hours after signing in whatever the activity; the cookie lives as
# long as the absolute limit. htmx polls from these elements (by id) are not activity.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_TIMEOUT", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_ABSOLUTE_TIMEOUT", default=12))
if SESSION_IDLE_TIMEOUT.total_seconds() <= 0 or SESSION_ABSOLUTE_TIMEOUT.total_seconds() <= 0:
    raise ImproperlyConfigured("Session timeouts must be positive.")
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_BACKGROUND_HTMX_TRIGGERS = ("run-status", "batch-progress", "import-progress")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Static files: the project's own under static/, the compiled stylesheet under static/dist, and
# what the pages load of GOV.UK Frontend and htmx, straight from node_modules (installed from npm,
# pinned in package-lock.json; config/staticfinders.py).
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "config.staticfinders.NpmFilesFinder",
]
NPM_STATIC_FILES = {
    "govuk": (
        BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk",
        ["govuk-frontend.min.js", "govuk-frontend.min.js.map", "assets"],
    ),
    "htmx": (BASE_DIR / "node_modules" / "htmx.org" / "dist", ["htmx.min.js"]),
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production whitenoise serves straight from the finders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Content Security Policy: nothing inline, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The REST API (api/): tokens (made in the admin) or the signed-in session (with DRF's CSRF
# check), JSON only (the browsable API's pages break the CSP), 50 rows a page.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsActiveUser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# The OpenAPI schema at /api/schema/; Swagger UI and ReDoc from drf-spectacular-sidecar's copies,
# served by the site itself (no CDN).
SPECTACULAR_SETTINGS = {
    "TITLE": "PLP Admin API",
    "DESCRIPTION": (
        "The Primary Leadership Programme's records, in the same scope as the pages: each user "
        "sees only what their role and LEA (or school) allow."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No picture from the online validator (the CSP allows images from this site only).
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None},
    # Choice sets that share a field name get names of their own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "VisitKindEnum": "consultants.models.VisitKind",
        "ReportKindEnum": "reports.models.ReportKind",
        "VisitStatusEnum": "consultants.models.VisitStatus",
        "ParticipationStatusEnum": "leadership.models.ParticipationStatus",
        "AllocationStatusEnum": "consultants.models.AllocationStatus",
        "RunStatusEnum": "reports.models.RunStatus",
    },
}

# Cache and Celery: Redis when REDIS_URL is set; otherwise a local cache and tasks run in-process.
REDIS_URL = env.str("REDIS_URL", default="")
if IS_PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must be set in production: Celery needs a broker.")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_TASK_TIME_LIMIT = 600
# Longer than any task's time limit, so that Redis never hands a running task to a second worker
# (a message not acknowledged within it goes back to the queue).
_visibility_timeout = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
if _visibility_timeout <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"CELERY_VISIBILITY_TIMEOUT ({_visibility_timeout} s) must be longer than the task time "
        f"limit ({CELERY_TASK_TIME_LIMIT} s), or Redis would hand a running task to another worker."
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _visibility_timeout}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Report runs (reports.services.runs). A run queued for longer than this is sent again by the
# sweeper (a message lost between the web process and the broker); a running one, once it has run
# past the task time limit and a minute more.
REPORTS_QUEUED_STALL_SECONDS = env.int("REPORTS_QUEUED_STALL_SECONDS", default=900)
# Fault injection for the worker-kill test only: a report waits this long after a worker has
# claimed it, so that the test can kill the worker in the middle of the report.
REPORTS_FAULT_DELAY_SECONDS = env.float("REPORTS_FAULT_DELAY_SECONDS", default=0)
if IS_PRODUCTION and REPORTS_FAULT_DELAY_SECONDS:
    raise ImproperlyConfigured("REPORTS_FAULT_DELAY_SECONDS is for tests, not production.")

# Email: the console in a trial; SMTP (EMAIL_HOST and friends) when EMAIL_BACKEND names it.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PLP Admin <no-reply@plp.example.org>")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# The site's address, for links in emails and jobs that have no request (reports, digests).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The date the application takes for today (accounts.clock): a demo or training copy may be set
# inside its programme year. Never in production, where today is today.
_plp_today = env.str("PLP_TODAY", default="")
try:
    PLP_TODAY = date.fromisoformat(_plp_today) if _plp_today else None
except ValueError:
    raise ImproperlyConfigured(f"PLP_TODAY must be YYYY-MM-DD, not {_plp_today!r}.") from None
if IS_PRODUCTION and PLP_TODAY:
    raise ImproperlyConfigured("PLP_TODAY is for demonstrations and training, not production.")

# Security: always-on headers, and HTTPS-only cookies and redirects in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Security events (accounts.security): one JSON object per line on the logger "plp.security",
# to the console (the process's standard error) and, with SECURITY_LOG_FILE, to that file too.
SECURITY_LOG_FILE = env.str("SECURITY_LOG_FILE", default="")
_security_handlers = ["security"] + (["security_file"] if SECURITY_LOG_FILE else [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "accounts.security.RedactSecretsFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "security_json": {"()": "accounts.security.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "security": {
            "class": "logging.StreamHandler",
            "formatter": "security_json",
            "filters": ["redact_secrets"],
        },
        **(
            {
                "security_file": {
                    "class": "logging.handlers.WatchedFileHandler",
                    "filename": SECURITY_LOG_FILE,
                    "formatter": "security_json",
                    "filters": ["redact_secrets"],
                }
            }
            if SECURITY_LOG_FILE
            else {}
        ),
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Its own JSON lines, not the root's plain ones (and not both).
        "plp.security": {
            "handlers": _security_handlers,
            "filters": ["redact_secrets"],
            "level": "INFO",
            "propagate": False,
        },
        # In-process (eager) tasks would log a line per task into every command's output.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
        # django-axes logs its version at every start.
        "axes.apps": {"level": "WARNING"},
        # WeasyPrint logs each step of every PDF, and its own stylesheets as it is imported.
        "weasyprint": {"level": "WARNING"},
    },
}
