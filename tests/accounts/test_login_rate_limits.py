"""API logins are rate limited per account, not in one bucket shared by every API client."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_json_api_logins_are_counted_per_account_not_in_one_shared_bucket(two_partners, settings):
    from tests.factories import PASSWORD

    settings.RATELIMIT_LOGIN = "2/h"
    first, second = two_partners["mine"]["admin"].user, two_partners["theirs"]["admin"].user
    api = Client()

    def login(user, ip):
        return api.post(
            "/api/v1/auth/token",
            {"username": user.email, "password": PASSWORD},
            content_type="application/json",
            REMOTE_ADDR=ip,
        )

    assert login(first, "10.0.0.1").status_code == 200
    assert login(first, "10.0.0.2").status_code == 200
    # The same account from a third address is over its limit; another account is not.
    assert login(first, "10.0.0.3").status_code == 429
    assert login(second, "10.0.0.4").status_code == 200
