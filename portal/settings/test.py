"""Settings for pytest: real PostgreSQL and Redis on the local machine."""

import os

from .base import *  # noqa: F403
from .base import env

DATABASES = {"default": env.db("TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/brello")}

# One Redis database per xdist worker, so clearing the cache in one worker never touches another.
# TEST_REDIS_DB_OFFSET moves a whole run to other databases (two checkouts testing at once on one machine).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
_redis_db = 1 + (int(_worker.removeprefix("gw") or 0) + env.int("TEST_REDIS_DB_OFFSET", default=0)) % 14
REDIS_URL = env("TEST_REDIS_URL", default=f"redis://127.0.0.1:6379/{_redis_db}")
CACHES = {"default": {"BACKEND": "portal.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = True

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PUBLIC_PAGE_CACHE_SECONDS = 0
MEDIA_ROOT = str(BASE_DIR / "var" / "test-media")  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"
