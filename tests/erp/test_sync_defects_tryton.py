"""The defects an operator found against a real Tryton (issue 13), each reproduced against a real trytond 8.2:
pushes that overwrote the ERP's own fields, numbers Tryton spells differently, ERP data reaching companies staff
had not verified, and pages that failed while Tryton was down."""

import pytest
from django.urls import reverse

from integrations.erp.models import OutboxMessage
from integrations.erp.pull import pull_all
from integrations.erp.tasks import erp_deliver_outbox
from partner_area.billing.models import Invoice
from partner_area.companies.contacts import company_contact_save
from partner_area.companies.models import Company, CompanyContact, CompanyStatus, Role
from partner_area.companies.services import company_approve, company_reject, company_update_contact_details
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory
from tests.onboarding.test_registration import URL as REGISTER_URL
from tests.onboarding.test_registration import application
from tests.organizations.factories_staff import partner_manager

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_retries")]

# Registration numbers whose check digits add up (the registration form checks them).
N1, N2, N3, N4, N5, N6, N7, N8 = (
    "40003123453", "40003200004", "40003555556", "40003100003", "40003032949", "40003000040", "40003000036",
    "40003000021",
)  # fmt: skip
VAT_ADDED_IN_TRYTON = "LV40103564678"


def deliver_all() -> None:
    """Sweep as beat does until nothing is due (a delivery may queue a follow-up, as linking does); each sweep
    first resumes what waited for Tryton once its health check answers."""
    for _ in range(5):
        if not erp_deliver_outbox():
            return


def approved_in_erp(tryton, **fields) -> Company:
    company = CompanyFactory(status=CompanyStatus.PENDING_REVIEW, **fields)
    company_approve(company=company, by=StaffFactory())
    deliver_all()
    company.refresh_from_db()
    assert company.erp_id
    return company


def register(client, number: str, **overrides) -> Company:
    response = client.post(REGISTER_URL, application(registration_number=number, vat_number="", **overrides))
    assert response.status_code == 302, response.context["form"].errors
    return Company.objects.get(registration_number=number)


def all_parties(tryton) -> list[int]:
    return tryton.search("party.party", [], order=[("id", "ASC")])


# D4 -------------------------------------------------------------------------------------------------------


def test_a_portal_email_edit_keeps_the_name_street_and_vat_changed_in_tryton_meanwhile(tryton):
    company = approved_in_erp(tryton, registration_number=N1, legal_name="Portal Name SIA")
    pull_all()
    party = int(company.erp_id)
    # Accounting renames the party, moves it and adds its VAT number; the portal has not pulled since.
    tryton.rename_party(party, "Accounting Name SIA")
    (address,) = tryton.search("party.address", [("party", "=", party)])
    tryton.client.write("party.address", [address], {"street": "Jaunā iela 5"})
    tryton.client.create("party.identifier", [{"party": party, "type": "eu_vat", "code": VAT_ADDED_IN_TRYTON}])
    admin = MembershipFactory(company=company, role=Role.ADMIN)
    company_update_contact_details(membership=admin, phone=company.phone, email="billing@partner.lv", website="")
    deliver_all()

    (row,) = tryton.read("party.party", [party], ["name"])
    assert row["name"] == "Accounting Name SIA"
    assert tryton.read("party.address", [address], ["street"])[0]["street"] == "Jaunā iela 5"
    identifiers = tryton.read(
        "party.identifier", tryton.search("party.identifier", [("party", "=", party)]), ["type", "code"]
    )
    assert {"type": "eu_vat", "code": VAT_ADDED_IN_TRYTON} in [{k: i[k] for k in ("type", "code")} for i in identifiers]
    emails = tryton.read(
        "party.contact_mechanism",
        tryton.search("party.contact_mechanism", [("party", "=", party), ("type", "=", "email")]),
        ["value"],
    )
    assert [e["value"] for e in emails] == ["billing@partner.lv"]
    # And the next pull brings Tryton's changes into the portal, with nothing to push back.
    pull_all()
    company.refresh_from_db()
    assert (company.legal_name, company.address, company.vat_number) == (
        "Accounting Name SIA", "Jaunā iela 5", VAT_ADDED_IN_TRYTON
    )  # fmt: skip
    assert not OutboxMessage.objects.exclude(status="delivered").exists()


def test_a_contact_phone_edit_keeps_the_name_changed_in_tryton_meanwhile(tryton):
    company = approved_in_erp(tryton, registration_number=N2)
    contact = company_contact_save(company=company, name="Ilze Ozola", email="ilze@partner.lv", phone="")
    deliver_all()
    contact.refresh_from_db()
    tryton.rename_party(int(contact.erp_id), "Ilze Ozola-Kalniņa")
    company_contact_save(company=company, contact=contact, phone="+371 20000001")
    deliver_all()
    (person,) = tryton.read("party.party", [int(contact.erp_id)], ["name"])
    assert person["name"] == "Ilze Ozola-Kalniņa"
    pull_all()
    contact.refresh_from_db()
    assert (contact.name, contact.phone) == ("Ilze Ozola-Kalniņa", "+371 20000001")


# D3 -------------------------------------------------------------------------------------------------------


def test_a_number_tryton_keeps_with_spaces_and_dashes_is_found_and_approval_makes_no_second_party(tryton, client):
    party = tryton.create_party("Spaced SIA", registration_number=f"{N3[:5]} {N3[5:8]}-{N3[8:]}")
    company = register(client, N3)
    assert company.status == CompanyStatus.PENDING_VERIFICATION
    parties_before = all_parties(tryton)
    company_approve(company=company, by=StaffFactory())
    deliver_all()
    company.refresh_from_db()
    assert company.erp_id == str(party)
    assert all_parties(tryton) == parties_before


def test_a_number_tryton_keeps_with_dots_is_found_too(tryton):
    from partner_area.platform.ports.erp import get_erp_gateway

    party = tryton.create_party("Dotted SIA", registration_number=f"{N4[:5]}.{N4[5:]}")
    found = get_erp_gateway().find_company(f" {N4[:3]}-{N4[3:]} ")
    assert found is not None and found.erp_id == str(party) and found.registration_number == N4


# D6 -------------------------------------------------------------------------------------------------------


def test_an_applicant_tryton_knows_gets_none_of_its_invoices_before_or_after_rejection(tryton, client):
    party = tryton.create_party("Known Customer SIA", registration_number=N5, city="Cēsis")
    tryton.create_invoice(party, [("Licence", 1, "100.00")])
    company = register(client, N5)
    assert (company.status, company.erp_id) == (CompanyStatus.PENDING_VERIFICATION, "")
    pull_all()
    assert Invoice.unscoped.filter(company=company).count() == 0
    company_reject(company=company, by=StaffFactory(), reason="Not their representative.")
    pull_all()
    assert Invoice.unscoped.filter(company=company).count() == 0
    company.refresh_from_db()
    assert company.erp_id == ""


def test_approval_links_the_applicant_and_brings_the_erps_invoices_and_contacts(tryton, client):
    party = tryton.create_party("Accounting Name SIA", registration_number=N6, city="Cēsis", phone="+371 60000000")
    tryton.create_invoice(party, [("Licence", 2, "50.00")])
    pull_all()  # the invoice was pulled before the company was linked: only the backfill can bring it
    from partner_area.platform.ports.erp import ErpContact, get_erp_gateway

    get_erp_gateway().upsert_contact(ErpContact(company_erp_id=str(party), name="Anna Bērziņa", email="anna@p.lv"))
    company = register(client, N6, legal_name="Applied Name SIA")
    company_approve(company=company, by=StaffFactory())
    deliver_all()
    company.refresh_from_db()
    assert (company.erp_id, company.legal_name, company.city) == (str(party), "Accounting Name SIA", "Cēsis")
    assert [i.total for i in Invoice.objects.for_company(company)] == [pytest.approx(121)]
    assert [c.name for c in CompanyContact.objects.for_company(company)] == ["Anna Bērziņa"]
    # The phone the applicant gave is the portal's: Tryton receives it instead of keeping its older one.
    phones = tryton.read(
        "party.contact_mechanism",
        tryton.search("party.contact_mechanism", [("party", "=", party), ("type", "=", "phone")]),
        ["value"],
    )
    assert [p["value"] for p in phones] == [company.phone]


# D7 -------------------------------------------------------------------------------------------------------


def test_an_application_tryton_learns_about_later_moves_to_verification_untouched(tryton):
    company = CompanyFactory(status=CompanyStatus.PENDING_REVIEW, registration_number=N7, legal_name="Newcomer IT SIA")
    pull_all()
    tryton.create_party("Newcomer Accounting SIA", registration_number=N7, city="Valmiera")
    pull_all()
    company.refresh_from_db()
    assert (company.status, company.erp_id, company.legal_name) == (
        CompanyStatus.PENDING_VERIFICATION, "", "Newcomer IT SIA"
    )  # fmt: skip
    assert company.status_changes.filter(to_status=CompanyStatus.PENDING_VERIFICATION, changed_by=None).exists()


# D1 and D2 ------------------------------------------------------------------------------------------------


def test_registration_while_tryton_is_down_succeeds_and_is_checked_once_it_answers(tryton, client):
    tryton.create_party("Known SIA", registration_number=N8)
    tryton.stop()
    company = register(client, N8)
    assert (company.status, company.erp_checked_at) == (CompanyStatus.PENDING_REVIEW, None)
    client.force_login(partner_manager(email="maija@brello.example"))
    page = client.get(reverse("partner_profiles:inspect", args=[company.pk])).content.decode()
    assert "ERP check pending" in page
    tryton.start()
    pull_all()
    company.refresh_from_db()
    assert company.status == CompanyStatus.PENDING_VERIFICATION and company.erp_checked_at is not None


def test_approving_a_known_company_while_tryton_is_down_answers_and_links_once_it_is_back(tryton, client):
    party = tryton.create_party("Known SIA", registration_number=N1, city="Ogre")
    company = CompanyFactory(status=CompanyStatus.PENDING_VERIFICATION, registration_number=N1)
    tryton.stop()
    client.force_login(partner_manager(email="maija@brello.example"))
    url = reverse("partner_profiles:status_action", kwargs={"pk": company.pk, "action": "approve"})
    assert (
        "The ERP could not be reached"
        in client.get(reverse("partner_profiles:inspect", args=[company.pk])).content.decode()
    )
    response = client.post(url, follow=True)
    assert response.status_code == 200 and "approved" in response.content.decode()
    company.refresh_from_db()
    assert (company.status, company.erp_id) == (CompanyStatus.ACTIVE, "")
    deliver_all()
    assert OutboxMessage.objects.get().status == "pending"
    tryton.start()
    deliver_all()
    company.refresh_from_db()
    assert (company.erp_id, company.city) == (str(party), "Ogre")
    assert len(tryton.search("party.party", [("identifiers.code", "=", N1)])) == 1


# D5 -------------------------------------------------------------------------------------------------------


def test_a_vat_number_tryton_refuses_is_parked_and_delivered_once_staff_correct_it(tryton, client):
    company = CompanyFactory(status=CompanyStatus.PENDING_REVIEW, registration_number=N2, vat_number="LV40003200001")
    company_approve(company=company, by=StaffFactory())  # an application from before the check digits were checked
    deliver_all()
    message = OutboxMessage.objects.get()
    assert message.status == "failed" and message.last_error
    client.force_login(partner_manager(email="maija@brello.example"))
    correct = reverse("partner_profiles:correct", args=[company.pk])
    fields = {name: getattr(company, name) for name in ("legal_name", "country", "address", "city", "postal_code",
                                                        "phone", "email", "website")}  # fmt: skip
    assert client.post(correct, {**fields, "vat_number": f"LV{N2}"}).status_code == 302
    deliver_all()
    company.refresh_from_db()
    assert company.erp_id and OutboxMessage.objects.get().status == "delivered"
    codes = tryton.read(
        "party.identifier", tryton.search("party.identifier", [("party", "=", int(company.erp_id))]), ["code"]
    )
    assert f"LV{N2}" in [row["code"] for row in codes]
