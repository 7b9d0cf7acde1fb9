"""The portal's WSGI application for bench/http.py, with a bare `HttpResponse` view at /bench/bare when (and only
when) BENCH_BARE_VIEW=1: the same process, settings and middleware, so its rate is the limit the pages are
measured against. Never imported by the portal itself.

    BENCH_BARE_VIEW=1 gunicorn --chdir <checkout> --pythonpath <this directory> http_wsgi:application
"""

import os

from django.http import HttpResponse
from django.urls import path

BARE_PATH = "bench/bare"


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


def mount_bare_view(urlpatterns: list, environ=os.environ) -> bool:
    """Put the bare view first in `urlpatterns` if BENCH_BARE_VIEW=1; say whether it did."""
    if environ.get("BENCH_BARE_VIEW") != "1":
        return False
    urlpatterns.insert(0, path(BARE_PATH, bare, name="bench-bare"))
    return True


def _application():
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    wsgi = get_wsgi_application()  # sets Django up
    from importlib import import_module

    mount_bare_view(import_module(settings.ROOT_URLCONF).urlpatterns)
    return wsgi


if os.environ.get("DJANGO_SETTINGS_MODULE"):
    application = _application()
