"""`make erp`'s demo data (integrations/erp/tryton/demo.py) against a real trytond 8.2: what the portal shows after
`make run` pulls it."""

from io import StringIO

import pytest
from django.core.management import call_command

from integrations.erp.outbox import outbox_deliver_due
from integrations.erp.tryton import demo
from partner_area.billing.models import Invoice, InvoiceStatus
from partner_area.companies.models import Company

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_invoice_in_every_state_and_the_pull_shows_the_cancelled_one_as_cancelled(
    tryton, quick_retries, settings
):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    demo.seed(tryton)
    call_command("seed_demo", stdout=StringIO())
    outbox_deliver_due()  # links the approved demo companies to their parties (a worker does it on commit)
    call_command("erp_pull", stdout=StringIO())

    rigadata = Company.objects.get(registration_number="40003000003")
    invoices = list(Invoice.unscoped.filter(company=rigadata))
    cancelled = [invoice for invoice in invoices if invoice.status == InvoiceStatus.CANCELLED]
    assert len(cancelled) == 1
    assert str(cancelled[0].total) == "459.80"  # 380.00 + 21 % VAT
    assert {invoice.status for invoice in Invoice.unscoped.all()} >= {
        InvoiceStatus.CANCELLED,
        InvoiceStatus.PAID,
        InvoiceStatus.OVERDUE,
        InvoiceStatus.UNPAID,
    }
