"""Liveness and readiness probes for load balancers and orchestrators."""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """The process is alive and serving requests."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    cache.set("readyz-probe", "1", timeout=5)
    if cache.get("readyz-probe") != "1":
        raise RuntimeError("cache did not return what was stored")


def _check_broker() -> None:
    from celery import current_app as app  # the project's app (portal/celery.py), set when Django starts

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def readiness_checks() -> dict:
    """The parts the portal needs to serve; the broker only when Celery is not running tasks inline."""
    checks = {"database": _check_database, "cache": _check_cache}
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = _check_broker
    return checks


# Peer systems (ERP, Zendesk) register a health check from their AppConfig.ready(): name → check() returning
# True (answers), False (does not) or None (not configured). Reported apart from the portal's own parts: a peer
# being down never makes the portal unready, since everything bound for it queues.
PEER_CHECKS: dict[str, Callable[[], bool | None]] = {}
PEER_CACHE_SECONDS = 15  # probes come every few seconds; the peers are asked at most this often


def peer_check(name: str, check: Callable[[], bool | None]) -> None:
    PEER_CHECKS[name] = check


def peer_health() -> dict[str, str]:
    """Each peer's state: "ok", "unavailable" or "not configured" (cached briefly)."""
    states = cache.get("readyz-peers")
    if states is None:
        states = {}
        for name, check in PEER_CHECKS.items():
            try:
                answer = check()
            except Exception:  # noqa: BLE001 - a failing check is a peer that does not answer
                answer = False
            states[name] = "not configured" if answer is None else ("ok" if answer else "unavailable")
        cache.set("readyz-peers", states, timeout=PEER_CACHE_SECONDS)
    return states


@never_cache
def readyz(request):
    """200 when every dependency answers; 503 naming each failing part otherwise. Peers are listed apart."""
    results, failing = {}, []
    for name, check in readiness_checks().items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready", reported by name
            results[name] = f"error: {exc.__class__.__name__}"
            failing.append(name)
    body = {"status": "unavailable" if failing else "ok", "checks": results}
    try:
        body["peers"] = peer_health()
    except Exception:  # noqa: BLE001 - e.g. the cache is down: already reported above
        body["peers"] = {}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)
