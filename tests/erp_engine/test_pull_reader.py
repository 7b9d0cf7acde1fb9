"""The pull's reader, in a forked process (the default) or a thread: every page applied once, in order; an error on a
page keeps what was applied before it, and the next pull resumes after it."""

import time

import pytest

from integrations.erp import pull
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


@pytest.mark.parametrize("reader", READERS)
def test_the_next_entitys_first_page_is_read_while_the_last_page_of_the_one_before_is_applied(
    erp, company, settings, monkeypatch, tmp_path, reader
):
    """One reader for a whole pull: the ERP is asked for the contacts while the companies' last page is still being
    applied (the reader may be another process, so it leaves a file behind when it asks)."""
    settings.ERP_PULL_READER = reader
    erp.put_invoice(**invoice_fields(company.erp_id))
    asked = tmp_path / "contacts-asked"
    original_read = FakeErpGateway.contacts_changed

    def contacts_changed(self, since, limit):
        asked.touch()
        return original_read(self, since, limit)

    monkeypatch.setattr(FakeErpGateway, "contacts_changed", contacts_changed)
    seen_while_applying = []
    method, apply_companies = pull.SOURCES["companies"]

    def slow_apply(records):
        deadline = time.monotonic() + 5
        while not asked.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        seen_while_applying.append(asked.exists())
        return apply_companies(records)

    monkeypatch.setitem(pull.SOURCES, "companies", (method, slow_apply))
    applied = pull.pull_all()
    assert seen_while_applying == [True]
    assert applied["companies"] == 1 and applied["invoices"] == 1
    assert Invoice.objects.for_company(company).count() == 1


@pytest.mark.parametrize("reader", READERS)
def test_an_erp_failure_on_the_next_entity_keeps_the_entity_before_it_done_and_names_the_failing_one(
    erp, company, settings, monkeypatch, reader
):
    settings.ERP_PULL_READER = reader
    erp.put_invoice(**invoice_fields(company.erp_id))
    done = []
    with monkeypatch.context() as patch:
        failing_from_call(patch, 1, ErpUnavailable("connection refused"))
        with pytest.raises(ErpUnavailable, match="connection refused"):
            done.extend(pull.pull_entities(["companies", "invoices", "clients"]))
    assert done == [("companies", 1)]
    cursors = {row.entity: row for row in SyncCursor.objects.all()}
    assert cursors["companies"].last_error == "" and cursors["companies"].last_success_at is not None
    assert "connection refused" in cursors["invoices"].last_error and cursors["invoices"].last_success_at is None
    assert cursors["clients"].last_success_at is None
    assert Invoice.objects.for_company(company).count() == 0

    assert dict(pull.pull_entities(["companies", "invoices"])) == {"companies": 0, "invoices": 1}


def test_the_erp_is_asked_for_a_small_first_page_so_applying_starts_sooner_then_for_full_pages(
    erp, company, settings, monkeypatch
):
    settings.ERP_PULL_READER = "thread"
    for n in range(700):
        erp.put_invoice(**invoice_fields(company.erp_id, number=f"INV-{n}"))
    limits = []
    original = FakeErpGateway.invoices_changed

    def invoices_changed(self, since, limit):
        limits.append(limit)
        return original(self, since, limit)

    monkeypatch.setattr(FakeErpGateway, "invoices_changed", invoices_changed)
    assert pull_entity("invoices", page_size=500) == 700
    assert limits == [100, 500, 500]
    assert Invoice.objects.for_company(company).count() == 700
