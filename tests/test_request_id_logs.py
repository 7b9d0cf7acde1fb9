"""Request ids on responses and log lines, carried into Celery tasks; JSON logs in production; optional Sentry."""

import io
import json
import logging
import os
import subprocess
import sys
import time
from logging.config import DictConfigurator
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

from portal.celery import app
from portal.requestid import RequestIdFilter

from .test_settings import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parent.parent
task_logger = logging.getLogger("tests.request_id.task")


@pytest.fixture
def json_log():
    """The root logger's records as the production formatter writes them, with the request-id filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(DictConfigurator({}).configure_formatter(dict(settings.LOGGING["formatters"]["json"])))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    # An in-process Celery worker started earlier in this process (start_worker's loglevel "error") leaves the
    # root logger at ERROR; these tests read warnings.
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@app.task(name="tests.request_id.log_something")
def log_something(note: str) -> str:
    task_logger.warning("task says %s", note)
    return note


def queue_a_task(request):
    logging.getLogger("tests.request_id.view").warning("view queues a task")
    log_something.delay("hello")
    return HttpResponse("queued")


urlpatterns = [path("queue-a-task", queue_a_task)]


@pytest.fixture
def urlconf(settings):
    """pytest-django's settings fixture, to point ROOT_URLCONF at this module."""
    return settings


def test_every_answer_carries_a_request_id(client, db):
    first, second = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_sane_incoming_request_id_is_kept_and_an_odd_one_replaced(client, db):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-4f1c.77:a_b-c")["X-Request-ID"] == "lb-4f1c.77:a_b-c"
    for odd in ("with space", "x" * 129, "line\nbreak", "<script>", "-leading-dash"):
        returned = client.get("/healthz", HTTP_X_REQUEST_ID=odd)["X-Request-ID"]
        assert returned != odd and len(returned) == 32


def test_log_lines_of_a_request_carry_its_id(client, db, json_log):
    response = client.get("/api/v1/no-such-thing", HTTP_X_REQUEST_ID="req-404-probe")
    assert response.status_code == 404
    (not_found,) = [r for r in json_log() if r["logger"] == "django.request"]
    assert not_found["request_id"] == "req-404-probe" and "Not Found" in not_found["message"]
    logging.getLogger("tests.request_id").warning("after the request")
    assert json_log()[-1]["request_id"] is None


def test_an_inline_task_logs_with_the_id_of_the_request_that_queued_it(client, db, json_log, urlconf):
    urlconf.ROOT_URLCONF = __name__
    assert client.get("/queue-a-task", HTTP_X_REQUEST_ID="req-inline-1").status_code == 200
    (line,) = [r for r in json_log() if r["logger"] == task_logger.name]
    assert line["request_id"] == "req-inline-1" and line["task_name"] == "tests.request_id.log_something"


@pytest.fixture
def worker(transactional_db):
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = eager


@pytest.mark.integration
@pytest.mark.xdist_group("worker")
def test_a_task_run_by_a_worker_logs_with_the_id_of_the_request_that_queued_it(worker, client, json_log, urlconf):
    urlconf.ROOT_URLCONF = __name__
    response = client.get("/queue-a-task", HTTP_X_REQUEST_ID="req-through-redis")
    assert response["X-Request-ID"] == "req-through-redis"
    deadline = time.monotonic() + 30
    while not (lines := [r for r in json_log() if r["logger"] == task_logger.name]) and time.monotonic() < deadline:
        time.sleep(0.1)
    (line,) = lines
    assert line["request_id"] == "req-through-redis"  # the worker runs in its own thread: it came in the header
    assert line["task_name"] == "tests.request_id.log_something" and line["task_id"]
    view_line = next(r for r in json_log() if r["logger"] == "tests.request_id.view")
    assert view_line["task_id"] is None and view_line["request_id"] == "req-through-redis"


PROBE = """
import logging
import django
django.setup()
from django.http import HttpResponse
from django.core.signals import request_finished
from django.test import RequestFactory
from portal.requestid import RequestIdMiddleware

def view(request):
    log = logging.getLogger("portal.probe")
    log.info("inside the %s", "request", extra={"company_id": 7})
    try:
        1 / 0
    except ZeroDivisionError:
        log.exception("it failed")
    return HttpResponse()

print(RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="probe-123"))["X-Request-ID"])
request_finished.send(sender=None)  # as the WSGI handler does once the answer is sent
logging.getLogger("portal.probe").warning("outside a request")
"""


def _python(code: str, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and not k.startswith("PYTEST")}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "PYTHONWARNINGS": "ignore", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_logs_are_one_json_object_a_line_with_the_request_id():
    result = _python(PROBE, PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "probe-123"
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    inside, failed, outside = (line for line in lines if line["logger"] == "portal.probe")
    assert inside["message"] == "inside the request" and inside["level"] == "INFO"
    assert inside["request_id"] == "probe-123" and inside["company_id"] == 7 and inside["timestamp"]
    assert failed["level"] == "ERROR" and "ZeroDivisionError" in failed["exc_info"]
    assert failed["request_id"] == "probe-123"
    assert outside["request_id"] is None


def test_log_format_can_be_plain_in_production_and_is_refused_when_unknown():
    plain = _python(PROBE, {**PRODUCTION_ENV, "LOG_FORMAT": "plain"})
    assert plain.returncode == 0 and "[probe-123] inside the request" in plain.stderr
    unknown = _python(PROBE, {**PRODUCTION_ENV, "LOG_FORMAT": "xml"})
    assert unknown.returncode != 0 and "LOG_FORMAT must be one of plain, json" in unknown.stderr


SENTRY_PROBE = """
import django
django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
print(client.is_active(), client.options["send_default_pii"] if client.is_active() else None,
      " ".join(sorted(name for name in ("django", "celery") if client.get_integration(name))))
"""


def test_sentry_is_off_without_a_dsn():
    result = _python(SENTRY_PROBE, {"DJANGO_SETTINGS_MODULE": "portal.settings.test"})
    assert result.stdout.split() == ["False", "None"], result.stderr


def test_sentry_starts_with_django_and_celery_and_no_personal_data_when_a_dsn_is_set():
    # A loopback DSN: nothing is captured, so nothing is sent.
    env = {"DJANGO_SETTINGS_MODULE": "portal.settings.test", "SENTRY_DSN": "http://public@127.0.0.1:9/1"}
    result = _python(SENTRY_PROBE, env)
    assert result.stdout.split() == ["True", "False", "celery", "django"], result.stderr
