"""A Redis restart never fails a page: the cache answers a miss while Redis is away (portal/cache.py)."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

REDIS_DOWN = {"default": {"BACKEND": "portal.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}


@override_settings(CACHES=REDIS_DOWN)
def test_pages_answer_while_redis_is_down(client):
    for path in ("/en/partner/account/login/", "/en/partner/register/"):
        assert client.get(path).status_code == 200


@override_settings(CACHES=REDIS_DOWN)
def test_logins_are_refused_as_over_the_limit_while_redis_cannot_count_them(client):
    response = client.post(
        "/en/partner/account/login/", {"username": "someone@example.lv", "password": "a-guess-at-it"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(CACHES=REDIS_DOWN)
def test_readyz_still_names_the_cache_while_redis_is_down(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]
