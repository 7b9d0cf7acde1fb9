"""Production: everything that matters comes from the environment, and is required."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, LOGGING, REST_FRAMEWORK, client_address_settings, env

REQUIRED = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS")
_missing = [name for name in REQUIRED if not env.str(name, default="")]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing) + " (see README)."
    )

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
# A short or low-variety key can be guessed offline from one signed cookie; refuse to start with one.
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 10 or SECRET_KEY.startswith(("dev-only", "compose-local")):
    raise ImproperlyConfigured(
        "SECRET_KEY must be at least 50 random characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
REDIS_URL = env("REDIS_URL")
CACHES = {"default": {"BACKEND": "portal.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = False

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True

STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # noqa: F405
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=True)
# Production runs behind one reverse proxy / load balancer unless told otherwise.
# gunicorn must then never be reachable except through that proxy, or clients choose their own X-Forwarded-For;
# set TRUSTED_PROXY_COUNT=0 where gunicorn is published directly (compose.yaml does).
# Everything that follows from the proxy count (DRF, axes, X-Forwarded-Proto) is derived again from it.
vars().update(
    client_address_settings(
        trusted_proxy_count=env.int("TRUSTED_PROXY_COUNT", default=1), rest_framework=REST_FRAMEWORK
    )
)

# One JSON object a line on stderr, with the request id (README "Observability").
# (base has refused a LOG_FORMAT it does not know.)
LOG_FORMAT = LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="json")
# Prometheus scrapes over the internal network, where there is no TLS proxy to redirect to.
SECURE_REDIRECT_EXEMPT = [r"^metrics$"]
