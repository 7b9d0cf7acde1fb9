"""bench/http_wsgi.py's bare view exists only in the benchmark's gunicorn (BENCH_BARE_VIEW=1), never in the portal."""

import importlib.util
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

pytestmark = pytest.mark.django_db

WSGI = Path(__file__).resolve().parent.parent / "bench" / "http_wsgi.py"


def bench_wsgi():
    spec = importlib.util.spec_from_file_location("bench_http_wsgi", WSGI)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # builds the application as gunicorn would, without BENCH_BARE_VIEW
    return module


def test_the_portal_has_no_bare_view(client, monkeypatch):
    monkeypatch.delenv("BENCH_BARE_VIEW", raising=False)
    bench_wsgi()
    assert client.get("/bench/bare", follow=True).status_code == 404  # via the language redirect
    with pytest.raises(Resolver404):
        resolve("/bench/bare")


def test_the_bare_view_is_mounted_only_when_asked_for():
    module = bench_wsgi()
    patterns = []
    assert module.mount_bare_view(patterns, {}) is False and patterns == []
    assert module.mount_bare_view(patterns, {"BENCH_BARE_VIEW": "0"}) is False and patterns == []
    assert module.mount_bare_view(patterns, {"BENCH_BARE_VIEW": "1"}) is True
    assert patterns[0].resolve("bench/bare").func(None).content == b"ok"
