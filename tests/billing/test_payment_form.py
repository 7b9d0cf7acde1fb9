"""The partner's payment form: amounts typed with a decimal comma or point in either language, every field's
mistake shown at once, and amounts in messages written the way the page writes money."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from partner_area.billing.forms import PaymentNoticeForm
from partner_area.billing.models import PaymentNotice
from partner_area.billing.services import payment_notice_report
from partner_area.companies.models import Role
from tests.factories import CompanyFactory, InvoiceFactory, MembershipFactory

pytestmark = pytest.mark.django_db

D = Decimal
NBSP = "\xa0"


@pytest.fixture
def company():
    return CompanyFactory(legal_name="Komats SIA")


@pytest.fixture
def admin(company):
    return MembershipFactory(company=company, role=Role.ADMIN)


@pytest.fixture
def invoice(company):
    return InvoiceFactory(company=company, number="LV-1", total=D("1234.56"), balance=D("1234.56"))


def text(response) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def report_url(invoice, language: str = "lv") -> str:
    return f"/{language}/partner/invoices/{invoice.pk}/report-payment/"


def form_data(**overrides) -> dict:
    return {"amount": "50", "paid_on": timezone.localdate().isoformat(), "reference": "RF18 5390 0754", **overrides}


def amount_of(invoice, typed: str, language: str):
    with translation.override(language):
        form = PaymentNoticeForm(form_data(amount=typed), invoice=invoice)
        form.is_valid()
        return form.cleaned_data.get("amount"), [error.code for error in form.errors.as_data().get("amount", [])]


@pytest.mark.parametrize("language", ["lv", "en"])
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12,5", D("12.5")),
        ("12.5", D("12.5")),
        ("100,50", D("100.50")),
        ("100.50", D("100.50")),
        (" 7 ", D("7")),
        ("1234,56", D("1234.56")),
        ("1 234,56", D("1234.56")),
        (f"1{NBSP}234,56", D("1234.56")),  # as the Latvian page itself writes it
        ("1\u202f234.56", D("1234.56")),  # narrow no-break space, as some bank statements do
        ("1,234.56", D("1234.56")),  # both marks: the last one separates the decimals
        ("1.234,56", D("1234.56")),
        ("1.234.567", D("1234567")),  # the same mark repeated only groups thousands
        ("1,234,567.89", D("1234567.89")),
        (",5", D("0.5")),
    ],
)
def test_an_amount_is_read_with_a_decimal_comma_or_point_in_both_languages(invoice, language, typed, expected):
    invoice.balance = D("9999999")
    assert amount_of(invoice, typed, language) == (expected, [])


@pytest.mark.parametrize("language", ["lv", "en"])
@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1,234", "amount_ambiguous"),  # one thousand in English, 1.234 elsewhere: never guessed
        ("12.500", "amount_ambiguous"),
        ("1234,567", "max_decimal_places"),
        ("12,505", "amount_ambiguous"),
        ("12,34.5", "invalid"),  # not groups of three
        ("1 23", "invalid"),
        ("12,5,0", "invalid"),
        ("12 EUR", "invalid"),
        ("1e5", "invalid"),
        ("abc", "invalid"),
        ("0", "amount_not_positive"),
        ("0,00", "amount_not_positive"),
        ("-5", "amount_not_positive"),
        ("", "required"),
        ("1234567890123,45", "max_digits"),
    ],
)
def test_an_amount_that_cannot_be_read_one_way_only_is_refused(invoice, language, typed, code):
    invoice.balance = D("9999999999999")
    assert amount_of(invoice, typed, language) == (None, [code])


def test_the_amount_is_a_text_box_with_a_decimal_keyboard_not_a_number_input(admin_client, invoice):
    html = admin_client.get(report_url(invoice)).content.decode()
    field = re.search(r'<input[^>]*name="amount"[^>]*>', html).group(0)
    assert 'type="text"' in field and 'inputmode="decimal"' in field and 'autocomplete="off"' in field
    assert "step=" not in field
    assert f"1{NBSP}234,56" in text(admin_client.get(report_url(invoice)))  # the example in the help text


def test_a_latvian_decimal_comma_is_saved_as_twelve_fifty_not_125(admin_client, invoice):
    response = admin_client.post(report_url(invoice), form_data(amount="12,5"))
    assert response.status_code == 302
    assert PaymentNotice.unscoped.get().amount == D("12.50")


def test_an_english_page_takes_a_decimal_comma_too(admin_client, invoice):
    assert admin_client.post(report_url(invoice, "en"), form_data(amount="100,50")).status_code == 302
    assert PaymentNotice.unscoped.get().amount == D("100.50")


def test_every_field_error_shows_at_once(admin_client, invoice):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    fake_pdf = SimpleUploadedFile("advice.pdf", b"just text, not a PDF")
    data = {**form_data(amount="5000", paid_on=tomorrow), "remittance": fake_pdf}
    page = text(admin_client.post(report_url(invoice, "en"), data))
    assert "This is more than the balance to pay (€1,234.56)." in page
    assert "The payment date cannot be in the future." in page
    assert "Attach the remittance advice as a PDF, PNG or JPEG file." in page
    assert not PaymentNotice.unscoped.exists()


def test_a_payment_date_before_the_invoice_is_refused_beside_a_wrong_amount(admin_client, invoice):
    before = (invoice.invoice_date - timedelta(days=1)).isoformat()
    page = text(admin_client.post(report_url(invoice, "en"), form_data(amount="0", paid_on=before)))
    assert "The payment date cannot be before the invoice date" in page
    assert "Enter an amount above zero." in page


def test_amounts_in_latvian_messages_are_written_as_latvian_money(admin_client, admin, invoice):
    page = text(admin_client.post(report_url(invoice), form_data(amount="2000")))
    assert f"(1{NBSP}234,56{NBSP}€)" in page and "1234.56" not in page
    payment_notice_report(
        membership=admin, invoice=invoice, amount=D("1000"), paid_on=timezone.localdate(), reference="FIRST"
    )
    page = text(admin_client.post(report_url(invoice), form_data(amount="300")))
    assert f"1{NBSP}000,00{NBSP}€" in page and f"234,56{NBSP}€" in page and "1000.00" not in page
    page = text(admin_client.post(report_url(invoice), form_data(amount="0,001")))
    assert "0.01" not in page and "0,01" not in page  # no Django "greater than or equal to 0.01"


def test_the_service_still_refuses_what_the_form_let_through_meanwhile(admin_client, admin, invoice):
    with translation.override("lv"):
        form = PaymentNoticeForm(form_data(amount="1000"), invoice=invoice)
        assert form.is_valid()
        payment_notice_report(
            membership=admin, invoice=invoice, amount=D("1000"), paid_on=timezone.localdate(), reference="OTHER"
        )  # someone else reported first
        with pytest.raises(ValidationError) as refused:
            payment_notice_report(membership=admin, invoice=invoice, **form.cleaned_data)
    assert f"1{NBSP}000,00{NBSP}€" in refused.value.message_dict["amount"][0]


def test_the_api_keeps_taking_numbers_and_strings_with_a_point(admin_client, invoice):
    url = f"/api/v1/invoices/{invoice.pk}/payment-notices"
    base = {"paid_on": timezone.localdate().isoformat()}
    number = admin_client.post(url, {**base, "amount": 12.5, "reference": "A1"}, content_type="application/json")
    string = admin_client.post(url, {**base, "amount": "100.50", "reference": "A2"}, content_type="application/json")
    assert (number.status_code, number.json()["amount"]) == (201, "12.50")
    assert (string.status_code, string.json()["amount"]) == (201, "100.50")
    comma = admin_client.post(url, {**base, "amount": "12,5", "reference": "A3"}, content_type="application/json")
    assert comma.status_code == 400 and "amount" in comma.json()["errors"]
