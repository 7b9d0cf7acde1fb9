"""The sync engine end to end through the real Tryton adapter against a real trytond 8.2."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from integrations.erp.models import OutboxMessage, SyncConflict
from integrations.erp.outbox import outbox_deliver_due
from integrations.erp.pull import pull_all, pull_entity
from integrations.erp.tasks import erp_deliver_outbox
from partner_area.billing.models import Invoice
from partner_area.companies.contacts import company_contact_save
from partner_area.companies.models import Company, CompanyContact, CompanyStatus, Role
from partner_area.companies.services import company_approve, company_update_contact_details
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory
from tests.numbers import lv_registration_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_retries")]


def parties_with_number(tryton, number: str) -> list[int]:
    return tryton.search("party.party", [("identifiers.code", "=", number)])


def approved_in_erp(tryton, **fields) -> Company:
    company = CompanyFactory(status=CompanyStatus.PENDING_REVIEW, **fields)
    company_approve(company=company, by=StaffFactory())
    outbox_deliver_due()
    company.refresh_from_db()
    assert company.erp_id
    return company


def test_a_newly_approved_company_appears_in_tryton_with_its_registration_number(tryton):
    company = approved_in_erp(tryton, legal_name="Fresh Partner SIA", registration_number="40003100001")
    (party_id,) = parties_with_number(tryton, "40003100001")
    assert str(party_id) == company.erp_id
    assert tryton.read("party.party", [party_id], ["name"])[0]["name"] == "Fresh Partner SIA"


def test_rename_and_contact_change_in_tryton_reach_the_portal(tryton):
    company = approved_in_erp(tryton, registration_number="40003100002")
    pull_all()
    tryton.rename_party(int(company.erp_id), "Renamed By Accounting SIA")
    tryton.set_contact_mechanism(int(company.erp_id), "phone", "+371 26666666")
    pull_all()
    company.refresh_from_db()
    assert company.legal_name == "Renamed By Accounting SIA"
    # The phone is portal-owned, but only Tryton changed it: the change is taken.
    assert company.phone == "+371 26666666"


def test_phone_and_contact_email_changed_in_the_portal_reach_tryton(tryton):
    company = approved_in_erp(tryton, registration_number="40003100003")
    admin = MembershipFactory(company=company, role=Role.ADMIN)
    company_update_contact_details(membership=admin, phone="+371 27777777", email="office@new.lv", website="")
    contact = company_contact_save(company=company, name="Ilze Ozola", email="ilze@partner.lv", phone="")
    outbox_deliver_due()
    outbox_deliver_due()
    mechanisms = tryton.read(
        "party.contact_mechanism",
        tryton.search("party.contact_mechanism", [("party", "=", int(company.erp_id))]),
        ["type", "value"],
    )
    assert {"type": "phone", "value": "+371 27777777"} in [{k: m[k] for k in ("type", "value")} for m in mechanisms]
    contact.refresh_from_db()
    assert contact.erp_id
    company_contact_save(company=company, contact=contact, email="ilze.ozola@partner.lv")
    outbox_deliver_due()
    pull_entity("contacts")
    assert CompanyContact.objects.for_company(company).get().email == "ilze.ozola@partner.lv"
    assert not OutboxMessage.objects.exclude(status="delivered").exists()


def test_invoice_lifecycle_unpaid_partial_paid_and_overdue(tryton):
    company = approved_in_erp(tryton, registration_number="40003100004")
    invoice_id = tryton.create_invoice(int(company.erp_id), [("Licence", 1, "100.00")])
    late_id = tryton.create_invoice(
        int(company.erp_id), [("Support", 1, "50.00")], payment_term_date=timezone.localdate() - dt.timedelta(days=40)
    )
    pull_entity("invoices")
    invoice = Invoice.objects.for_company(company).get(erp_id=str(invoice_id))
    assert (invoice.status, invoice.total, invoice.balance) == ("unpaid", Decimal("121.00"), Decimal("121.00"))
    assert Invoice.objects.for_company(company).get(erp_id=str(late_id)).status == "overdue"

    tryton.pay_invoice(invoice_id, "50.00")
    pull_entity("invoices")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == ("unpaid", Decimal("71.00"))

    tryton.pay_invoice(invoice_id)
    pull_entity("invoices")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == ("paid", Decimal("0.00"))


def test_a_registration_known_to_tryton_waits_for_verification_and_linking_takes_the_erp_data(tryton, client):
    number = lv_registration_number(310005)
    party_id = tryton.create_party("Accounting Name SIA", registration_number=number, city="Cēsis")
    response = client.post(
        "/en/partner/register/",
        {
            "legal_name": "Applied Name SIA", "country": "LV", "registration_number": number,
            "address": "Iela 1", "city": "Rīga", "postal_code": "LV-1000", "company_phone": "+371 67000000",
            "company_email": "office@applied.lv", "first_name": "A", "last_name": "B",
            "email": "a.b@applied.lv", "password1": "Long-enough-pass-77", "password2": "Long-enough-pass-77",
            "accept_terms": "on",
        },
    )  # fmt: skip
    assert response.status_code == 302
    company = Company.objects.get(registration_number=number)
    # Known to the ERP, so staff verify it; nothing from the ERP is attached before they do.
    assert company.status == CompanyStatus.PENDING_VERIFICATION and company.erp_id == ""
    company_approve(company=company, by=StaffFactory())
    outbox_deliver_due()
    company.refresh_from_db()
    assert (company.status, company.erp_id) == (CompanyStatus.ACTIVE, str(party_id))
    assert (company.legal_name, company.city) == ("Accounting Name SIA", "Cēsis")
    assert parties_with_number(tryton, number) == [party_id]


def test_tryton_down_during_approval_then_exactly_one_party_after_restart(tryton):
    company = CompanyFactory(status=CompanyStatus.PENDING_REVIEW, registration_number="40003100006")
    tryton.stop()
    company_approve(company=company, by=StaffFactory())
    company.refresh_from_db()
    assert company.status == CompanyStatus.ACTIVE
    outbox_deliver_due()
    assert OutboxMessage.objects.get().status == "pending"
    tryton.start()
    erp_deliver_outbox()  # beat's sweep resumes it once Tryton's health check answers
    erp_deliver_outbox()
    assert OutboxMessage.objects.get().status == "delivered"
    assert len(parties_with_number(tryton, "40003100006")) == 1


def test_delivering_the_same_outbox_row_twice_creates_nothing_twice(tryton):
    company = approved_in_erp(tryton, registration_number="40003100007")
    message = OutboxMessage.objects.get()
    Company.objects.filter(pk=company.pk).update(erp_id="")  # as if the acknowledgement had been lost
    OutboxMessage.objects.filter(pk=message.pk).update(status="pending")
    outbox_deliver_due()
    company.refresh_from_db()
    assert len(parties_with_number(tryton, "40003100007")) == 1
    assert company.erp_id == str(parties_with_number(tryton, "40003100007")[0])


def test_a_conflicting_edit_on_both_sides_leaves_a_conflict_entry(tryton):
    company = approved_in_erp(tryton, registration_number="40003100008")
    pull_all()
    Company.objects.filter(pk=company.pk).update(legal_name="Portal Typo SIA")
    tryton.rename_party(int(company.erp_id), "Official Name SIA")
    pull_entity("companies")
    company.refresh_from_db()
    assert company.legal_name == "Official Name SIA"
    conflict = SyncConflict.objects.get()
    assert (conflict.field, conflict.portal_value, conflict.erp_value, conflict.applied) == (
        "legal_name", "Portal Typo SIA", "Official Name SIA", "erp"
    )  # fmt: skip
