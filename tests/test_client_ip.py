"""One notion of the client's address (#14 F8): rate limits, django-axes' lockouts and the API's throttles all read
partner_area.platform.net.client_ip, so spoofed X-Forwarded-For values never buy an attacker fresh limits."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient, APIRequestFactory

from partner_area.platform.net import axes_client_ip, client_ip
from partner_area.platform.throttles import ClientIpAnonThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def test_without_a_proxy_spoofed_forwarded_for_values_share_one_login_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0  # gunicorn reached directly, as in compose.yaml
    settings.RATELIMIT_LOGIN = "3/10m"
    answers = [
        client.post(
            "/en/partner/account/login/", {"username": f"nobody{n}@example.com", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(6)
    ]  # fmt: skip
    assert answers[:3] == [200, 200, 200] and set(answers[3:]) == {429}


@pytest.mark.parametrize(("proxies", "expected"), [(0, "192.0.2.1"), (1, "203.0.113.7"), (2, "198.51.100.66")])
def test_lockouts_and_api_throttles_count_the_same_client_as_the_rate_limits(settings, proxies, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = APIRequestFactory().get(
        "/api/v1/me", HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.7", REMOTE_ADDR="192.0.2.1"
    )
    assert client_ip(request) == axes_client_ip(request) == ClientIpAnonThrottle().get_ident(request) == expected


@pytest.mark.parametrize(
    ("proxies", "meta"),
    [
        (0, {"REMOTE_ADDR": ""}),  # gunicorn on a unix socket
        (1, {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "not-an-address"}),  # a proxy passing junk
    ],
)
def test_an_unknown_client_address_is_empty_and_rate_limited_posts_still_answer(client, settings, proxies, meta):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = APIRequestFactory().get("/api/v1/me", **meta)
    assert client_ip(request) == ""
    # Found by schemathesis (tests/test_api_fuzz.py): django-ratelimit's "ip" key raised on "", a 500 on every
    # rate-limited POST; unknown clients now share one bucket.
    response = client.post("/api/v1/auth/token", {"username": "nobody@example.com", "password": "x"}, **meta)
    assert response.status_code == 400


def test_with_production_proxy_settings_spoofed_left_hand_values_share_one_anonymous_api_limit(settings, monkeypatch):
    # Production's proxy settings (portal/settings/production.py): one proxy in front, which appends the address
    # it saw to whatever X-Forwarded-For the client sent.
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    monkeypatch.setattr(ClientIpAnonThrottle, "rate", "2/hour", raising=False)  # THROTTLE_RATES is read at import
    api = APIClient()

    def anonymous_read(forwarded_for: str) -> int:
        # The headless CMS API is open to anonymous visitors, so the anonymous throttle is what limits it.
        return api.get("/api/cms/v2/pages/", HTTP_X_FORWARDED_FOR=forwarded_for, REMOTE_ADDR="10.0.0.2").status_code

    answers = [anonymous_read(f"198.51.100.{n}, 203.0.113.7") for n in range(4)]
    assert answers == [200, 200, 429, 429]
    assert anonymous_read("198.51.100.1, 203.0.113.8") == 200  # another client behind the same proxy
