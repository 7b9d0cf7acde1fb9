"""A real Celery worker consumes tasks from Redis."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from portal.celery import app, ping

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def celery_worker_process():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--concurrency=1",
         "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "warning",
         "-Q", f"ping-{os.getpid()}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield worker
    worker.terminate()
    worker.wait(timeout=20)


@pytest.mark.integration
def test_a_real_worker_runs_a_task_sent_through_redis(celery_worker_process):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        result = ping.apply_async(queue=f"ping-{os.getpid()}")
        assert result.get(timeout=60) == "pong"
    finally:
        app.conf.task_always_eager = eager
