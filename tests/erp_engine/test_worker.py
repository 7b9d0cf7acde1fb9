"""A real Celery worker, fed through Redis, delivers the outbox and runs a pull."""

from datetime import date
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker

from integrations.erp.models import OutboxMessage
from integrations.erp.tasks import erp_deliver_outbox, erp_pull
from partner_area.billing.models import Invoice
from partner_area.companies.models import CompanyStatus
from partner_area.companies.services import company_approve
from portal.celery import app
from tests.factories import CompanyFactory, StaffFactory

from .fake import STATE, FakeErp

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("worker")]


@pytest.fixture
def worker(transactional_db, settings):
    settings.ERP_BACKEND = "tests.erp_engine.fake.FakeErpGateway"
    settings.ERP_PULL_OVERLAP_SECONDS = 0
    settings.ERP_OUTBOX_BACKOFF_SECONDS = settings.ERP_OUTBOX_BACKOFF_CAP_SECONDS = 0
    STATE["erp"] = FakeErp()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield STATE["erp"]
    finally:
        app.conf.task_always_eager = eager


def test_worker_delivers_the_outbox_and_pulls_invoices(worker):
    erp = worker
    erp.up = False  # approval must not wait for the ERP: the worker delivers later
    company = CompanyFactory(status=CompanyStatus.PENDING_REVIEW)
    company_approve(company=company, by=StaffFactory())
    erp.up = True
    # The approval's commit already nudged the worker (while the ERP was down); sweep until delivered.
    for _ in range(10):
        erp_deliver_outbox.delay().get(timeout=30)
        if OutboxMessage.objects.get().status == "delivered":
            break
    company.refresh_from_db()
    assert company.erp_id and OutboxMessage.objects.get().status == "delivered"

    erp.put_invoice(
        company_erp_id=company.erp_id, number="W-1", invoice_date=date(2026, 11, 2), due_date=date(2026, 12, 2),
        currency="EUR", total=Decimal("50.00"), amount_to_pay=Decimal("50.00"), state="posted",
    )  # fmt: skip
    assert erp_pull.delay("invoices").get(timeout=30) == 1
    assert Invoice.objects.for_company(company).get().number == "W-1"
