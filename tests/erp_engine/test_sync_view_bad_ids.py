"""The staff ERP sync page answers 404 for ids that are not ids, and 400 when nothing is asked."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_erp_sync_retry_or_resolve_with_a_bad_id_is_404_not_500(client):
    staff = StaffFactory()
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_outboxmessage", "change_outboxmessage"])
    )
    client.force_login(staff)
    for data in ({"retry": "abc"}, {"resolve": "1 OR 1=1"}, {"discard": "abc"}, {"discard": "99999"}):
        assert client.post(reverse("erp_sync"), data).status_code == 404
    assert client.get(reverse("erp_sync") + "?discard=abc").status_code == 404
    assert client.post(reverse("erp_sync"), {}).status_code == 400  # nothing asked: nothing done
