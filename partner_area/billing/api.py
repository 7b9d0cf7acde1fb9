"""/api/v1/invoices and /api/v1/invoices/{invoice_id}: the invoice list (same filters as the page) and one invoice."""

from django.core.paginator import Paginator
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from partner_area.organizations.access import IsActivePartner
from partner_area.organizations.models import Section

from .forms import STATUS_CHOICES, InvoiceFilterForm
from .models import Invoice, InvoiceLine, InvoiceStatus
from .selectors import SORTS, invoice_balances, invoice_get, invoice_list, invoice_totals

PAGE_SIZE, MAX_PAGE_SIZE = 25, 200
MONEY = {"max_digits": 16, "decimal_places": 2}


class InvoiceOutput(serializers.ModelSerializer):
    """Status and paid amount are computed on read (context["today"]), so overdue is right without a sync."""

    status = serializers.SerializerMethodField()
    paid = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=InvoiceStatus.choices))
    def get_status(self, invoice: Invoice) -> str:
        return invoice.status_on(self.context["today"])

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_paid(self, invoice: Invoice) -> str:
        return serializers.DecimalField(**MONEY).to_representation(invoice.total - invoice.balance)

    class Meta:
        model = Invoice
        fields = ["id", "number", "invoice_date", "due_date", "currency", "total", "paid", "balance", "status"]


class InvoiceLineOutput(serializers.ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = ["position", "description", "quantity", "unit_price", "amount"]


class InvoiceDetailOutput(InvoiceOutput):
    lines = InvoiceLineOutput(many=True)
    balance_recorded_at = serializers.DateTimeField(source="erp_changed_at", allow_null=True)

    class Meta(InvoiceOutput.Meta):
        fields = [*InvoiceOutput.Meta.fields, "balance_recorded_at", "lines"]


class TotalsOutput(serializers.Serializer):
    currency = serializers.CharField()
    count = serializers.IntegerField()
    total = serializers.DecimalField(**MONEY)
    balance = serializers.DecimalField(**MONEY)


class InvoicePageOutput(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_count = serializers.IntegerField()
    totals = TotalsOutput(many=True, help_text="Of every filtered invoice, per currency")
    results = InvoiceOutput(many=True)


class InvoiceListView(APIView):
    """The partner's invoices, filtered, sorted and paginated, with the totals of the filtered rows."""

    permission_classes = [IsActivePartner]
    partner_section = Section.INVOICES

    @extend_schema(
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=[value for value, _ in STATUS_CHOICES if value]),
            OpenApiParameter("date_from", OpenApiTypes.DATE, description="Issued on or after"),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description="Issued on or before"),
            OpenApiParameter("currency", OpenApiTypes.STR),
            OpenApiParameter("number", OpenApiTypes.STR, description="Part of the invoice number"),
            OpenApiParameter("sort", OpenApiTypes.STR, enum=[*SORTS, *[f"-{key}" for key in SORTS]]),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT, description=f"At most {MAX_PAGE_SIZE}"),
        ],
        responses=InvoicePageOutput,
        operation_id="invoices_list",
    )
    def get(self, request):
        company, today = request.membership.company, timezone.localdate()
        currencies = [balance.currency for balance in invoice_balances(company=company, today=today)]
        params = request.query_params.copy()
        page_size = params.pop("page_size", [PAGE_SIZE])[-1]
        form = InvoiceFilterForm(params, currencies=currencies)
        if form.is_bound and not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        try:
            page_size = max(1, min(MAX_PAGE_SIZE, int(page_size)))
        except (TypeError, ValueError):
            raise ValidationError({"page_size": ["Enter a whole number."]}) from None
        invoices = invoice_list(company=company, filters=form.filters(), today=today)
        page = Paginator(invoices, page_size).get_page(form.page_number)
        data = {
            "count": page.paginator.count,
            "page": page.number,
            "page_count": page.paginator.num_pages,
            "totals": invoice_totals(invoices=invoices) if page.paginator.count else [],
            "results": list(page.object_list),
        }
        return Response(InvoicePageOutput(data, context={"today": today}).data)


class InvoiceDetailView(APIView):
    """One invoice with its lines (empty until the ERP has sent them)."""

    permission_classes = [IsActivePartner]
    partner_section = Section.INVOICES

    @extend_schema(responses=InvoiceDetailOutput, operation_id="invoice_retrieve")
    def get(self, request, invoice_id: int):
        invoice = invoice_get(company=request.membership.company, invoice_id=invoice_id)
        return Response(InvoiceDetailOutput(invoice, context={"today": timezone.localdate()}).data)
