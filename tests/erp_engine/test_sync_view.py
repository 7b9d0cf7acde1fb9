"""The staff ERP sync page says whether an ERP is configured, and how to configure one, like the Zendesk page."""

import re

import pytest

from tests.erp_engine.fake import STATE, FakeErp
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

URL = "/admin/erp-sync/"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_without_an_erp_the_sync_page_says_so_and_how_to_configure_one(client, settings):
    settings.ERP_BACKEND = "integrations.erp.gateway.NoErpGateway"
    client.force_login(StaffFactory())
    page = text(client.get(URL))
    assert "No ERP is configured" in page
    assert "ERP_BACKEND" in page and "ERP_TRYTON_URL" in page and "ERP_TRYTON_PASSWORD" in page
    assert "“ERP integration” in the README" in page
    assert "An ERP is configured" not in page


def test_with_an_erp_the_sync_page_does_not_ask_to_configure_one(client, settings):
    settings.ERP_BACKEND = "tests.erp_engine.fake.FakeErpGateway"
    STATE["erp"] = FakeErp()
    client.force_login(StaffFactory())
    page = text(client.get(URL))
    assert "An ERP is configured" in page and "No ERP is configured" not in page
    assert "Pulls from the ERP" in page


def test_the_latvian_sync_page_renders(client, settings):
    settings.ERP_BACKEND = "integrations.erp.gateway.NoErpGateway"
    staff = StaffFactory()
    client.force_login(staff)
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(staff)
    profile.preferred_language = "lv"
    profile.save()
    assert client.get(URL).status_code == 200
