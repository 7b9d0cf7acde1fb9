"""Demo invoices in every status (with their lines) for the active demo partners. Only for installations without
an ERP, where nothing else would fill the invoice list. Idempotent: running it again refreshes the same rows."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from partner_area.companies.models import Company
from partner_area.companies.seed import COMPANIES
from partner_area.platform.ports.erp import erp_is_configured

from .models import ErpInvoiceState, Invoice, InvoiceLine

CENT = Decimal("0.01")


# (number suffix, days since issue, payment days, total, share still to pay, ERP state, currency)
INVOICES = [
    ("01", 150, 30, "2480.00", "0", ErpInvoiceState.PAID, "EUR"),
    ("02", 120, 30, "1975.50", "0", ErpInvoiceState.PAID, "EUR"),
    ("03", 95, 30, "3120.00", "0", ErpInvoiceState.PAID, "EUR"),
    ("04", 75, 30, "860.00", "0", ErpInvoiceState.CANCELLED, "EUR"),
    ("05", 62, 30, "4310.25", "1", ErpInvoiceState.POSTED, "EUR"),  # overdue
    ("06", 45, 30, "1234.56", "1", ErpInvoiceState.POSTED, "EUR"),  # overdue
    ("07", 40, 30, "2650.00", "0.4", ErpInvoiceState.POSTED, "EUR"),  # partly paid, overdue
    ("08", 20, 30, "1899.00", "0.5", ErpInvoiceState.POSTED, "EUR"),  # partly paid, not yet due
    ("09", 12, 30, "3275.00", "1", ErpInvoiceState.POSTED, "EUR"),  # unpaid
    ("10", 3, 30, "990.00", "1", ErpInvoiceState.POSTED, "EUR"),  # unpaid
    ("11", 70, 30, "1500.00", "0", ErpInvoiceState.PAID, "USD"),
    ("12", 35, 30, "2200.00", "1", ErpInvoiceState.POSTED, "USD"),  # overdue
]


LINE_ITEMS = [
    ("Brello 360 Business licences", Decimal("49.00")),
    ("Brello 360 Analytics add-on", Decimal("19.50")),
    ("Implementation services, hours", Decimal("65.00")),
    ("Premium support, quarter", Decimal("240.00")),
]


def _lines(total: Decimal, rng: random.Random) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """Two or three lines that add up to the invoice total exactly."""
    items = rng.sample(LINE_ITEMS, rng.choice((2, 3)))
    lines, remaining = [], total
    for description, unit_price in items[:-1]:
        quantity = Decimal(max(1, int(total / unit_price / len(items))))
        amount = (quantity * unit_price).quantize(CENT)
        if amount >= remaining:
            break
        lines.append((description, quantity, unit_price, amount))
        remaining -= amount
    description = items[len(lines)][0]
    lines.append((description, Decimal(1), remaining, remaining))
    return lines


def _invoices(company: Company, key: str, today: date) -> int:
    rng = random.Random(f"brello-demo-invoices-{key}")  # noqa: S311
    count = 0
    for suffix, age, terms, total, to_pay, state, currency in INVOICES:
        if currency == "USD" and key not in ("nordlink", "rigadata"):
            continue
        issued = today - timedelta(days=age)
        total = Decimal(total)
        # unscoped: demo data: the seed writes invoices of every demo company
        invoice, _created = Invoice.unscoped.update_or_create(
            erp_id=f"demo-invoice-{key}-{suffix}",
            defaults={
                "company": company, "number": f"{key[:3].upper()}-{issued:%y%m}-{suffix}", "invoice_date": issued,
                "due_date": issued + timedelta(days=terms), "currency": currency, "total": total,
                "balance": (total * Decimal(to_pay)).quantize(CENT), "erp_state": state,
                "erp_changed_at": timezone.now() - timedelta(days=min(age, 2)),
            },
        )  # fmt: skip
        invoice.lines.all().delete()
        # unscoped: demo data: the lines of the invoice written just above
        InvoiceLine.unscoped.bulk_create(
            InvoiceLine(invoice=invoice, position=position, description=description, quantity=quantity,
                        unit_price=unit_price, amount=amount)
            for position, (description, quantity, unit_price, amount) in enumerate(_lines(total, rng), start=1)
        )  # fmt: skip
        count += 1
    return count


def billing_seed() -> int:
    """Invoices for the active demo partners (nothing when an ERP is set up); returns how many."""
    if erp_is_configured():
        return 0
    today: date = timezone.localdate()
    keys = {row[2]: row[0] for row in COMPANIES}  # registration number → key
    count = 0
    with transaction.atomic():
        for company in Company.objects.filter(registration_number__in=keys, status="active"):
            count += _invoices(company, keys[company.registration_number], today)
    return count
