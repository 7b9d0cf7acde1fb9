"""The pull's reader, in a forked process (the default) or a thread: every page applied once, in order; an error on a
page keeps what was applied before it, and the next pull resumes after it."""

import pytest

from integrations.erp.models import SyncCursor
from integrations.erp.outbox import outbox_deliver_due
from integrations.erp.pull import pull_entity
from integrations.erp.tryton.client import TrytonWarning
from partner_area.billing.models import Invoice
from partner_area.companies.models import CompanyStatus
from partner_area.companies.services import company_approve
from partner_area.platform.ports.erp import ErpError, ErpUnavailable
from tests.factories import CompanyFactory, StaffFactory

from .fake import STATE, FakeErp, FakeErpGateway
from .test_sync_engine import invoice_fields

pytestmark = pytest.mark.django_db

READERS = ["process", "thread"]


@pytest.fixture(autouse=True)
def erp(settings):
    settings.ERP_BACKEND = "tests.erp_engine.fake.FakeErpGateway"
    settings.ERP_OUTBOX_BACKOFF_SECONDS = settings.ERP_OUTBOX_BACKOFF_CAP_SECONDS = 0
    settings.ERP_PULL_OVERLAP_SECONDS = 0
    STATE["erp"] = FakeErp()
    return STATE["erp"]


@pytest.fixture
def company(erp):
    company = CompanyFactory(status=CompanyStatus.PENDING_REVIEW)
    company_approve(company=company, by=StaffFactory())
    outbox_deliver_due()
    company.refresh_from_db()
    return company


def failing_from_call(monkeypatch, call: int, error: Exception) -> None:
    """invoices_changed answers normally until its `call`-th call in a pull, which raises `error`."""
    original = FakeErpGateway.invoices_changed
    calls = []

    def invoices_changed(self, since, limit):
        calls.append(since)
        if len(calls) >= call:
            raise error
        return original(self, since, limit)

    monkeypatch.setattr(FakeErpGateway, "invoices_changed", invoices_changed)


@pytest.mark.parametrize("reader", READERS)
def test_every_page_is_applied_once_and_the_next_pull_reads_only_what_is_new(erp, company, settings, reader):
    settings.ERP_PULL_READER = reader
    for n in range(7):
        erp.put_invoice(**invoice_fields(company.erp_id, number=f"INV-{n}"))
    assert pull_entity("invoices", page_size=2) == 7
    assert sorted(Invoice.objects.for_company(company).values_list("number", flat=True)) == [
        f"INV-{n}" for n in range(7)
    ]
    assert pull_entity("invoices", page_size=2) == 0
    erp.put_invoice(**invoice_fields(company.erp_id, number="INV-NEW"))
    assert pull_entity("invoices", page_size=2) == 1


@pytest.mark.parametrize("reader", READERS)
def test_an_erp_failure_on_a_later_page_keeps_the_pages_before_and_the_next_pull_resumes_after_them(
    erp, company, settings, monkeypatch, reader
):
    settings.ERP_PULL_READER = reader
    for n in range(5):
        erp.put_invoice(**invoice_fields(company.erp_id, number=f"INV-{n}"))
    with monkeypatch.context() as patch:
        failing_from_call(patch, 2, ErpUnavailable("connection refused"))
        with pytest.raises(ErpUnavailable, match="connection refused"):
            pull_entity("invoices", page_size=2)
    assert Invoice.objects.for_company(company).count() == 2
    cursor = SyncCursor.objects.get(entity="invoices")
    assert "connection refused" in cursor.last_error and cursor.records_applied == 2

    assert pull_entity("invoices", page_size=2) == 3
    assert Invoice.objects.for_company(company).count() == 5
    assert SyncCursor.objects.get(entity="invoices").last_error == ""


def test_an_error_that_cannot_cross_from_the_reader_process_arrives_as_an_erp_error_naming_it(
    erp, company, settings, monkeypatch
):
    settings.ERP_PULL_READER = "process"
    erp.put_invoice(**invoice_fields(company.erp_id))
    failing_from_call(monkeypatch, 1, TrytonWarning("A payment date is in the past.", name="warning_1"))
    with pytest.raises(ErpError, match="TrytonWarning: A payment date is in the past."):
        pull_entity("invoices")
    assert "A payment date is in the past." in SyncCursor.objects.get(entity="invoices").last_error
    assert Invoice.objects.for_company(company).count() == 0
