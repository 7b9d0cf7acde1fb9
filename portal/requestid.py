"""One id per request, on every log line it causes, in the web process and in the Celery tasks it queues.

The id is the request's X-Request-ID when that is sane (what a proxy or load balancer generates: up to 128
letters, digits, `.`, `_`, `:` or `-`), else a new one; it is returned in the X-Request-ID response header. It lives
in a context variable while the request runs; `RequestIdFilter` (on the log handlers) puts it on each record. A task
queued during the request carries it in a message header (before_task_publish) and the worker sets it for the run
of that task (task_prerun / task_postrun), so the task's log lines carry the same id.
"""

import logging
import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
current_task: ContextVar[tuple[str, str] | None] = ContextVar("current_task", default=None)  # (name, id)


def sane_request_id(value: str | None) -> str | None:
    return value if value and _SANE.fullmatch(value) else None


class RequestIdMiddleware:
    """Outermost but for the metrics: even a redirect or an error page gets an id. The id stays set until the
    request is finished (request_finished), since Django logs 4xx/5xx answers ("Not Found: …") after the
    middleware has returned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        value = sane_request_id(request.headers.get(HEADER)) or uuid.uuid4().hex
        request.request_id = value
        request_id.set(value)
        response = self.get_response(request)
        response[HEADER] = value
        return response


def _on_request_finished(**kwargs) -> None:
    request_id.set(None)  # what the thread logs next, outside a request, has no id


class RequestIdFilter(logging.Filter):
    """Adds `request_id`, `task_name` and `task_id` to every record (None outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):  # an explicit extra={"request_id": …} wins
            record.request_id = request_id.get()
        task = current_task.get()
        record.task_name, record.task_id = task if task else (None, None)
        return True


_task_tokens: dict[str, tuple] = {}


def _on_publish(headers=None, **kwargs) -> None:
    value = request_id.get()
    if value and headers is not None and not headers.get(TASK_HEADER):
        headers[TASK_HEADER] = value


def _on_task_start(task_id=None, task=None, **kwargs) -> None:
    task_request = task.request
    value = sane_request_id(getattr(task_request, TASK_HEADER, None) or (task_request.headers or {}).get(TASK_HEADER))
    if value is None and task_request.is_eager:
        value = request_id.get()  # run inline: the caller's id is already the current one
    _task_tokens[task_id] = (request_id.set(value), current_task.set((task.name, task_id)))


def _on_task_end(task_id=None, **kwargs) -> None:
    tokens = _task_tokens.pop(task_id, None)
    if tokens:
        request_token, task_token = tokens
        try:
            request_id.reset(request_token)
            current_task.reset(task_token)
        except ValueError:  # set in another context (a thread pool): nothing of ours to restore there
            pass


def connect_signals() -> None:
    """Clear the id after each request and carry it into tasks (called from PortalConfig.ready(), in web
    processes and workers alike)."""
    from celery.signals import before_task_publish, task_postrun, task_prerun
    from django.core.signals import request_finished

    request_finished.connect(_on_request_finished, weak=False, dispatch_uid="portal.requestid.finished")

    before_task_publish.connect(_on_publish, weak=False, dispatch_uid="portal.requestid.publish")
    task_prerun.connect(_on_task_start, weak=False, dispatch_uid="portal.requestid.prerun")
    task_postrun.connect(_on_task_end, weak=False, dispatch_uid="portal.requestid.postrun")
