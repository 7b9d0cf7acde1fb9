"""/api/v1/: the JSON twins of the partner pages."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from partner_area.organizations.models import Role
from tests.factories import PASSWORD

from .helpers import make_company, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def admin():
    return make_member(make_company(legal_name="Mine SIA"), role=Role.ADMIN)


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
    make_company(legal_name="Other SIA")
    api.force_authenticate(admin.user)
    assert api.get("/api/v1/company").json()["legal_name"] == "Mine SIA"


def test_members_list_and_update(api, admin):
    colleague = make_member(admin.company, role=Role.USER, sections=["materials"])
    make_member(make_company(), role=Role.USER)  # someone else's
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
    assert mail.outbox[-1].to == ["new.colleague@partner.lv"]
    assert [i["email"] for i in api.get("/api/v1/invitations").json()] == ["new.colleague@partner.lv"]
    assert api.delete(f"/api/v1/invitations/{created.json()['id']}").status_code == 204
    bad = api.post("/api/v1/invitations", {"email": "not-an-email"}, format="json")
    assert bad.status_code == 400 and "email" in bad.json()["errors"]


def test_users_without_the_admin_role_get_403(api, admin):
    user = make_member(admin.company, role=Role.USER, sections=["dashboard", "invoices", "support", "materials"])
    api.force_authenticate(user.user)
    assert api.get("/api/v1/members").status_code == 403
    assert api.get("/api/v1/invitations").status_code == 403


def test_schema_documents_the_partner_api_only(client):
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/members" in schema and "/api/v1/me" in schema
    assert "/admin/" not in schema and "/api/cms/" not in schema
    assert client.get("/api/v1/docs/").status_code == 200
