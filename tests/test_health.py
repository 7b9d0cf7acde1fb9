import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"


def test_healthz_answers_while_the_process_lives(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_each_dependency(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok"}


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": CLOSED_PORT_REDIS}})  # fmt: skip
def test_readyz_names_the_cache_when_it_is_down(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]
    assert response.json()["checks"]["database"] == "ok"


@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
def test_readyz_checks_the_broker_when_tasks_run_in_workers(client, settings):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "ok"


@override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=CLOSED_PORT_REDIS)
def test_readyz_names_the_broker_when_it_is_down(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


def test_readyz_is_never_cached(client):
    assert "no-cache" in client.get("/readyz")["Cache-Control"]
