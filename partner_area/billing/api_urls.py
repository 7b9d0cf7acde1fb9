from django.urls import path

from . import api

app_name = "billing_api"

urlpatterns = [
    path("invoices", api.InvoiceListView.as_view(), name="invoices"),
    path("invoices/<int:invoice_id>", api.InvoiceDetailView.as_view(), name="invoice"),
    path(
        "invoices/<int:invoice_id>/payment-notices", api.PaymentNoticeListView.as_view(), name="invoice_payment_notices"
    ),
]
