"""The company page's contact persons: every member reads them, org admins add and change them, and each
change is logged and queued for the ERP."""

import pytest
from django.test import Client

from integrations.erp.models import OutboxMessage
from partner_area.companies.models import CompanyContact, Membership, Role
from partner_area.platform.audit.models import AuditLogEntry
from tests.factories import CompanyFactory, MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("erp")]

COMPANY_URL = "/en/partner/company/"
NEW_URL = "/en/partner/company/contacts/new/"


def edit_url(contact: CompanyContact) -> str:
    return f"/en/partner/company/contacts/{contact.pk}/"


@pytest.fixture
def company():
    return CompanyFactory(erp_id="P-1")


@pytest.fixture
def admin(company) -> Membership:
    return MembershipFactory(company=company, role=Role.ADMIN)


def client_for(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def test_org_admin_adds_a_contact_person_and_it_is_queued_for_the_erp(admin, company):
    client = client_for(admin)
    response = client.post(NEW_URL, {"name": "Ilze Ozola", "email": "Ilze@Partner.lv", "phone": "+371 20000001"})
    assert response.status_code == 302 and response["Location"] == COMPANY_URL
    contact = CompanyContact.objects.for_company(company).get()
    assert (contact.name, contact.email, contact.phone) == ("Ilze Ozola", "ilze@partner.lv", "+371 20000001")
    message = OutboxMessage.objects.get()
    assert (message.operation, message.payload, message.status) == (
        "contact.upsert",
        {"contact": contact.pk},
        "pending",
    )
    assert message.entity_id == str(company.pk)  # delivered after anything queued about its company
    entry = AuditLogEntry.objects.get(action="company.contact_added")
    assert (entry.actor, entry.company, entry.target_id) == (admin.user, company, str(contact.pk))
    page = client.get(COMPANY_URL).content.decode()
    assert "Ilze Ozola" in page and "ilze@partner.lv" in page and "is saved" in page


def test_org_admin_changes_a_contact_person(admin, company):
    contact = CompanyContact.unscoped.create(company=company, name="Jānis", email="janis@partner.lv")
    client = client_for(admin)
    assert 'value="janis@partner.lv"' in client.get(edit_url(contact)).content.decode()
    response = client.post(edit_url(contact), {"name": "Jānis Bērziņš", "email": "janis@partner.lv", "phone": ""})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.name == "Jānis Bērziņš"
    assert OutboxMessage.objects.get().payload == {"contact": contact.pk}
    entry = AuditLogEntry.objects.get(action="company.contact_changed")
    assert entry.details["before"]["name"] == "Jānis" and entry.details["after"]["name"] == "Jānis Bērziņš"


def test_saving_a_contact_unchanged_queues_and_logs_nothing(admin, company):
    contact = CompanyContact.unscoped.create(company=company, name="Anna", email="anna@partner.lv")
    client_for(admin).post(edit_url(contact), {"name": "Anna", "email": "anna@partner.lv", "phone": ""})
    assert not OutboxMessage.objects.exists() and not AuditLogEntry.objects.exists()


def test_an_invalid_e_mail_is_shown_beside_the_field_and_nothing_is_saved(admin, company):
    response = client_for(admin).post(NEW_URL, {"name": "Ilze", "email": "not-an-address", "phone": "call me"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_email_error"' in page and "Enter a valid email address." in page
    assert 'id="id_phone_error"' in page
    assert 'value="Ilze"' in page  # what they typed stays
    assert not CompanyContact.objects.for_company(company).exists() and not OutboxMessage.objects.exists()


def test_a_member_sees_the_contact_persons_but_cannot_change_them(company):
    contact = CompanyContact.unscoped.create(company=company, name="Anna", email="anna@partner.lv")
    member = MembershipFactory(company=company, role=Role.USER, sections=["invoices"])
    client = client_for(member)
    page = client.get(COMPANY_URL).content.decode()
    assert "Anna" in page and "anna@partner.lv" in page
    assert NEW_URL not in page and edit_url(contact) not in page and 'name="phone"' not in page
    # The project's convention: a page a person may not use answers 404, like a missing one.
    assert client.get(NEW_URL).status_code == 404
    assert client.post(NEW_URL, {"name": "Sneaky"}).status_code == 404
    assert client.post(edit_url(contact), {"name": "Sneaky", "email": "", "phone": ""}).status_code == 404
    assert client.post(COMPANY_URL, {"phone": "+371 1", "email": "x@y.lv"}).status_code == 404
    contact.refresh_from_db()
    assert contact.name == "Anna" and not OutboxMessage.objects.exists()


def test_another_companys_contact_answers_404(admin):
    foreign = CompanyContact.unscoped.create(company=CompanyFactory(), name="Theirs")
    client = client_for(admin)
    assert client.get(edit_url(foreign)).status_code == 404
    assert client.post(edit_url(foreign), {"name": "Mine now", "email": "", "phone": ""}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Theirs"


def test_without_an_erp_a_contact_is_saved_and_nothing_is_queued(admin, company, settings):
    settings.ERP_BACKEND = "partner_area.platform.ports.erp.NoErpGateway"
    unlinked = MembershipFactory(role=Role.ADMIN)
    response = client_for(unlinked).post(NEW_URL, {"name": "Ilze", "email": "", "phone": ""}, follow=True)
    assert response.redirect_chain == [(COMPANY_URL, 302)]
    assert CompanyContact.objects.for_company(unlinked.company).count() == 1
    assert not OutboxMessage.objects.exists()
    page = response.content.decode()
    assert "Ilze is saved." in page and "Brello&#x27;s records" not in page and "records are updated" not in page
    assert "Changes here reach" not in page  # nor does the contacts list promise it
    assert "records are updated" not in client_for(unlinked).get(NEW_URL).content.decode()


def test_a_contact_saved_for_the_erp_says_brellos_records_are_updated(admin, company):
    response = client_for(admin).post(NEW_URL, {"name": "Ilze", "email": "", "phone": ""}, follow=True)
    assert OutboxMessage.objects.get().operation == "contact.upsert"
    assert "Ilze is saved. Brello&#x27;s records are updated too." in response.content.decode()
    assert "Changes here reach Brello's records too." in response.content.decode()


def test_saving_a_contact_unchanged_does_not_claim_an_update_of_brellos_records(admin, company):
    contact = CompanyContact.unscoped.create(company=company, name="Anna", email="anna@partner.lv")
    response = client_for(admin).post(
        edit_url(contact), {"name": "Anna", "email": "anna@partner.lv", "phone": ""}, follow=True
    )
    assert not OutboxMessage.objects.exists()
    page = response.content.decode()
    assert "Anna is saved." in page and "records are updated" not in page


def test_the_latvian_message_without_an_erp_does_not_mention_brellos_records(settings):
    settings.ERP_BACKEND = "partner_area.platform.ports.erp.NoErpGateway"
    unlinked = MembershipFactory(role=Role.ADMIN)
    response = client_for(unlinked).post(
        "/lv/partner/company/contacts/new/", {"name": "Ilze", "email": "", "phone": ""}, follow=True
    )
    # The company page's own help text speaks of Brello's records; the message must not claim an update.
    assert response.status_code == 200 and "Dati ir atjaunināti" not in response.content.decode()


def test_contact_posts_are_rate_limited(admin, company, settings):
    settings.RATELIMIT_FORMS = "2/h"
    client = client_for(admin)
    for n in range(2):
        assert client.post(NEW_URL, {"name": f"Person {n}", "email": "", "phone": ""}).status_code == 302
    assert client.post(NEW_URL, {"name": "One too many", "email": "", "phone": ""}).status_code == 429
    assert not CompanyContact.objects.for_company(company).filter(name="One too many").exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.USER])
def test_the_company_page_takes_the_same_few_queries_however_many_contacts(
    company, role, django_assert_max_num_queries
):
    member = MembershipFactory(company=company, role=role)
    client = client_for(member)
    CompanyContact.unscoped.bulk_create(CompanyContact(company=company, name=f"Person {n}") for n in range(40))
    with django_assert_max_num_queries(12):
        response = client.get(COMPANY_URL)
    assert response.content.decode().count("<strong>Person ") == 40


def test_the_pages_are_in_latvian_too(admin, company):
    CompanyContact.unscoped.create(company=company, name="Anna")
    client = client_for(admin)
    assert client.get("/lv/partner/company/").status_code == 200
    assert client.get("/lv/partner/company/contacts/new/").status_code == 200
