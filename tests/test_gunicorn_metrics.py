"""gunicorn as the image runs it (portal/gunicorn_conf.py, two workers): /metrics counts the requests every worker
answered, not only its own, and starts from zero each time gunicorn starts."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthz_total(body: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name == "django_http_responses_total_by_status_view_method_total"
        and sample.labels.get("view") == "healthz"
    )


def _serve(port: int, metrics_dir: Path, settings_dict: dict) -> subprocess.Popen:
    database = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "TEST_DATABASE_URL": database,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "-c", "python:portal.gunicorn_conf", "portal.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            # Probe /metrics, not /healthz: a probe that times out on a loaded machine and is answered later must
            # not change the count the test asserts.
            requests.get(f"http://127.0.0.1:{port}/metrics", timeout=15)
            return process
        except requests.RequestException:
            time.sleep(0.2)
    process.terminate()
    raise AssertionError("gunicorn did not start")


def test_metrics_sum_every_workers_requests_and_start_from_zero(tmp_path):
    from django.db import connection

    port = _free_port()
    (tmp_path / "counter_999.db").write_bytes(b"stale")  # left by an earlier run: must not be read
    process = _serve(port, tmp_path, connection.settings_dict)
    try:
        session = requests.Session()
        session.headers["Connection"] = "close"  # a new connection each time: both workers answer some
        for _ in range(40):
            assert session.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200
        totals = {_healthz_total(session.get(f"http://127.0.0.1:{port}/metrics", timeout=30).text) for _ in range(6)}
    finally:
        process.terminate()
        process.wait(timeout=30)
    # Whichever worker answers the scrape, it reports all the requests, not only its own.
    assert totals == {40.0}
