"""The Redis cache, for a portal that keeps answering while Redis restarts.

Nothing the portal keeps only in the cache is needed to answer a request (sessions live in the database; the cache
holds Wagtail's site lookups, rendered public pages, peer health and rate-limit counters), so when Redis cannot be
reached a read is a miss and a write is dropped, with a warning, instead of a 500. Rate limits stay closed: a
counter that cannot be incremented makes django-ratelimit treat the request as over its limit (a friendly 429 for
the seconds Redis is away), so stopping Redis never opens the door to guessing passwords. `/readyz` still reports
the cache as failing, since its probe reads back what it wrote.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _unreachable(operation: str, error: Exception) -> None:
    logger.warning("Redis cache unreachable (%s): %s", operation, error)


class _Client(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        # One redis.Redis per connection pool, kept: Django builds a new one for every call, and with redis-py 6
        # that costs more CPU than a page-cache hit's own work (its response callbacks are copied each time). A
        # client is thread-safe, each command taking a connection from the pool, and the pool resets after a fork.
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client

    def add(self, key, value, timeout):
        try:
            return super().add(key, value, timeout)
        except UNREACHABLE as error:
            _unreachable("add", error)
            return False

    def get(self, key, default):
        try:
            return super().get(key, default)
        except UNREACHABLE as error:
            _unreachable("get", error)
            return default

    def set(self, key, value, timeout):
        try:
            super().set(key, value, timeout)
        except UNREACHABLE as error:
            _unreachable("set", error)

    def touch(self, key, timeout):
        try:
            return super().touch(key, timeout)
        except UNREACHABLE as error:
            _unreachable("touch", error)
            return False

    def delete(self, key):
        try:
            return super().delete(key)
        except UNREACHABLE as error:
            _unreachable("delete", error)
            return False

    def get_many(self, keys):
        try:
            return super().get_many(keys)
        except UNREACHABLE as error:
            _unreachable("get_many", error)
            return {}

    def has_key(self, key):
        try:
            return super().has_key(key)
        except UNREACHABLE as error:
            _unreachable("has_key", error)
            return False

    def incr(self, key, delta):
        try:
            return super().incr(key, delta)
        except UNREACHABLE as error:
            _unreachable("incr", error)
            raise ValueError(f"Key {key!r} not found (Redis unreachable).") from error  # as for a missing key

    def set_many(self, data, timeout):
        try:
            super().set_many(data, timeout)
        except UNREACHABLE as error:
            _unreachable("set_many", error)

    def delete_many(self, keys):
        try:
            super().delete_many(keys)
        except UNREACHABLE as error:
            _unreachable("delete_many", error)


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, answering a miss (not an error) while Redis cannot be reached; `clear()` still raises,
    so invalidating the whole cache is never silently skipped."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client


class PrefixedRedisCache(ResilientRedisCache):
    """A ResilientRedisCache that shares its Redis database: `clear()` deletes only the keys under this cache's
    KEY_PREFIX instead of flushing the database (the test settings give each test run and worker a prefix)."""

    def clear(self):
        client = self._cache.get_client(None, write=True)
        pattern = f"{self.key_prefix}:*" if self.key_prefix else "*"
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)
        return True
