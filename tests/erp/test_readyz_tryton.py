"""/readyz lists the ERP's health apart from the portal's own: Tryton stopped leaves the portal ready."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def test_readyz_reports_tryton_down_without_making_the_portal_unready(client, tryton):
    cache.delete("readyz-peers")
    up = client.get("/readyz")
    assert (up.status_code, up.json()["peers"]["erp"]) == (200, "ok")
    tryton.stop()
    cache.delete("readyz-peers")
    down = client.get("/readyz")
    assert down.status_code == 200 and down.json()["status"] == "ok"
    assert down.json()["peers"]["erp"] == "unavailable"
    tryton.start()


def test_without_an_erp_configured_readyz_says_so(client, settings):
    settings.ERP_BACKEND = "partner_area.platform.ports.erp.NoErpGateway"
    cache.delete("readyz-peers")
    assert client.get("/readyz").json()["peers"]["erp"] == "not configured"
