"""Prometheus metrics beyond django-prometheus' per-view request metrics.

- Gauges read from the database (outbox depth and age, last successful pull) are computed when Prometheus
  scrapes, never kept in a process: any web process answers with the same figures. Integrations register their
  sources from AppConfig.ready() (`outbox_source`, `pull_source`), as they register their health checks, so this
  platform module imports no feature or integration. Each source is one bounded query (an aggregate over an indexed
  status, or a handful of cursor rows), all under one short statement timeout; a failing source is reported by
  `portal_metrics_source_up` and does not fail the scrape.
- Rare events (Celery task failures and retries, login failures and lockouts) happen in every web and worker
  process, so they are counted in the shared cache (Redis in production) and read back at scrape time.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.core.cache import cache as shared_cache
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

logger = logging.getLogger(__name__)

STATEMENT_TIMEOUT_MS = 2000  # a scrape must never queue behind, or hold, the database


@dataclass(frozen=True)
class OutboxSource:
    """Where one peer's undelivered messages are: the model, its status values and fields."""

    peer: str
    model: type[models.Model]
    pending: str
    failed: str
    waiting_field: str | None = "waiting_for_peer"  # None: the queue has no "waiting for the peer" state
    created_field: str = "created_at"


OUTBOX_SOURCES: dict[str, OutboxSource] = {}
# peer → read() returning {entity: last successful pull (aware datetime) or None}
PULL_SOURCES: dict[str, Callable[[], dict[str, datetime | None]]] = {}


def outbox_source(source: OutboxSource) -> None:
    OUTBOX_SOURCES[source.peer] = source


def pull_source(peer: str, read: Callable[[], dict[str, datetime | None]]) -> None:
    PULL_SOURCES[peer] = read


def _outbox_figures(source: OutboxSource) -> dict:
    pending = Q(status=source.pending)
    waiting = Q(**{source.waiting_field: True}) if source.waiting_field else Q(pk__in=[])
    return source.model.objects.filter(status__in=[source.pending, source.failed]).aggregate(
        pending=Count("pk", filter=pending & ~waiting),
        waiting=Count("pk", filter=pending & waiting),
        failed=Count("pk", filter=Q(status=source.failed)),
        oldest=Min(source.created_field, filter=pending),
    )


class DatabaseCollector:
    """Outbox depth and age per peer, last successful pull per peer and entity: read at scrape time."""

    def collect(self) -> Iterable[Metric]:
        depth = GaugeMetricFamily(
            "portal_outbox_messages",
            "Undelivered outbox messages per peer: pending (due or backing off), waiting_for_peer (the peer did "
            "not answer), failed (parked for staff).",
            labels=["peer", "state"],
        )
        age = GaugeMetricFamily(
            "portal_outbox_oldest_pending_age_seconds",
            "Age of the oldest pending (or waiting) outbox message per peer; 0 when none.",
            labels=["peer"],
        )
        pulled = GaugeMetricFamily(
            "portal_peer_last_successful_pull_timestamp_seconds",
            "Unix time of the last successful pull per peer and entity; 0 when none succeeded yet.",
            labels=["peer", "entity"],
        )
        up = GaugeMetricFamily(
            "portal_metrics_source_up",
            "1 when the source was read for this scrape, 0 when it failed.",
            labels=["source"],
        )
        now = timezone.now()
        names = [f"outbox:{peer}" for peer in OUTBOX_SOURCES] + [f"pull:{peer}" for peer in PULL_SOURCES]
        read = set()
        try:
            with _bounded():
                for peer, source in OUTBOX_SOURCES.items():
                    figures = _read(f"outbox:{peer}", lambda s=source: _outbox_figures(s), up, read)
                    if figures is None:
                        continue
                    for state in ("pending", "waiting", "failed"):
                        depth.add_metric([peer, "waiting_for_peer" if state == "waiting" else state], figures[state])
                    oldest = figures["oldest"]
                    age.add_metric([peer], max((now - oldest).total_seconds(), 0.0) if oldest else 0.0)
                for peer, read_cursors in PULL_SOURCES.items():
                    if (cursors := _read(f"pull:{peer}", read_cursors, up, read)) is None:
                        continue
                    for entity, last_success in sorted(cursors.items()):
                        pulled.add_metric([peer, entity], last_success.timestamp() if last_success else 0.0)
        except Exception:  # noqa: BLE001 - the database is down: every source not read yet is reported down
            logger.warning("Metrics could not reach the database", exc_info=True)
            for name in names:
                if name not in read:
                    up.add_metric([name], 0)
        yield from (depth, age, pulled, up)


class _bounded:
    """One transaction with a short statement timeout (PostgreSQL) around the scrape's queries."""

    def __enter__(self):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")

    def __exit__(self, *exc):
        return self._atomic.__exit__(*exc)


def _read(name: str, read: Callable[[], object], up: GaugeMetricFamily, done: set):
    try:
        with transaction.atomic():  # a savepoint: a failed query leaves the others readable
            value = read()
    except DatabaseError:
        logger.warning("Metrics source %s could not be read", name, exc_info=True)
        up.add_metric([name], 0)
        done.add(name)
        return None
    up.add_metric([name], 1)
    done.add(name)
    return value


# Events counted in the shared cache: name → (help, label name or None).
EVENTS = {
    "celery_task_failures": ("Celery tasks that failed (task_failure), per task.", "task"),
    "celery_task_retries": ("Celery tasks that raised Retry (task_retry), per task.", "task"),
    "login_failures": ("Failed logins (django's user_login_failed: pages and the API token endpoint).", None),
    "login_lockouts": ("Logins locked out by django-axes (user_locked_out).", None),
}
_KEY = "metrics:{event}:{label}"


def count_event(event: str, label: str = "") -> None:
    """Add one to an event counter in the shared cache; a cache outage loses the count, never the caller's work."""
    key = _KEY.format(event=event, label=label)
    try:
        shared_cache.add(key, 0, timeout=None)
        shared_cache.incr(key)
    except Exception:  # noqa: BLE001 - metrics must not break a login or a task
        logger.warning("Could not count metrics event %s", key, exc_info=True)


class EventCollector:
    """The event counters, read back from the cache: one get_many per scrape."""

    def __init__(self, task_names: Callable[[], Iterable[str]]):
        self._task_names = task_names

    def collect(self) -> Iterable[Metric]:
        tasks = sorted(self._task_names())
        keys = {}
        for event, (_, label_name) in EVENTS.items():
            for label in tasks if label_name else [""]:
                keys[_KEY.format(event=event, label=label)] = (event, label)
        try:
            values = shared_cache.get_many(list(keys))
        except Exception:  # noqa: BLE001 - the cache is down: say so, keep the other metrics
            logger.warning("Metrics event counters could not be read", exc_info=True)
            yield GaugeMetricFamily("portal_metrics_events_up", "1 when the event counters were read.", value=0)
            return
        families = {
            event: CounterMetricFamily(f"portal_{event}", help_text, labels=[label_name] if label_name else None)
            for event, (help_text, label_name) in EVENTS.items()
        }
        for key, (event, label) in keys.items():
            count = int(values.get(key) or 0)
            if EVENTS[event][1]:
                families[event].add_metric([label], count)
            else:
                families[event].add_metric([], count)
        yield GaugeMetricFamily("portal_metrics_events_up", "1 when the event counters were read.", value=1)
        yield from families.values()


@cache
def _celery_app():
    from celery import current_app as app  # the project's app (portal/celery.py), set when Django starts

    app.loader.import_default_modules()  # a web process has not imported every app's tasks module yet
    return app


def _portal_task_names() -> list[str]:
    return [name for name in _celery_app().tasks if not name.startswith("celery.")]


def scrape_collectors() -> list:
    """The collectors added to every scrape, next to the process' own registry."""
    return [DatabaseCollector(), EventCollector(_portal_task_names)]


def connect_event_counters() -> None:
    """Count Celery failures and retries and login failures and lockouts (called from PortalConfig.ready())."""
    from axes.signals import user_locked_out
    from celery.signals import task_failure, task_retry
    from django.contrib.auth.signals import user_login_failed

    task_failure.connect(_task_failed, weak=False, dispatch_uid="partner_area.platform.metrics.task_failure")
    task_retry.connect(_task_retried, weak=False, dispatch_uid="partner_area.platform.metrics.task_retry")
    user_login_failed.connect(_login_failed, weak=False, dispatch_uid="partner_area.platform.metrics.login_failed")
    user_locked_out.connect(_locked_out, weak=False, dispatch_uid="partner_area.platform.metrics.locked_out")


def _task_failed(sender=None, **kwargs) -> None:
    count_event("celery_task_failures", getattr(sender, "name", "unknown"))


def _task_retried(sender=None, **kwargs) -> None:
    count_event("celery_task_retries", getattr(sender, "name", "unknown"))


def _login_failed(**kwargs) -> None:
    count_event("login_failures")


def _locked_out(**kwargs) -> None:
    count_event("login_lockouts")
