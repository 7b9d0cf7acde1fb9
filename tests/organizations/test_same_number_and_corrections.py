"""A rejected application never holds its registration number; staff see the earlier applications beside a new
one, and correct a company's data (e.g. a VAT number the ERP refused) so that its deliveries go again."""

import pytest
from django.urls import reverse

from integrations.erp.models import OutboxMessage
from partner_area.companies.models import Company, CompanyStatus
from partner_area.companies.services import company_reject
from partner_area.platform.audit.models import AuditLogEntry
from tests.factories import StaffFactory
from tests.onboarding.test_registration import URL, application
from tests.organizations.factories_staff import partner_manager

pytestmark = pytest.mark.django_db


def register(client, **overrides):
    response = client.post(URL, application(**overrides))
    assert response.status_code == 302, response.context["form"].errors
    return Company.objects.exclude(status=CompanyStatus.REJECTED).get(
        registration_number=application(**overrides)["registration_number"].replace(" ", "")
    )


def test_a_rejected_application_does_not_stop_the_real_company_from_registering(client):
    first = register(client, legal_name="Wrong Person SIA", email="someone@elsewhere.lv")
    company_reject(company=first, by=StaffFactory(), reason="Not the company's representative.")
    client.logout()
    second = register(client, legal_name="Baltic Integrators SIA", email="ceo@balticintegrators.lv")
    assert second.pk != first.pk and second.status == CompanyStatus.PENDING_REVIEW
    assert Company.objects.filter(registration_number=second.registration_number).count() == 2


def test_a_blocked_company_still_holds_its_number(client):
    first = register(client, email="someone@elsewhere.lv")
    Company.objects.filter(pk=first.pk).update(status=CompanyStatus.BLOCKED)
    client.logout()
    response = client.post(URL, application(email="ceo@balticintegrators.lv"))
    assert "This company already has a portal account" in response.content.decode()


def test_staff_see_the_earlier_rejected_application_beside_the_new_one(client):
    first = register(client, legal_name="Wrong Person SIA", email="someone@elsewhere.lv")
    company_reject(company=first, by=StaffFactory(), reason="Not the company's representative.")
    client.logout()
    second = register(client, email="ceo@balticintegrators.lv")
    client.force_login(partner_manager(email="maija@brello.example"))
    page = client.get(reverse("partner_profiles:inspect", args=[second.pk])).content.decode()
    assert "Other applications with this registration number" in page
    assert "Wrong Person SIA" in page and "Not the company&#x27;s representative." in page


def test_approving_the_rejected_application_while_a_newer_one_holds_the_number_is_refused(client):
    first = register(client, legal_name="Wrong Person SIA", email="someone@elsewhere.lv")
    company_reject(company=first, by=StaffFactory(), reason="Not the company's representative.")
    client.logout()
    register(client, email="ceo@balticintegrators.lv")
    client.force_login(partner_manager(email="maija@brello.example"))
    url = reverse("partner_profiles:status_action", kwargs={"pk": first.pk, "action": "approve"})
    response = client.post(url, follow=True)
    assert "another application holds registration number" in response.content.decode()
    first.refresh_from_db()
    assert first.status == CompanyStatus.REJECTED


def test_staff_correct_a_vat_number_the_erp_refused_and_the_creation_goes_again(client, manager, settings):
    settings.ERP_BACKEND = "tests.erp_engine.fake.FakeErpGateway"
    company = Company.objects.create(
        legal_name="Typo SIA", registration_number="40003123453", vat_number="LV40003123456", address="Iela 1",
        city="Rīga", postal_code="LV-1010", phone="+371 20000000", email="office@typo.lv",
        status=CompanyStatus.ACTIVE,
    )  # fmt: skip
    message = OutboxMessage.objects.create(
        operation="company.create", entity_type="company", entity_id=str(company.pk), status="failed", attempts=1,
        last_error="The VAT number LV40003123456 is not valid.", next_attempt_at=company.created_at,
    )  # fmt: skip
    page = client.get(reverse("partner_profiles:inspect", args=[company.pk])).content.decode()
    assert "The ERP refused a change about this company" in page and "is not valid" in page
    correct = reverse("partner_profiles:correct", args=[company.pk])
    form = client.get(correct).content.decode()
    assert 'name="legal_name"' in form and 'name="vat_number"' in form
    response = client.post(correct, {**_fields(company), "vat_number": "LV40003123457"})
    assert "The check digit of this number is wrong" in response.content.decode()  # checked as at registration
    response = client.post(correct, {**_fields(company), "vat_number": "lv 4000 312 3453"})
    assert response.status_code == 302
    company.refresh_from_db()
    message.refresh_from_db()
    assert company.vat_number == "LV40003123453"
    assert message.status in ("pending", "delivered")  # given another round with the corrected data
    entry = AuditLogEntry.objects.get(action="company.corrected")
    assert entry.details == {"before": {"vat_number": "LV40003123456"}, "after": {"vat_number": "LV40003123453"}}


def test_once_linked_only_the_portal_owned_fields_can_be_corrected(client, manager):
    company = Company.objects.create(
        legal_name="Linked SIA", registration_number="40003123453", address="Iela 1", city="Rīga",
        postal_code="LV-1010", phone="+371 20000000", email="office@linked.lv", status=CompanyStatus.ACTIVE,
        erp_id="P-1",
    )  # fmt: skip
    correct = reverse("partner_profiles:correct", args=[company.pk])
    form = client.get(correct).content.decode()
    assert 'name="legal_name"' not in form and 'name="phone"' in form
    client.post(correct, {"legal_name": "Sneaky SIA", "phone": "+371 21111111", "email": "office@linked.lv"})
    company.refresh_from_db()
    assert (company.legal_name, company.phone) == ("Linked SIA", "+371 21111111")


def _fields(company) -> dict:
    names = ("legal_name", "vat_number", "country", "address", "city", "postal_code", "phone", "email", "website")
    return {name: getattr(company, name) for name in names}
