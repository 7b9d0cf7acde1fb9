"""The Celery app. Broker and result backend come from Django settings (CELERY_*)."""

import os

from celery import Celery

# A worker or beat runs production unless told otherwise (`make worker` and the tests say which).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="portal.ping")
def ping() -> str:
    """Answer 'pong': lets health checks and tests prove a worker is consuming."""
    return "pong"
