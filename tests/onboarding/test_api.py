"""/api/v1/: the JSON twins of the partner pages."""

import pytest
from rest_framework.test import APIClient

from partner_area.companies.models import Role
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory
from tests.mailbox import sent_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def admin():
    return MembershipFactory(company=CompanyFactory(legal_name="Mine SIA"), role=Role.ADMIN)


def test_token_authentication_with_email_and_password(api, admin):
    token = api.post("/api/v1/auth/token", {"username": admin.user.email, "password": PASSWORD}).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me").json()
    assert me["email"] == admin.user.email
    assert me["role"] == "admin"
    assert me["sections"] == ["dashboard", "invoices", "support", "materials"]
    assert me["company"]["legal_name"] == "Mine SIA"


def test_bad_credentials_answer_400_with_details(api, admin):
    response = api.post("/api/v1/auth/token", {"username": admin.user.email, "password": "nope"})
    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid input."
    assert response.json()["errors"]["non_field_errors"]


def test_anonymous_requests_are_refused_with_json(api):
    response = api.get("/api/v1/company")
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_company_shows_only_the_members_own_company(api, admin):
    CompanyFactory(legal_name="Other SIA")
    api.force_authenticate(admin.user)
    assert api.get("/api/v1/company").json()["legal_name"] == "Mine SIA"


def test_members_list_and_update(api, admin):
    colleague = MembershipFactory(company=admin.company, role=Role.USER, sections=["materials"])
    MembershipFactory(role=Role.USER)  # someone else's
    api.force_authenticate(admin.user)
    listed = api.get("/api/v1/members").json()
    assert {m["email"] for m in listed} == {admin.user.email, colleague.user.email}
    response = api.patch(f"/api/v1/members/{colleague.pk}", {"role": "user", "sections": ["invoices"]}, format="json")
    assert response.status_code == 200
    assert response.json()["sections"] == ["invoices"]


def test_invalid_member_update_answers_400_with_field_messages(api, admin):
    api.force_authenticate(admin.user)
    response = api.patch(f"/api/v1/members/{admin.pk}", {"role": "owner"}, format="json")
    assert response.status_code == 400
    assert "role" in response.json()["errors"]
    response = api.patch(f"/api/v1/members/{admin.pk}", {"role": "user", "sections": []}, format="json")
    assert response.status_code == 400  # the last active admin cannot be demoted


def test_invitations_create_list_and_revoke(api, admin):
    api.force_authenticate(admin.user)
    created = api.post(
        "/api/v1/invitations", {"email": "new.colleague@partner.lv", "sections": ["support"]}, format="json"
    )
    assert created.status_code == 201
    assert sent_mail()[-1].to == ["new.colleague@partner.lv"]
    assert [i["email"] for i in api.get("/api/v1/invitations").json()] == ["new.colleague@partner.lv"]
    assert api.delete(f"/api/v1/invitations/{created.json()['id']}").status_code == 204
    bad = api.post("/api/v1/invitations", {"email": "not-an-email"}, format="json")
    assert bad.status_code == 400 and "email" in bad.json()["errors"]


def test_users_without_the_admin_role_get_403(api, admin):
    user = MembershipFactory(
        company=admin.company, role=Role.USER, sections=["dashboard", "invoices", "support", "materials"]
    )
    api.force_authenticate(user.user)
    assert api.get("/api/v1/members").status_code == 403
    assert api.get("/api/v1/invitations").status_code == 403


def test_schema_documents_the_partner_api_only(client):
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/members" in schema and "/api/v1/me" in schema
    assert "/admin/" not in schema and "/api/cms/" not in schema
    assert client.get("/api/v1/docs/").status_code == 200


def test_an_account_with_two_factor_login_needs_a_current_code_for_a_token(api, admin):
    """A token works without the second step: the password alone must not get one past two-factor login."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.accounts.test_two_factor import code_for

    device = TOTPDevice.objects.create(user=admin.user, name="Phone", confirmed=True)
    credentials = {"username": admin.user.email, "password": PASSWORD}

    without = api.post("/api/v1/auth/token", credentials, format="json")
    assert without.status_code == 400 and "otp" in without.json()["errors"] and "token" not in without.json()
    wrong = api.post("/api/v1/auth/token", {**credentials, "otp": "000000"}, format="json")
    assert wrong.status_code == 400 and "token" not in wrong.json()
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None  # the app's next code, at once
    device.save()
    right = api.post("/api/v1/auth/token", {**credentials, "otp": code_for(device)}, format="json")
    assert right.status_code == 200 and right.json()["token"]


def test_staff_get_no_api_token(api):
    from tests.factories import StaffFactory

    staff = StaffFactory(is_superuser=True)
    response = api.post("/api/v1/auth/token", {"username": staff.email, "password": PASSWORD}, format="json")
    assert response.status_code == 403 and "token" not in response.json()
    assert response.json()["detail"] == "API tokens are for partner accounts; staff work in the admin."


def test_too_many_token_requests_answer_429_in_json(api, admin, settings):
    settings.RATELIMIT_LOGIN = "2/h"
    for _ in range(2):
        api.post("/api/v1/auth/token", {"username": admin.user.email, "password": "nope"}, format="json")
    response = api.post("/api/v1/auth/token", {"username": admin.user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 429 and response["Content-Type"] == "application/json"
    assert response.json()["detail"] and int(response["Retry-After"]) > 0


def test_invitations_through_the_api_are_rate_limited(api, admin, settings):
    settings.RATELIMIT_INVITATIONS = "2/h"
    api.force_authenticate(admin.user)
    for n in range(2):
        body = {"email": f"new{n}@example.com", "role": "user", "sections": ["invoices"]}
        assert api.post("/api/v1/invitations", body, format="json").status_code == 201
    body = {"email": "one-too-many@example.com", "role": "user", "sections": ["invoices"]}
    response = api.post("/api/v1/invitations", body, format="json")
    assert response.status_code == 429 and len(sent_mail()) == 2


def test_api_reads_are_throttled_per_user_with_retry_after(api, admin, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "rate", "3/hour", raising=False)
    api.force_authenticate(admin.user)
    assert [api.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
    response = api.get("/api/v1/me")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0 and response.json()["detail"]
    colleague = MembershipFactory(company=admin.company, role=Role.USER)
    api.force_authenticate(colleague.user)
    assert api.get("/api/v1/me").status_code == 200  # counted per user


def test_an_unknown_api_address_answers_json_404(api, admin):
    api.force_authenticate(admin.user)
    response = api.get("/api/v1/nope")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_schema_documents_the_error_answers_nullable_upline_and_the_required_role(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "429" in operation["responses"], (method, path)
            if method in ("post", "patch"):
                assert operation["responses"]["400"]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"
                }
    assert schema["components"]["schemas"]["CompanyOutput"]["properties"]["upline"]["nullable"] is True
    patch = schema["paths"]["/api/v1/members/{member_id}"]["patch"]["requestBody"]["content"]["application/json"]
    body = schema["components"]["schemas"][patch["schema"]["$ref"].rsplit("/", 1)[1]]
    assert "role" in body["required"]
    page = next(p for p in schema["paths"]["/api/v1/dashboard"]["get"]["parameters"] if p["name"] == "page")
    assert "1 or more" in page["description"]


def test_errors_in_a_list_fields_items_come_as_that_fields_messages(api, admin):
    api.force_authenticate(admin.user)
    response = api.patch(f"/api/v1/members/{admin.pk}", {"role": "admin", "sections": ["nope", ""]}, format="json")
    # DRF nests them by position ({"sections": {"0": [...]}}); the documented shape is field → messages (schemathesis).
    assert response.status_code == 400
    assert response.json()["errors"] == {"sections": ['"nope" is not a valid choice.', '"" is not a valid choice.']}


def test_an_empty_query_parameter_counts_as_absent_and_the_schema_says_so(api, admin, client):
    import yaml

    api.force_authenticate(admin.user)
    assert api.get("/api/v1/invoices?page=&page_size=&status=&date_from=").status_code == 200
    assert api.get("/api/v1/dashboard?page=&start=&period=").status_code == 200
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    parameters = schema["paths"]["/api/v1/invoices"]["get"]["parameters"]
    assert parameters and all(parameter["allowEmptyValue"] is True for parameter in parameters)
