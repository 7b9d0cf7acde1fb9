from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from partner_area.performance.forms import DateInput

from .models import InvoiceStatus
from .selectors import DEFAULT_SORT, OPEN, SORTS, InvoiceFilters
from .services import remittance_validate

STATUS_CHOICES = [
    ("", _("All")),
    (OPEN, _("To pay (unpaid or overdue)")),
    (InvoiceStatus.UNPAID, InvoiceStatus.UNPAID.label),
    (InvoiceStatus.OVERDUE, InvoiceStatus.OVERDUE.label),
    (InvoiceStatus.PAID, InvoiceStatus.PAID.label),
    (InvoiceStatus.CANCELLED, InvoiceStatus.CANCELLED.label),
]
SORT_CHOICES = [(key, key) for key in SORTS] + [(f"-{key}", f"-{key}") for key in SORTS]


class InvoiceFilterForm(forms.Form):
    """The invoice list's query string. Invalid values are ignored field by field, never a 500."""

    number = forms.CharField(
        label=_("Invoice number"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    date_from = forms.DateField(label=_("Issued from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Issued until"), required=False, widget=DateInput)
    currency = forms.ChoiceField(label=_("Currency"), required=False)
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, data=None, *, currencies: list[str] = (), **kwargs):
        super().__init__(data if data else None, **kwargs)
        choices = [("", _("All"))] + [(code, code) for code in currencies]
        requested = (data or {}).get("currency", "")
        if requested and requested not in currencies and len(requested) == 3 and requested.isalpha():
            choices.append((requested, requested))  # a link for a currency with no invoices shows an empty list
        self.fields["currency"].choices = choices

    def _value(self, name: str):
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name)

    def filters(self) -> InvoiceFilters:
        return InvoiceFilters(
            status=self._value("status") or "",
            date_from=self._value("date_from"),
            date_to=self._value("date_to"),
            currency=self._value("currency") or "",
            number=(self._value("number") or "").strip(),
            sort=self._value("sort") or DEFAULT_SORT,
        )

    @property
    def page_number(self) -> int:
        return self._value("page") or 1


class PaymentNoticeForm(forms.Form):
    """A partner's report of a payment. The rules that need the invoice (balance, duplicates) are the service's."""

    amount = forms.DecimalField(
        label=_("Amount paid"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
    )
    paid_on = forms.DateField(label=_("Payment date"), widget=DateInput)
    reference = forms.CharField(
        label=_("Bank reference"),
        max_length=64,
        help_text=_("As shown on your bank statement or payment order."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    remittance = forms.FileField(
        label=_("Remittance advice (optional)"),
        required=False,
        help_text=_("PDF, PNG or JPEG, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )

    def clean_remittance(self):
        remittance = self.cleaned_data.get("remittance")
        if remittance:
            remittance_validate(remittance)
        return remittance or None  # a ticked "clear" box (ClearableFileInput) gives False: no file either
