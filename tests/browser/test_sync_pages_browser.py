"""An operator on the ERP sync page, on a desk and on a phone: a parked delivery named after its company, retried
or discarded after a confirmation, and a delivery waiting for a down ERP with its next attempt."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from integrations.erp.models import OutboxMessage
from partner_area.platform.outbox import OutboxStatus
from tests.erp_engine.fake import STATE, FakeErp
from tests.factories import PASSWORD, CompanyFactory, StaffFactory

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _message(company, **fields):
    return OutboxMessage.objects.create(
        operation="company.update", entity_type="company", entity_id=str(company.pk), **fields
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_an_operator_discards_a_parked_delivery_after_confirming(site, browser, settings, width):
    settings.ERP_BACKEND = "tests.erp_engine.fake.FakeErpGateway"
    STATE["erp"] = erp = FakeErp()
    erp.up = False  # the page asks it live: "did not answer"
    parked_company, waiting_company = (
        CompanyFactory(legal_name="Parked Partner SIA"),
        CompanyFactory(legal_name="Waits SIA"),
    )
    parked = _message(
        parked_company,
        status=OutboxStatus.FAILED,
        attempts=8,
        last_error="Tryton refused: party 17 does not exist",
        last_attempt_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )
    _message(
        waiting_company,
        waiting_for_peer=True,
        last_error="connection refused",
        last_attempt_at=timezone.now(),
        next_attempt_at=timezone.now() + timedelta(seconds=45),
    )
    staff = StaffFactory()
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{site}/admin/login/")
    page.get_by_label(re.compile("Email|E-mail", re.I)).fill(staff.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Log in", re.I)).click()
    page.goto(f"{site}/admin/erp-sync/")
    expect(page.get_by_text("The ERP did not answer just now.", exact=False)).to_be_visible()
    expect(page.get_by_role("link", name="Parked Partner SIA")).to_be_visible()
    expect(page.get_by_role("link", name="Waits SIA")).to_be_visible()
    screenshot(page, f"erp-sync-{width}")

    page.get_by_role("link", name="Discard…").click()
    expect(page.get_by_role("heading", name="Discard this delivery?")).to_be_visible()
    screenshot(page, f"erp-sync-discard-{width}")
    page.get_by_role("button", name="Discard the delivery").click()
    expect(page.get_by_text("The delivery was discarded; it will not be sent.")).to_be_visible()
    page.close()
    parked.refresh_from_db()
    assert parked.status == OutboxStatus.DISCARDED
