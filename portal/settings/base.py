"""Settings shared by every environment. Values come from the environment (django-environ);
the defaults are the embedded set-up that `make run` needs: SQLite, local media, inline tasks."""

import ipaddress
from pathlib import Path

import environ
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Our own apps first so that their templates win.
    "portal",
    "cms_pages",
    "partner_area.accounts",
    "partner_area.companies",
    "partner_area.platform.audit",
    "partner_area.platform.mail",
    "partner_area.billing",
    "partner_area.performance",
    "partner_area.materials",
    "partner_area.announcements",
    "partner_area.support",
    "integrations.erp",
    "integrations.zendesk",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    # Third party
    "rest_framework",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    "axes",
    "csp",
    "storages",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # unaccent: staff search finds "Ceļojums" by "celojums"
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # first: times the whole chain
    "portal.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.PortalCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.PortalLocaleMiddleware",
    # --- HTTP caching and compression (README "HTTP caching"): keep these three together and in this order. ---
    # Compression wraps what the other two produce; the cache policy sets Cache-Control and ETag and answers 304;
    # the page cache answers a hit before CSRF, sessions, authentication and Wagtail's routing (0 queries).
    "portal.compression.CompressionMiddleware",
    "portal.cache_policy.CachePolicyMiddleware",
    "cms_pages.caching.PublicPageCacheMiddleware",
    # --- end of the HTTP caching block ---
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "partner_area.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "partner_area.companies.middleware.PartnerAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",  # last: sees the view and the status
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
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.csp_nonce",
                "partner_area.home.context_processors.partner_navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is optional in the embedded default: without it the cache is in-process and
# Celery tasks run inline (CELERY_TASK_ALWAYS_EAGER).
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "portal.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"}}
# Rendered dashboard fragments (partner_area/performance/fragments.py); every import drops them, 0 turns them off.
DASHBOARD_FRAGMENT_CACHE_SECONDS = env.int("DASHBOARD_FRAGMENT_CACHE_SECONDS", default=600)

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "partner:login"
LOGIN_REDIRECT_URL = "partner:home"
LOGOUT_REDIRECT_URL = "partner:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Languages: English and Latvian for the UI (Django i18n) and content (Wagtail locales).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("lv", _("Latvian"))]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Riga"
USE_I18N = True
USE_TZ = True
# British/European dates for English (Django's "en" is American); Latvian keeps Django's lv formats.
FORMAT_MODULE_PATH = ["portal.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))

# Files: local disk unless an S3 bucket is configured (django-storages + boto3).
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=300)
    AWS_S3_FILE_OVERWRITE = False
    DEFAULT_FILE_STORAGE_BACKEND = "storages.backends.s3.S3Storage"
else:
    DEFAULT_FILE_STORAGE_BACKEND = "django.core.files.storage.FileSystemStorage"
STORAGES = {
    "default": {"BACKEND": DEFAULT_FILE_STORAGE_BACKEND},
    # Private files (partner_area/platform/storage.py): the bucket, else a folder outside MEDIA_ROOT.
    "private": {
        "BACKEND": DEFAULT_FILE_STORAGE_BACKEND
        if AWS_STORAGE_BUCKET_NAME
        else "partner_area.platform.storage.LocalPrivateStorage"
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Outgoing e-mail is queued and sent by workers (partner_area/mail): retried with a backoff from
# MAIL_RETRY_SECONDS up to MAIL_RETRY_CAP_SECONDS while the server is down, for MAIL_GIVE_UP_AFTER_SECONDS.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)  # seconds; a hanging mail server must not hold a worker
MAIL_RETRY_SECONDS = env.float("MAIL_RETRY_SECONDS", default=30.0)
MAIL_RETRY_CAP_SECONDS = env.float("MAIL_RETRY_CAP_SECONDS", default=1800.0)
MAIL_GIVE_UP_AFTER_SECONDS = env.int("MAIL_GIVE_UP_AFTER_SECONDS", default=3 * 24 * 3600)
if env("EMAIL_URL", default=""):
    vars().update(env.email("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Brello 360 <partners@brello.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Wagtail
WAGTAIL_SITE_NAME = "Brello 360 Partner Portal"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 25 * 1024 * 1024
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# REST API
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Token first: its header makes a missing, wrong or expired token a 401 (with WWW-Authenticate), not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partner_area.accounts.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "partner_area.platform.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "partner_area.platform.jsonbody.SafeJSONParser",  # 400, not 500, for JSON nested too deeply
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Every API request counts (reads too): per user, or per IP before logging in. Answers 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "partner_area.platform.throttles.ClientIpUserThrottle",
        "partner_area.platform.throttles.ClientIpAnonThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("API_THROTTLE_USER", default="3600/hour"),
        "anon": env("API_THROTTLE_ANON", default="600/hour"),
    },
}
# API tokens (partner_area/accounts/api_tokens.py): days until a new token expires; live tokens per person.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=90)
API_TOKEN_MAX_PER_USER = env.int("API_TOKEN_MAX_PER_USER", default=10)
API_TOKEN_EXPIRED_KEEP_DAYS = env.int("API_TOKEN_EXPIRED_KEEP_DAYS", default=30)
SPECTACULAR_SETTINGS = {
    "TITLE": "Brello 360 Partner Portal API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Wagtail's admin API and the headless CMS API are not part of the documented contract.
    "PREPROCESSING_HOOKS": ["partner_area.platform.api.only_portal_api_paths"],
    # The error answers every operation can give (400 with field details, 401/403, 404, 429), documented; an empty
    # optional query parameter counts as absent.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "partner_area.platform.api.document_error_answers",
        "partner_area.platform.api.blank_query_values_count_as_absent",
    ],
    # A PATCH body is documented as it is validated (PATCH /members/{id} needs "role").
    "COMPONENT_SPLIT_PATCH": False,
    # Several models have a "status": name each enum after what it describes.
    "ENUM_NAME_OVERRIDES": {
        "CompanyStatusEnum": "partner_area.companies.models.CompanyStatus",
        "InvoiceStatusEnum": "partner_area.billing.models.InvoiceStatus",
        "RoleEnum": "partner_area.companies.models.Role",
    },
}

# Login lockout (django-axes); rate limits live in the views that need them.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# Content Security Policy (django-csp 4). Public and partner pages get a strict policy with
# nonces; the Wagtail admin gets its own (see portal.middleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],  # players load on a click
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
ADMIN_CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", "https:"],
    "frame-src": ["'self'", "https:"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Permissions-Policy (django-permissions-policy): the portal uses none of the browser's powerful features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get", "screen-wake-lock",
        "serial", "usb", "xr-spatial-tracking",
    )
} | {"fullscreen": ["self"]}  # fmt: skip
X_FRAME_OPTIONS = "SAMEORIGIN"

# Public pages (cms_pages/caching.py, portal/cache_policy.py): seconds the server keeps a rendered page for
# anonymous visitors, and what it tells browsers and a CDN: fresh for MAX_AGE, then served stale while revalidating.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300)
PUBLIC_PAGE_MAX_AGE = env.int("PUBLIC_PAGE_MAX_AGE", default=60)
PUBLIC_PAGE_STALE_WHILE_REVALIDATE = env.int("PUBLIC_PAGE_STALE_WHILE_REVALIDATE", default=300)

# Logs go to stderr, each record with the request id (portal/requestid.py). LOG_FORMAT: "plain" for people
# (the default here and in dev), "json" for one JSON object a line (the default in production).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.requestid.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(levelname)s %(name)s %(message)s %(request_id)s %(task_name)s %(task_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Routine chatter of libraries: keep warnings and errors only.
        "axes": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail.contrib.redirects": {"level": "WARNING"},
    },
}
if LOG_FORMAT not in LOGGING["formatters"]:
    raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(LOGGING['formatters'])}, not {LOG_FORMAT!r}.")
# Celery workers log through the configuration above (JSON in production), not a root logger of their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Prometheus metrics at /metrics (portal/metrics_endpoint.py): readable with `Authorization: Bearer
# <METRICS_TOKEN>` or from METRICS_ALLOWED_NETWORKS (CIDRs; the client address as partner_area/platform/net.py
# reads it).
# Without a token, from elsewhere, it answers 404.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
for _cidr in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_cidr, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {error}") from error
PROMETHEUS_LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, float("inf"))

# Errors to Sentry, only when SENTRY_DSN is set (portal/sentry.py); off by default.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from portal.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# Privacy and CSP: no avatars from Gravatar and no calls home from the admin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Integrations: the ERP adapter (a dotted path to an ErpGateway implementation) and the sync engine.
ERP_BACKEND = env("ERP_BACKEND", default="partner_area.platform.ports.erp.NoErpGateway")
ERP_TRYTON_URL = env("ERP_TRYTON_URL", default="http://127.0.0.1:8800")
ERP_TRYTON_DATABASE = env("ERP_TRYTON_DATABASE", default="erp")
ERP_TRYTON_USER = env("ERP_TRYTON_USER", default="admin")
ERP_TRYTON_PASSWORD = env("ERP_TRYTON_PASSWORD", default="")
ERP_TRYTON_TIMEOUT = env.float("ERP_TRYTON_TIMEOUT", default=15.0)
# Seconds an ERP call may take while a person waits (the registration's number lookup, the staff pages).
ERP_INTERACTIVE_TIMEOUT = env.float("ERP_INTERACTIVE_TIMEOUT", default=3.0)
ERP_TRYTON_CLIENT_RELATION = env("ERP_TRYTON_CLIENT_RELATION", default="Client of")
ERP_TRYTON_CLIENT_RELATION_REVERSE = env("ERP_TRYTON_CLIENT_RELATION_REVERSE", default="Client")
ERP_TRYTON_PAYMENT_METHOD = env("ERP_TRYTON_PAYMENT_METHOD", default="")  # id or name; empty: the only one
ERP_PULL_INTERVAL_SECONDS = env.int("ERP_PULL_INTERVAL_SECONDS", default=60)
ERP_PULL_PAGE_SIZE = env.int("ERP_PULL_PAGE_SIZE", default=500)
ERP_PULL_OVERLAP_SECONDS = env.int("ERP_PULL_OVERLAP_SECONDS", default=2)
# Where a pull reads the ERP's pages while it applies them: "process" (a forked reader, see integrations/erp/pull.py)
# or "thread".
ERP_PULL_READER = env.str("ERP_PULL_READER", default="process")
ERP_OUTBOX_MAX_ATTEMPTS = env.int("ERP_OUTBOX_MAX_ATTEMPTS", default=8)
ERP_OUTBOX_BACKOFF_SECONDS = env.float("ERP_OUTBOX_BACKOFF_SECONDS", default=5.0)
ERP_OUTBOX_BACKOFF_CAP_SECONDS = env.float("ERP_OUTBOX_BACKOFF_CAP_SECONDS", default=3600.0)
# While the ERP does not answer, a delivery waits at most this long before it is tried again (never parked).
ERP_OUTBOX_OUTAGE_RETRY_SECONDS = env.float("ERP_OUTBOX_OUTAGE_RETRY_SECONDS", default=60.0)
ERP_WEBHOOK_SECRET = env("ERP_WEBHOOK_SECRET", default="")
ERP_WEBHOOK_MAX_AGE_SECONDS = 300
# Zendesk (support requests). Without a subdomain, e-mail and API token nothing is sent: requests stay
# "received" and are delivered once these are set. See README "Zendesk".
ZENDESK_SUBDOMAIN = env("ZENDESK_SUBDOMAIN", default="")
ZENDESK_EMAIL = env("ZENDESK_EMAIL", default="")
ZENDESK_API_TOKEN = env("ZENDESK_API_TOKEN", default="")
# The adapter of the Zendesk port (a dotted path to a ZendeskGateway implementation), used once configured.
ZENDESK_BACKEND = env("ZENDESK_BACKEND", default="integrations.zendesk.gateway.ZenpyGateway")
ZENDESK_WEBHOOK_SECRET = env("ZENDESK_WEBHOOK_SECRET", default="")
ZENDESK_WEBHOOK_MAX_AGE_SECONDS = 300
ZENDESK_TIMEOUT = env.float("ZENDESK_TIMEOUT", default=20.0)
ZENDESK_TICKET_EXTERNAL_ID_PREFIX = env("ZENDESK_TICKET_EXTERNAL_ID_PREFIX", default="brello-portal-")
ZENDESK_CATEGORY_FIELD_ID = env.int("ZENDESK_CATEGORY_FIELD_ID", default=0)  # optional custom ticket field
ZENDESK_OUTBOX_MAX_ATTEMPTS = env.int("ZENDESK_OUTBOX_MAX_ATTEMPTS", default=8)
ZENDESK_OUTBOX_BACKOFF_SECONDS = env.float("ZENDESK_OUTBOX_BACKOFF_SECONDS", default=5.0)
ZENDESK_OUTBOX_BACKOFF_CAP_SECONDS = env.float("ZENDESK_OUTBOX_BACKOFF_CAP_SECONDS", default=3600.0)
ZENDESK_OUTBOX_OUTAGE_RETRY_SECONDS = env.float("ZENDESK_OUTBOX_OUTAGE_RETRY_SECONDS", default=60.0)
ZENDESK_PULL_INTERVAL_SECONDS = env.int("ZENDESK_PULL_INTERVAL_SECONDS", default=120)
ZENDESK_PULL_INITIAL_LOOKBACK_SECONDS = env.int("ZENDESK_PULL_INITIAL_LOOKBACK_SECONDS", default=7 * 24 * 3600)
SUPPORT_ATTACHMENT_MAX_BYTES = env.int("SUPPORT_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
SUPPORT_ATTACHMENT_MAX_FILES = env.int("SUPPORT_ATTACHMENT_MAX_FILES", default=5)
CELERY_BEAT_SCHEDULE = {
    "erp-pull": {"task": "erp.pull_all", "schedule": float(ERP_PULL_INTERVAL_SECONDS)},
    "erp-outbox-sweep": {"task": "erp.deliver_outbox", "schedule": 30.0},
    "zendesk-outbox-sweep": {"task": "zendesk.deliver_outbox", "schedule": 30.0},
    "zendesk-pull": {"task": "zendesk.pull", "schedule": float(ZENDESK_PULL_INTERVAL_SECONDS)},
    # Scheduled go-live and expiry of pages, announcements and other drafts (Wagtail's publish_scheduled).
    "publish-scheduled": {"task": "materials.publish_scheduled", "schedule": 60.0},
    "mail-send-due": {"task": "mail.send_due", "schedule": 60.0},
    "api-tokens-expired": {"task": "accounts.api_tokens_expired_delete", "schedule": 24 * 3600.0},
    # Ranked sub-partner tables a lost catch-up task left stale (read exactly from the closure rows meanwhile).
    "performance-ranked-catch-up": {"task": "performance.ranked_tables_catch_up_stale", "schedule": 300.0},
}

# Partner area
PARTNER_TERMS_VERSION = env("PARTNER_TERMS_VERSION", default="2026-01")
EMAIL_CONFIRMATION_MAX_AGE = 60 * 60 * 24 * 3  # seconds a confirmation link stays valid
# Staff must pass TOTP two-factor to enter the Wagtail admin (on in production settings).
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=False)
# Rate limits (django-ratelimit syntax: count/period) for public forms.
RATELIMIT_REGISTRATION = env("RATELIMIT_REGISTRATION", default="5/h")  # successful registrations per IP
RATELIMIT_REGISTRATION_ATTEMPTS = env("RATELIMIT_REGISTRATION_ATTEMPTS", default="30/h")  # every POST, typos too
RATELIMIT_LOGIN = env("RATELIMIT_LOGIN", default="20/10m")
RATELIMIT_FORMS = env("RATELIMIT_FORMS", default="10/h")
# Invitations (sent and sent again, page and API together): per person and IP, and per company per day.
RATELIMIT_INVITATIONS = env("RATELIMIT_INVITATIONS", default="10/h")
RATELIMIT_INVITATIONS_PER_COMPANY = env("RATELIMIT_INVITATIONS_PER_COMPANY", default="30/d")
# Replies and solve/reopen in a support conversation: a lively exchange needs more than a new request does.
RATELIMIT_SUPPORT_ACTIONS = env("RATELIMIT_SUPPORT_ACTIONS", default="60/h")
# Payment reports: a finance person may report a month's worth of invoices in one sitting.
RATELIMIT_PAYMENT_REPORTS = env("RATELIMIT_PAYMENT_REPORTS", default="60/h")
RATELIMIT_VIEW = "portal.views.rate_limited"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_USERNAME_FORM_FIELD = "username"
OTP_TOTP_ISSUER = "Brello 360"

# One notion of the client's address, read at request time from TRUSTED_PROXY_COUNT: rate limits, axes' lockouts
# and the API's throttles (partner_area/platform/throttles.py) all call partner_area.platform.net.client_ip
# (rate limits through ratelimit_client_ip).
RATELIMIT_IP_META_KEY = "partner_area.platform.net.ratelimit_client_ip"
AXES_CLIENT_IP_CALLABLE = "partner_area.platform.net.axes_client_ip"


def client_address_settings(*, trusted_proxy_count: int, rest_framework: dict) -> dict:
    """Every setting that follows from the number of reverse proxies in front of gunicorn, from that one number.
    A settings module that changes TRUSTED_PROXY_COUNT calls this again instead of recomputing a part of it."""
    return {
        "TRUSTED_PROXY_COUNT": trusted_proxy_count,
        # DRF's and axes' own readings of X-Forwarded-For, for any code that does not go through net.client_ip.
        "REST_FRAMEWORK": {**rest_framework, "NUM_PROXIES": trusted_proxy_count},
        "AXES_IPWARE_PROXY_COUNT": trusted_proxy_count,
        # X-Forwarded-Proto is believed only from a proxy: without one, the client could claim HTTPS.
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https") if trusted_proxy_count else None,
    }


# Client addresses for rate limits, lockouts and the audit log (see partner_area/platform/net.py).
vars().update(
    client_address_settings(
        trusted_proxy_count=env.int("TRUSTED_PROXY_COUNT", default=0), rest_framework=REST_FRAMEWORK
    )
)
