from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _

from partner_area.platform.csvfiles import csv_date, csv_response
from partner_area.platform.formatting import csv_number

from .models import Invoice, InvoiceStatus


def invoice_rows(invoices: QuerySet[Invoice], *, today: date) -> Iterable[list]:
    yield [_("Number"), _("Issued"), _("Due"), _("Status"), _("Currency"), _("Total"), _("Paid"), _("Balance")]
    for invoice in invoices.iterator(chunk_size=2000):
        yield [
            invoice.number, csv_date(invoice.invoice_date), csv_date(invoice.due_date),
            InvoiceStatus(invoice.status_on(today)).label, invoice.currency, csv_number(invoice.total),
            csv_number(invoice.total - invoice.balance), csv_number(invoice.balance),
        ]  # fmt: skip


def invoices_csv_response(*, invoices: QuerySet[Invoice], today: date) -> HttpResponse:
    return csv_response(filename=f"invoices-{today:%Y-%m-%d}.csv", rows=invoice_rows(invoices, today=today))
