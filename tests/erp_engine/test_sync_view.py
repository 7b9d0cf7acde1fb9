"""The staff ERP sync page says whether an ERP is configured, and how to configure one, like the Zendesk page."""

import html
import re

import pytest

from tests.erp_engine.fake import STATE, FakeErp
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

URL = "/admin/erp-sync/"


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_without_an_erp_the_sync_page_says_so_and_how_to_configure_one(client, settings):
    settings.ERP_BACKEND = "partner_area.platform.ports.erp.NoErpGateway"
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
    settings.ERP_BACKEND = "partner_area.platform.ports.erp.NoErpGateway"
    staff = StaffFactory()
    client.force_login(staff)
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(staff)
    profile.preferred_language = "lv"
    profile.save()
    assert client.get(URL).status_code == 200


def _parked(count: int) -> None:
    from django.utils import timezone

    from integrations.erp.models import OutboxMessage
    from partner_area.platform.outbox import OutboxStatus
    from tests.factories import CompanyFactory

    for _ in range(count):
        company = CompanyFactory()
        OutboxMessage.objects.create(
            operation="company.update",
            entity_type="company",
            entity_id=str(company.pk),
            status=OutboxStatus.FAILED,
            attempts=8,
            last_error="refused",
            next_attempt_at=timezone.now(),
        )


def test_the_sync_page_costs_the_same_queries_with_3_or_30_parked_deliveries(client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.ERP_BACKEND = "tests.erp_engine.fake.FakeErpGateway"
    STATE["erp"] = FakeErp()
    client.force_login(StaffFactory())
    counts = []
    for batch in (3, 27):
        _parked(batch)
        with CaptureQueriesContext(connection) as queries:
            page = text(client.get(URL))
        counts.append(len(queries))
    assert f"Parked: {3 + 27}" in page and page.count("Send the company's contact details") == 30
    assert counts[0] == counts[1] <= 25


def test_staff_mark_a_conflict_reviewed_once_and_it_leaves_the_open_list(client, settings):
    from integrations.erp.models import SyncConflict
    from partner_area.platform.audit.models import AuditLogEntry

    settings.ERP_BACKEND = "partner_area.platform.ports.erp.NoErpGateway"
    conflict = SyncConflict.objects.create(
        entity="companies", object_id="7", object_repr="Both Sides SIA", field="phone",
        portal_value="+37120000001", erp_value="+37120000002", applied="portal",
    )  # fmt: skip
    staff = StaffFactory()
    client.force_login(staff)
    assert "Both Sides SIA" in text(client.get(URL))

    page = text(client.post(URL, {"resolve": str(conflict.pk)}, follow=True))

    assert "The conflict is marked as reviewed." in page and "Both Sides SIA" not in page
    conflict.refresh_from_db()
    assert conflict.resolved_at is not None
    entry = AuditLogEntry.objects.get(action="erp.conflict_reviewed")
    assert (entry.actor, entry.details) == (staff, {"field": "phone"})
    assert client.post(URL, {"resolve": str(conflict.pk)}).status_code == 404  # reviewed: no longer open
    assert AuditLogEntry.objects.filter(action="erp.conflict_reviewed").count() == 1
