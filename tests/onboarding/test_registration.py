"""A visitor applies to become a partner."""

import re
import threading

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import translation

from partner_area.companies.models import Company, CompanyStatus, Membership, Role
from partner_area.onboarding.forms import RegistrationForm
from partner_area.onboarding.services import DuplicateCompanyError, company_register
from partner_area.platform.audit.models import AuditLogEntry
from partner_area.platform.ports.erp import ErpCompany
from tests.factories import CompanyFactory
from tests.mailbox import sent_mail

pytestmark = pytest.mark.django_db

URL = "/en/partner/register/"


def application(**overrides) -> dict:
    data = {
        "legal_name": "Baltic Integrators SIA",
        "country": "LV",
        "registration_number": "40003 123 453",
        "vat_number": "lv40003123453",
        "address": "Elizabetes iela 10",
        "city": "Rīga",
        "postal_code": "LV-1010",
        "company_phone": "+371 67000000",
        "company_email": "office@balticintegrators.lv",
        "website": "https://balticintegrators.lv",
        "first_name": "Ilze",
        "last_name": "Bērziņa",
        "email": "Ilze@BalticIntegrators.lv",
        "phone": "+371 29000000",
        "password1": "a-long-Partner-passw0rd",
        "password2": "a-long-Partner-passw0rd",
        "accept_terms": "on",
        "website_url": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_registration_creates_company_and_its_first_admin(client):
    response = client.post(URL, application())
    assert response.status_code == 302
    assert response["Location"] == "/en/partner/register/check-your-inbox/"

    company = Company.objects.get()
    assert company.registration_number == "40003123453"
    assert company.vat_number == "LV40003123453"
    assert company.status == CompanyStatus.PENDING_REVIEW
    assert company.terms_version == "2026-01" and company.terms_accepted_at is not None
    membership = Membership.unscoped.get(company=company)
    assert membership.role == Role.ADMIN
    assert membership.user.email == "ilze@balticintegrators.lv"
    assert membership.user.email_confirmed_at is None
    assert AuditLogEntry.objects.filter(action="company.registered", company=company).exists()


def test_confirmation_link_confirms_the_address_and_shows_under_review(client):
    client.post(URL, application())
    assert len(sent_mail()) == 1
    message = sent_mail()[0]
    assert message.to == ["ilze@balticintegrators.lv"]
    link = re.search(r"http://testserver(/en/partner/confirm-email/\S+/)", message.body).group(1)

    response = client.get(link, follow=True)
    assert response.redirect_chain[-1][0] == "/en/partner/account/login/"
    assert Membership.unscoped.get().user.email_confirmed_at is not None

    client.post(
        "/en/partner/account/login/", {"username": "ilze@balticintegrators.lv", "password": "a-long-Partner-passw0rd"}
    )
    assert "Under review" in client.get("/en/partner/status/").content.decode()


def test_a_tampered_confirmation_link_is_refused(client):
    response = client.get("/en/partner/confirm-email/not-a-real-token/", follow=True)
    assert "invalid or has expired" in response.content.decode()


def test_latvian_applicant_gets_latvian_email(client):
    client.post("/lv/partner/register/", application())
    assert "/lv/partner/confirm-email/" in sent_mail()[0].body
    assert Membership.unscoped.get().user.preferred_language == "lv"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("registration_number", "4000312345", "A Latvian registration number has 11 digits"),
        ("registration_number", "40003A23456", "A Latvian registration number has 11 digits"),
        ("vat_number", "EE40003123456", "Enter the VAT number with its country prefix, e.g. LV"),
        ("vat_number", "LV40003123456", "The check digit of this number is wrong"),  # Tryton would refuse it
        ("registration_number", "40003123456", "The check digit of this number is wrong"),
        ("email", "not-an-email", "Enter a valid email address."),
        ("email", "ilze@example.com", "This e-mail domain cannot receive mail"),
        ("company_email", "office@localhost", "This e-mail domain cannot receive mail"),
        ("password2", "something-else-entirely", "The two passwords do not match."),
        ("company_phone", "call me", "Enter a phone number"),
        ("legal_name", "", "This field is required."),
        ("legal_name", "x" * 201, "Ensure this value has at most 200 characters"),
        ("accept_terms", None, "This field is required."),
    ],
)
def test_invalid_input_re_renders_with_a_clear_field_error_and_keeps_the_rest(client, field, value, message):
    response = client.post(URL, application(**{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(str(e) for e in form.errors[field])
    assert 'value="Baltic Integrators SIA"' in response.content.decode() or field == "legal_name"
    assert Company.objects.count() == 0


def test_weak_passwords_are_refused_by_djangos_validators(client):
    response = client.post(URL, application(password1="1234567890", password2="1234567890"))
    errors = " ".join(response.context["form"].errors["password1"])
    assert "too common" in errors or "entirely numeric" in errors


@pytest.mark.parametrize(
    ("country", "number", "valid"),
    [
        ("LT", "123456789", True),
        ("LT", "12345678", False),
        ("EE", "12345678", True),
        ("DE", "HRB123456", True),
        ("DE", "123456", False),
        ("FI", "1572860-0", True),
        ("FI", "1234567-8", False),  # the check digit is wrong
        ("LV", "40003123456", False),  # the check digit is wrong
        ("LV", "40003123453", True),
        ("PT", "PT-500100144", True),  # generic fallback: letters and digits
        ("PT", "12", False),
    ],
)
def test_registration_numbers_are_checked_per_country(country, number, valid):
    form = RegistrationForm(application(country=country, registration_number=number, vat_number=""))
    form.is_valid()
    assert ("registration_number" not in form.errors) is valid


def test_errors_are_translated_for_latvian_visitors(client):
    with translation.override("lv"):
        response = client.post("/lv/partner/register/", application(registration_number="123"))
    errors = " ".join(response.context["form"].errors["registration_number"])
    assert "11 cipari" in errors


def test_second_registration_with_same_number_is_blocked_without_revealing_who(client):
    CompanyFactory(registration_number="40003123453", legal_name="Secret Holder SIA")
    response = client.post(URL, application(registration_number="4000-3123-453"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This company already has a portal account — ask its administrator for an invitation." in html
    assert "Secret Holder" not in html


def test_registering_with_an_address_that_has_an_account_answers_as_usual_and_tells_only_its_owner(client):
    client.post(URL, application())
    sent_mail().clear()
    client.logout()
    second = client.post(URL, application(registration_number="40003000040", vat_number="", legal_name="Other SIA"))
    fresh = client.post(
        URL, application(registration_number="40003032949", vat_number="", email="someone.new@other.lv")
    )
    # The same answer as for an address nobody uses: nothing tells the visitor the address is taken.
    assert second.status_code == fresh.status_code == 302
    assert second["Location"] == fresh["Location"]
    assert not Company.objects.filter(legal_name="Other SIA").exists()
    mails = {message.to[0]: message for message in sent_mail()}
    assert set(mails) == {"ilze@balticintegrators.lv", "someone.new@other.lv"}
    assert "already has a portal account" in mails["ilze@balticintegrators.lv"].body
    assert "/en/partner/account/password-reset/" in mails["ilze@balticintegrators.lv"].body


def test_honeypot_filled_by_a_bot_creates_nothing(client):
    response = client.post(URL, application(website_url="http://spam.example"))
    assert response.status_code == 200
    assert Company.objects.count() == 0


class FoundInErp:
    def __init__(self, *, timeout=None):
        pass

    def find_company(self, registration_number):
        return ErpCompany(erp_id="P-77", legal_name="Known SIA", registration_number=registration_number)


@override_settings(ERP_BACKEND="tests.onboarding.test_registration.FoundInErp")
def test_company_known_to_the_erp_waits_for_manual_verification(client):
    client.post(URL, application())
    company = Company.objects.get()
    assert company.status == CompanyStatus.PENDING_VERIFICATION and company.erp_checked_at is not None
    assert company.erp_id == ""  # linked only when staff approve: nothing of the ERP's reaches an applicant


def test_company_unknown_to_the_erp_waits_for_review():
    from partner_area.platform.ports.erp import get_erp_gateway

    assert get_erp_gateway().find_company("40003123453") is None


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_registrations_with_the_same_number_create_one_company():
    barrier = threading.Barrier(2)
    outcomes = []

    def register(n: int):
        try:
            barrier.wait(timeout=10)
            company_register(
                company={
                    "legal_name": f"Racer {n}",
                    "country": "LV",
                    "registration_number": "40003123453",
                    "vat_number": "",
                    "address": "Iela 1",
                    "city": "Rīga",
                    "postal_code": "LV-1000",
                    "phone": "+37120000000",
                    "email": f"r{n}@racer.lv",
                    "website": "",
                },  # fmt: skip
                person={"first_name": "R", "last_name": str(n), "email": f"person{n}@racer.lv"},
                password="a-long-Partner-passw0rd",
                terms_version="2026-01",
            )
            outcomes.append("created")
        except DuplicateCompanyError:
            outcomes.append("duplicate")
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["created", "duplicate"]
    assert Company.objects.filter(registration_number="40003123453").count() == 1
    assert Membership.unscoped.count() == 1
