"""gunicorn hooks for the image (Dockerfile: `gunicorn -c python:portal.gunicorn_conf …`).

With PROMETHEUS_MULTIPROC_DIR set (by default here, for gunicorn only: a Celery worker or a management command
of the same image has no directory to write to), every worker writes its request metrics to files in that
directory and /metrics sums them (portal/metrics_endpoint.py). The directory must start empty, or the figures of
an earlier run would be added in; and a worker that exits must have its live gauges dropped."""

import os
from pathlib import Path

# Read by prometheus-client when a worker imports it; the master sets it before any worker starts.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/prometheus-metrics")  # noqa: S108 - per-container scratch


def on_starting(server) -> None:
    if directory := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
