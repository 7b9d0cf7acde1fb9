"""Settings for pytest: real PostgreSQL and Redis on the local machine.

Each test run has database and Redis names of its own, so two runs on one host (two checkouts, or the same one
twice) never touch each other's data: TEST_RUN_ID names the run. When it is not set, the first process that loads
these settings (pytest, or the xdist controller) makes one from the checkout's path and its process id and puts it
in the environment, where the xdist workers and the Celery workers the tests start inherit it. Explicit settings
still win: TEST_DATABASE_URL, TEST_REDIS_URL or TEST_REDIS_DB_OFFSET.
"""

import hashlib
import os

from .base import *  # noqa: F403
from .base import BASE_DIR, env

_checkout = hashlib.sha1(str(BASE_DIR).encode(), usedforsecurity=False).hexdigest()[:6]
TEST_RUN_ID = os.environ.setdefault("TEST_RUN_ID", f"{_checkout}_{os.getpid()}")
_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")

# pytest-django creates test_<NAME> (with the xdist worker's suffix) and drops it at the end of the run.
DATABASES = {"default": env.db("TEST_DATABASE_URL", default=f"postgres://postgres@127.0.0.1:5432/brello_{TEST_RUN_ID}")}

# Redis: every key of this run and worker (cache, Celery's queues and results) starts with REDIS_KEY_PREFIX, and
# clearing the cache deletes only those keys (portal.cache.PrefixedRedisCache), so runs can share one database.
# Without explicit settings that is database 15 (1..14 are what TEST_REDIS_DB_OFFSET used to pick by hand); with
# TEST_REDIS_DB_OFFSET each xdist worker still gets a database of its own, as before.
REDIS_KEY_PREFIX = f"test-{TEST_RUN_ID}-{_worker}"
if env.str("TEST_REDIS_DB_OFFSET", default=""):
    _redis_db = 1 + (int(_worker.removeprefix("gw") or 0) + env.int("TEST_REDIS_DB_OFFSET")) % 14
else:
    _redis_db = 15
REDIS_URL = env("TEST_REDIS_URL", default=f"redis://127.0.0.1:6379/{_redis_db}")
CACHES = {
    "default": {"BACKEND": "portal.cache.PrefixedRedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": REDIS_KEY_PREFIX}
}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": f"{REDIS_KEY_PREFIX}:"}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"global_keyprefix": f"{REDIS_KEY_PREFIX}:"}
CELERY_TASK_ALWAYS_EAGER = True

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PUBLIC_PAGE_CACHE_SECONDS = 0
MEDIA_ROOT = str(BASE_DIR / "var" / "test-media")
WAGTAILADMIN_BASE_URL = "http://testserver"
