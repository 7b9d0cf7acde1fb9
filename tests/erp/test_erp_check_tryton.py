"""The sync invariant check (`manage.py erp_check`) against a real trytond 8.2: zero differences after a day of
edits on both sides, and a drift it reports without fixing."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from integrations.erp.check import erp_check
from integrations.erp.outbox import outbox_deliver_due
from integrations.erp.pull import pull_all
from partner_area.billing.models import Invoice
from partner_area.billing.services import payment_notice_confirm, payment_notice_report
from partner_area.companies.contacts import company_contact_save
from partner_area.companies.models import Company, CompanyStatus, Role
from partner_area.companies.services import company_approve, company_update_contact_details
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_retries")]


def settle() -> None:
    """What beat does all day: deliver what is queued, then pull."""
    for _ in range(5):
        if not outbox_deliver_due():
            break
    pull_all()


def approved(number: str, name: str) -> Company:
    company = CompanyFactory(status=CompanyStatus.PENDING_REVIEW, registration_number=number, legal_name=name)
    company_approve(company=company, by=StaffFactory())
    settle()
    company.refresh_from_db()
    return company


def test_after_a_day_of_edits_on_both_sides_erp_check_finds_no_difference(tryton):
    north, south = approved("40003123453", "North SIA"), approved("40003200004", "South SIA")
    tryton.create_party("Someone Else SIA", registration_number="40003555556")  # the ERP's other customer
    north_admin, south_admin = (
        MembershipFactory(company=north, role=Role.ADMIN),
        MembershipFactory(company=south, role=Role.ADMIN),
    )

    # Morning: accounting renames North and adds its website; South's admin changes the company e-mail; a
    # contact person is added in the portal; invoices are posted.
    tryton.rename_party(int(north.erp_id), "North Holding SIA")
    tryton.set_contact_mechanism(int(north.erp_id), "website", "https://north.example.lv")
    company_update_contact_details(membership=south_admin, phone=south.phone, email="billing@south.lv", website="")
    ilze = company_contact_save(company=north, name="Ilze Ozola", email="ilze@north.lv", phone="")
    first = tryton.create_invoice(int(north.erp_id), [("Licence", 1, "100.00")])
    second = tryton.create_invoice(int(south.erp_id), [("Support", 2, "40.00")])
    settle()

    # Afternoon: a payment is confirmed in the portal, another paid in Tryton; the contact's phone changes in the
    # portal while accounting renames the person; an invoice is cancelled.
    invoice = Invoice.objects.for_company(north).get(erp_id=str(first))
    notice = payment_notice_report(
        membership=north_admin, invoice=invoice, amount=Decimal("21.00"), paid_on=timezone.localdate(), reference="R1"
    )
    payment_notice_confirm(notice=notice, by=StaffFactory())
    tryton.pay_invoice(second)
    ilze.refresh_from_db()
    company_contact_save(company=north, contact=ilze, phone="+371 20000001")
    tryton.rename_party(int(ilze.erp_id), "Ilze Ozola-Kalniņa")
    tryton.client.write("company.company", [tryton.meta["company"]], {"cancel_invoice_out": True})
    cancelled = tryton.create_invoice(int(south.erp_id), [("Mistake", 1, "10.00")])
    tryton.cancel_invoice(cancelled)
    settle()

    # Evening: both sides change South's phone; the portal owns it.
    north.refresh_from_db(), south.refresh_from_db()
    company_update_contact_details(membership=south_admin, phone="+371 21111111", email=south.email, website="")
    tryton.set_contact_mechanism(int(south.erp_id), "phone", "+371 22222222")
    settle()
    settle()

    assert erp_check() == []
    south.refresh_from_db()
    assert south.phone == "+371 21111111"
    out = io.StringIO()
    call_command("erp_check", stdout=out)
    assert "No differences" in out.getvalue()


def test_erp_check_reports_a_drift_and_fixes_nothing(tryton):
    company = approved("40003100003", "Drift SIA")
    Company.objects.filter(pk=company.pk).update(legal_name="Edited Behind The Sync SIA")  # e.g. a manual SQL fix
    (difference,) = erp_check()
    assert (difference.field, difference.portal_value, difference.erp_value, difference.in_flight) == (
        "legal_name", "Edited Behind The Sync SIA", "Drift SIA", False
    )  # fmt: skip
    with pytest.raises(SystemExit) as exit_code:
        call_command("erp_check", stdout=io.StringIO())
    assert exit_code.value.code == 1
    company.refresh_from_db()
    assert company.legal_name == "Edited Behind The Sync SIA"


def test_erp_check_reports_two_parties_holding_one_number(tryton):
    tryton.create_party("Twin A SIA", registration_number="40003032949")
    tryton.create_party("Twin B SIA", registration_number="4000 303-2949")
    (difference,) = erp_check()
    assert (difference.entity, difference.object_repr) == ("numbers", "40003032949")
