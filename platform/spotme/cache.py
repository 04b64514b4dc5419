"""The shared cache (Redis) as an optional helper, never a dependency of a write.

Everything the cache holds can be recomputed or done without: the agency configuration's version
token (attendance/agency_config.py reads PostgreSQL instead), rate-limit counters (they fail open
while Redis is away), the device pull's lock (not taken: the pull waits for its next turn). So a
stopped or unreachable Redis must slow nothing down and fail nothing: `ResilientRedisCache` answers
as an empty cache that stores nothing (a miss, `add` refused, `incr` counting from zero) when Redis
does not answer, logs it once per outage, and does not call Redis again for `RETRY_AFTER` seconds
(so a blackholed Redis costs one short socket timeout, not one per call). `available()` tells
callers that need to know (the configuration cache, /health/) whether the last call failed."""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

RETRY_AFTER = 5.0  # seconds without calling Redis after it failed
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
_failed_at: float | None = None  # monotonic time of the last failure (this process)


def available() -> bool:
    """False while the last cache call failed less than RETRY_AFTER seconds ago."""
    return _failed_at is None or time.monotonic() - _failed_at >= RETRY_AFTER


def _failed(exc: Exception) -> None:
    global _failed_at
    if _failed_at is None:
        log.warning("cache unavailable, continuing without it: %s", exc)
    _failed_at = time.monotonic()


def _recovered() -> None:
    global _failed_at
    if _failed_at is not None:
        log.warning("cache available again")
        _failed_at = None


def _degrading(name: str, fallback):
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        if not available():
            return fallback(*args, **kwargs)
        try:
            result = method(self, *args, **kwargs)
        except _UNREACHABLE as exc:
            _failed(exc)
            return fallback(*args, **kwargs)
        _recovered()
        return result

    call.__name__ = name
    call.__doc__ = method.__doc__
    return call


def _default(key, default=None, version=None):
    return default


class ResilientRedisCache(RedisCache):
    """Django's Redis cache that degrades to a cache that holds nothing while Redis is away."""

    get = _degrading("get", _default)
    get_many = _degrading("get_many", lambda keys, version=None: {})
    has_key = _degrading("has_key", lambda key, version=None: False)
    set = _degrading("set", lambda *a, **k: None)
    set_many = _degrading("set_many", lambda data, timeout=None, version=None: list(data))
    add = _degrading("add", lambda *a, **k: False)
    touch = _degrading("touch", lambda *a, **k: False)
    delete = _degrading("delete", lambda *a, **k: False)
    delete_many = _degrading("delete_many", lambda *a, **k: None)
    incr = _degrading("incr", lambda key, delta=1, version=None: delta)
    clear = _degrading("clear", lambda: None)
