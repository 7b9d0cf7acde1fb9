"""The partner home's Invoices figures: outstanding and overdue per currency, linking into the invoice list."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from partner_area.billing.models import ErpInvoiceState
from partner_area.companies.models import Role
from tests.factories import CompanyFactory, InvoiceFactory, MembershipFactory

pytestmark = pytest.mark.django_db

FIGURES = "/{lang}/partner/home/figures/"


def test_home_shows_outstanding_and_overdue_per_currency_with_links(client):
    company = CompanyFactory()
    today = timezone.localdate()
    InvoiceFactory(company=company, total=Decimal("1234.56"), balance=Decimal("1234.56"), due_date=today)
    InvoiceFactory(
        company=company, total=Decimal("100"), balance=Decimal("40"), due_date=today - timedelta(days=1)
    )  # overdue since yesterday, partly paid
    InvoiceFactory(company=company, currency="USD", total=Decimal("50"), balance=Decimal("50"), due_date=today)
    InvoiceFactory(company=company, total=Decimal("999"), balance=Decimal("0"), erp_state=ErpInvoiceState.PAID)
    InvoiceFactory(company=CompanyFactory(), total=Decimal("777"), balance=Decimal("777"))  # someone else's
    client.force_login(MembershipFactory(company=company, role=Role.ADMIN).user)

    html = client.get(FIGURES.format(lang="lv"), headers={"HX-Request": "true"}).content.decode()

    assert "1\xa0274,56\xa0€" in html  # EUR outstanding, Latvian format; USD is never added to it
    assert "40,00\xa0€" in html  # EUR overdue
    assert "50,00\xa0USD" in html or "50,00\xa0$" in html
    assert "777" not in html and "999" not in html
    assert "?status=overdue&amp;currency=EUR" in html and "?status=open&amp;currency=USD" in html


def test_a_member_without_open_invoices_sees_the_empty_note(client):
    company = CompanyFactory()
    InvoiceFactory(company=company, balance=Decimal("0"), erp_state=ErpInvoiceState.PAID)
    client.force_login(MembershipFactory(company=company, role=Role.ADMIN).user)
    html = client.get(FIGURES.format(lang="en")).content.decode()
    assert "Your outstanding and overdue balance will show here." in html
