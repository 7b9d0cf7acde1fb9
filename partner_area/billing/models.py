from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partner_area.tenancy import TenantManager


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


class Invoice(models.Model):
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


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description
