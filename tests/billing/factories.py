from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from partner_area.billing.models import ErpInvoiceState, Invoice, InvoiceLine
from tests.organizations.factories import CompanyFactory, TenantModelFactory


class InvoiceFactory(TenantModelFactory):
    """A posted, unpaid invoice issued today and due in 30 days."""

    class Meta:
        model = Invoice

    company = factory.SubFactory(CompanyFactory)
    erp_id = factory.Sequence(lambda n: f"inv-{n}")
    number = factory.Sequence(lambda n: f"INV-{n:05d}")
    invoice_date = factory.LazyFunction(timezone.localdate)
    due_date = factory.LazyAttribute(lambda invoice: invoice.invoice_date + timedelta(days=30))
    currency = "EUR"
    total = Decimal("100.00")
    balance = factory.LazyAttribute(lambda invoice: invoice.total)
    erp_state = ErpInvoiceState.POSTED


class InvoiceLineFactory(TenantModelFactory):
    class Meta:
        model = InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory)
    position = factory.Sequence(lambda n: n)
    description = factory.Sequence(lambda n: f"Brello 360 licence, seat {n}")
    quantity = Decimal("1")
    unit_price = Decimal("100.00")
    amount = Decimal("100.00")
