import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partner_area.platform.formatting import money, number
from partner_area.platform.forms import DateInput

from .models import Invoice, InvoiceStatus
from .selectors import DEFAULT_SORT, OPEN, SORTS, InvoiceFilters
from .services import remittance_validate

DATE_RANGE_REVERSED = _("The start date is after the end date.")

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

    def __init__(self, data=None, *, currencies: list[str] = (), refuse_reversed_dates: bool = False, **kwargs):
        super().__init__(data if data else None, **kwargs)
        # The page says so when "Issued from" is after "Issued until"; the API (refuse_reversed_dates=False) keeps
        # answering such a range with an empty list, as its clients know it.
        self.refuse_reversed_dates = refuse_reversed_dates
        choices = [("", _("All"))] + [(code, code) for code in currencies]
        requested = (data or {}).get("currency", "")
        if requested and requested not in currencies and len(requested) == 3 and requested.isalpha():
            choices.append((requested, requested))  # a link for a currency with no invoices shows an empty list
        self.fields["currency"].choices = choices

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if self.refuse_reversed_dates and date_from and date_to and date_from > date_to:
            self.add_error("date_from", forms.ValidationError(DATE_RANGE_REVERSED, code="date_range_reversed"))
        return cleaned

    @property
    def date_range_reversed(self) -> bool:
        """Issued from after Issued until: the list ignores both dates and says why."""
        return self.is_bound and self.has_error("date_from", code="date_range_reversed")

    def _value(self, name: str):
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name)

    def filters(self) -> InvoiceFilters:
        reversed_range = self.date_range_reversed
        return InvoiceFilters(
            status=self._value("status") or "",
            date_from=None if reversed_range else self._value("date_from"),
            date_to=None if reversed_range else self._value("date_to"),
            currency=self._value("currency") or "",
            number=(self._value("number") or "").strip(),
            sort=self._value("sort") or DEFAULT_SORT,
        )

    @property
    def page_number(self) -> int:
        return self._value("page") or 1


# Spaces a bank statement or a spreadsheet puts between groups of thousands: space, no-break space (Latvian
# number format), narrow no-break space and thin space.
GROUP_SPACES = " \u00a0\u202f\u2009"
AMOUNT_CHARACTERS = re.compile(rf"^-?[0-9.,{GROUP_SPACES}]+$")
GROUP_SEPARATORS = re.compile(rf"[.,{GROUP_SPACES}]")
LONE_THOUSANDS = re.compile(r"^-?[0-9]{1,3}[.,][0-9]{3}$")


def amount_parse(text: str) -> Decimal | None:
    """An amount typed in either language, or None when it cannot be read one way only.

    Both "," and "." are decimal separators in both languages (a Latvian types 12,5; a figure copied from an English
    bank statement says 12.50). The decimal separator is the last "," or "." if that mark appears only once; every
    other "," "." or space separates thousands and must stand between groups of three digits: 1 234,56, 1.234,56,
    1,234.56 and 1234.56 all read 1234.56, and 1.234.567 reads 1234567. A lone mark before three digits (1,234) is
    a decimal separator, so AmountField refuses it as ambiguous instead of silently guessing 1.234 or 1234."""
    text = (text or "").strip()
    if not AMOUNT_CHARACTERS.match(text):
        return None
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    marks = [index for index, character in enumerate(text) if character in ",."]
    if marks and text.count(text[marks[-1]]) == 1:
        whole, decimals = text[: marks[-1]], text[marks[-1] + 1 :]
    else:
        whole, decimals = text, ""
    if decimals and not decimals.isdigit():
        return None
    groups = GROUP_SEPARATORS.split(whole)
    if len(groups) > 1 and not (1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])):
        return None  # "12,34.5", "1 23": not groups of thousands
    digits = "".join(groups)
    if not (digits or decimals) or (digits and not digits.isdigit()):
        return None
    return Decimal(f"{sign}{digits or '0'}.{decimals or '0'}")


def _amount_example() -> str:
    return number(Decimal("1234.56"))


class AmountField(forms.DecimalField):
    """A money amount typed as text: a decimal comma or point in either language, thousands grouped by spaces or
    the other mark (see amount_parse), above zero, at most two decimals. Not <input type=number>: Chromium drops a
    comma it does not expect there, so a Latvian "12,5" arrived as 125."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        amount = value if isinstance(value, Decimal) else amount_parse(str(value))
        if amount is None or not amount.is_finite():
            raise forms.ValidationError(
                gettext("Enter the amount as a number, for example %(example)s.") % {"example": _amount_example()},
                code="invalid",
            )
        if amount.as_tuple().exponent < -self.decimal_places:
            if LONE_THOUSANDS.match(str(value).strip()):  # "1,000": one thousand in English, 1.000 elsewhere
                raise forms.ValidationError(
                    gettext(
                        "“%(value)s” can be read two ways: write the amount without a thousands separator, for "
                        "example %(example)s."
                    )
                    % {"value": str(value).strip(), "example": number(Decimal("1234.56"), grouping=False)},
                    code="amount_ambiguous",
                )
            raise forms.ValidationError(
                gettext("Enter at most two decimals, for example %(example)s.") % {"example": _amount_example()},
                code="max_decimal_places",
            )
        return amount

    def validate(self, value):
        super().validate(value)
        if value is not None and value <= 0:
            raise forms.ValidationError(gettext("Enter an amount above zero."), code="amount_not_positive")


class PaymentNoticeForm(forms.Form):
    """A partner's report of a payment of `invoice`. Each field is checked on its own, so every mistake shows at
    once; payment_notice_report checks the amount, date and reference again under a lock (and duplicates)."""

    amount = AmountField(label=_("Amount paid"))
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

    def __init__(self, *args, invoice: Invoice, reported: Decimal = Decimal("0"), **kwargs):
        super().__init__(*args, **kwargs)
        self.invoice, self.reported = invoice, reported
        self.fields["amount"].help_text = gettext("In %(currency)s, for example %(example)s.") % {
            "currency": invoice.currency,
            "example": _amount_example(),
        }

    def clean_amount(self):
        amount, invoice = self.cleaned_data["amount"], self.invoice
        if amount > invoice.balance:
            raise forms.ValidationError(
                gettext("This is more than the balance to pay (%(balance)s).")
                % {"balance": money(invoice.balance, invoice.currency)},
                code="amount_above_balance",
            )
        if self.reported and amount > invoice.balance - self.reported:
            raise forms.ValidationError(
                gettext(
                    "Payments of %(reported)s are already reported on this invoice and wait for confirmation: "
                    "at most %(left)s is left to report."
                )
                % {
                    "reported": money(self.reported, invoice.currency),
                    "left": money(invoice.balance - self.reported, invoice.currency),
                },
                code="amount_above_unreported_balance",
            )
        return amount

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(gettext("The payment date cannot be in the future."), code="date_in_future")
        if self.invoice.invoice_date and paid_on < self.invoice.invoice_date:
            raise forms.ValidationError(
                gettext("The payment date cannot be before the invoice date (%(date)s).")
                % {"date": date_format(self.invoice.invoice_date, "SHORT_DATE_FORMAT")},
                code="date_before_invoice",
            )
        return paid_on

    def clean_remittance(self):
        remittance = self.cleaned_data.get("remittance")
        if remittance:
            remittance_validate(remittance)
        return remittance or None  # a ticked "clear" box (ClearableFileInput) gives False: no file either
