from django.urls import path

from . import views

# Included by partner_area/urls.py under /<lang>/partner/; names live in the "partner" namespace.
urlpatterns = [
    path("invoices/", views.invoice_index, name="invoices"),
    path("invoices/export.csv", views.invoices_csv, name="invoices_csv"),
    path("invoices/<int:invoice_id>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:invoice_id>/report-payment/", views.invoice_payment_report, name="invoice_payment_report"),
]
