import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partner_area.platform.storage import private_file_storage
from partner_area.platform.tenancy import TenantManager, TenantModel


class InvoiceStatus(models.TextChoices):
    """What partners see. Derived from the ERP's state, the balance and the due date."""

    UNPAID = "unpaid", _("Unpaid")
    OVERDUE = "overdue", _("Overdue")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class ErpInvoiceState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    VALIDATED = "validated", _("Validated")
    POSTED = "posted", _("Posted")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class InvoiceQuerySet(models.QuerySet):
    def visible(self):
        """Invoices partners see: posted, paid or cancelled (drafts are the ERP's business)."""
        return self.filter(erp_state__in=[ErpInvoiceState.POSTED, ErpInvoiceState.PAID, ErpInvoiceState.CANCELLED])

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(erp_state=ErpInvoiceState.POSTED, balance__gt=0, due_date__lt=today)

    def open(self):
        return self.filter(erp_state=ErpInvoiceState.POSTED, balance__gt=0)


class InvoiceManager(TenantManager.from_queryset(InvoiceQuerySet)):
    pass


class Invoice(TenantModel):
    """A customer invoice of a partner company, as the ERP last reported it."""

    company = models.ForeignKey(
        "organizations.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="invoices"
    )
    erp_id = models.CharField(_("ERP id"), max_length=64, unique=True)
    number = models.CharField(_("number"), max_length=64, db_index=True)
    invoice_date = models.DateField(_("invoice date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    balance = models.DecimalField(_("balance"), max_digits=14, decimal_places=2, help_text=_("Amount still to pay."))
    erp_state = models.CharField(_("ERP state"), max_length=16, choices=ErpInvoiceState.choices)
    erp_changed_at = models.DateTimeField(_("changed in the ERP"), null=True, blank=True)
    synced_at = models.DateTimeField(_("synced"), auto_now=True)
    # Staff only, never sent to the ERP (Tryton has no such flag) and never shown to partners.
    hold_note = models.TextField(_("on hold (internal note)"), blank=True)
    held_at = models.DateTimeField(_("on hold since"), null=True, blank=True)

    unscoped = models.Manager.from_queryset(InvoiceQuerySet)()
    objects = InvoiceManager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-invoice_date", "-id"]
        indexes = [
            models.Index(fields=["company", "-invoice_date", "-id"], name="invoice_company_date_idx"),
            models.Index(fields=["company", "erp_state", "due_date"], name="invoice_company_state_due_idx"),
            models.Index(fields=["company", "currency"], name="invoice_company_currency_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def status_on(self, today) -> str:
        if self.erp_state == ErpInvoiceState.CANCELLED:
            return InvoiceStatus.CANCELLED
        if self.erp_state == ErpInvoiceState.PAID or self.balance <= 0:
            return InvoiceStatus.PAID
        if self.due_date and self.due_date < today:
            return InvoiceStatus.OVERDUE
        return InvoiceStatus.UNPAID

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    def get_status_display(self) -> str:
        return InvoiceStatus(self.status).label


class InvoiceLine(TenantModel):
    """One line of an invoice, as the ERP printed it."""

    tenant_path = "invoice__company"

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)  # before tax
    taxes = models.CharField(_("taxes"), max_length=200, blank=True)  # the taxes applied, as printed

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description


class PaymentNoticeStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    CONFIRMED = "confirmed", _("Confirmed, waiting for the ERP")
    RECORDED = "recorded", _("Recorded in the ERP")
    CONFLICT = "conflict", _("Conflict")
    REJECTED = "rejected", _("Rejected")


# Notices the ERP has not answered yet: the invoice shows "payment reported" while one exists.
PENDING_NOTICE_STATUSES = (PaymentNoticeStatus.REPORTED, PaymentNoticeStatus.CONFIRMED)
# A bank reference may be reported again only after staff rejected the notice that carried it.
LIVE_NOTICE_STATUSES = (*PENDING_NOTICE_STATUSES, PaymentNoticeStatus.RECORDED, PaymentNoticeStatus.CONFLICT)


def remittance_upload_to(instance: "PaymentNotice", filename: str) -> str:
    # A random folder per file: names cannot be guessed and never collide.
    return f"remittances/{instance.company_id}/{uuid.uuid4().hex}/{filename}"


class PaymentNotice(TenantModel):
    """A partner's report that it paid (part of) an invoice, until finance staff confirm or reject it and the
    ERP records it. The balance partners see never comes from here: it comes from the ERP's answer."""

    company = models.ForeignKey(
        "organizations.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="payment_notices"
    )
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="payment_notices"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    paid_on = models.DateField(_("payment date"))
    reference = models.CharField(_("bank reference"), max_length=64)
    reference_key = models.CharField(max_length=64, editable=False, help_text="The reference, normalised.")
    remittance = models.FileField(
        _("remittance advice"), upload_to=remittance_upload_to, storage=private_file_storage, max_length=255, blank=True
    )
    remittance_name = models.CharField(_("file name"), max_length=100, blank=True)
    remittance_type = models.CharField(_("content type"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PaymentNoticeStatus.choices, default=PaymentNoticeStatus.REPORTED
    )
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason"), blank=True)
    recorded_at = models.DateTimeField(_("recorded in the ERP"), null=True, blank=True)
    erp_amount_to_pay = models.DecimalField(
        _("amount to pay in the ERP"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("What the ERP still expected when the payment could not be recorded (conflicts)."),
    )
    staff_note = models.TextField(_("staff note"), blank=True)

    class Meta:
        verbose_name = _("payment notice")
        verbose_name_plural = _("payment notices")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["invoice", "status"], name="paymentnotice_invoice_idx"),
            models.Index(fields=["status", "created_at"], name="paymentnotice_queue_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "reference_key"],
                condition=~models.Q(status="rejected"),
                name="paymentnotice_reference_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice} · {self.amount} {self.currency} · {self.reference}"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_NOTICE_STATUSES
