"""The transactional outbox both peer systems (ERP, Zendesk) deliver through.

A change bound for a peer system is written as a message in the same transaction as the change itself; a worker
delivers it later, with retries. Each integration describes its outbox once (`Outbox`): the message model, the
fields that order its messages (messages with the same values are delivered in the order they were written),
its handlers, its error classes, its settings and how it gets a client. The rules live here:

- a message is locked (skip_locked) so two workers never deliver it at once;
- it is delivered only when due and when nothing older with the same ordering key waits undelivered;
- its handler runs in a savepoint, so a failed attempt leaves nothing half-written;
- a peer that does not answer (`unavailable`: down, timing out, rate limiting) never parks anything: the message
  is marked as waiting for the peer, its attempts are not counted, and it is tried again after a short capped
  wait (`retry_after` when the peer says when, else `<prefix>_OUTAGE_RETRY_SECONDS` at most); a sweep stops at
  the first such answer, so a down peer gets one call per sweep, and `resume_if_back` makes every waiting message
  due as soon as the peer's health check answers again. Nobody has to retry anything after an outage;
- any other failure is counted: a rejection (another try would fail the same way), or the last allowed attempt,
  parks the message as failed for staff; otherwise it is retried after an exponential, jittered backoff. An
  unexpected exception (bad data, a bug) is counted and parked the same way instead of jamming the queue;
- a message whose operation has no handler is parked at once with an error naming it (a retry cannot help until
  a release registers one; staff then retry it).

One model family: every outbox table subclasses `OutboxMessageBase` (the delivery fields) and keeps its status in
the one `OutboxStatus`. One registry: a handler is a function `(message, client)` decorated with
`@handler(outbox="erp", operation="company.update")`; an integration imports its handler modules in its
`AppConfig.ready()`, so every process (web, worker, beat) knows them and nothing else has to import them.
"""

import logging
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    DISCARDED = "discarded", _("Discarded by staff")


DONE = (OutboxStatus.DELIVERED, OutboxStatus.DISCARDED)  # nothing more will happen to these
# What deliver() answers besides a message's status:
RETRYING = "retrying"  # deliver(): an attempt failed and will be repeated later
WAITING = "waiting"  # deliver(): the peer did not answer; the message waits for it, uncounted
LOCKED = "locked"  # deliver(): another worker holds the message


class OutboxMessageBase(models.Model):
    """A change bound for a peer system, written in the same transaction as the change itself and delivered by a
    worker with retries. A concrete outbox adds what the change is about (its ordering fields) and its `operation`
    choices; the engine reads and writes only the fields below."""

    operation = models.CharField(_("operation"), max_length=48)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.TextField(_("last error"), blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    # The last attempt found the peer down (or rate limiting): waits for it, attempts not counted.
    waiting_for_peer = models.BooleanField(_("waiting for the peer"), default=False)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["id"]


Handler = Callable[[Any, Any], None]  # handler(message, client)
HANDLERS: dict[str, dict[str, Handler]] = {}  # outbox key → operation → handler


def handler(*, outbox: str, operation: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as what delivers `operation` messages of the outbox keyed `outbox`."""

    def register(function: Handler) -> Handler:
        registered = HANDLERS.setdefault(outbox, {}).get(operation)
        if registered is not None and _name(registered) != _name(function):
            raise ValueError(f"{outbox} outbox: {operation!r} already has a handler, {_name(registered)}")
        HANDLERS[outbox][operation] = function
        return function

    return register


def _name(function: Handler) -> str:
    return f"{function.__module__}.{function.__qualname__}"


class UnknownOperation(Exception):
    """No handler is registered for a message's operation."""


@dataclass(frozen=True)
class Outbox:
    """What one integration's outbox is made of."""

    key: str  # the registry's name for it, as in @handler(outbox=key, ...): "erp", "zendesk"
    name: str  # for log lines: "ERP", "Zendesk"
    model: type[OutboxMessageBase]
    ordering_fields: tuple[str, ...]  # messages with equal values here are delivered in the order written
    error: type[Exception]  # the peer system's expected failure: retried
    rejected: type[Exception]  # its refusal of the data itself: parked at once
    unavailable: type[Exception]  # the peer did not answer (down, timeout, rate limit): waited for, never parked
    # <prefix>_MAX_ATTEMPTS, <prefix>_BACKOFF_SECONDS, <prefix>_BACKOFF_CAP_SECONDS, <prefix>_OUTAGE_RETRY_SECONDS
    settings_prefix: str
    client: Callable[[], Any]  # a client or gateway, when the caller brings none
    task: str  # the dotted path of the Celery task a nudge queues
    logger: logging.Logger
    select_related: tuple[str, ...] = ()

    def setting(self, name: str):
        return getattr(settings, f"{self.settings_prefix}_{name}")

    def handler_for(self, operation: str) -> Handler:
        try:
            return HANDLERS.get(self.key, {})[operation]
        except KeyError:
            raise UnknownOperation(f"The {self.name} outbox has no handler for the operation {operation!r}.") from None

    def retry_delay(self, attempts: int) -> timedelta:
        return jittered_backoff(attempts, base=self.setting("BACKOFF_SECONDS"), cap=self.setting("BACKOFF_CAP_SECONDS"))

    def outage_delay(self, error: Exception) -> timedelta:
        """How long a message waits after the peer did not answer: what the peer asked for, else a jittered wait
        of at most <prefix>_OUTAGE_RETRY_SECONDS (the health check usually resumes it sooner)."""
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return timedelta(seconds=retry_after)
        cap = self.setting("OUTAGE_RETRY_SECONDS")
        return timedelta(seconds=random.uniform(cap / 2, cap))  # noqa: S311 - jitter, not crypto


def jittered_backoff(attempts: int, *, base: float, cap: float) -> timedelta:
    """Exponential backoff with full jitter, capped: anywhere from 0 to min(cap, base·2^attempts) seconds."""
    # Celery's get_exponential_backoff_interval computes the same, but with random.randrange, which refuses a
    # non-integral bound (a base of 0.5 s from the environment) and, from Python 3.12, any float at all.
    return timedelta(seconds=random.uniform(0, min(cap, base * 2**attempts)))  # noqa: S311 - jitter, not crypto


def nudge_on_commit(outbox: Outbox, *args) -> None:
    """Once the current transaction commits, ask a worker to deliver now (the periodic sweep catches anything a
    lost nudge misses)."""
    transaction.on_commit(lambda: _nudge(outbox, args))


def _nudge(outbox: Outbox, args: tuple) -> None:
    try:
        import_string(outbox.task).delay(*args)
    except Exception:  # noqa: BLE001 - a broker outage must not fail the user's request; the sweep delivers later
        outbox.logger.warning(
            "Could not nudge the %s outbox worker; the periodic sweep will deliver.", outbox.name, exc_info=True
        )


def _older_undelivered_exists(outbox: Outbox, message: models.Model) -> bool:
    """A parked (failed) older message holds the later ones back too: they may depend on it (a contact on its
    company's creation), and staff retrying it releases them in order; staff discarding it releases them too."""
    same_key = {name: getattr(message, name) for name in outbox.ordering_fields}
    return outbox.model.objects.filter(**same_key, id__lt=message.id).exclude(status__in=DONE).exists()


def deliver(outbox: Outbox, message_id: int, client=None) -> str:
    """Deliver one message if it is due and nothing older with the same ordering key waits. Returns its status,
    RETRYING after a failed attempt that will be repeated later, or LOCKED."""
    with transaction.atomic():
        locked = outbox.model.objects.select_for_update(skip_locked=True)
        if outbox.select_related:
            locked = locked.select_related(*outbox.select_related)
        message = locked.filter(pk=message_id).first()
        if message is None or message.status != OutboxStatus.PENDING:
            return message.status if message else LOCKED
        if message.next_attempt_at > timezone.now() or _older_undelivered_exists(outbox, message):
            return message.status
        try:
            with transaction.atomic():  # a savepoint: a failed handler leaves nothing half-written
                deliver_with = outbox.handler_for(message.operation)
                deliver_with(message, client if client is not None else outbox.client())
        except Exception as error:  # noqa: BLE001 - bad data or a bug must not jam the queue: count it, park it
            if isinstance(error, outbox.unavailable):
                _peer_did_not_answer(outbox, message, error)
                return WAITING
            _attempt_failed(outbox, message, error)
            return RETRYING if message.status == OutboxStatus.PENDING else message.status
        message.status = OutboxStatus.DELIVERED
        message.delivered_at = message.last_attempt_at = timezone.now()
        message.attempts += 1
        message.last_error = ""
        message.waiting_for_peer = False
        message.save(
            update_fields=["status", "delivered_at", "last_attempt_at", "attempts", "last_error", "waiting_for_peer"]
        )
        return message.status


def _peer_did_not_answer(outbox: Outbox, message: models.Model, error: Exception) -> None:
    message.last_attempt_at = timezone.now()
    message.last_error = str(error)[:2000]
    message.waiting_for_peer = True
    message.next_attempt_at = message.last_attempt_at + outbox.outage_delay(error)
    message.save(update_fields=["last_attempt_at", "last_error", "waiting_for_peer", "next_attempt_at"])
    outbox.logger.info("%s did not answer; %s waits for it: %s", outbox.name, message, error)


def _attempt_failed(outbox: Outbox, message: models.Model, error: Exception) -> None:
    if not isinstance(error, (outbox.error, UnknownOperation)):
        outbox.logger.exception("%s delivery of %s failed unexpectedly", outbox.name, message)
    message.attempts += 1
    message.last_error = str(error)[:2000]
    message.last_attempt_at = timezone.now()
    message.waiting_for_peer = False
    if isinstance(error, (outbox.rejected, UnknownOperation)) or message.attempts >= outbox.setting("MAX_ATTEMPTS"):
        message.status = OutboxStatus.FAILED
        outbox.logger.error("%s delivery parked as failed: %s: %s", outbox.name, message, error)
    else:
        message.next_attempt_at = message.last_attempt_at + outbox.retry_delay(message.attempts)
    fields = ["attempts", "last_error", "last_attempt_at", "waiting_for_peer", "status", "next_attempt_at"]
    message.save(update_fields=fields)


def due_ids(outbox: Outbox, *, limit: int, **filters) -> Iterable[int]:
    """The ids of due messages (optionally narrowed by `filters`), oldest first."""
    due = outbox.model.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now(), **filters)
    return due.order_by("id").values_list("id", flat=True)[:limit]


def deliver_due(outbox: Outbox, *, limit: int = 200, client=None, stop_at_failure: bool = False, **filters) -> int:
    """Deliver due messages oldest first; returns how many were delivered. The sweep ends when the peer does not
    answer (the rest waits for it, see `resume_if_back`); with `stop_at_failure` also at any other failed attempt.
    Otherwise a failed message is left to its backoff and the sweep goes on with the next."""
    delivered = 0
    for message_id in list(due_ids(outbox, limit=limit, **filters)):
        status = deliver(outbox, message_id, client)
        if status == WAITING or (status == RETRYING and stop_at_failure):
            break
        delivered += status == OutboxStatus.DELIVERED
    return delivered


def resume_if_back(outbox: Outbox, healthy: Callable[[], bool]) -> int:
    """If messages wait for the peer and none of them is due yet, ask the peer's health check; when it answers,
    make them all due now. Returns how many were resumed. The sweep calls it first, so deliveries resume by
    themselves within a sweep of the peer's return."""
    waiting = outbox.model.objects.filter(status=OutboxStatus.PENDING, waiting_for_peer=True)
    if not waiting.exists() or waiting.filter(next_attempt_at__lte=timezone.now()).exists():
        return 0  # nothing waits, or a due message probes the peer anyway
    if not healthy():
        return 0
    return waiting.update(next_attempt_at=timezone.now())


def retry(outbox: Outbox, message: models.Model | None = None) -> int:
    """Staff: give a failed message (or, without one, every failed message) another round of attempts. Returns
    how many were reset; the caller nudges a worker."""
    failed = outbox.model.objects.filter(status=OutboxStatus.FAILED)
    if message is not None:
        failed = failed.filter(pk=message.pk)
    return failed.update(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now())


def discard(outbox: Outbox, message: models.Model) -> int:
    """Staff: give up on a failed message that can never succeed (the change is obsolete, or was made in the
    peer by hand). It is kept, marked discarded, and no longer holds back later messages with its key."""
    return outbox.model.objects.filter(pk=message.pk, status=OutboxStatus.FAILED).update(status=OutboxStatus.DISCARDED)
