"""/api/v1/invoices, /api/v1/invoices/{invoice_id} and /api/v1/invoices/{invoice_id}/payment-notices: the invoice
list (same filters as the page), one invoice, and the payments reported on it."""

from decimal import Decimal

from django.utils import timezone
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from partner_area.companies.access import IsActivePartner
from partner_area.platform.api import form_errors
from partner_area.platform.jsonbody import SafeJSONParser
from partner_area.platform.ratelimits import limit_posts
from partner_area.platform.sections import Section

from .forms import STATUS_CHOICES, InvoiceFilterForm
from .models import Invoice, InvoiceLine, InvoiceStatus, PaymentNotice, PaymentNoticeStatus
from .paging import CountedPaginator
from .selectors import (
    SORTS,
    invoice_balances,
    invoice_get,
    invoice_list,
    invoice_list_totals,
    invoice_payment_reported,
    payment_notices_for,
    with_payment_reported,
)
from .services import payment_notice_report, remittance_validate

PAGE_SIZE, MAX_PAGE_SIZE = 25, 200
MONEY = {"max_digits": 16, "decimal_places": 2}


class InvoiceOutput(serializers.ModelSerializer):
    """Status and paid amount are computed on read (context["today"]), so overdue is right without a sync."""

    status = serializers.SerializerMethodField()
    paid = serializers.SerializerMethodField()
    payment_reported = serializers.BooleanField(
        read_only=True, help_text="A reported payment waits for confirmation (annotated by with_payment_reported)"
    )

    @extend_schema_field(serializers.ChoiceField(choices=InvoiceStatus.choices))
    def get_status(self, invoice: Invoice) -> str:
        return invoice.status_on(self.context["today"])

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_paid(self, invoice: Invoice) -> str:
        return serializers.DecimalField(**MONEY).to_representation(invoice.total - invoice.balance)

    class Meta:
        model = Invoice
        fields = [
            "id", "number", "invoice_date", "due_date", "currency", "total", "paid", "balance", "status",
            "payment_reported",
        ]  # fmt: skip


class InvoiceLineOutput(serializers.ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = ["position", "description", "quantity", "unit_price", "amount", "taxes"]


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
        page_size = params.pop("page_size", [""])[-1] or PAGE_SIZE  # empty counts as absent, like the filters
        form = InvoiceFilterForm(params, currencies=currencies)
        if form.is_bound and not form.is_valid():
            raise ValidationError(form_errors(form))
        try:
            page_size = max(1, min(MAX_PAGE_SIZE, int(page_size)))
        except (TypeError, ValueError):
            raise ValidationError({"page_size": ["Enter a whole number."]}) from None
        filters = form.filters()
        invoices = invoice_list(company=company, filters=filters, today=today)
        totals = invoice_list_totals(company=company, filters=filters, invoices=invoices, today=today)
        count = sum(item.count for item in totals)
        page = CountedPaginator(with_payment_reported(invoices), page_size, count=count).get_page(form.page_number)
        data = {
            "count": page.paginator.count,
            "page": page.number,
            "page_count": page.paginator.num_pages,
            "totals": totals,
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
        invoice.payment_reported = invoice_payment_reported(invoice=invoice)
        return Response(InvoiceDetailOutput(invoice, context={"today": timezone.localdate()}).data)


class PaymentNoticeInput(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    paid_on = serializers.DateField(help_text="The date of the bank transfer; not in the future")
    reference = serializers.CharField(max_length=64, help_text="The bank reference; each payment is reported once")
    remittance = serializers.FileField(
        required=False, help_text="Remittance advice: PDF, PNG or JPEG, at most 5 MB (multipart requests only)"
    )

    def validate_remittance(self, remittance):
        remittance_validate(remittance)  # DRF reports its Django ValidationError under the field
        return remittance


class PaymentNoticeOutput(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=PaymentNoticeStatus.choices)
    has_remittance = serializers.SerializerMethodField()

    def get_has_remittance(self, notice: PaymentNotice) -> bool:
        return bool(notice.remittance)

    class Meta:
        model = PaymentNotice
        fields = [
            "id", "amount", "currency", "paid_on", "reference", "status", "rejection_reason", "has_remittance",
            "created_at",
        ]  # fmt: skip


# On post, not dispatch: a token client's user is known only once DRF has authenticated the request (before it,
# every token client would share the anonymous user's bucket).
@method_decorator(limit_posts("RATELIMIT_PAYMENT_REPORTS", "ip", "user"), name="post")
class PaymentNoticeListView(APIView):
    """Payments reported on one invoice (GET), and reporting one (POST; JSON, or multipart with a file).
    Refused with 400: more than the balance (minus what is already reported), a future date, a bank reference
    already reported, or an invoice with nothing left to pay."""

    permission_classes = [IsActivePartner]
    partner_section = Section.INVOICES
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=PaymentNoticeOutput(many=True), operation_id="invoice_payment_notices_list")
    def get(self, request, invoice_id: int):
        company = request.membership.company
        invoice = invoice_get(company=company, invoice_id=invoice_id)
        return Response(PaymentNoticeOutput(payment_notices_for(company=company, invoice=invoice), many=True).data)

    @extend_schema(
        request={"application/json": PaymentNoticeInput, "multipart/form-data": PaymentNoticeInput},
        responses={201: PaymentNoticeOutput},
        operation_id="invoice_payment_notices_create",
    )
    def post(self, request, invoice_id: int):
        invoice = invoice_get(company=request.membership.company, invoice_id=invoice_id)
        data = PaymentNoticeInput(data=request.data)
        data.is_valid(raise_exception=True)
        notice = payment_notice_report(
            membership=request.membership, invoice=invoice, request=request, **data.validated_data
        )
        return Response(PaymentNoticeOutput(notice).data, status=201)
